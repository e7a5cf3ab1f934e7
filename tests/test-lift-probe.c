/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NN-LIFT probe (lv_lift_probe_run): its fit and evaluation equal lv_lift_fit and
 * lv_lift_evaluate on the same problem, its SGD runs equal the same ensemble trained directly,
 * whatever the pool; cancelling while SGD trains leaves the fit and a consistent partial SGD. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

static void
small_input (LvLiftProbeInput *in, LvWorkerPool *pool)
{
  lv_lift_probe_input_init (in);
  in->d = 5;
  in->k = 2;
  in->samples = 4000;
  in->test_samples = 500;
  in->seed = 3;
  in->sgd_runs = 4;
  in->epochs = 3;
  in->pool = pool;
}

/* The direct path: the public functions one after the other (the fit on no pool, SGD on one
 * thread). */
static void
check_against_direct (const LvLiftProbeInput *in, const LvLiftProbeResult *res)
{
  g_autoptr(LvLiftProblem) problem = lv_lift_problem_new (in->d, in->k, in->samples,
                                                         in->test_samples, in->seed, in->noise);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) one = lv_worker_pool_new (1);
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvEnsembleSnapshot) snap = NULL;
  g_autofree double *mse = g_new (double, in->sgd_runs);
  LvLiftConfig config;
  LvLiftResult *fit;
  LvLiftEvaluation *ev;

  lv_lift_config_init (&config);
  config.method = in->method;
  config.seed = in->seed;
  config.bias_method = in->bias_method;
  fit = lv_lift_fit (problem->x, problem->y, problem->n, problem->d, problem->k, &config, NULL,
                     &error);
  g_assert_no_error (error);
  ev = lv_lift_evaluate (problem, fit);
  g_assert_cmpuint (res->evaluation->k, ==, in->k);
  for (guint j = 0; j < in->k; j++)
    {
      g_assert_cmpfloat (fabs (res->evaluation->cosines[j] - ev->cosines[j]), <, 1e-9);
      g_assert_cmpfloat (fabs (res->evaluation->bias_errors[j] - ev->bias_errors[j]), <, 1e-9);
    }
  g_assert_cmpfloat (fabs (res->evaluation->test_mse - ev->test_mse), <,
                     1e-9 * MAX (1.0, ev->test_mse));
  g_assert_cmpfloat (res->evaluation->teacher_test_mse, ==, ev->teacher_test_mse);
  g_assert_cmpint (res->fit->method, ==, fit->method);
  g_assert_cmpint (res->fit->bias_method, ==, fit->bias_method);

  ensemble = lv_lift_problem_sgd_ensemble (problem, in->sgd_runs, in->epochs, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, one);
  lv_ensemble_wait (ensemble);
  snap = lv_ensemble_snapshot (ensemble);
  g_assert_cmpuint (lv_lift_sgd_test_mse (snap, mse, NULL), ==, in->sgd_runs);
  for (guint r = 0; r < in->sgd_runs; r++)
    g_assert_cmpfloat (res->sgd_mse[r], ==, mse[r]);
  lv_lift_evaluation_free (ev);
  lv_lift_result_free (fit);
}

static void
run_and_check (guint pool_threads)
{
  g_autoptr(LvWorkerPool) pool = pool_threads > 0 ? lv_worker_pool_new (pool_threads) : NULL;
  LvLiftProbeInput in;
  LvLiftProbeResult res = { 0 };
  g_autoptr(GError) error = NULL;

  small_input (&in, pool);
  in.n_threads = 2;
  g_assert_true (lv_lift_probe_run (&in, &res, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (res.problem);
  g_assert_true (res.sgd_done);
  g_assert_cmpuint (res.sgd_runs, ==, in.sgd_runs);
  g_assert_cmpuint (res.sgd_finished, ==, in.sgd_runs);
  check_against_direct (&in, &res);
  lv_lift_probe_result_clear (&res);
}

static void
test_matches_direct (void)
{
  run_and_check (0);  /* a pool of its own */
  run_and_check (1);
  run_and_check (2);
}

static void
test_no_sgd (void)
{
  LvLiftProbeInput in;
  LvLiftProbeResult res = { 0 };
  g_autoptr(GError) error = NULL;

  small_input (&in, NULL);
  in.sgd_runs = 0;
  g_assert_true (lv_lift_probe_run (&in, &res, NULL, &error));
  g_assert_nonnull (res.evaluation);
  g_assert_true (res.sgd_done);
  g_assert_cmpuint (res.sgd_runs, ==, 0);
  lv_lift_probe_result_clear (&res);
}

typedef struct
{
  GMutex *lock;
  LvLiftProbeResult *res;
  GCancellable *cancellable;
} Canceller;

/* Cancels as soon as the SGD runs' array is published (lock-free read is fine: the probe
 * reports progress without holding the lock, after the publish). */
static void
cancel_at_sgd (gpointer data, double fraction)
{
  Canceller *c = data;
  gboolean sgd;

  g_mutex_lock (c->lock);
  sgd = c->res->sgd_runs > 0;
  g_mutex_unlock (c->lock);
  if (sgd)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel (void)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMutex lock;
  LvLiftProbeInput in;
  LvLiftProbeResult res = { 0 };
  Canceller c = { &lock, &res, cancellable };
  LvProbeContext context = { cancellable, &lock, cancel_at_sgd, &c };
  g_autoptr(GError) error = NULL;

  g_mutex_init (&lock);
  small_input (&in, pool);
  in.sgd_runs = 8;
  in.epochs = 400;  /* far longer than the test waits */
  g_assert_false (lv_lift_probe_run (&in, &res, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (res.evaluation);
  g_assert_false (res.sgd_done);
  g_assert_cmpuint (res.sgd_runs, ==, 8);
  g_assert_cmpuint (res.sgd_finished, <, 8);
  lv_lift_probe_result_clear (&res);
  g_mutex_clear (&lock);
}

typedef struct
{
  LvLiftProbeInput input;
  LvLiftProbeResult result;
  GMutex lock;
  LvPausable *pausable;
  gboolean ok;
} Background;

static gpointer
run_in_thread (gpointer data)
{
  Background *bg = data;
  LvProbeContext context = { G_CANCELLABLE (bg->pausable), &bg->lock, NULL, NULL };

  bg->ok = lv_lift_probe_run (&bg->input, &bg->result, &context, NULL);
  return NULL;
}

/* Copies the SGD runs' latest MSE under the lock; FALSE before the ensemble started. */
static gboolean
copy_mse (Background *bg, double *mse)
{
  gboolean started;

  g_mutex_lock (&bg->lock);
  started = bg->result.sgd_runs > 0;
  if (started)
    memcpy (mse, bg->result.sgd_mse, sizeof (double) * bg->result.sgd_runs);
  g_mutex_unlock (&bg->lock);
  return started;
}

/* Paused while SGD trains, no run makes progress (the published MSE stays put while epochs
 * last milliseconds) until it is resumed; then all finish. */
static void
test_pause (void)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  Background bg = { .pausable = lv_pausable_new () };
  double before[8], after[8];
  GThread *thread;

  g_mutex_init (&bg.lock);
  small_input (&bg.input, pool);
  bg.input.epochs = 200;
  thread = g_thread_new ("lift-probe", run_in_thread, &bg);
  while (!copy_mse (&bg, before))
    g_usleep (5000);
  lv_pausable_set_paused (bg.pausable, TRUE);
  /* The probe passes the pause on within one poll; running minibatches end. */
  g_usleep (300000);
  copy_mse (&bg, before);
  g_usleep (600000);
  copy_mse (&bg, after);
  g_assert_cmpmem (before, sizeof (double) * bg.input.sgd_runs,
                   after, sizeof (double) * bg.input.sgd_runs);
  g_assert_cmpuint (bg.result.sgd_finished, <, bg.input.sgd_runs);
  lv_pausable_set_paused (bg.pausable, FALSE);
  g_thread_join (thread);
  g_assert_true (bg.ok);
  g_assert_cmpuint (bg.result.sgd_finished, ==, bg.input.sgd_runs);
  lv_lift_probe_result_clear (&bg.result);
  g_object_unref (bg.pausable);
  g_mutex_clear (&bg.lock);
}

static void
test_bad_input (void)
{
  LvLiftProbeInput in;
  LvLiftProbeResult res = { 0 };
  g_autoptr(GError) error = NULL;

  small_input (&in, NULL);
  in.k = in.d + 1;
  g_assert_false (lv_lift_probe_run (&in, &res, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_null (res.problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/lift-probe/matches-direct", test_matches_direct);
  g_test_add_func ("/lossviz/lift-probe/no-sgd", test_no_sgd);
  g_test_add_func ("/lossviz/lift-probe/cancel", test_cancel);
  g_test_add_func ("/lossviz/lift-probe/pause", test_pause);
  g_test_add_func ("/lossviz/lift-probe/bad-input", test_bad_input);
  return g_test_run ();
}
