/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot.h>

/* Renderer tests: draw into image surfaces and check what a person would see. */

typedef struct
{
  double r, g, b;
} Px;

static cairo_surface_t *
render (LvPlotDrawFunc draw,
        gconstpointer  model,
        int            width,
        int            height,
        GPtrArray    **texts)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  if (texts != NULL)
    lv_plot_text_record_begin (cr);
  draw (cr, model, width, height);
  if (texts != NULL)
    *texts = lv_plot_text_record_end (cr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (g_getenv ("LV_TEST_PLOT_DUMP") != NULL)
    {
      static int counter;
      g_autofree char *path = g_strdup_printf ("%s/plot-%02d.png", g_getenv ("LV_TEST_PLOT_DUMP"),
                                               counter++);

      cairo_surface_write_to_png (surface, path);
    }
  return surface;
}

static Px
pixel (cairo_surface_t *surface,
       double           x,
       double           y)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 v;

  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (iy, <, cairo_image_surface_get_height (surface));
  v = *(const guint32 *) (data + iy * cairo_image_surface_get_stride (surface) + 4 * ix);
  return (Px) { ((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0 };
}

static double
px_dist (Px a,
         Px b)
{
  return MAX (fabs (a.r - b.r), MAX (fabs (a.g - b.g), fabs (a.b - b.b)));
}

static Px
hex (guint32 c)
{
  return (Px) { ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0 };
}

/* Colour of a translucent fill of @c with opacity @a over white: what overlaid bars look like. */
static Px
over_white (Px     c,
            double a)
{
  return (Px) { a * c.r + (1 - a), a * c.g + (1 - a), a * c.b + (1 - a) };
}

static const LvPlotTextItem *
find_text (GPtrArray  *texts,
           const char *needle)
{
  for (guint i = 0; i < texts->len; i++)
    {
      const LvPlotTextItem *item = g_ptr_array_index (texts, i);

      if (strstr (item->text, needle) != NULL)
        return item;
    }
  return NULL;
}

static void
test_palette (void)
{
  /* Published anchors: viridis(0) = #440154, viridis(0.5) = #21918c, viridis(1) = #fde725;
   * cividis(0) = #00224e, cividis(1) = #fee838; Okabe–Ito orange #E69F00, sky blue #56B4E9. */
  struct { LvPlotColormap map; double t; guint32 rgb; } cases[] = {
    { LV_PLOT_COLORMAP_VIRIDIS, 0.0, 0x440154 },
    { LV_PLOT_COLORMAP_VIRIDIS, 0.5, 0x21918c },
    { LV_PLOT_COLORMAP_VIRIDIS, 1.0, 0xfde725 },
    { LV_PLOT_COLORMAP_CIVIDIS, 0.0, 0x00224e },
    { LV_PLOT_COLORMAP_CIVIDIS, 1.0, 0xfee838 },
  };
  LvPlotRgba c;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Px want = hex (cases[i].rgb);

      c = lv_plot_colormap_eval (cases[i].map, cases[i].t);
      g_assert_cmpfloat (px_dist ((Px) { c.r, c.g, c.b }, want), <=, 1.5 / 255);
    }
  c = lv_plot_colormap_eval (LV_PLOT_COLORMAP_VIRIDIS, NAN);
  g_assert_cmpfloat (c.a, ==, 0.0);
  c = lv_plot_palette_category (NULL, 0);
  g_assert_cmpfloat (px_dist ((Px) { c.r, c.g, c.b }, hex (0xE69F00)), <, 1e-9);
  c = lv_plot_palette_category (NULL, 1 + lv_plot_palette_size ());
  g_assert_cmpfloat (px_dist ((Px) { c.r, c.g, c.b }, hex (0x56B4E9)), <, 1e-9);
}

static void
test_ticks (void)
{
  double t[32];
  guint n;

  n = lv_plot_ticks (1, 1e4, TRUE, 6, t, 32);
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (t[i] - pow (10, i)), <, 1e-9 * pow (10, i));
  n = lv_plot_ticks (2, 30, TRUE, 6, t, 32);   /* about a decade: 2, 5, 10, 20 */
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (fabs (t[0] - 2), <, 1e-12);
  g_assert_cmpfloat (fabs (t[1] - 5), <, 1e-12);
  g_assert_cmpfloat (fabs (t[3] - 20), <, 1e-12);
  n = lv_plot_ticks (0, 1, FALSE, 5, t, 32);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat (fabs (t[1] - 0.2), <, 1e-12);
  g_assert_cmpuint (lv_plot_ticks (-1, 10, TRUE, 5, t, 32), ==, 0);
  g_assert_cmpuint (lv_plot_ticks (NAN, 1, FALSE, 5, t, 32), ==, 0);
  {
    g_autofree char *a = lv_plot_format_tick (-0.5, 0.1, FALSE);
    g_autofree char *b = lv_plot_format_tick (1e-5, 0, TRUE);
    g_autofree char *c = lv_plot_format_tick (100, 0, TRUE);

    g_assert_cmpstr (a, ==, "−0.5");
    g_assert_cmpstr (b, ==, "10⁻⁵");
    g_assert_cmpstr (c, ==, "100");
  }
}

/* On a log x axis each decade's tick mark sits where log10 puts it, and nowhere in between. */
static void
test_log_axis_pixels (void)
{
  double x[] = { 1, 10, 100, 1000, 10000 }, y[] = { 1, 2, 3, 4, 5 };
  LvPlotCurve curve = { "c", x, y, 5, 0, LV_PLOT_LINE_SOLID, FALSE };
  LvPlotLinesModel m = { .common = { .x_label = "size" }, .curves = &curve, .n_curves = 1,
                         .x_log = TRUE, .x_fixed = TRUE, .x_min = 1, .x_max = 10000 };
  g_autoptr(GPtrArray) texts = NULL;
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_lines_draw, &m, 600, 400, &texts);
  LvPlotLayout l;
  double below;

  g_assert_true (lv_plot_lines_get_layout (&m, 600, 400, &l));
  g_assert_true (l.x_log);
  g_assert_cmpfloat (l.x_min, ==, 1);
  g_assert_cmpfloat (l.x_max, ==, 10000);
  below = l.area.y + l.area.height + 3;   /* inside the outward tick marks */
  for (int e = 0; e <= 4; e++)
    {
      double want = l.area.x + e / 4.0 * l.area.width;   /* log10 (10^e) / log10 (10^4) */
      double mid = l.area.x + (e + 0.5) / 4.0 * l.area.width;

      g_assert_cmpfloat (fabs (lv_plot_layout_x_to_px (&l, pow (10, e)) - want), <, 1e-9);
      g_assert_cmpfloat (pixel (s, round (want) + 0.5, below).r, <, 0.5);
      if (e < 4)
        g_assert_cmpfloat (pixel (s, mid, below).r, >, 0.9);
    }
  g_assert_nonnull (find_text (texts, "1000"));
  cairo_surface_destroy (s);
}

static void
test_histogram_bars (void)
{
  double a[] = { 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.9, 0.95 };
  double b[] = { 3.1, 3.3, 3.4, 3.6, 3.6, 3.9, NAN, INFINITY };
  LvPlotHistSeries series[] = {
    { "small", a, G_N_ELEMENTS (a), 0, LV_PLOT_COLOR_AUTO },
    { "large", b, G_N_ELEMENTS (b), 2, LV_PLOT_COLOR_AUTO },
  };
  LvPlotHistogramModel m = { .common = { .x_label = "test loss" }, .series = series,
                             .n_series = 2, .n_bins = 8, .x_fixed = TRUE, .x_min = 0,
                             .x_max = 4 };
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_histogram_draw, &m, 640, 400, NULL);
  const LvPlotTheme *theme = lv_plot_theme_light ();
  LvPlotRgba ca = lv_plot_palette_category (theme, 0), cb = lv_plot_palette_category (theme, 1);
  Px want_a = over_white ((Px) { ca.r, ca.g, ca.b }, theme->fill_alpha);
  Px want_b = over_white ((Px) { cb.r, cb.g, cb.b }, theme->fill_alpha);
  LvPlotLayout l;
  double y;

  g_assert_true (lv_plot_histogram_get_layout (&m, 640, 400, &l));
  y = l.area.y + l.area.height - 4;   /* just above the baseline, inside every non-empty bar */
  /* Series "small" fills bins [0, 0.5) and [0.5, 1); "large" fills [3, 3.5) and [3.5, 4). */
  for (double v = 0.05; v < 4.0; v += 0.1)
    {
      Px p = pixel (s, lv_plot_layout_x_to_px (&l, v), y);
      double edge = fmod (v, 0.5);

      if (edge < 0.06 || edge > 0.44)
        continue;   /* skip bin outlines */
      if (v < 1.0)
        g_assert_cmpfloat (px_dist (p, want_a), <, 4.0 / 255);
      else if (v > 3.0)
        g_assert_cmpfloat (px_dist (p, want_b), <, 4.0 / 255);
      else
        {
          g_assert_cmpfloat (px_dist (p, want_a), >, 0.1);
          g_assert_cmpfloat (px_dist (p, want_b), >, 0.1);
        }
    }
  cairo_surface_destroy (s);
}

static void
test_histogram_hit (void)
{
  double a[] = { 0.1, 0.2, 0.3, 0.6, NAN };
  double b[] = { 0.15, 0.7, 0.8, 0.85, 0.9 };
  LvPlotHistSeries series[] = {
    { "a", a, G_N_ELEMENTS (a), 0, LV_PLOT_COLOR_AUTO },
    { "b", b, G_N_ELEMENTS (b), 0, LV_PLOT_COLOR_AUTO },
  };
  LvPlotHistogramModel m = { .series = series, .n_series = 2, .n_bins = 4, .x_fixed = TRUE,
                             .x_min = 0, .x_max = 1 };
  LvPlotHistHit hit;
  LvPlotLayout l;

  g_assert_true (lv_plot_histogram_get_layout (&m, 500, 300, &l));
  /* Bin [0, 0.25): a has 2 (0.1, 0.2), b has 1 (0.15). Low in the bar both overlap: the shorter
   * one (b) is the more specific answer; between heights 1 and 2 only a is there. */
  g_assert_true (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.12),
                                             lv_plot_layout_y_to_px (&l, 0.5), &hit));
  g_assert_cmpuint (hit.series, ==, 1);
  g_assert_cmpuint (hit.count, ==, 1);
  g_assert_true (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.12),
                                             lv_plot_layout_y_to_px (&l, 1.5), &hit));
  g_assert_cmpuint (hit.series, ==, 0);
  g_assert_cmpuint (hit.bin, ==, 0);
  g_assert_cmpuint (hit.count, ==, 2);
  g_assert_cmpfloat (fabs (hit.bin_lo - 0.0), <, 1e-12);
  g_assert_cmpfloat (fabs (hit.bin_hi - 0.25), <, 1e-12);
  /* Bin [0.75, 1): b has 3 (0.8, 0.85, 0.9). */
  g_assert_true (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.9),
                                             lv_plot_layout_y_to_px (&l, 2.5), &hit));
  g_assert_cmpuint (hit.series, ==, 1);
  g_assert_cmpuint (hit.bin, ==, 3);
  g_assert_cmpuint (hit.count, ==, 3);
  /* Above every bar, and outside the plot: nothing. */
  g_assert_false (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.12),
                                              lv_plot_layout_y_to_px (&l, 2.5), &hit));
  g_assert_false (lv_plot_histogram_hit_test (&m, 500, 300, 1, 1, &hit));

  /* Small multiples: rows top-down in series order; series a's row has baseline y = 1. */
  m.mode = LV_PLOT_HIST_SMALL_MULTIPLES;
  g_assert_true (lv_plot_histogram_get_layout (&m, 500, 300, &l));
  g_assert_true (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.6),
                                             lv_plot_layout_y_to_px (&l, 1.1), &hit));
  g_assert_cmpuint (hit.series, ==, 0);
  g_assert_cmpuint (hit.bin, ==, 2);
  g_assert_cmpuint (hit.count, ==, 1);
  g_assert_true (lv_plot_histogram_hit_test (&m, 500, 300, lv_plot_layout_x_to_px (&l, 0.6),
                                             lv_plot_layout_y_to_px (&l, 0.5), &hit));
  g_assert_cmpuint (hit.series, ==, 1);
  g_assert_cmpuint (hit.count, ==, 1);
}

/* The legend is drawn (recorded text, right of the plot, with ink under it) and says how many
 * runs diverged; reference-line labels with Greek/subscripts are drawn too. */
static void
test_legend_text (void)
{
  double a[] = { 1, 2, 2, 3 }, b[] = { 2, 3, 3, 4 };
  LvPlotHistSeries series[] = {
    { "n = 10", a, 4, 3, LV_PLOT_COLOR_AUTO },
    { "n = 500", b, 4, 0, LV_PLOT_COLOR_AUTO },
  };
  LvPlotRefLine ref = { 2.5, "−E₀", LV_PLOT_LINE_DASHED, LV_PLOT_COLOR_AUTO };
  LvPlotHistogramModel m = { .common = { .title = "Θ and λ", .x_label = "E/Λ" },
                             .series = series, .n_series = 2, .ref_lines = &ref,
                             .n_ref_lines = 1 };
  g_autoptr(GPtrArray) texts = NULL;
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_histogram_draw, &m, 640, 400, &texts);
  const LvPlotTextItem *item;
  LvPlotLayout l;
  guint ink = 0;

  g_assert_true (lv_plot_histogram_get_layout (&m, 640, 400, &l));
  item = find_text (texts, "n = 10  (3 diverged)");
  g_assert_nonnull (item);
  g_assert_cmpfloat (item->extents.x, >, l.area.x + l.area.width);
  g_assert_cmpfloat (item->extents.x + item->extents.width, <=, 640);
  for (double y = item->extents.y; y < item->extents.y + item->extents.height; y += 1)
    for (double x = item->extents.x; x < item->extents.x + item->extents.width; x += 1)
      ink += pixel (s, x, y).r < 0.5;
  g_assert_cmpuint (ink, >, 20);
  g_assert_nonnull (find_text (texts, "n = 500"));
  g_assert_null (find_text (texts, "n = 500  ("));
  g_assert_nonnull (find_text (texts, "−E₀"));
  g_assert_nonnull (find_text (texts, "Θ and λ"));
  g_assert_nonnull (find_text (texts, "count"));
  cairo_surface_destroy (s);
}

static void
test_dark_theme (void)
{
  double a[] = { 1, 2, 2, 3 };
  LvPlotHistSeries series = { "a", a, 4, 0, LV_PLOT_COLOR_AUTO };
  LvPlotHistogramModel m = { .common = { .theme = lv_plot_theme_dark () }, .series = &series,
                             .n_series = 1 };
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_histogram_draw, &m, 300, 200, NULL);
  Px p = pixel (s, 2, 2);

  g_assert_cmpfloat (0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b, <, 0.2);
  cairo_surface_destroy (s);
  m.common.theme = NULL;
  s = render ((LvPlotDrawFunc) lv_plot_histogram_draw, &m, 300, 200, NULL);
  p = pixel (s, 2, 2);
  g_assert_cmpfloat (0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b, >, 0.9);
  cairo_surface_destroy (s);
}

/* Cells take the viridis colour of their value: values 0, 0.5 and 1 (the range ends and the
 * middle) must show the published #440154, #21918c and #fde725. */
static void
test_heatmap_colors (void)
{
  double v[4 * 3] = {
    0.0, 0.2, 0.2, 0.2,
    0.2, 0.5, 0.2, NAN,
    0.2, 0.2, 0.2, 1.0,
  };
  LvPlotHeatmapModel m = { .values = v, .nx = 4, .ny = 3, .x_min = 0, .x_max = 3, .y_min = 0,
                           .y_max = 2, .colormap = LV_PLOT_COLORMAP_VIRIDIS,
                           .common = { .x_label = "α", .y_label = "β" } };
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_heatmap_draw, &m, 500, 400, NULL);
  LvPlotLayout l;
  Px bg = { 1, 1, 1 };

  g_assert_true (lv_plot_heatmap_get_layout (&m, 500, 400, &l));
  g_assert_cmpfloat (px_dist (pixel (s, lv_plot_layout_x_to_px (&l, 0), lv_plot_layout_y_to_px (&l, 0)),
                              hex (0x440154)), <=, 2.0 / 255);
  g_assert_cmpfloat (px_dist (pixel (s, lv_plot_layout_x_to_px (&l, 1), lv_plot_layout_y_to_px (&l, 1)),
                              hex (0x21918c)), <=, 2.0 / 255);
  g_assert_cmpfloat (px_dist (pixel (s, lv_plot_layout_x_to_px (&l, 3), lv_plot_layout_y_to_px (&l, 2)),
                              hex (0xfde725)), <=, 2.0 / 255);
  /* The NaN cell is empty: background shows. */
  g_assert_cmpfloat (px_dist (pixel (s, lv_plot_layout_x_to_px (&l, 3), lv_plot_layout_y_to_px (&l, 1)),
                              bg), <=, 2.0 / 255);
  cairo_surface_destroy (s);
}

/* The contour of r² at level R² is the circle of radius R. */
static void
test_contour_radial (void)
{
  enum { G = 61 };
  double v[G * G], R = 0.5, h = 2.0 / (G - 1);
  g_autoptr(GArray) segs = NULL;
  guint quadrants[4] = { 0 };

  for (guint j = 0; j < G; j++)
    for (guint i = 0; i < G; i++)
      {
        double x = -1 + i * h, y = -1 + j * h;

        v[j * G + i] = x * x + y * y;
      }
  segs = lv_plot_contour_segments (v, G, G, -1, 1, -1, 1, R * R);
  g_assert_cmpuint (segs->len % 4, ==, 0);
  /* Circumference / cell size ≈ 2π·0.5 / h ≈ 94 cell crossings at least. */
  g_assert_cmpuint (segs->len / 4, >, 80);
  for (guint k = 0; k < segs->len; k += 2)
    {
      double x = g_array_index (segs, double, k), y = g_array_index (segs, double, k + 1);

      /* Linear interpolation of r² along an edge errs by at most h²/(8R) in radius. */
      g_assert_cmpfloat (fabs (hypot (x, y) - R), <, h * h / (8 * R) + 1e-12);
      quadrants[(x >= 0) + 2 * (y >= 0)]++;
    }
  for (guint q = 0; q < 4; q++)
    g_assert_cmpuint (quadrants[q], >, 20);
  g_array_unref (segs);
  segs = lv_plot_contour_segments (v, G, G, -1, 1, -1, 1, 5.0);   /* above the maximum */
  g_assert_cmpuint (segs->len, ==, 0);
}

static void
test_scatter_hit_pearson (void)
{
  double x0[] = { 1, 2, 3, 4 }, y0[] = { 2, 1, 4, 3 };
  double x1[] = { 0.5, 1.5, 2.5, NAN }, y1[] = { 2, 3, 4, 5 };
  LvPlotScatterSeries series[] = {
    { "a", x0, y0, 4, LV_PLOT_COLOR_AUTO },
    { "b", x1, y1, 4, LV_PLOT_COLOR_AUTO },
  };
  LvPlotScatterModel m = { .series = series, .n_series = 2, .show_pearson = TRUE };
  g_autoptr(GPtrArray) texts = NULL;
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_scatter_draw, &m, 500, 400, &texts);
  LvPlotScatterHit hit;
  LvPlotLayout l;

  /* By hand: deviations (−1.5, −0.5, 0.5, 1.5) and (−0.5, −1.5, 1.5, 0.5): r = 3/5. */
  g_assert_cmpfloat (fabs (lv_plot_pearson (x0, y0, 4) - 0.6), <, 1e-12);
  g_assert_cmpfloat (fabs (lv_plot_pearson (x1, y1, 4) - 1.0), <, 1e-12);
  g_assert_true (isnan (lv_plot_pearson (x0, x0, 1)));
  g_assert_nonnull (find_text (texts, "a  r = 0.60"));
  g_assert_nonnull (find_text (texts, "b  r = 1.00"));
  g_assert_true (lv_plot_scatter_get_layout (&m, 500, 400, &l));
  g_assert_true (lv_plot_scatter_hit_test (&m, 500, 400, lv_plot_layout_x_to_px (&l, 2.5) + 1,
                                           lv_plot_layout_y_to_px (&l, 4) - 1, &hit));
  g_assert_cmpuint (hit.series, ==, 1);
  g_assert_cmpuint (hit.index, ==, 2);
  g_assert_true (lv_plot_scatter_hit_test (&m, 500, 400, lv_plot_layout_x_to_px (&l, 3),
                                           lv_plot_layout_y_to_px (&l, 4), &hit));
  g_assert_cmpuint (hit.series, ==, 0);
  g_assert_cmpuint (hit.index, ==, 2);
  g_assert_false (lv_plot_scatter_hit_test (&m, 500, 400, lv_plot_layout_x_to_px (&l, 3.5),
                                            lv_plot_layout_y_to_px (&l, 1.5), &hit));
  cairo_surface_destroy (s);
}

/* Empty or all-non-finite models of every figure draw the readable "No data yet" state. */
static void
test_empty_and_nonfinite (void)
{
  double bad[] = { NAN, INFINITY, -INFINITY };
  LvPlotHistSeries hs = { "x", bad, 3, 1, LV_PLOT_COLOR_AUTO };
  LvPlotHistogramModel hm = { .series = &hs, .n_series = 1 };
  LvPlotScatterSeries ss = { "x", bad, bad, 3, LV_PLOT_COLOR_AUTO };
  LvPlotScatterModel sm = { .series = &ss, .n_series = 1 };
  LvPlotCurve cu = { "x", bad, bad, 3, 0, LV_PLOT_LINE_SOLID, TRUE };
  LvPlotLinesModel lm = { .curves = &cu, .n_curves = 1 };
  double grid[4] = { NAN, NAN, NAN, NAN };
  LvPlotHeatmapModel mm = { .values = grid, .nx = 2, .ny = 2, .x_min = 0, .x_max = 1,
                            .y_min = 0, .y_max = 1, .n_contours = 3 };
  LvPlotSummaryRow row = { "2", 2, NAN, NAN, 0, LV_PLOT_COLOR_AUTO };
  LvPlotSummaryModel um = { .rows = &row, .n_rows = 1 };
  LvPlotBarSeries bs = { "x", bad, 3, LV_PLOT_COLOR_AUTO };
  LvPlotBarsModel bm = { .series = &bs, .n_series = 1 };
  LvPlotGridModel gm = { .title = "t" };
  struct { LvPlotDrawFunc draw; gconstpointer model; } figs[] = {
    { (LvPlotDrawFunc) lv_plot_histogram_draw, &hm },
    { (LvPlotDrawFunc) lv_plot_scatter_draw, &sm },
    { (LvPlotDrawFunc) lv_plot_lines_draw, &lm },
    { (LvPlotDrawFunc) lv_plot_heatmap_draw, &mm },
    { (LvPlotDrawFunc) lv_plot_summary_draw, &um },
    { (LvPlotDrawFunc) lv_plot_bars_draw, &bm },
    { (LvPlotDrawFunc) lv_plot_grid_draw, &gm },
  };
  LvPlotHistHit hit;

  for (guint i = 0; i < G_N_ELEMENTS (figs); i++)
    {
      g_autoptr(GPtrArray) texts = NULL;
      cairo_surface_t *s = render (figs[i].draw, figs[i].model, 400, 300, &texts);

      g_assert_nonnull (find_text (texts, "No data yet"));
      cairo_surface_destroy (s);
    }
  g_assert_false (lv_plot_histogram_hit_test (&hm, 400, 300, 200, 150, &hit));

  /* Mixed finite and non-finite values: the finite ones are drawn, nothing else. */
  {
    double x[] = { 1, 2, NAN, 4, 5 }, y[] = { 1, INFINITY, 3, 4, 5 };
    LvPlotCurve c2 = { "mixed", x, y, 5, 0, LV_PLOT_LINE_SOLID, TRUE };
    LvPlotLinesModel m2 = { .curves = &c2, .n_curves = 1 };
    g_autoptr(GPtrArray) texts = NULL;
    cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_lines_draw, &m2, 400, 300, &texts);
    LvPlotLayout l;

    g_assert_null (find_text (texts, "No data yet"));
    g_assert_true (lv_plot_lines_get_layout (&m2, 400, 300, &l));
    g_assert_cmpfloat (l.x_min, <, 1);
    g_assert_cmpfloat (l.x_max, >, 5);
    g_assert_cmpfloat (l.x_max, <, 6);
    cairo_surface_destroy (s);
  }
}

static void
test_grid_panels (void)
{
  double a[] = { 1, 2, 3 };
  LvPlotHistSeries hs = { "nn", a, 3, 0, LV_PLOT_COLOR_AUTO };
  LvPlotHistogramModel left = { .common = { .title = "networks" }, .series = &hs, .n_series = 1 };
  LvPlotHistogramModel right = { .common = { .title = "spin glass" }, .series = &hs,
                                 .n_series = 1 };
  LvPlotPanel panels[] = { { (LvPlotDrawFunc) lv_plot_histogram_draw, &left },
                           { (LvPlotDrawFunc) lv_plot_histogram_draw, &right } };
  LvPlotGridModel gm = { .title = "Side by side", .panels = panels, .n_panels = 2 };
  g_autoptr(GPtrArray) texts = NULL;
  cairo_surface_t *s = render ((LvPlotDrawFunc) lv_plot_grid_draw, &gm, 800, 300, &texts);
  const LvPlotTextItem *l = find_text (texts, "networks"), *r = find_text (texts, "spin glass");
  LvPlotRect rect;
  guint panel;

  g_assert_nonnull (l);
  g_assert_nonnull (r);
  g_assert_cmpfloat (l->extents.x + l->extents.width, <, 400);
  g_assert_cmpfloat (r->extents.x, >, 400);
  g_assert_true (lv_plot_grid_panel_at (&gm, 800, 300, 600, 150, &panel, &rect));
  g_assert_cmpuint (panel, ==, 1);
  g_assert_cmpfloat (rect.x, ==, 400);
  g_assert_false (lv_plot_grid_panel_at (&gm, 800, 300, 400, 5, &panel, &rect));
  cairo_surface_destroy (s);
}

/* The sequential category palettes: category 0 is the map's first colour (viridis #440154,
 * published), category 5 the map at 0.9, category 6 wraps to category 0; Okabe–Ito stays the
 * default of a zero-initialised theme. */
static void
test_category_palettes (void)
{
  LvPlotTheme theme = *lv_plot_theme_light ();
  LvPlotRgba c0, c5, c6, ref;

  g_assert_cmpint (theme.palette, ==, LV_PLOT_PALETTE_OKABE_ITO);
  c0 = lv_plot_palette_category (&theme, 0);
  g_assert_cmpfloat_with_epsilon (c0.r, 0xE6 / 255.0, 1e-9); /* Okabe–Ito orange #E69F00 */
  theme.palette = LV_PLOT_PALETTE_VIRIDIS;
  c0 = lv_plot_palette_category (&theme, 0);
  g_assert_cmpfloat_with_epsilon (c0.r, 0x44 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (c0.g, 0x01 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (c0.b, 0x54 / 255.0, 1e-9);
  c5 = lv_plot_palette_category (&theme, 5);
  ref = lv_plot_colormap_eval (LV_PLOT_COLORMAP_VIRIDIS, 0.9);
  g_assert_cmpfloat_with_epsilon (c5.g, ref.g, 1e-9);
  c6 = lv_plot_palette_category (&theme, 6);
  g_assert_cmpfloat_with_epsilon (c6.r, c0.r, 1e-9);
  theme.palette = LV_PLOT_PALETTE_CIVIDIS;
  ref = lv_plot_colormap_eval (LV_PLOT_COLORMAP_CIVIDIS, 0.0);
  c0 = lv_plot_palette_category (&theme, 0);
  g_assert_cmpfloat_with_epsilon (c0.b, ref.b, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/plot/palette", test_palette);
  g_test_add_func ("/lossviz/plot/category-palettes", test_category_palettes);
  g_test_add_func ("/lossviz/plot/ticks", test_ticks);
  g_test_add_func ("/lossviz/plot/log-axis-pixels", test_log_axis_pixels);
  g_test_add_func ("/lossviz/plot/histogram-bars", test_histogram_bars);
  g_test_add_func ("/lossviz/plot/histogram-hit", test_histogram_hit);
  g_test_add_func ("/lossviz/plot/legend-text", test_legend_text);
  g_test_add_func ("/lossviz/plot/dark-theme", test_dark_theme);
  g_test_add_func ("/lossviz/plot/heatmap-colors", test_heatmap_colors);
  g_test_add_func ("/lossviz/plot/contour-radial", test_contour_radial);
  g_test_add_func ("/lossviz/plot/scatter-hit-pearson", test_scatter_hit_pearson);
  g_test_add_func ("/lossviz/plot/empty-nonfinite", test_empty_and_nonfinite);
  g_test_add_func ("/lossviz/plot/grid-panels", test_grid_panels);
  return g_test_run ();
}
