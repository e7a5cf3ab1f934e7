/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-landscape-inputs.h"
#include "lv-landscape-view.h"
#include "lv-landscape-view-private.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * Experiment bundles in the app (issue 13): File ▸ Open reads a bundle written by the CLI and
 * shows its runs without training; saving it again as a bundle keeps every run's weights; a
 * truncated bundle is refused with a message and changes nothing.
 */

/* The window's experiment shows @n_sizes sizes of @runs finished runs each. */
static gboolean
shows_finished (LvWindow *window, guint n_sizes, guint runs)
{
  LvExperiment *exp = lv_window_get_experiment (window);
  const LvEnsembleSnapshot *const *snaps;
  guint n = 0;

  lv_experiment_poll (exp);
  snaps = lv_experiment_get_snapshots (exp, &n);
  if (n != n_sizes)
    return FALSE;
  for (guint s = 0; s < n; s++)
    if (snaps[s]->finished != runs)
      return FALSE;
  return TRUE;
}

static gboolean
shows_all_runs (gpointer data)
{
  return shows_finished (data, 2, 3);
}

static void
assert_same_weights (const char *a_path, const char *b_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvBundle) a = lv_bundle_load (a_path, LV_BUNDLE_LOAD_PARAMS, &error);
  g_autoptr(LvBundle) b = NULL;

  g_assert_no_error (error);
  b = lv_bundle_load (b_path, LV_BUNDLE_LOAD_PARAMS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->session->snapshot->n_runs, ==, b->session->snapshot->n_runs);
  for (guint i = 0; i < a->session->snapshot->n_runs; i++)
    {
      const LvRunRecord *x = &a->session->snapshot->runs[i], *y = &b->session->snapshot->runs[i];
      LvMlpShape shape;
      gsize bytes;

      g_assert_true (lv_bundle_session_shape (a->session, x->hidden, &shape, NULL));
      bytes = lv_mlp_n_params (&shape) * sizeof (float);
      g_assert_cmpuint (x->state, ==, LV_RUN_FINISHED);
      g_assert_cmpuint (y->state, ==, LV_RUN_FINISHED);
      g_assert_cmpmem (x->test_loss, x->epochs_done * 8, y->test_loss, y->epochs_done * 8);
      g_assert_nonnull (b->runs[i].params);
      g_assert_cmpmem (a->runs[i].params, bytes, b->runs[i].params, bytes);
    }
}

static void
on_finished (LvJob *job, const GError *error, gboolean *ended)
{
  if (error != NULL)
    g_error ("landscape job failed: %s", error->message);
  *ended = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* The Landscape view's probe on a reopened run: its weights come from the bundle, so the slice
 * centre's test loss is the run's stored final test loss, and the interpolation to another
 * reopened run and the Hessian run too. */
static void
check_landscape (LvWindow *window, const char *src)
{
  g_autoptr(LvBundle) b = lv_bundle_load (src, LV_BUNDLE_LOAD_PARAMS, NULL);
  LvLandscapeRequest request = { 25, 1, 2, G_MAXUINT, LV_SLICE_DIRECTIONS_FILTER, 5, 0.5, 1, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LvJob) job = NULL;
  LvLandscapeJobData *d;
  LvMlpShape shape;
  g_autofree float *params = NULL;
  gint index = lv_bundle_find_run (b->session, 25, 1, NULL);
  double stored = lv_run_record_final_test_loss (&b->session->snapshot->runs[index]);
  gboolean ended = FALSE;

  g_assert_true (lv_experiment_copy_run_params (lv_window_get_experiment (window), 25, 1, NULL,
                                                &shape, &params));
  g_assert_cmpmem (params, lv_mlp_n_params (&shape) * 4, b->runs[index].params,
                   lv_mlp_n_params (&shape) * 4);
  job = lv_landscape_run_job_new (lv_window_get_experiment (window), &request, &error);
  g_assert_no_error (error);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), &ended);
  lv_job_start (job);
  g_assert_true (lv_test_ui_wait (flag_set, &ended));
  d = lv_job_lock (job);
  g_assert_cmpint (d->result.stage, ==, LV_LANDSCAPE_STAGE_DONE);
  g_assert_nonnull (d->result.grid);
  /* Stored: evaluated by the training block (several nets in one product); here: one network
   * alone. Same fp32 arithmetic, another summation order. */
  g_assert_cmpfloat_with_epsilon (d->result.center_test, stored, 1e-6 * stored);
  g_assert_cmpuint (d->result.n_interp, >=, 3);
  g_assert_nonnull (d->result.spectrum);
  lv_job_unlock (job);
}

static void
test_open_save_bundle (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "cli.h5", NULL);
  g_autofree char *dst = g_build_filename (dir, "app.h5", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.h5", NULL);
  g_autofree char *bytes = NULL;
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(GError) error = NULL;
  static const guint sizes[] = { 5, 25 };
  LvWindow *window;
  gsize n;

  if (!lv_bundle_is_available ())
    {
      g_test_skip ("built without HDF5");
      return;
    }
  lv_test_run_cli (&r, "ensemble", "--dataset", "digits", "--sizes", "5,25", "--runs", "3",
                   "--epochs", "2", "--out", src, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  window = lv_test_ui_window (3, 2, sizes, G_N_ELEMENTS (sizes));
  g_assert_true (lv_window_open_file (window, src, &error));
  g_assert_no_error (error);
  g_assert_true (lv_test_ui_wait (shows_all_runs, window));
  g_assert_false (lv_experiment_get_running (lv_window_get_experiment (window)));
  check_landscape (window, src);
  g_assert_true (lv_window_save_to (window, dst, &error));
  g_assert_no_error (error);
  assert_same_weights (src, dst);

  /* A truncated bundle: an error, and the window still shows the same experiment. */
  g_assert_true (g_file_get_contents (src, &bytes, &n, NULL));
  g_assert_true (g_file_set_contents (bad, bytes, n / 2, NULL));
  g_assert_false (lv_window_open_file (window, bad, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_true (shows_all_runs (window));
  lv_test_ui_close (window);
}

static gboolean
shows_two_runs (gpointer data)
{
  return shows_finished (data, 1, 2);
}

static gboolean
landscape_ended (gpointer data)
{
  LvLandscapeState st;

  lv_landscape_view_get_state (data, &st);
  return LV_LANDSCAPE_VIEW (data)->failure != NULL ||
         (st.hidden != 0 && (st.stage == LV_LANDSCAPE_STAGE_DONE ||
                             st.stage == LV_LANDSCAPE_STAGE_FAILED));
}

/* Opens @path in @window, and a Landscape page on its experiment computing PCA directions
 * around run 1 of size 5; returns the page once its job ended. */
static LvLandscapeView *
pca_view (LvWindow *window, const char *path)
{
  g_autoptr(GError) error = NULL;
  LvLandscapeView *view;

  g_assert_true (lv_window_open_file (window, path, &error));
  g_assert_no_error (error);
  g_assert_true (lv_test_ui_wait (shows_two_runs, window));
  view = LV_LANDSCAPE_VIEW (g_object_ref_sink (lv_landscape_view_new (
    lv_window_get_experiment (window))));
  lv_landscape_view_select_run (view, 5, 1);
  lv_landscape_view_set_directions (view, LV_SLICE_DIRECTIONS_PCA);
  g_assert_true (lv_test_ui_wait (landscape_ended, view));
  return view;
}

/* Pixels in which the heatmap with its path differs from the same heatmap without it. */
static guint
path_pixels (const LvPlotHeatmapModel *heatmap)
{
  LvPlotHeatmapModel bare = *heatmap;
  cairo_surface_t *with = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_surface_t *without = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr;
  guint n = 0;

  bare.n_path = 0;
  cr = cairo_create (with);
  lv_plot_heatmap_draw (cr, heatmap, 400, 300);
  cairo_destroy (cr);
  cr = cairo_create (without);
  lv_plot_heatmap_draw (cr, &bare, 400, 300);
  cairo_destroy (cr);
  cairo_surface_flush (with);
  cairo_surface_flush (without);
  for (int y = 0; y < 300; y++)
    n += memcmp (cairo_image_surface_get_data (with) + y * cairo_image_surface_get_stride (with),
                 cairo_image_surface_get_data (without) +
                   y * cairo_image_surface_get_stride (without), 400 * 4) != 0;
  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
  return n;
}

/* PCA directions of a reopened run come from the trajectory the bundle saved (6 epochs, a
 * snapshot every 2): the slice computes and the path has one point per snapshot, drawn on the
 * heatmap. Without a saved trajectory the page says so instead of retraining. */
static void
test_pca_from_saved_trajectory (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *with = g_build_filename (dir, "trajectory.h5", NULL);
  g_autofree char *without = g_build_filename (dir, "plain.h5", NULL);
  g_auto(LvCliResult) r = { 0 }, r2 = { 0 };
  static const guint sizes[] = { 5 };
  const LvPlotHeatmapModel *heatmap;
  LvLandscapeView *view;
  LvLandscapeState st;
  LvWindow *window;

  if (!lv_bundle_is_available ())
    {
      g_test_skip ("built without HDF5");
      return;
    }
  lv_test_run_cli (&r, "ensemble", "--dataset", "digits", "--sizes", "5", "--runs", "2",
                   "--epochs", "6", "--save-trajectory", "2", "--out", with, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  window = lv_test_ui_window (2, 6, sizes, G_N_ELEMENTS (sizes));
  view = pca_view (window, with);
  if (view->failure != NULL)
    g_error ("%s", view->failure);
  lv_landscape_view_get_state (view, &st);
  g_assert_cmpint (st.stage, ==, LV_LANDSCAPE_STAGE_DONE);
  g_assert_cmpint (st.kind, ==, LV_SLICE_DIRECTIONS_PCA);
  heatmap = lv_landscape_figures_get_heatmap (lv_landscape_view_get_figures (view));
  /* Three snapshots (epochs 2, 4, 6), not the six epochs a retraining would record. */
  g_assert_cmpuint (heatmap->n_path, ==, 3);
  /* The last snapshot is the run's final weights: the path ends at the centre. */
  g_assert_cmpfloat (fabs (heatmap->path_x[2]) + fabs (heatmap->path_y[2]), <, 1e-6);
  g_assert_cmpuint (path_pixels (heatmap), >, 0);
  g_assert_finalize_object (view);

  /* The same experiment without a saved trajectory. */
  lv_test_run_cli (&r2, "ensemble", "--dataset", "digits", "--sizes", "5", "--runs", "2",
                   "--epochs", "6", "--out", without, NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  view = pca_view (window, without);
  g_assert_nonnull (view->failure);
  g_assert_nonnull (strstr (view->failure, "--save-trajectory"));
  g_assert_nonnull (strstr (gtk_label_get_text (view->status_label), "trajectory"));
  g_assert_finalize_object (view);
  lv_test_ui_close (window);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/bundle/open-save", test_open_save_bundle);
  g_test_add_func ("/lossviz/ui/bundle/pca-saved-trajectory", test_pca_from_saved_trajectory);
  return g_test_run ();
}
