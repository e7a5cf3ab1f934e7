/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

#include "lv-experiment.h"
#include "lv-job.h"

G_BEGIN_DECLS

/*
 * The Landscape page's jobs: each copies what its core probe needs out of the experiment (on
 * the main thread: the runs' parameters, the dataset, seeds, a bundle's saved trajectory) and
 * runs the probe in an #LvJob on the process's worker pool. The probes themselves know nothing
 * of the experiment (lv-landscape-probe.h, lv-hessian-probe.h, lv-index-survey.h).
 */

/**
 * LvLandscapeRequest:
 * @hidden: the run's hidden width
 * @run: its index within the size
 * @partner: the run the 1-D interpolation goes to (and the plane's first other minimum), or
 *   G_MAXUINT for none
 * @partner2: the plane's second other minimum (interpolate directions), or G_MAXUINT
 * @kind: filter, PCA or interpolate
 * @grid: points per axis
 * @span: half-width of the plane
 * @direction_seed: seed of the filter directions, the same for every size and run
 * @n_interp: points of the 1-D interpolation
 */
typedef struct
{
  guint hidden;
  guint run;
  guint partner;
  guint partner2;
  LvSliceDirections kind;
  guint grid;
  double span;
  guint64 direction_seed;
  guint n_interp;
} LvLandscapeRequest;

/* The data of a landscape job: read input/result under lv_job_lock(). */
typedef struct
{
  LvLandscapeRequest request;
  LvLandscapeInput input;
  LvLandscapeResult result;
  /* what the input borrows */
  LvDataset *dataset;
  float *center, *partner, *partner2, *trajectory;
} LvLandscapeJobData;

/* The data of a curvature (SLQ density) job. */
typedef struct
{
  guint hidden, run;
  LvHessianInput input;
  LvHessianResult result;
  LvDataset *dataset;
  float *params;
} LvCurvatureJobData;

/* The data of an index-survey job. */
typedef struct
{
  LvIndexSurveyInput input;
  LvIndexSurveyResult result;
  LvDataset *dataset;
  LvIndexSurveyRun *runs;
  float **params;
} LvIndexSurveyJobData;

LvJob *lv_landscape_run_job_new   (LvExperiment              *experiment,
                                   const LvLandscapeRequest  *request,
                                   GError                   **error);
LvJob *lv_curvature_job_new       (LvExperiment              *experiment,
                                   guint                      hidden,
                                   guint                      run,
                                   GError                   **error);
LvJob *lv_index_survey_job_new    (LvExperiment              *experiment,
                                   gsize                      max_params,
                                   guint                      max_runs_per_size);

G_END_DECLS
