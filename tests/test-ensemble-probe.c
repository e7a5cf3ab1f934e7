/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ensemble probe (lv_ensemble_probe_run): same runs as starting and waiting by hand,
 * progress, cancellation with a consistent partial result, and pause. */
#include "config.h"

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-probe.h>

#include "lv-test-data.h"

typedef struct
{
  LvEnsembleProbeResult *result;
  double last;
  guint calls;
  gboolean decreased;
  GCancellable *cancel_at_first;
} Progress;

static void
on_progress (gpointer data, double fraction)
{
  Progress *p = data;

  p->decreased = p->decreased || fraction < p->last;
  p->last = fraction;
  p->calls++;
  /* The fraction is the published result's own count. */
  g_assert_cmpfloat (fraction, ==, (double) p->result->runs_ended / p->result->runs_total);
  if (p->cancel_at_first != NULL)
    g_cancellable_cancel (p->cancel_at_first);
}

/* The probe trains exactly what lv_ensemble_start () + lv_ensemble_wait () train. */
static void
test_probe_matches_direct (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvEnsemble) direct = NULL, probed = NULL;
  g_autoptr(LvEnsembleSnapshot) expected = NULL;
  LvEnsembleProbeResult result = { 0 };
  Progress progress = { &result, 0, 0, FALSE, NULL };
  LvProbeContext context = { NULL, NULL, on_progress, &progress };
  GMutex lock;
  LvEnsembleConfig config;

  lv_test_small_ensemble_config (&config);
  direct = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (direct, pool);
  lv_ensemble_wait (direct);
  expected = lv_ensemble_snapshot (direct);

  g_mutex_init (&lock);
  context.lock = &lock;
  probed = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  {
    LvEnsembleProbeInput input = { probed, pool, 5 };
    g_assert_true (lv_ensemble_probe_run (&input, &result, &context, &error));
  }
  g_assert_no_error (error);
  g_assert_nonnull (result.snapshot);
  g_assert_cmpuint (result.runs_total, ==, 10);
  g_assert_cmpuint (result.runs_ended, ==, 10);
  g_assert_cmpuint (result.snapshot->n_runs, ==, expected->n_runs);
  for (guint i = 0; i < expected->n_runs; i++)
    {
      g_assert_cmpuint (result.snapshot->runs[i].seed, ==, expected->runs[i].seed);
      g_assert_cmpuint (result.snapshot->runs[i].epochs_done, ==, 3);
      g_assert_cmpmem (result.snapshot->runs[i].test_loss, 3 * sizeof (double),
                       expected->runs[i].test_loss, 3 * sizeof (double));
    }
  g_assert_cmpfloat (result.elapsed_s, >, 0);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_false (progress.decreased);
  g_assert_cmpfloat (progress.last, ==, 1.0);
  /* The lock is free after the probe: it was released at every publish. */
  g_assert_true (g_mutex_trylock (&lock));
  g_mutex_unlock (&lock);
  g_mutex_clear (&lock);
  lv_ensemble_probe_result_clear (&result);
  g_assert_null (result.snapshot);
}

/* Cancelled at the first publish: FALSE with G_IO_ERROR_CANCELLED, every run ended in a
 * definite state, the long runs cancelled. */
static void
test_probe_cancel (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  LvEnsembleProbeResult result = { 0 };
  Progress progress = { &result, 0, 0, FALSE, cancellable };
  LvProbeContext context = { cancellable, NULL, on_progress, &progress };
  LvEnsembleConfig config;

  lv_test_small_ensemble_config (&config);
  config.train.epochs = 100000; /* hours: only a cancellation ends it */
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  {
    LvEnsembleProbeInput input = { ensemble, pool, 5 };
    g_assert_false (lv_ensemble_probe_run (&input, &result, &context, &error));
  }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (result.snapshot);
  g_assert_cmpuint (result.snapshot->n_runs, ==, 10);
  g_assert_cmpuint (result.snapshot->cancelled, >, 0);
  g_assert_cmpuint (result.snapshot->finished + result.snapshot->diverged +
                    result.snapshot->cancelled, ==, 10);
  g_assert_true (lv_ensemble_is_done (ensemble));
  lv_ensemble_probe_result_clear (&result);
}

typedef struct
{
  LvEnsemble *ensemble;
  LvPausable *pausable;
  guint64 before, after;
} PauseCheck;

/* Another thread: pauses, watches the runs stand still, then cancels. */
static gpointer
pause_then_cancel (gpointer data)
{
  PauseCheck *c = data;

  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Some run has published an epoch (on a loaded machine this may take a while). */
  while (lv_ensemble_get_generation (c->ensemble) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  lv_pausable_set_paused (c->pausable, TRUE);
  g_usleep (500 * 1000); /* the probe applies the pause within one poll (5 ms) */
  c->before = lv_ensemble_get_generation (c->ensemble);
  g_usleep (300 * 1000);
  c->after = lv_ensemble_get_generation (c->ensemble);
  g_cancellable_cancel (G_CANCELLABLE (c->pausable));
  return NULL;
}

static void
test_probe_pause (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvPausable) pausable = lv_pausable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  LvEnsembleProbeResult result = { 0 };
  LvProbeContext context = LV_PROBE_CONTEXT_INIT (G_CANCELLABLE (pausable));
  LvEnsembleConfig config;
  PauseCheck check;
  GThread *thread;

  lv_test_small_ensemble_config (&config);
  config.train.epochs = 100000;
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  check = (PauseCheck) { ensemble, pausable, 0, 0 };
  thread = g_thread_new ("pause", pause_then_cancel, &check);
  {
    LvEnsembleProbeInput input = { ensemble, pool, 5 };
    g_assert_false (lv_ensemble_probe_run (&input, &result, &context, &error));
  }
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (check.before, >, 0);             /* it had trained before the pause */
  g_assert_cmpuint (check.after, ==, check.before);  /* and stood still while paused */
  g_assert_cmpuint (result.snapshot->cancelled, >, 0);
  lv_ensemble_probe_result_clear (&result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ensemble-probe/matches-direct", test_probe_matches_direct);
  g_test_add_func ("/ensemble-probe/cancel", test_probe_cancel);
  g_test_add_func ("/ensemble-probe/pause", test_probe_pause);
  return g_test_run ();
}
