/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-ensemble-probe.h>

#include <lossviz/lv-pausable.h>

/*
 * The ensemble probe: start, then sleep on the ensemble's "a run ended" condition for at most
 * one poll period at a time. Each wake looks at the context (cancel, pause) and, when a run
 * published since the last look, copies a snapshot into the result under the context's lock.
 * Waking on the condition (not a fixed sleep) makes elapsed_s the training time itself.
 */

#define DEFAULT_POLL_MS 100

static void
publish (const LvEnsembleProbeInput *input, LvEnsembleProbeResult *result,
         LvProbeContext *context, gint64 t0)
{
  LvEnsembleSnapshot *snapshot = lv_ensemble_snapshot (input->ensemble);
  LvEnsembleSnapshot *old;

  lv_probe_context_publish_begin (context);
  old = result->snapshot;
  result->snapshot = snapshot;
  result->runs_ended = snapshot->finished + snapshot->diverged;
  result->runs_total = snapshot->n_runs;
  result->elapsed_s = (g_get_monotonic_time () - t0) / 1e6;
  lv_probe_context_publish_end (context, snapshot->n_runs > 0
                                         ? (double) result->runs_ended / snapshot->n_runs
                                         : 1.0);
  /* Freed after the lock: a reader never holds a pointer to it past its own unlock. */
  g_clear_pointer (&old, lv_ensemble_snapshot_free);
}

/* Mirrors an LvPausable's state onto the runs (they hold between two minibatches). */
static void
follow_pause (LvEnsemble *ensemble, GCancellable *cancellable, gboolean *paused)
{
  gboolean want;

  if (cancellable == NULL || !LV_IS_PAUSABLE (cancellable))
    return;
  want = lv_pausable_get_paused (LV_PAUSABLE (cancellable));
  if (want != *paused)
    lv_ensemble_set_paused (ensemble, want);
  *paused = want;
}

/**
 * lv_ensemble_probe_run:
 * @input: the ensemble and its workers
 * @result: (out caller-allocates): zero-initialised; clear with lv_ensemble_probe_result_clear()
 * @context: (nullable): cancellation, pause, lock and progress
 * @error: return location for %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when every run ended (finished or diverged), %FALSE when cancelled.
 */
gboolean
lv_ensemble_probe_run (const LvEnsembleProbeInput *input,
                       LvEnsembleProbeResult      *result,
                       LvProbeContext             *context,
                       GError                    **error)
{
  GCancellable *cancellable = lv_probe_context_get_cancellable (context);
  gint64 poll = (gint64) (input->poll_ms > 0 ? input->poll_ms : DEFAULT_POLL_MS) * 1000;
  gint64 t0 = g_get_monotonic_time ();
  guint64 seen = G_MAXUINT64;
  gboolean paused = FALSE, done = FALSE;
  /* Nobody can read a result mid-way without a lock or a progress callback: then only the
   * final state is copied (a snapshot copies every run's history). */
  gboolean watched = context != NULL && (context->lock != NULL || context->progress != NULL);

  g_return_val_if_fail (input->ensemble != NULL && input->pool != NULL, FALSE);

  lv_ensemble_start (input->ensemble, input->pool);
  while (!done)
    {
      guint64 generation;

      done = lv_ensemble_wait_until (input->ensemble, g_get_monotonic_time () + poll);
      if (g_cancellable_is_cancelled (cancellable))
        break;
      follow_pause (input->ensemble, cancellable, &paused);
      generation = lv_ensemble_get_generation (input->ensemble);
      if ((watched && generation != seen) || done)
        publish (input, result, context, t0);
      seen = generation;
    }
  if (done)
    return TRUE;
  /* Cancelled: the runs stop at their next minibatch; the result shows where they stood. */
  lv_ensemble_cancel (input->ensemble); /* also wakes paused runs */
  lv_ensemble_wait (input->ensemble);
  publish (input, result, context, t0);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

/**
 * lv_ensemble_probe_result_clear:
 * @result: a result
 *
 * Frees what the probe put in @result and zeroes it.
 */
void
lv_ensemble_probe_result_clear (LvEnsembleProbeResult *result)
{
  g_clear_pointer (&result->snapshot, lv_ensemble_snapshot_free);
  *result = (LvEnsembleProbeResult) { 0 };
}
