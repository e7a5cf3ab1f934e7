/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <lossviz/lossviz.h>

#include "lv-experiment.h"

G_BEGIN_DECLS

/*
 * LvLandscapeJob — everything the Landscape page shows about one trained run, computed in a
 * GTask thread: the two directions, the progressive loss slice on the shared worker pool, the
 * 1-D interpolation towards a partner run, and the Hessian summary at the run. The worker
 * publishes under a mutex and wakes the main thread through one coalesced low-priority idle;
 * the main thread reads in the notify and never waits for the worker.
 */

typedef struct _LvLandscapeJob LvLandscapeJob;

typedef enum {
  LV_LANDSCAPE_STAGE_DIRECTIONS,
  LV_LANDSCAPE_STAGE_SLICE,
  LV_LANDSCAPE_STAGE_INTERPOLATION,
  LV_LANDSCAPE_STAGE_HESSIAN,
  LV_LANDSCAPE_STAGE_DONE,
  LV_LANDSCAPE_STAGE_FAILED,
} LvLandscapeStage;

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
 *
 * What to compute.
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

/**
 * LvLandscapeJobView:
 * @stage: what the worker is doing (or DONE / FAILED)
 * @error: (nullable): the failure's message
 * @n_params: parameters of the run's network
 * @grid: (nullable): the slice so far (coarse levels first), %NULL before the first level
 * @level: refinement levels finished
 * @n_levels: levels in all
 * @path_x: (array length=n_path): PCA: the training trajectory projected on the plane
 * @path_y: (array length=n_path)
 * @n_path: its length (0 for other kinds)
 * @explained: PCA: variance fraction of each direction
 * @center_train: the run's own mean train loss (lv_mlp_evaluate), NAN before computed
 * @center_test: its mean test loss
 * @interp_t: (array length=n_interp): 1-D interpolation coordinate, 0 = the run, 1 = partner
 * @interp_train: (array length=n_interp): train loss along it
 * @interp_test: (array length=n_interp): test loss along it (NAN without test split)
 * @n_interp: points, 0 until computed
 * @spectrum: (nullable): the Hessian summary, %NULL until computed
 *
 * Borrowed view of a job's results, valid while its lock is held (inside the notify).
 */
typedef struct
{
  LvLandscapeStage stage;
  const char *error;
  gsize n_params;
  const LvSliceGrid *grid;
  guint level, n_levels;
  const double *path_x, *path_y;
  guint n_path;
  double explained[2];
  double center_train, center_test;
  const double *interp_t, *interp_train, *interp_test;
  guint n_interp;
  const LvHessianSpectrum *spectrum;
} LvLandscapeJobView;

typedef void (*LvLandscapeJobNotify) (LvLandscapeJob *job, gpointer data);

LvLandscapeJob *lv_landscape_job_new     (LvExperiment              *experiment,
                                          const LvLandscapeRequest  *request,
                                          GError                   **error);
void            lv_landscape_job_start   (LvLandscapeJob            *job,
                                          LvLandscapeJobNotify       notify,
                                          gpointer                   data);
void            lv_landscape_job_abandon (LvLandscapeJob            *job);
void            lv_landscape_job_read    (LvLandscapeJob            *job,
                                          LvLandscapeJobView        *view);
const LvLandscapeRequest *lv_landscape_job_get_request (LvLandscapeJob *job);
guint           lv_landscape_job_count_alive (void);

G_END_DECLS
