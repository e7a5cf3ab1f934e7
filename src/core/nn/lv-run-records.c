/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-run-records.h>

#include <math.h>

/**
 * lv_run_records_new:
 * @n_runs: number of records
 *
 * Returns: (transfer full): a snapshot of @n_runs zeroed records, freed with
 *   lv_ensemble_snapshot_free().
 */
LvEnsembleSnapshot *
lv_run_records_new (guint n_runs)
{
  LvEnsembleSnapshot *snapshot = g_new0 (LvEnsembleSnapshot, 1);

  snapshot->n_runs = n_runs;
  snapshot->runs = g_new0 (LvRunRecord, MAX (n_runs, 1));
  return snapshot;
}

/**
 * lv_run_record_copy:
 * @dst: an uninitialised record
 * @src: the record to copy
 *
 * Deep-copies @src (its per-epoch arrays included) into @dst.
 */
void
lv_run_record_copy (LvRunRecord       *dst,
                    const LvRunRecord *src)
{
  gsize bytes = sizeof (double) * src->epochs_done;

  *dst = *src;
  dst->train_loss = src->train_loss != NULL ? g_memdup2 (src->train_loss, bytes) : NULL;
  dst->test_loss = src->test_loss != NULL ? g_memdup2 (src->test_loss, bytes) : NULL;
  dst->test_accuracy = src->test_accuracy != NULL ? g_memdup2 (src->test_accuracy, bytes) : NULL;
}

/**
 * lv_run_records_copy:
 * @src: a snapshot
 * @first: index of the first record to copy
 * @n_runs: how many, `first + n_runs <= src->n_runs`
 *
 * Returns: (transfer full): a snapshot holding copies of records @first … @first + @n_runs − 1,
 *   with its state counts recomputed.
 */
LvEnsembleSnapshot *
lv_run_records_copy (const LvEnsembleSnapshot *src,
                     guint                     first,
                     guint                     n_runs)
{
  LvEnsembleSnapshot *copy;

  g_return_val_if_fail (first + n_runs <= src->n_runs, NULL);

  copy = lv_run_records_new (n_runs);
  for (guint i = 0; i < n_runs; i++)
    lv_run_record_copy (&copy->runs[i], &src->runs[first + i]);
  copy->generation = src->generation;
  lv_run_records_recount (copy);
  return copy;
}

/**
 * lv_run_record_init_pending:
 * @record: an uninitialised record
 * @base_seed: the ensemble's seed
 * @hidden: hidden width
 * @run: run index
 *
 * Makes @record the not-yet-trained run @run of width @hidden, with the seed the ensemble
 * would give it.
 */
void
lv_run_record_init_pending (LvRunRecord *record,
                            guint64      base_seed,
                            guint        hidden,
                            guint        run)
{
  *record = (LvRunRecord) {
    .hidden = hidden,
    .run = run,
    .seed = lv_ensemble_run_seed (base_seed, hidden, run),
    .state = LV_RUN_PENDING,
    .grad_norm = NAN,
  };
}

/**
 * lv_run_records_leading_ended:
 * @snapshot: a snapshot
 *
 * Returns: how many records from the first one on have ended (finished or diverged): the
 *   prefix that never needs training again.
 */
guint
lv_run_records_leading_ended (const LvEnsembleSnapshot *snapshot)
{
  guint n = 0;

  while (n < snapshot->n_runs && (snapshot->runs[n].state == LV_RUN_FINISHED ||
                                  snapshot->runs[n].state == LV_RUN_DIVERGED))
    n++;
  return n;
}

/**
 * lv_run_records_recount:
 * @snapshot: a snapshot
 *
 * Recomputes its finished / diverged / cancelled counts from the records.
 */
void
lv_run_records_recount (LvEnsembleSnapshot *snapshot)
{
  snapshot->finished = snapshot->diverged = snapshot->cancelled = 0;
  for (guint i = 0; i < snapshot->n_runs; i++)
    {
      snapshot->finished += snapshot->runs[i].state == LV_RUN_FINISHED;
      snapshot->diverged += snapshot->runs[i].state == LV_RUN_DIVERGED;
      snapshot->cancelled += snapshot->runs[i].state == LV_RUN_CANCELLED;
    }
}

/**
 * lv_run_records_gather:
 * @config: the configuration: its sizes, runs and seed
 * @per_size: (array): one snapshot per size of @config, in its order, each holding that size's
 *   runs 0, 1, … (fewer, or %NULL, when not all are known)
 *
 * The whole experiment as one snapshot in configuration order (size, then run), as experiment
 * files hold it: known runs are copied, the others are pending with the seed the ensemble gives
 * them.
 *
 * Returns: (transfer full): the snapshot, its counts computed.
 */
LvEnsembleSnapshot *
lv_run_records_gather (const LvEnsembleConfig           *config,
                       const LvEnsembleSnapshot *const *per_size)
{
  LvEnsembleSnapshot *snapshot = lv_run_records_new (config->n_sizes * config->runs);

  for (guint s = 0; s < config->n_sizes; s++)
    for (guint r = 0; r < config->runs; r++)
      {
        LvRunRecord *dst = &snapshot->runs[s * config->runs + r];
        const LvEnsembleSnapshot *src = per_size[s];

        if (src != NULL && r < src->n_runs)
          lv_run_record_copy (dst, &src->runs[r]);
        else
          lv_run_record_init_pending (dst, config->seed, config->sizes[s], r);
      }
  lv_run_records_recount (snapshot);
  return snapshot;
}
