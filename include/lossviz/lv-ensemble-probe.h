/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-probe.h>

G_BEGIN_DECLS

/**
 * LvEnsembleProbeInput:
 * @ensemble: an ensemble made by lv_ensemble_new() and not started yet (runs put back with
 *   lv_ensemble_restore_run() are not trained again); the probe starts it
 * @pool: the workers that train it
 * @poll_ms: how often the probe looks at the runs between their ends (0: 100 ms)
 *
 * The ensemble probe trains an ensemble to the end and publishes its runs as they move. An
 * ensemble stays watchable live on its own (lv_ensemble_snapshot()); the probe is the
 * one-call shape of docs/DESIGN.md, "Probes and jobs", used by `lossviz-cli ensemble`.
 */
typedef struct
{
  LvEnsemble *ensemble;
  LvWorkerPool *pool;
  guint poll_ms;
} LvEnsembleProbeInput;

/**
 * LvEnsembleProbeResult:
 * @snapshot: every run as last published (replaced at each publish), %NULL before the first
 * @runs_ended: runs finished or diverged in @snapshot
 * @runs_total: runs of the ensemble
 * @elapsed_s: wall time from the start to the last run's end (or to the cancellation)
 */
typedef struct
{
  LvEnsembleSnapshot *snapshot;
  guint runs_ended;
  guint runs_total;
  double elapsed_s;
} LvEnsembleProbeResult;

/* Trains @input->ensemble; cancelling the context cancels the runs and still leaves their
 * last state in @result (FALSE, %G_IO_ERROR_CANCELLED). An #LvPausable context pauses the
 * runs between two minibatches while it is paused. */
gboolean lv_ensemble_probe_run          (const LvEnsembleProbeInput *input,
                                         LvEnsembleProbeResult      *result,
                                         LvProbeContext             *context,
                                         GError                    **error);
void     lv_ensemble_probe_result_clear (LvEnsembleProbeResult      *result);

G_END_DECLS
