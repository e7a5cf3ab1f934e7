/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loss view's training is an LvJob (issue 12): the sizes started together are one job on the
 * app's one worker pool, sizes added while training are another, and every job's thread ends
 * with the training. Under Xvfb like the other UI tests (the experiment is an app object). */
#include "config.h"

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-job.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

static gboolean
some_progress (gpointer data)
{
  return lv_test_ui_epochs_done (data) >= 4;
}

static gboolean
no_job_running (gpointer data)
{
  return lv_job_count_running () == 0;
}

static void
set_sizes (LvExperiment *exp, const guint *sizes, guint n)
{
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;

  lv_ensemble_config_init (&config);
  for (guint i = 0; i < n; i++)
    config.sizes[i] = sizes[i];
  config.n_sizes = n;
  config.runs = 12;
  config.train.epochs = 40;
  g_assert_true (lv_experiment_set_config (exp, "digits", &config, &error));
  g_assert_no_error (error);
}

static void
test_training_is_one_job (void)
{
  g_autoptr(LvExperiment) exp = lv_experiment_new ();
  static const guint two[] = { 10, 50 }, three[] = { 10, 50, 100 }, kept[] = { 10, 100 };
  guint n = 0;
  const LvEnsembleSnapshot *const *snaps;

  g_assert_cmpuint (lv_job_count_running (), ==, 0);
  set_sizes (exp, two, 2);
  lv_experiment_start (exp);
  g_assert_true (lv_test_ui_wait_full (exp, LV_TEST_UI_DEADLINE_S, some_progress, exp));
  /* Two sizes, one job. */
  g_assert_cmpuint (lv_job_count_running (), ==, 1);
  /* A size added while training: its own job; the running sizes go on in theirs. */
  set_sizes (exp, three, 3);
  g_assert_cmpuint (lv_job_count_running (), ==, 2);
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, 3);
  /* A size dropped: cancelled inside its job, the others unaffected. */
  set_sizes (exp, kept, 2);
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, 3);
  g_assert_true (lv_test_ui_wait_full (exp, LV_TEST_UI_DEADLINE_S, lv_test_ui_experiment_finished, exp));
  snaps = lv_experiment_get_snapshots (exp, &n);
  g_assert_cmpuint (n, ==, 2);
  for (guint s = 0; s < n; s++)
    g_assert_cmpuint (snaps[s]->finished + snaps[s]->diverged, ==, 12);
  /* Every training thread returns once its ensembles have ended (the dropped one included). */
  g_assert_true (lv_test_ui_wait_full (exp, LV_TEST_UI_DEADLINE_S, no_job_running, NULL));
}

int
main (int argc, char **argv)
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui-training-job/training-is-one-job", test_training_is_one_job);
  return g_test_run ();
}
