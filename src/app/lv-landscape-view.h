/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lv-experiment.h"
#include "lv-view.h"
#include <lossviz/lv-plot-landscape.h>

#include "lv-landscape-inputs.h"

G_BEGIN_DECLS

#define LV_TYPE_LANDSCAPE_VIEW (lv_landscape_view_get_type ())
G_DECLARE_FINAL_TYPE (LvLandscapeView, lv_landscape_view, LV, LANDSCAPE_VIEW, LvView)

/**
 * LV_LANDSCAPE_INDEX_MAX_PARAMS:
 *
 * Networks surveyed by the "index vs loss" panel have at most this many parameters (one
 * Lanczos run each on the worker pool).
 */
#define LV_LANDSCAPE_INDEX_MAX_PARAMS 2000

/**
 * LvLandscapeState:
 * @hidden: the selected run's size, 0 when none
 * @run: its index
 * @kind: the directions
 * @stage: what its job is doing
 * @level: slice refinement levels shown
 * @n_levels: levels in all
 * @grid: points per axis of the full slice
 * @slice_center: the slice's value at (0, 0), NAN until computed
 * @center_train: the run's own train loss as the job evaluated it, NAN until computed
 * @has_interpolation: the 1-D interpolation is shown
 * @has_spectrum: the Hessian summary is shown
 * @min_eigenvalue: its smallest eigenvalue
 * @negative_count: its index
 * @index_done: runs of the index survey with eigenvalues
 * @index_total: runs in the survey
 * @show_density: the curvature panel shows the eigenvalue density (else the spectrum)
 * @has_density: the density of the selected run is computed and shown
 * @density_failed: its computation failed (the status says why)
 *
 * What the page shows, for tests and the status line.
 */
typedef struct
{
  guint hidden;
  guint run;
  LvSliceDirections kind;
  LvLandscapeStage stage;
  guint level, n_levels, grid;
  double slice_center;
  double center_train;
  gboolean has_interpolation;
  gboolean has_spectrum;
  double min_eigenvalue;
  guint negative_count;
  guint index_done;
  guint index_total;
  gboolean show_density;
  gboolean has_density;
  gboolean density_failed;
} LvLandscapeState;

GtkWidget *lv_landscape_view_new        (LvExperiment       *experiment);
void       lv_landscape_view_select_run (LvLandscapeView    *self,
                                         guint               hidden,
                                         guint               run);
void       lv_landscape_view_set_directions (LvLandscapeView *self,
                                             LvSliceDirections kind);
void       lv_landscape_view_get_state  (LvLandscapeView    *self,
                                         LvLandscapeState   *state);
void       lv_landscape_view_set_show_density (LvLandscapeView *self,
                                               gboolean         show);
LvLandscapeFigures *lv_landscape_view_get_figures (LvLandscapeView *self);

G_END_DECLS
