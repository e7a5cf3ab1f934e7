/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-landscape-job.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * Experiment bundles in the app (issue 13): File ▸ Open reads a bundle written by the CLI and
 * shows its runs without training; saving it again as a bundle keeps every run's weights; a
 * truncated bundle is refused with a message and changes nothing.
 */

static gboolean
shows_all_runs (gpointer data)
{
  LvExperiment *exp = lv_window_get_experiment (data);
  const LvEnsembleSnapshot *const *snaps;
  guint n = 0;

  lv_experiment_poll (exp);
  snaps = lv_experiment_get_snapshots (exp, &n);
  return n == 2 && snaps[0]->finished == 3 && snaps[1]->finished == 3;
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

static gboolean
job_ended (gpointer data)
{
  LvLandscapeJobView view;

  lv_landscape_job_read (data, &view);
  return view.stage == LV_LANDSCAPE_STAGE_DONE || view.stage == LV_LANDSCAPE_STAGE_FAILED;
}

/* The Landscape view's job on a reopened run: its weights come from the bundle, so the slice
 * centre's test loss is the run's stored final test loss, and the interpolation to another
 * reopened run and the Hessian run too. */
static void
check_landscape (LvWindow *window, const char *src)
{
  g_autoptr(LvBundle) b = lv_bundle_load (src, LV_BUNDLE_LOAD_PARAMS, NULL);
  LvLandscapeRequest request = { 25, 1, 2, G_MAXUINT, LV_SLICE_DIRECTIONS_FILTER, 5, 0.5, 1, 5 };
  g_autoptr(GError) error = NULL;
  LvLandscapeJob *job;
  LvLandscapeJobView view;
  LvMlpShape shape;
  g_autofree float *params = NULL;
  gint index = lv_bundle_find_run (b->session, 25, 1, NULL);
  double stored = lv_run_record_final_test_loss (&b->session->snapshot->runs[index]);

  g_assert_true (lv_experiment_copy_run_params (lv_window_get_experiment (window), 25, 1, NULL,
                                                &shape, &params));
  g_assert_cmpmem (params, lv_mlp_n_params (&shape) * 4, b->runs[index].params,
                   lv_mlp_n_params (&shape) * 4);
  job = lv_landscape_job_new (lv_window_get_experiment (window), &request, &error);
  g_assert_no_error (error);
  lv_landscape_job_start (job, NULL, NULL);
  g_assert_true (lv_test_ui_wait (job_ended, job));
  lv_landscape_job_read (job, &view);
  if (view.stage != LV_LANDSCAPE_STAGE_DONE)
    g_error ("landscape job failed: %s", view.error);
  g_assert_nonnull (view.grid);
  /* Stored: evaluated by the training block (several nets in one product); here: one network
   * alone. Same fp32 arithmetic, another summation order. */
  g_assert_cmpfloat_with_epsilon (view.center_test, stored, 1e-6 * stored);
  g_assert_cmpuint (view.n_interp, >=, 3);
  g_assert_nonnull (view.spectrum);
  lv_landscape_job_abandon (job);
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

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/bundle/open-save", test_open_save_bundle);
  return g_test_run ();
}
