/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-ensemble-group-probe.h>

#include <lossviz/lv-pausable.h>

/*
 * The group probe: the ensemble probe (lv-ensemble-probe.c) over several ensembles started on
 * one queue. It sleeps on the "a run ended" condition of the first ensemble not done, for at
 * most one poll period; each wake publishes a fresh snapshot of every ensemble whose generation
 * moved. A reader takes the snapshots (moves them out under the lock) instead of copying them
 * again, so each publish costs one copy of the runs that changed.
 *
 * Pause: the context's LvPausable emits ::pause-changed in the thread that pauses (the app's
 * main thread), and the handler pauses every ensemble there and then, so no run takes another
 * minibatch after Pause returns; each wake also mirrors the state, which covers a change made
 * before the handler was connected.
 */

#define DEFAULT_POLL_MS 100

typedef struct
{
  const LvEnsembleGroupProbeInput *input;
  LvEnsembleGroupProbeResult *result;
  LvProbeContext *context;
  guint64 *seen;  /* generation of each ensemble's last publish */
  guint *ended;   /* runs finished or diverged in each ensemble's last publish */
  gint64 t0;
} Group;

static void
set_all_paused (const LvEnsembleGroupProbeInput *input, gboolean paused)
{
  for (guint k = 0; k < input->n_ensembles; k++)
    lv_ensemble_set_paused (input->ensembles[k], paused);
}

static void
on_pause_changed (LvPausable *pausable, gboolean paused, gpointer user_data)
{
  set_all_paused (user_data, paused);
}

/* Publishes the ensembles that moved since their last publish (or all, with @all). */
static void
publish (Group *g, gboolean all)
{
  const LvEnsembleGroupProbeInput *input = g->input;
  g_autofree LvEnsembleSnapshot **fresh = g_new0 (LvEnsembleSnapshot *, input->n_ensembles);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (
    (GDestroyNotify) lv_ensemble_snapshot_free);
  guint ended = 0, total = 0, n_fresh = 0;

  for (guint k = 0; k < input->n_ensembles; k++)
    {
      LvEnsemble *ensemble = input->ensembles[k];
      const LvEnsembleConfig *config = lv_ensemble_get_config (ensemble);

      total += config->runs * config->n_sizes;
      if (all || lv_ensemble_get_generation (ensemble) != g->seen[k])
        {
          fresh[k] = lv_ensemble_snapshot (ensemble);
          g->seen[k] = fresh[k]->generation;
          n_fresh++;
        }
    }
  if (n_fresh == 0)
    return;
  lv_probe_context_publish_begin (g->context);
  for (guint k = 0; k < input->n_ensembles; k++)
    if (fresh[k] != NULL)
      {
        if (g->result->snapshots[k] != NULL)
          g_ptr_array_add (stale, g->result->snapshots[k]);
        g->result->snapshots[k] = fresh[k];
      }
  for (guint k = 0; k < input->n_ensembles; k++)
    {
      if (fresh[k] != NULL)
        g->ended[k] = fresh[k]->finished + fresh[k]->diverged;
      ended += g->ended[k];
    }
  g->result->runs_ended = ended;
  g->result->runs_total = total;
  g->result->elapsed_s = (g_get_monotonic_time () - g->t0) / 1e6;
  lv_probe_context_publish_end (g->context, total > 0 ? (double) ended / total : 1.0);
  /* The replaced snapshots are freed after the lock (stale's free func). */
}

/* The first ensemble not done, or NULL when all are. */
static LvEnsemble *
first_running (const LvEnsembleGroupProbeInput *input)
{
  for (guint k = 0; k < input->n_ensembles; k++)
    if (!lv_ensemble_is_done (input->ensembles[k]))
      return input->ensembles[k];
  return NULL;
}

/* Sleeps until a run of the first unfinished ensemble ends or @poll µs pass; TRUE when all
 * ensembles are done. */
static gboolean
wait_a_while (const LvEnsembleGroupProbeInput *input, gint64 poll)
{
  LvEnsemble *running = first_running (input);

  if (running == NULL)
    return TRUE;
  lv_ensemble_wait_until (running, g_get_monotonic_time () + poll);
  return first_running (input) == NULL;
}

/**
 * lv_ensemble_group_probe_run:
 * @input: the ensembles and their queue
 * @result: (out caller-allocates): zero-initialised; clear with
 *   lv_ensemble_group_probe_result_clear()
 * @context: (nullable): cancellation, pause, lock and progress
 * @error: return location for %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when every run of every ensemble ended, %FALSE when cancelled.
 */
gboolean
lv_ensemble_group_probe_run (const LvEnsembleGroupProbeInput *input,
                             LvEnsembleGroupProbeResult      *result,
                             LvProbeContext                  *context,
                             GError                         **error)
{
  GCancellable *cancellable = lv_probe_context_get_cancellable (context);
  LvPausable *pausable = cancellable != NULL && LV_IS_PAUSABLE (cancellable)
                           ? LV_PAUSABLE (cancellable) : NULL;
  gint64 poll = (gint64) (input->poll_ms > 0 ? input->poll_ms : DEFAULT_POLL_MS) * 1000;
  g_autofree guint64 *seen = g_new (guint64, MAX (input->n_ensembles, 1));
  g_autofree guint *ended = g_new0 (guint, MAX (input->n_ensembles, 1));
  Group g = { input, result, context, seen, ended, g_get_monotonic_time () };
  gboolean done = FALSE, paused = FALSE;
  gulong handler = 0;

  g_return_val_if_fail (input->queue != NULL, FALSE);

  for (guint k = 0; k < input->n_ensembles; k++)
    seen[k] = G_MAXUINT64;
  lv_probe_context_publish_begin (context);
  result->snapshots = g_new0 (LvEnsembleSnapshot *, MAX (input->n_ensembles, 1));
  result->n_snapshots = input->n_ensembles;
  lv_probe_context_publish_end (context, 0.0);
  lv_ensemble_start_on_queue (input->ensembles, input->n_ensembles, input->queue);
  if (pausable != NULL)
    handler = g_signal_connect (pausable, "pause-changed", G_CALLBACK (on_pause_changed),
                                (gpointer) input);
  while (!done)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (pausable != NULL && lv_pausable_get_paused (pausable) != paused)
        {
          paused = !paused;
          set_all_paused (input, paused);
        }
      done = wait_a_while (input, poll);
      publish (&g, FALSE);
    }
  if (handler != 0)
    g_signal_handler_disconnect (pausable, handler);
  if (done)
    return TRUE;
  /* Cancelled: the runs stop at their next minibatch; the result shows where they stood. */
  for (guint k = 0; k < input->n_ensembles; k++)
    lv_ensemble_cancel (input->ensembles[k]); /* also wakes paused runs */
  for (guint k = 0; k < input->n_ensembles; k++)
    lv_ensemble_wait (input->ensembles[k]);
  publish (&g, FALSE);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

/**
 * lv_ensemble_group_probe_take:
 * @result: a result, read under the context's lock
 * @index: an ensemble of the input
 *
 * Returns: (transfer full) (nullable): ensemble @index's snapshot published since the last
 *   take, %NULL when none is newer (or the probe has not started)
 */
LvEnsembleSnapshot *
lv_ensemble_group_probe_take (LvEnsembleGroupProbeResult *result, guint index)
{
  if (index >= result->n_snapshots)
    return NULL;
  return g_steal_pointer (&result->snapshots[index]);
}

void
lv_ensemble_group_probe_result_clear (LvEnsembleGroupProbeResult *result)
{
  for (guint k = 0; k < result->n_snapshots; k++)
    g_clear_pointer (&result->snapshots[k], lv_ensemble_snapshot_free);
  g_free (result->snapshots);
  *result = (LvEnsembleGroupProbeResult) { 0 };
}
