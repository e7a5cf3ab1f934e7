/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-spinglass.h>

#include "lv-test-util.h"

/*
 * The spin-glass figure builder on hand-made runs whose energies are known. Theory values are
 * recomputed here from docs/THEORY.md §1.2 with the logarithmic form of I_1 and bisection (the core
 * uses the asinh form and GSL root finding), and the histogram is checked on pixels: the band
 * is shaded exactly over [−E₀, −E∞], the bars sit exactly at the energies given (nothing is
 * moved into the band), and the honesty caption is drawn.
 */

#define W 1200
#define H 700

static double
ref_e_inf (guint p)
{
  return 2.0 * sqrt ((p - 1.0) / p);
}

/* Θ_{k,p}(u) below −E∞, with the logarithmic closed form of I_1 (docs/THEORY.md §1.2). */
static double
ref_theta (double u, guint p, guint k)
{
  double e = ref_e_inf (p), r = sqrt (u * u - e * e);
  double i1 = -(u / (e * e)) * r - log (-u + r) + log (e);

  return 0.5 * log (p - 1.0) - (p - 2.0) / (4.0 * (p - 1.0)) * u * u - (k + 1) * i1;
}

/* E_k by bisection of Θ_k on [−3, −E∞] (Θ_k is increasing there). */
static double
ref_edge (guint p, guint k)
{
  double lo = -3.0, hi = -ref_e_inf (p);

  for (int it = 0; it < 200; it++)
    {
      double mid = 0.5 * (lo + hi);

      if (ref_theta (mid, p, k) < 0)
        lo = mid;
      else
        hi = mid;
    }
  return -0.5 * (lo + hi);
}

/* Two sizes given in reverse order; Λ = 50 has ten runs exactly at −1.55. */
static const double e25[] = { -1.60, -1.52, -1.48, -1.45, -1.47 };
static double e50[12];
static const int idx50[12] = { 0 };

static LvPlotSpinGlass *
make_figure (guint n_bins)
{
  LvPlotSpinGlass *fig = lv_plot_spin_glass_new ();
  LvPlotSpinGlassOptions options;
  LvPlotSpinGlassSize sizes[2];

  for (guint i = 0; i < 10; i++)
    e50[i] = -1.55;
  e50[10] = -1.58;
  e50[11] = -1.51;
  sizes[0] = (LvPlotSpinGlassSize) { .lambda = 50, .n_runs = 20, .n_done = 12, .energy = e50,
                                     .index = idx50 };
  sizes[1] = (LvPlotSpinGlassSize) { .lambda = 25, .n_runs = 5, .n_done = 5, .energy = e25 };
  lv_plot_spin_glass_get_options (fig, &options);
  options.n_bins = n_bins;
  lv_plot_spin_glass_set_options (fig, &options);
  lv_plot_spin_glass_update (fig, sizes, 2);
  return fig;
}

static void
test_theory (void)
{
  g_autoptr(LvPlotSpinGlass) fig = lv_plot_spin_glass_new ();
  g_autoptr(GError) error = NULL;

  for (guint p = 3; p <= 5; p++)
    {
      const LvPlotHistogramModel *hist;
      const LvPlotLinesModel *theta;

      g_assert_true (lv_plot_spin_glass_set_p (fig, p, &error));
      g_assert_no_error (error);
      hist = lv_plot_spin_glass_get_histogram (fig);
      theta = lv_plot_spin_glass_get_complexity (fig);
      g_assert_cmpuint (hist->n_bands, ==, 1);
      g_assert_cmpfloat_with_epsilon (hist->bands[0].lo, -ref_edge (p, 0), 1e-10);
      g_assert_cmpfloat_with_epsilon (hist->bands[0].hi, -ref_e_inf (p), 1e-12);
      /* −E₀ … −E₅ and −E∞, in decreasing depth. */
      g_assert_cmpuint (hist->n_ref_lines, ==, 7);
      for (guint k = 0; k <= 5; k++)
        g_assert_cmpfloat_with_epsilon (hist->ref_lines[k].value, -ref_edge (p, k), 1e-10);
      g_assert_cmpfloat_with_epsilon (hist->ref_lines[6].value, -ref_e_inf (p), 1e-12);
      /* Only −E₀ and −E∞ are labelled on the plot (the p = 3 band is 0.024 wide). */
      g_assert_cmpstr (hist->ref_lines[0].label, ==, "−E₀");
      g_assert_null (hist->ref_lines[1].label);
      g_assert_cmpstr (hist->ref_lines[6].label, ==, "−E∞");

      /* Θ₀ … Θ₅ and the total; each crossing marker sits on a zero of its curve. */
      g_assert_cmpuint (theta->n_curves, ==, 7);
      g_assert_cmpuint (theta->n_points, ==, 6);
      for (guint k = 0; k <= 5; k++)
        {
          g_assert_cmpfloat (fabs (ref_theta (theta->points[k].x, p, k)), <, 1e-9);
          g_assert_cmpfloat (theta->points[k].y, ==, 0.0);
          g_assert_cmpfloat (theta->points[k].x, >, theta->x_min);
          g_assert_cmpfloat (theta->points[k].x, <, theta->x_max);
        }
      /* Curve samples agree with the reference below −E∞ and are flat above it. */
      for (gsize i = 0; i < theta->curves[2].n; i++)
        {
          double u = theta->curves[2].x[i];

          if (u < -ref_e_inf (p) - 1e-9)
            g_assert_cmpfloat_with_epsilon (theta->curves[2].y[i], ref_theta (u, p, 2), 1e-10);
          else
            g_assert_cmpfloat_with_epsilon (theta->curves[2].y[i],
                                            0.5 * log (p - 1.0) - (p - 2.0) / p, 1e-12);
        }
    }
  g_assert_false (lv_plot_spin_glass_set_p (fig, 6, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_cmpuint (lv_plot_spin_glass_get_p (fig), ==, 5);
}

static guint32
pixel (cairo_surface_t *surface, int x, int y)
{
  const unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + (gsize) y * stride))[x] & 0xffffff;
}

/* The colour @c composited over @bg, as 0xRRGGBB. */
static guint32
over (LvPlotRgba c, LvPlotRgba bg)
{
  double r = c.r * c.a + bg.r * (1 - c.a), g = c.g * c.a + bg.g * (1 - c.a);
  double b = c.b * c.a + bg.b * (1 - c.a);

  return ((guint32) lround (r * 255) << 16) | ((guint32) lround (g * 255) << 8) |
         (guint32) lround (b * 255);
}

static gboolean
near_color (guint32 a, guint32 b)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (abs ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 3)
      return FALSE;
  return TRUE;
}

static void
test_band_and_bars (void)
{
  g_autoptr(LvPlotSpinGlass) fig = make_figure (20);
  const LvPlotHistogramModel *hist = lv_plot_spin_glass_get_histogram (fig);
  const LvPlotTheme *theme = lv_plot_theme_light ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  double e0 = ref_edge (3, 0), e1 = ref_edge (3, 1), einf = ref_e_inf (3);
  guint32 band = over (theme->band, theme->background);
  guint32 background = over (theme->background, theme->background);
  LvPlotLayout layout;
  LvPlotHistHit hit;
  int y, first = -1, last = -1, x_left, x_right;

  lv_plot_histogram_draw (cr, hist, W, H);
  cairo_surface_flush (surface);
  g_assert_true (lv_plot_histogram_get_layout (hist, W, H, &layout));

  /* Sizes are sorted by Λ: series 0 is Λ = 25. */
  g_assert_cmpuint (hist->n_series, ==, 2);
  g_assert_cmpuint (lv_plot_spin_glass_get_lambda (fig, 0), ==, 25);
  g_assert_cmpuint (lv_plot_spin_glass_get_lambda (fig, 1), ==, 50);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_values (fig), ==, 17);

  /* The band's shade spans exactly [−E₀, −E∞] on a scanline halfway down the plot. */
  y = (int) (layout.area.y + 0.55 * layout.area.height);
  x_left = (int) ceil (lv_plot_layout_x_to_px (&layout, -e0));
  x_right = (int) floor (lv_plot_layout_x_to_px (&layout, -einf));
  g_assert_cmpint (x_right - x_left, >, 20);
  for (int x = (int) layout.area.x; x < (int) (layout.area.x + layout.area.width); x++)
    if (near_color (pixel (surface, x, y), band))
      {
        if (first < 0)
          first = x;
        last = x;
      }
  g_assert_cmpint (abs (first - x_left), <=, 3);
  g_assert_cmpint (abs (last - x_right), <=, 3);
  /* Between −E₀ and −E₁ (no line there): shade. Between −E∞ and the data: background. */
  g_assert_true (near_color (pixel (surface, (int) lv_plot_layout_x_to_px (&layout,
                                                                           -0.5 * (e0 + e1)), y),
                             band));
  g_assert_true (near_color (pixel (surface, (int) lv_plot_layout_x_to_px (&layout, -1.62), y),
                             background));

  /* Ten Λ = 50 runs at exactly −1.55: the bar under that energy counts ten (not rescaled). */
  g_assert_true (lv_plot_histogram_hit_test (hist, W, H, lv_plot_layout_x_to_px (&layout, -1.55),
                                             lv_plot_layout_y_to_px (&layout, 0.3), &hit));
  g_assert_cmpuint (hit.series, ==, 1);
  g_assert_cmpuint (hit.count, ==, 10);
  g_assert_cmpfloat (hit.bin_lo, <=, -1.55);
  g_assert_cmpfloat (hit.bin_hi, >, -1.55);
  /* The lone Λ = 25 run at −1.60 is in its own row, where it was. */
  g_assert_true (lv_plot_histogram_hit_test (hist, W, H,
                                             lv_plot_layout_x_to_px (&layout, -1.6 + 1e-6),
                                             lv_plot_layout_y_to_px (&layout, 1.3), &hit));
  g_assert_cmpuint (hit.series, ==, 0);
  g_assert_cmpuint (hit.count, ==, 1);
  g_assert_cmpfloat (hit.bin_lo, <=, -1.6);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_caption (void)
{
  g_autoptr(LvPlotSpinGlass) fig = make_figure (0);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) all = g_string_new (NULL);

  lv_plot_text_record_begin (cr);
  lv_plot_grid_draw (cr, lv_plot_spin_glass_get_figure (fig), W, H);
  items = lv_plot_text_record_end (cr);
  for (guint i = 0; i < items->len; i++)
    {
      const LvPlotTextItem *item = g_ptr_array_index (items, i);

      g_string_append (all, item->text);
      g_string_append_c (all, '\n');
    }
  /* What is asymptotic, and that nothing is rescaled. */
  g_assert_nonnull (strstr (all->str, "N → ∞"));
  g_assert_nonnull (strstr (all->str, "never rescaled"));
  g_assert_nonnull (strstr (all->str, "above −E∞"));
  /* The E_k values are listed (E₀ to four decimals), the per-size spread is reported. */
  {
    g_autofree char *e0 = g_strdup_printf ("E₀ = %.4f", ref_edge (3, 0));

    g_assert_nonnull (strstr (all->str, e0));
  }
  g_assert_nonnull (strstr (all->str, "Λ = 50: 12/20 runs"));
  g_assert_nonnull (strstr (all->str, "−E₀"));
  g_assert_nonnull (strstr (all->str, "Θ₀"));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_csv_and_export (void)
{
  g_autoptr(LvPlotSpinGlass) fig = make_figure (0);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "sg.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "sg.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lv_plot_spin_glass_export (fig, png, 1400, 700, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "p,lambda,run,energy,index");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 17 + 1);
  /* Λ = 25 first (sorted), runs 0… in order, index empty when not known. */
  g_assert_cmpstr (lines[1], ==, "3,25,0,-1.6000000000000001,");
  g_assert_cmpstr (lines[6], ==, "3,50,0,-1.55,0");
  for (guint i = 1; i <= 5; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);

      g_assert_cmpfloat (g_ascii_strtod (f[3], NULL), ==, e25[i - 1]);
    }
}

static void
test_empty_and_p2 (void)
{
  g_autoptr(LvPlotSpinGlass) fig = lv_plot_spin_glass_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (surface);

  g_assert_cmpuint (lv_plot_spin_glass_get_n_sizes (fig), ==, 0);
  lv_plot_grid_draw (cr, lv_plot_spin_glass_get_figure (fig), 400, 300);
  /* p = 2: every E_k equals E∞ = √2; the panel still has a non-empty window. */
  g_assert_true (lv_plot_spin_glass_set_p (fig, 2, NULL));
  g_assert_cmpfloat_with_epsilon (lv_plot_spin_glass_get_histogram (fig)->bands[0].hi,
                                  -sqrt (2.0), 1e-12);
  g_assert_cmpfloat (lv_plot_spin_glass_get_complexity (fig)->x_max, >,
                     lv_plot_spin_glass_get_complexity (fig)->x_min);
  lv_plot_grid_draw (cr, lv_plot_spin_glass_get_figure (fig), 400, 300);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* `spinglass simulate --plot` draws the same figure and writes its CSV. */
static void
test_cli_plot (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *svg = g_build_filename (dir, "sim.svg", NULL);
  g_autofree char *csv = g_build_filename (dir, "sim.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(LvCliResult) r = { 0 };

  lv_test_run_cli (&r, "spinglass", "simulate", "--p", "3", "--lambda", "12,16", "--runs", "6",
                   "--plot", svg, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "p,lambda,run,energy,index\n3,12,0,"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/plot-spinglass/theory", test_theory);
  g_test_add_func ("/lossviz/plot-spinglass/band-and-bars", test_band_and_bars);
  g_test_add_func ("/lossviz/plot-spinglass/caption", test_caption);
  g_test_add_func ("/lossviz/plot-spinglass/csv-and-export", test_csv_and_export);
  g_test_add_func ("/lossviz/plot-spinglass/empty-and-p2", test_empty_and_p2);
  g_test_add_func ("/lossviz/plot-spinglass/cli-plot", test_cli_plot);
  return g_test_run ();
}
