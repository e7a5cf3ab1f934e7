/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <lossviz/lv-ensemble-spread.h>

#include <math.h>

/**
 * lv_ensemble_spread_of_size:
 * @snapshot: the runs of one network size
 * @summary: (out): the summary of the finished runs' final test losses
 *
 * Runs that did not finish (pending, diverged, cancelled) do not count.
 *
 * Returns: whether at least two runs finished: a spread to speak of.
 */
gboolean
lv_ensemble_spread_of_size (const LvEnsembleSnapshot *snapshot, LvSummary *summary)
{
  g_autofree double *losses = g_new (double, MAX (snapshot->n_runs, 1));

  /* The other runs enter as NAN, which lv_summary_compute() skips. */
  for (guint r = 0; r < snapshot->n_runs; r++)
    losses[r] = snapshot->runs[r].state == LV_RUN_FINISHED
                ? lv_run_record_final_test_loss (&snapshot->runs[r]) : NAN;
  lv_summary_compute (losses, snapshot->n_runs, summary);
  return summary->count >= 2;
}

/**
 * lv_ensemble_spread_trend:
 * @values: (array length=n): a quantity per size, sizes ascending
 * @n: their number
 *
 * Returns: −1 when @values fall strictly from each size to the next, +1 when they rise
 *   strictly, 0 otherwise (a tie, a turn, or fewer than two values).
 */
int
lv_ensemble_spread_trend (const double *values, guint n)
{
  gboolean falls = n >= 2, rises = n >= 2;

  for (guint i = 1; i < n; i++)
    {
      falls = falls && values[i] < values[i - 1];
      rises = rises && values[i] > values[i - 1];
    }
  return falls ? -1 : rises ? 1 : 0;
}
