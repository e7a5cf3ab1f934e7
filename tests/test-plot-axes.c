/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Axis ticks a person can read (issue 15 item 5): distinct labels on narrow ranges, whole
 * numbers on integer axes, category colours spread over the ordered palettes. */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot.h>
#include <lossviz/lv-plot-ensemble.h>

/* Tick labels a figure drew: those under the plot area (x) and those left of it (y). */
static void
tick_labels (GPtrArray *texts, const LvPlotLayout *l, GPtrArray *x, GPtrArray *y)
{
  for (guint i = 0; i < texts->len; i++)
    {
      const LvPlotTextItem *t = g_ptr_array_index (texts, i);
      double cx = t->extents.x + t->extents.width / 2, cy = t->extents.y + t->extents.height / 2;

      if (cy > l->area.y + l->area.height && cy < l->area.y + l->area.height + 2 * t->font_size &&
          cx >= l->area.x - 1 && cx <= l->area.x + l->area.width + 1)
        g_ptr_array_add (x, t->text);
      else if (t->extents.x + t->extents.width <= l->area.x + 1 && cy >= l->area.y - 1 &&
               cy <= l->area.y + l->area.height + 1 && t->extents.width < 6 * t->font_size)
        g_ptr_array_add (y, t->text);
    }
}

static GPtrArray *
draw_scatter (const LvPlotScatterModel *m, LvPlotLayout *l)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 420, 300);
  cairo_t *cr = cairo_create (surface);
  GPtrArray *texts;

  lv_plot_text_record_begin (cr);
  lv_plot_scatter_draw (cr, m, 420, 300);
  texts = lv_plot_text_record_end (cr);
  g_assert_true (lv_plot_scatter_get_layout (m, 420, 300, l));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return texts;
}

static void
assert_distinct (GPtrArray *labels)
{
  g_assert_cmpuint (labels->len, >=, 2);
  for (guint i = 0; i < labels->len; i++)
    for (guint k = i + 1; k < labels->len; k++)
      g_assert_cmpstr (g_ptr_array_index (labels, i), !=, g_ptr_array_index (labels, k));
}

/* Parses a tick label ("−" is U+2212) to a number. */
static double
label_value (const char *label)
{
  g_autoptr(GString) s = g_string_new (label);

  g_string_replace (s, "−", "-", 0);
  return g_ascii_strtod (s->str, NULL);
}

/* The Landscape "Index vs loss" case: losses 0.2013 … 0.2061 on a log axis (labels were all
 * "0.2"), indices 0 … 13 (a 12.5 tick appeared). */
static void
test_narrow_log_and_integer (void)
{
  double x[] = { 0.2013, 0.2030, 0.2047, 0.2061 }, y[] = { 0, 5, 13, 9 };
  LvPlotScatterSeries series[] = { { "n = 25", x, y, 4, 0 } };
  LvPlotScatterModel m = { .series = series, .n_series = 1, .x_log = TRUE, .y_integer = TRUE };
  g_autoptr(GPtrArray) xs = g_ptr_array_new (), ys = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = NULL;
  LvPlotLayout l;

  texts = draw_scatter (&m, &l);
  tick_labels (texts, &l, xs, ys);
  assert_distinct (xs);
  for (guint i = 0; i < xs->len; i++)
    {
      double v = label_value (g_ptr_array_index (xs, i));
      g_assert_cmpfloat (v, >=, l.x_min);
      g_assert_cmpfloat (v, <=, l.x_max);
    }
  assert_distinct (ys);
  for (guint i = 0; i < ys->len; i++)
    {
      const char *label = g_ptr_array_index (ys, i);
      g_assert_null (strchr (label, '.'));
      g_assert_cmpfloat (label_value (label), ==, round (label_value (label)));
    }
}

/* Linear axes over ranges narrow relative to their values: every label differs. */
static void
test_narrow_linear (void)
{
  static const double centres[] = { 0.2, 1.0, 3.7, 150, 1e4 };
  static const double widths[] = { 1e-2, 3e-4, 1e-6, 7e-9 };

  for (guint c = 0; c < G_N_ELEMENTS (centres); c++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      for (guint log = 0; log < 2; log++)
        {
          double x[] = { centres[c], centres[c] * (1 + widths[w]) }, y[] = { 1, 2 };
          LvPlotScatterSeries series[] = { { "a", x, y, 2, 0 } };
          LvPlotScatterModel m = { .series = series, .n_series = 1, .x_log = log };
          g_autoptr(GPtrArray) xs = g_ptr_array_new (), ys = g_ptr_array_new ();
          g_autoptr(GPtrArray) texts = NULL;
          LvPlotLayout l;

          texts = draw_scatter (&m, &l);
          tick_labels (texts, &l, xs, ys);
          assert_distinct (xs);
          assert_distinct (ys);
        }
}

/* A count axis early in training (at most 2 runs per bin): whole numbers only. */
static void
test_histogram_counts_integer (void)
{
  double v[] = { 0.1, 0.2, 0.21, 0.5 };
  LvPlotHistSeries series[] = { { "n = 5", v, 4, 0, 0 } };
  LvPlotHistogramModel m = { .series = series, .n_series = 1, .n_bins = 4 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 360);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) xs = g_ptr_array_new (), ys = g_ptr_array_new ();
  LvPlotLayout l;

  lv_plot_text_record_begin (cr);
  lv_plot_histogram_draw (cr, &m, 500, 360);
  texts = lv_plot_text_record_end (cr);
  g_assert_true (lv_plot_histogram_get_layout (&m, 500, 360, &l));
  tick_labels (texts, &l, xs, ys);
  g_assert_cmpuint (ys->len, >=, 2);
  for (guint i = 0; i < ys->len; i++)
    g_assert_null (strchr (g_ptr_array_index (ys, i), '.'));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A long y title on a short panel ("index (negative eigenvalues, Lanczos)" in the Landscape
 * page) stays inside the panel instead of running off its top and bottom. */
static void
test_long_axis_titles_fit (void)
{
  double x[] = { 0.1, 0.2 }, y[] = { 1, 4 };
  LvPlotScatterSeries series[] = { { "a", x, y, 2, 0 } };
  LvPlotScatterModel m = {
    .common = { .title = "Index vs loss",
                .x_label = "test loss of the trained network at the end of training (log scale)",
                .y_label = "index (negative eigenvalues, Lanczos)" },
    .series = series, .n_series = 1, .y_integer = TRUE };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 170);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) texts = NULL;
  guint found = 0;

  lv_plot_text_record_begin (cr);
  lv_plot_scatter_draw (cr, &m, 300, 170);
  texts = lv_plot_text_record_end (cr);
  for (guint i = 0; i < texts->len; i++)
    {
      const LvPlotTextItem *t = g_ptr_array_index (texts, i);

      if (g_str_equal (t->text, m.common.y_label) || g_str_equal (t->text, m.common.x_label))
        {
          found++;
          g_assert_cmpfloat (t->extents.y, >=, 0);
          g_assert_cmpfloat (t->extents.y + t->extents.height, <=, 170);
          g_assert_cmpfloat (t->extents.x, >=, 0);
          g_assert_cmpfloat (t->extents.x + t->extents.width, <=, 300);
        }
    }
  g_assert_cmpuint (found, ==, 2);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static double
rgb_distance (LvPlotRgba a, LvPlotRgba b)
{
  return sqrt ((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b));
}

/* Viridis with the figure's category count: sizes 5 and 10 (the first two of two, or of four)
 * are far apart, the first and the last span the map (0 and 0.9). */
static void
test_viridis_spread (void)
{
  LvPlotTheme theme = *lv_plot_theme_light ();
  LvPlotRgba dark_end = lv_plot_colormap_eval (LV_PLOT_COLORMAP_VIRIDIS, 0.0);
  LvPlotRgba bright_end = lv_plot_colormap_eval (LV_PLOT_COLORMAP_VIRIDIS, 0.9);
  LvPlotRgba third = lv_plot_colormap_eval (LV_PLOT_COLORMAP_VIRIDIS, 0.3);

  theme.palette = LV_PLOT_PALETTE_VIRIDIS;
  theme.n_categories = 2;
  g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (&theme, 0), dark_end), <, 1e-9);
  g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (&theme, 1), bright_end), <, 1e-9);
  theme.n_categories = 4;
  g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (&theme, 1), third), <, 1e-9);
  g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (&theme, 3), bright_end), <, 1e-9);
  /* Neighbours of four are clearly apart (≥ 0.25 in RGB; 0 and 0.18 of the six stops were
   * two dark purples 0.16 apart). */
  for (guint i = 0; i + 1 < 4; i++)
    g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (&theme, i),
                                     lv_plot_palette_category (&theme, i + 1)), >, 0.25);
}

/* The loss figures tell the palette how many sizes they colour. */
static void
test_ensemble_colours_spread (void)
{
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  LvPlotTheme theme = *lv_plot_theme_light ();
  LvPlotEnsembleOptions options;
  LvEnsembleSnapshot snap = { 0 };
  LvRunRecord runs[2] = { 0 };
  double loss[2][1] = { { 0.5 }, { 0.4 } };
  const LvEnsembleSnapshot *snaps[] = { &snap };
  const LvPlotHistogramModel *hist;

  for (guint i = 0; i < 2; i++)
    {
      runs[i].hidden = i == 0 ? 5 : 10;
      runs[i].state = LV_RUN_FINISHED;
      runs[i].epochs_done = 1;
      runs[i].train_loss = runs[i].test_loss = runs[i].test_accuracy = loss[i];
    }
  snap.runs = runs;
  snap.n_runs = 2;
  theme.palette = LV_PLOT_PALETTE_VIRIDIS;
  lv_plot_ensemble_get_options (fig, &options);
  options.theme = &theme;
  lv_plot_ensemble_set_options (fig, &options);
  lv_plot_ensemble_update (fig, snaps, 1);
  hist = lv_plot_ensemble_get_histogram (fig);
  g_assert_cmpuint (hist->common.theme->n_categories, ==, 2);
  g_assert_cmpfloat (rgb_distance (lv_plot_palette_category (hist->common.theme, 0),
                                   lv_plot_palette_category (hist->common.theme, 1)), >, 0.5);
}

/* Bins of @series that hold runs, found by hit-testing every pixel column just above the
 * baseline (every bar is at least one run high), as a pointer would. */
static guint
occupied_bins (const LvPlotHistogramModel *m, guint series, double w, double h)
{
  LvPlotLayout l;
  gboolean seen[4096] = { FALSE };
  guint n = 0;

  g_assert_true (lv_plot_histogram_get_layout (m, w, h, &l));
  for (double x = l.area.x; x < l.area.x + l.area.width; x += 1)
    {
      LvPlotHistHit hit;

      if (lv_plot_histogram_hit_test (m, w, h, x, l.area.y + l.area.height - 2, &hit) &&
          hit.series == series && hit.count > 0 && hit.bin < G_N_ELEMENTS (seen) &&
          !seen[hit.bin])
        {
          seen[hit.bin] = TRUE;
          n++;
        }
    }
  return n;
}

/* Training losses: size 5 near 0.2, size 500 between 0.002 and 0.004. The loss figures pick a
 * log axis, and the large networks spread over several bins instead of one bin at 0. */
static void
test_training_loss_bins (void)
{
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  LvEnsembleSnapshot snap = { 0 };
  LvRunRecord runs[40] = { 0 };
  double loss[40];
  const LvEnsembleSnapshot *snaps[] = { &snap };
  LvPlotEnsembleOptions options;
  const LvPlotHistogramModel *hist;
  LvPlotHistogramModel linear;

  for (guint i = 0; i < 40; i++)
    {
      runs[i].hidden = i < 20 ? 5 : 500;
      runs[i].run = i % 20;
      runs[i].state = LV_RUN_FINISHED;
      runs[i].epochs_done = 1;
      loss[i] = i < 20 ? 0.15 + 0.005 * i : 0.002 + 0.0001 * (i - 20);
      runs[i].train_loss = runs[i].test_loss = runs[i].test_accuracy = &loss[i];
    }
  snap.runs = runs;
  snap.n_runs = 40;
  lv_plot_ensemble_get_options (fig, &options);
  options.loss = LV_PLOT_ENSEMBLE_TRAIN_LOSS;
  options.n_bins = 18;
  lv_plot_ensemble_set_options (fig, &options);
  lv_plot_ensemble_update (fig, snaps, 1);
  hist = lv_plot_ensemble_get_histogram (fig);
  g_assert_true (hist->x_log);
  g_assert_cmpuint (occupied_bins (hist, 1, 700, 400), >=, 3);
  g_assert_cmpuint (occupied_bins (hist, 0, 700, 400), >=, 2);
  /* The same data on a linear axis: the large networks share one bin (the defect). */
  linear = *hist;
  linear.x_log = FALSE;
  g_assert_cmpuint (occupied_bins (&linear, 1, 700, 400), ==, 1);
}

static gboolean
overlap (const LvPlotRect *a, const LvPlotRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
         b->y < a->y + a->height;
}

/* A band that is a sliver of the axis (the spin glass's [−E₀, −E∞]) is magnified: its two
 * labelled lines are named with their values far apart, and no two texts of the figure
 * overlap. */
static void
test_band_inset (void)
{
  double v[] = { 1, 2, 2.5, 3, 5, 6, 7, 9 };
  LvPlotHistSeries series[] = { { "Λ = 25", v, 8, 0, 0 } };
  LvPlotBand band = { 0.1, 0.4, NULL };
  LvPlotRefLine lines[] = {
    { 0.1, "−E₀", LV_PLOT_LINE_DASHED, LV_PLOT_COLOR_AUTO },
    { 0.2, NULL, LV_PLOT_LINE_DOTTED, LV_PLOT_COLOR_AUTO },
    { 0.3, NULL, LV_PLOT_LINE_DOTTED, LV_PLOT_COLOR_AUTO },
    { 0.4, "−E∞", LV_PLOT_LINE_SOLID, LV_PLOT_COLOR_AUTO },
  };
  LvPlotHistogramModel m = { .common = { .title = "Spherical 3-spin glass", .x_label = "E/Λ" },
                             .series = series, .n_series = 1, .bands = &band, .n_bands = 1,
                             .ref_lines = lines, .n_ref_lines = 4, .band_inset = TRUE };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 700, 450);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) texts = NULL;
  const LvPlotTextItem *e0 = NULL, *einf = NULL;
  LvPlotLayout l;
  double sliver;

  lv_plot_text_record_begin (cr);
  lv_plot_histogram_draw (cr, &m, 700, 450);
  texts = lv_plot_text_record_end (cr);
  g_assert_true (lv_plot_histogram_get_layout (&m, 700, 450, &l));
  sliver = lv_plot_layout_x_to_px (&l, 0.4) - lv_plot_layout_x_to_px (&l, 0.1);
  for (guint i = 0; i < texts->len; i++)
    {
      const LvPlotTextItem *t = g_ptr_array_index (texts, i);

      if (g_str_equal (t->text, "−E₀ = 0.1000"))
        e0 = t;
      if (g_str_equal (t->text, "−E∞ = 0.4000"))
        einf = t;
      for (guint k = i + 1; k < texts->len; k++)
        {
          const LvPlotTextItem *u = g_ptr_array_index (texts, k);
          g_assert_false (overlap (&t->extents, &u->extents));
        }
    }
  g_assert_nonnull (e0);
  g_assert_nonnull (einf);
  g_assert_cmpfloat ((einf->extents.x + einf->extents.width / 2) -
                     (e0->extents.x + e0->extents.width / 2), >, 5 * sliver);
  /* Both sit above the plot area, inside the figure. */
  g_assert_cmpfloat (e0->extents.y + e0->extents.height, <=, l.area.y);
  g_assert_cmpfloat (e0->extents.y, >=, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Scatter markers (stamped into a layer on pixel targets) sit where the layout puts each point,
 * in the series colour at 0.75 over the background; 4000 overlapping points do not hide an
 * isolated one, and nothing is drawn between points. */
static void
test_scatter_marker_pixels (void)
{
  double x[4001], y[4001];
  LvPlotScatterSeries series[] = { { "a", x, y, 4001, 0 } };
  LvPlotScatterModel m = { .series = series, .n_series = 1 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 500, 400);
  cairo_t *cr = cairo_create (surface);
  LvPlotRgba c = lv_plot_palette_category (lv_plot_theme_light (), 0);
  LvPlotLayout l;
  const guint8 *data;
  int stride;

  for (guint i = 0; i < 4000; i++)
    {
      x[i] = 0.1 + 0.1 * (i % 50) / 50.0;
      y[i] = 0.1 + 0.1 * (i / 50) / 80.0;
    }
  x[4000] = 0.9;
  y[4000] = 0.9;
  lv_plot_scatter_draw (cr, &m, 500, 400);
  cairo_surface_flush (surface);
  g_assert_true (lv_plot_scatter_get_layout (&m, 500, 400, &l));
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  {
    int px = (int) lv_plot_layout_x_to_px (&l, 0.9), py = (int) lv_plot_layout_y_to_px (&l, 0.9);
    guint32 v = *(const guint32 *) (gconstpointer) (data + py * stride + 4 * px);
    double r = ((v >> 16) & 0xff) / 255.0, g = ((v >> 8) & 0xff) / 255.0, b = (v & 0xff) / 255.0;

    /* 0.75 of the colour over the white background, within 8-bit rounding. */
    g_assert_cmpfloat (fabs (r - (0.75 * c.r + 0.25)), <, 0.02);
    g_assert_cmpfloat (fabs (g - (0.75 * c.g + 0.25)), <, 0.02);
    g_assert_cmpfloat (fabs (b - (0.75 * c.b + 0.25)), <, 0.02);
  }
  {
    int px = (int) lv_plot_layout_x_to_px (&l, 0.55), py = (int) lv_plot_layout_y_to_px (&l, 0.9);
    guint32 v = *(const guint32 *) (gconstpointer) (data + py * stride + 4 * px);

    g_assert_cmphex (v & 0xffffff, ==, 0xffffff);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/plot-axes/narrow-log-and-integer", test_narrow_log_and_integer);
  g_test_add_func ("/lossviz/plot-axes/narrow-linear", test_narrow_linear);
  g_test_add_func ("/lossviz/plot-axes/histogram-counts-integer", test_histogram_counts_integer);
  g_test_add_func ("/lossviz/plot-axes/viridis-spread", test_viridis_spread);
  g_test_add_func ("/lossviz/plot-axes/long-titles-fit", test_long_axis_titles_fit);
  g_test_add_func ("/lossviz/plot-axes/training-loss-bins", test_training_loss_bins);
  g_test_add_func ("/lossviz/plot-axes/band-inset", test_band_inset);
  g_test_add_func ("/lossviz/plot-axes/scatter-marker-pixels", test_scatter_marker_pixels);
  g_test_add_func ("/lossviz/plot-axes/ensemble-colours-spread", test_ensemble_colours_spread);
  return g_test_run ();
}
