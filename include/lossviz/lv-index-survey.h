/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-probe.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * The index-vs-loss survey probe: for every finished run of an experiment's small networks,
 * the Hessian's smallest and largest Ritz values and its index at the run's final point
 * (Lanczos, the same draw as the run's own Hessian summary), one task per run on the pool.
 */

/**
 * LvIndexSurveyRun:
 * @hidden: the run's hidden width
 * @run: its index within the size
 * @shape: its network
 * @params: (nullable): its final parameters (borrowed); %NULL for a run left out for its size
 * @loss: its final train loss
 * @seed: its seed (lv_ensemble_run_seed())
 */
typedef struct
{
  guint hidden;
  guint run;
  LvMlpShape shape;
  const float *params;
  double loss;
  guint64 seed;
} LvIndexSurveyRun;

/**
 * LvIndexSurveyInput:
 * @dataset: the runs' data (borrowed)
 * @runs: (array length=n_runs): the runs (borrowed)
 * @n_runs: their number
 * @max_params: runs with more parameters (or without @params) are left out and counted
 * @extremes: Ritz values kept at each end
 * @tolerance: eigenvalues below −tolerance · max |λ| count as negative
 * @pool: (nullable): the worker pool
 * @max_in_flight: tasks queued at once (0: the pool's threads), so that other work pushed to the
 *   pool meanwhile waits for at most these
 */
typedef struct
{
  const LvDataset *dataset;
  const LvIndexSurveyRun *runs;
  guint n_runs;
  gsize max_params;
  guint extremes;
  double tolerance;
  LvWorkerPool *pool;
  guint max_in_flight;
} LvIndexSurveyInput;

/**
 * LvIndexPoint:
 * @hidden: the run's hidden width
 * @run: its index within the size
 * @n_params: its parameters
 * @loss: its final train loss
 * @done: whether the eigenvalues below are computed
 * @min_eigenvalue: the smallest Ritz value
 * @max_eigenvalue: the largest
 * @index: negative Ritz values (a lower bound of the index)
 *
 * One run of the survey.
 */
typedef struct
{
  guint hidden;
  guint run;
  gsize n_params;
  double loss;
  gboolean done;
  double min_eigenvalue;
  double max_eigenvalue;
  guint index;
} LvIndexPoint;

/**
 * LvIndexSurveyResult:
 * @points: (array length=n_points): the surveyed runs, in input order, done or not
 * @n_points: their number
 * @n_done: runs with eigenvalues
 * @n_skipped: runs left out for their size
 */
typedef struct
{
  LvIndexPoint *points;
  guint n_points;
  guint n_done;
  guint n_skipped;
} LvIndexSurveyResult;

void     lv_index_survey_input_init   (LvIndexSurveyInput        *input);
gboolean lv_index_survey_input_check  (const LvIndexSurveyInput  *input,
                                       GError                   **error);
void     lv_index_survey_result_clear (LvIndexSurveyResult       *result);
gboolean lv_index_survey_probe_run    (const LvIndexSurveyInput  *input,
                                       LvIndexSurveyResult       *result,
                                       LvProbeContext            *context,
                                       GError                   **error);

G_END_DECLS
