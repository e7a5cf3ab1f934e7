/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-ensemble.h>

#include "lv-test-util.h"

/*
 * The ensemble figure builders, on a hand-made snapshot whose numbers are known: size 5 has
 * test losses 1.00 … 1.20 and one diverged run, size 50 has 2.00 … 2.20. Expected statistics
 * are computed here from those lists, and the histogram is checked the way a person would:
 * bars of each size's colour sit over that size's values and nowhere else.
 */

#define RUNS 6

static const double test5[RUNS] = { 1.00, 1.05, 1.10, 1.15, 1.20, NAN };
static const double test50[RUNS] = { 2.00, 2.04, 2.08, 2.12, 2.16, 2.20 };

static void
fill_record (LvRunRecord *r, guint hidden, guint run, double test, double train)
{
  r->hidden = hidden;
  r->run = run;
  r->seed = 1000 * hidden + run;
  r->train_loss = g_new (double, 2);
  r->test_loss = g_new (double, 2);
  r->test_accuracy = g_new (double, 2);
  if (isnan (test))
    {
      r->state = LV_RUN_DIVERGED;
      r->epochs_done = 1;
      r->train_loss[0] = r->test_loss[0] = NAN;
      r->test_accuracy[0] = NAN;
      return;
    }
  r->state = LV_RUN_FINISHED;
  r->epochs_done = 2;
  r->test_loss[0] = test + 0.3;
  r->test_loss[1] = test;
  r->train_loss[0] = train + 0.3;
  r->train_loss[1] = train;
  r->test_accuracy[0] = 0.5;
  r->test_accuracy[1] = 0.9;
}

/* Size 50 first, so the builder has to sort. */
static LvEnsembleSnapshot *
make_snapshot (void)
{
  LvEnsembleSnapshot *snap = g_new0 (LvEnsembleSnapshot, 1);

  snap->n_runs = 2 * RUNS;
  snap->runs = g_new0 (LvRunRecord, snap->n_runs);
  for (guint r = 0; r < RUNS; r++)
    {
      fill_record (&snap->runs[r], 50, r, test50[r], test50[r] - 1.9 + 0.01 * r);
      fill_record (&snap->runs[RUNS + r], 5, r, test5[r], test5[r] - 0.5);
    }
  snap->finished = 2 * RUNS - 1;
  snap->diverged = 1;
  return snap;
}

static void
test_builders (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = make_snapshot ();
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snaps[] = { snap };
  const LvPlotEnsembleSize *s5, *s50;
  const LvPlotHistogramModel *hist;
  const LvPlotSummaryModel *summary;
  const LvPlotEnsembleRun *run;
  double mean = 0, ss = 0;

  lv_plot_ensemble_update (fig, snaps, 1);
  g_assert_cmpuint (lv_plot_ensemble_get_n_sizes (fig), ==, 2);
  g_assert_cmpuint (lv_plot_ensemble_get_n_runs (fig), ==, 2 * RUNS);
  s5 = lv_plot_ensemble_get_size (fig, 0);
  s50 = lv_plot_ensemble_get_size (fig, 1);
  g_assert_cmpuint (s5->hidden, ==, 5);
  g_assert_cmpuint (s50->hidden, ==, 50);
  g_assert_cmpuint (s5->n_runs, ==, RUNS);
  g_assert_cmpuint (s5->n_values, ==, RUNS - 1);
  g_assert_cmpuint (s5->n_diverged, ==, 1);
  g_assert_cmpuint (s50->n_diverged, ==, 0);

  /* Mean and sample std of the five finite size-5 losses, by hand. */
  for (guint i = 0; i < RUNS - 1; i++)
    mean += test5[i] / (RUNS - 1);
  for (guint i = 0; i < RUNS - 1; i++)
    ss += (test5[i] - mean) * (test5[i] - mean);
  g_assert_cmpfloat_with_epsilon (s5->mean, 1.10, 1e-12);
  g_assert_cmpfloat_with_epsilon (s5->std, sqrt (ss / (RUNS - 2)), 1e-12);
  g_assert_cmpfloat_with_epsilon (s5->std, sqrt (0.025 / 4), 1e-12);

  hist = lv_plot_ensemble_get_histogram (fig);
  g_assert_cmpuint (hist->n_series, ==, 2);
  g_assert_cmpstr (hist->series[0].label, ==, "n = 5");
  g_assert_cmpstr (hist->series[1].label, ==, "n = 50");
  g_assert_cmpuint (hist->series[0].n_diverged, ==, 1);
  g_assert_cmpfloat (hist->series[1].values[5], ==, 2.20);

  summary = lv_plot_ensemble_get_spread (fig);
  g_assert_cmpint (summary->kind, ==, LV_PLOT_SUMMARY_SPREAD);
  g_assert_cmpfloat (summary->rows[1].size, ==, 50);
  g_assert_cmpfloat_with_epsilon (summary->rows[0].std, s5->std, 1e-15);

  /* Scatter points map back to their runs (for the tooltip). */
  run = lv_plot_ensemble_scatter_run (fig, 1, 2);
  g_assert_nonnull (run);
  g_assert_cmpuint (run->hidden, ==, 50);
  g_assert_cmpuint (run->run, ==, 2);
  g_assert_cmpuint (run->seed, ==, 50002);
  g_assert_cmpfloat (run->test_loss, ==, 2.08);
  g_assert_null (lv_plot_ensemble_scatter_run (fig, 2, 0));
  g_assert_null (lv_plot_ensemble_scatter_run (fig, 0, RUNS));

  /* Training loss instead: the histogram's values follow. */
  {
    LvPlotEnsembleOptions options;
    lv_plot_ensemble_get_options (fig, &options);
    options.loss = LV_PLOT_ENSEMBLE_TRAIN_LOSS;
    lv_plot_ensemble_set_options (fig, &options);
    hist = lv_plot_ensemble_get_histogram (fig);
    g_assert_cmpfloat_with_epsilon (hist->series[0].values[0], 0.50, 1e-12);
    g_assert_cmpfloat_with_epsilon (lv_plot_ensemble_get_size (fig, 0)->mean, 0.60, 1e-12);
  }
}

static gboolean
near (const guint8 *px, LvPlotRgba c, int tol)
{
  /* CAIRO_FORMAT_RGB24 in native endianness: B, G, R, X on little-endian. */
  guint32 v = *(const guint32 *) px;
  int r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;

  return abs (r - (int) lround (c.r * 255)) <= tol && abs (g - (int) lround (c.g * 255)) <= tol &&
         abs (b - (int) lround (c.b * 255)) <= tol;
}

/* Fraction of pixels in data range [lo, hi] along one row that show colour @c. */
static double
colour_fraction (cairo_surface_t *surface, const LvPlotLayout *layout, double lo, double hi,
                 double row, LvPlotRgba c)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int x0 = (int) ceil (lv_plot_layout_x_to_px (layout, lo));
  int x1 = (int) floor (lv_plot_layout_x_to_px (layout, hi));
  int hits = 0;

  g_assert_cmpint (x1, >, x0);
  for (int x = x0; x <= x1; x++)
    hits += near (data + (int) row * stride + 4 * x, c, 24);
  return (double) hits / (x1 - x0 + 1);
}

static LvPlotRgba
blend (LvPlotRgba c, LvPlotRgba bg, double alpha)
{
  return (LvPlotRgba) { alpha * c.r + (1 - alpha) * bg.r, alpha * c.g + (1 - alpha) * bg.g,
                        alpha * c.b + (1 - alpha) * bg.b, 1 };
}

static void
test_histogram_pixels (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = make_snapshot ();
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snaps[] = { snap };
  const LvPlotTheme *theme = lv_plot_theme_light ();
  LvPlotEnsembleOptions options;
  cairo_surface_t *surface;
  cairo_t *cr;
  LvPlotLayout layout;
  LvPlotRgba c5, c50;
  double row;

  lv_plot_ensemble_get_options (fig, &options);
  options.n_bins = 12;
  options.theme = theme;
  lv_plot_ensemble_set_options (fig, &options);
  lv_plot_ensemble_update (fig, snaps, 1);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 900, 500);
  cr = cairo_create (surface);
  lv_plot_histogram_draw (cr, lv_plot_ensemble_get_histogram (fig), 900, 500);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_true (lv_plot_histogram_get_layout (lv_plot_ensemble_get_histogram (fig), 900, 500,
                                               &layout));
  /* Just above the x axis, every bar is drawn; overlay bars are translucent over the
   * background, and the two sizes do not overlap. */
  row = layout.area.y + layout.area.height - 4;
  c5 = blend (lv_plot_palette_category (theme, 0), theme->background, theme->fill_alpha);
  c50 = blend (lv_plot_palette_category (theme, 1), theme->background, theme->fill_alpha);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 1.02, 1.18, row, c5), >, 0.7);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 2.02, 2.18, row, c50), >, 0.7);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 2.02, 2.18, row, c5), ==, 0);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 1.02, 1.18, row, c50), ==, 0);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 1.45, 1.75, row, c5), ==, 0);
  g_assert_cmpfloat (colour_fraction (surface, &layout, 1.45, 1.75, row, c50), ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_still_axis (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = make_snapshot ();
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snaps[] = { snap };
  const LvPlotHistogramModel *hist;
  LvPlotEnsembleOptions options;

  lv_plot_ensemble_get_options (fig, &options);
  options.x_history = TRUE;
  lv_plot_ensemble_set_options (fig, &options);
  lv_plot_ensemble_update (fig, snaps, 1);
  hist = lv_plot_ensemble_get_histogram (fig);
  /* Every epoch of every non-diverged run: first epochs are 0.3 above the final values. */
  g_assert_true (hist->x_fixed);
  g_assert_cmpfloat_with_epsilon (hist->x_min, 1.00, 1e-12);
  g_assert_cmpfloat_with_epsilon (hist->x_max, 2.50, 1e-12);
}

static void
test_csv_and_figure (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = make_snapshot ();
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snaps[] = { snap };
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *svg = g_build_filename (dir, "fig.svg", NULL);
  g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *data;
  guint coloured = 0;

  lv_plot_ensemble_update (fig, snaps, 1);
  g_assert_true (lv_plot_ensemble_export (fig, svg, 900, 600, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (csv, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "hidden,run,seed,state,epochs_done,train_loss,test_loss,test_accuracy,"
                   "epoch_shown");
  g_assert_cmpuint (g_strv_length (lines), ==, 2 * RUNS + 2); /* header, rows, final "" */
  g_assert_true (g_str_has_prefix (lines[1], "5,0,5000,finished,2,"));
  g_assert_true (g_str_has_prefix (lines[6], "5,5,5005,diverged,1,"));
  g_assert_true (g_str_has_prefix (lines[7], "50,0,50000,finished,2,"));

  /* The one-call figure of the CLI: four panels with data in them. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1200, 800);
  cr = cairo_create (surface);
  lv_plot_ensemble_draw_figure (cr, snap, lv_plot_theme_dark (), 1200, 800);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < 800; y++)
    for (int x = 0; x < 1200; x++)
      coloured += near (data + y * cairo_image_surface_get_stride (surface) + 4 * x,
                        lv_plot_palette_category (lv_plot_theme_dark (), 0), 10);
  g_assert_cmpuint (coloured, >, 50);
  /* Dark theme: the corner is the dark background. */
  g_assert_true (near (data, lv_plot_theme_dark ()->background, 8));
  cairo_surface_destroy (surface);

  g_remove (svg);
  g_remove (csv);
  g_rmdir (dir);
}

/* The timeline's epoch: after epoch 1 every run shows its first value (test + 0.3), counted
 * from the lists above; epoch 2 equals the latest; an epoch no run reached shows nothing. */
static void
test_epoch (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = make_snapshot ();
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snaps[] = { snap };
  const LvPlotEnsembleSize *s5, *s50;
  double mean5 = 0, mean50 = 0, latest50;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "epoch.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  for (guint r = 0; r < 5; r++)
    mean5 += (test5[r] + 0.3) / 5;
  for (guint r = 0; r < RUNS; r++)
    mean50 += (test50[r] + 0.3) / RUNS;

  lv_plot_ensemble_update (fig, snaps, 1);
  g_assert_cmpuint (lv_plot_ensemble_get_max_epochs (fig), ==, 2);
  latest50 = lv_plot_ensemble_get_size (fig, 1)->mean;

  lv_plot_ensemble_set_epoch (fig, 1);
  lv_plot_ensemble_update (fig, snaps, 1);
  s5 = lv_plot_ensemble_get_size (fig, 0);
  s50 = lv_plot_ensemble_get_size (fig, 1);
  g_assert_cmpuint (s5->n_values, ==, 5);
  g_assert_cmpfloat_with_epsilon (s5->mean, mean5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s50->mean, mean50, 1e-12);
  g_assert_cmpfloat (lv_plot_ensemble_get_run (fig, 0)->test_accuracy, ==, 0.5);
  g_assert_nonnull (strstr (lv_plot_ensemble_get_histogram (fig)->common.caption, "12"));
  g_assert_true (lv_plot_ensemble_write_csv (fig, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_true (g_str_has_suffix (lines[1], ",1"));

  lv_plot_ensemble_set_epoch (fig, 2);
  lv_plot_ensemble_update (fig, snaps, 1);
  g_assert_cmpfloat (lv_plot_ensemble_get_size (fig, 1)->mean, ==, latest50);
  g_assert_cmpuint (lv_plot_ensemble_get_size (fig, 0)->n_values, ==, 5);

  lv_plot_ensemble_set_epoch (fig, 3);
  lv_plot_ensemble_update (fig, snaps, 1);
  g_assert_cmpuint (lv_plot_ensemble_get_size (fig, 0)->n_values, ==, 0);
  g_assert_cmpuint (lv_plot_ensemble_get_size (fig, 1)->n_values, ==, 0);
  g_remove (csv);
  g_rmdir (dir);
}

static void
test_empty (void)
{
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (surface);

  g_assert_cmpuint (lv_plot_ensemble_get_n_sizes (fig), ==, 0);
  g_assert_cmpuint (lv_plot_ensemble_get_histogram (fig)->n_series, ==, 0);
  lv_plot_grid_draw (cr, lv_plot_ensemble_get_figure (fig), 400, 300);
  lv_plot_ensemble_draw_figure (cr, NULL, NULL, 400, 300);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/plot-ensemble/builders", test_builders);
  g_test_add_func ("/lossviz/plot-ensemble/histogram-pixels", test_histogram_pixels);
  g_test_add_func ("/lossviz/plot-ensemble/still-axis", test_still_axis);
  g_test_add_func ("/lossviz/plot-ensemble/csv-and-figure", test_csv_and_figure);
  g_test_add_func ("/lossviz/plot-ensemble/empty", test_empty);
  g_test_add_func ("/lossviz/plot-ensemble/epoch", test_epoch);
  return g_test_run ();
}
