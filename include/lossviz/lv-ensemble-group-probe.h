/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-probe.h>

G_BEGIN_DECLS

/**
 * LvEnsembleGroupProbeInput:
 * @ensembles: (array length=n_ensembles): ensembles made by lv_ensemble_new() and not started
 *   yet (e.g. one per network size, as the app's experiment caches them); the probe starts them
 *   interleaved (lv_ensemble_start_on_queue()) and they must outlive it
 * @n_ensembles: their number
 * @queue: their one submitter on the worker pool
 * @poll_ms: how often the probe looks at the runs between their ends (0: 100 ms)
 *
 * The group probe trains several ensembles as one job: the app's loss view trains every
 * selected size this way. One ensemble may be cancelled on its own (a size dropped while the
 * others train, lv_ensemble_cancel()); the probe then ends when every ensemble has ended.
 */
typedef struct
{
  LvEnsemble *const *ensembles;
  guint n_ensembles;
  LvWorkerQueue *queue;
  guint poll_ms;
} LvEnsembleGroupProbeInput;

/**
 * LvEnsembleGroupProbeResult:
 * @snapshots: (array length=n_snapshots): per ensemble, the snapshot published since a reader
 *   last took it (lv_ensemble_group_probe_take()), %NULL when none is newer
 * @n_snapshots: the number of ensembles (set at the start)
 * @runs_ended: runs of every ensemble finished or diverged, as last published
 * @runs_total: runs of every ensemble
 * @elapsed_s: wall time from the start to the last publish
 */
typedef struct
{
  LvEnsembleSnapshot **snapshots;
  guint n_snapshots;
  guint runs_ended;
  guint runs_total;
  double elapsed_s;
} LvEnsembleGroupProbeResult;

/* Trains every ensemble to its end. Cancelling the context cancels them all and still publishes
 * their last state (FALSE, %G_IO_ERROR_CANCELLED); an #LvPausable context pauses them at once
 * between two minibatches while it is paused. */
gboolean            lv_ensemble_group_probe_run   (const LvEnsembleGroupProbeInput *input,
                                                   LvEnsembleGroupProbeResult      *result,
                                                   LvProbeContext                  *context,
                                                   GError                         **error);
/* Under the context's lock: takes ensemble @index's newest snapshot (transfer full), or NULL. */
LvEnsembleSnapshot *lv_ensemble_group_probe_take  (LvEnsembleGroupProbeResult      *result,
                                                   guint                            index);
void                lv_ensemble_group_probe_result_clear (LvEnsembleGroupProbeResult *result);

G_END_DECLS
