/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by lv-landscape-view.c (selection, jobs, GObject, the template), lv-landscape-view-
 * heatmap.c (the heatmap's tooltip and 3-D surface) and lv-landscape-view-index.c (the index
 * survey). */

#include "lv-figure.h"
#include "lv-landscape-view.h"
#include "lv-job.h"
#include <lossviz/lv-plot-wireframe.h>

G_BEGIN_DECLS

struct _LvLandscapeView
{
  LvView parent_instance;

  LvExperiment *experiment;       /* borrowed: LvView:experiment */
  LvLandscapeFigures *figures;

  /* widgets (ui/lv-landscape-view.ui) */
  GtkBox *toolbar;
  GtkDropDown *size_dropdown;
  GtkStringList *size_model;
  GtkSpinButton *run_spin;
  GtkDropDown *kind_dropdown;
  GtkSpinButton *partner_spin;
  GtkToggleButton *log_button;
  GtkToggleButton *surface_button;
  LvPlotWireframe wireframe; /* the 3-D view of the heatmap's model */
  double drag_azimuth, drag_elevation;
  GtkToggleButton *index_button;
  GtkToggleButton *eigen_button;
  GtkToggleButton *spectrum_button;   /* the curvature panel: spectrum … */
  GtkToggleButton *density_button;    /* … or eigenvalue density (SLQ) */
  GtkLabel *status_label;
  LvFigure *heatmap_figure;
  LvFigure *lines_figure;
  LvFigure *bars_figure;
  LvFigure *index_figure;

  GArray *sizes;                  /* guint: sizes with a finished run, ascending */
  gboolean updating;              /* suppress control handlers while syncing them */

  /* the selection and its job */
  guint hidden, run, partner;
  LvSliceDirections kind;
  LvEnsembleConfig config;        /* the experiment's when the run was selected */
  gboolean explicit_request;
  LvJob *job;
  gboolean saved_trajectory;      /* PCA reads the opened bundle's trajectory */
  LvLandscapeState state;
  char *failure;

  GtkWidget *loss_view;           /* weak: the sibling page whose clicks open runs here */

  /* the index survey */
  LvJob *index_job;
  char *index_key;

  /* the eigenvalue density at the selected run (only while shown) */
  LvJob *curvature_job;
};

void     lv_landscape_view_queue_figures    (LvLandscapeView *self);
gboolean lv_landscape_view_run_finished     (LvLandscapeView *self,
                                             guint            hidden,
                                             guint            run);
guint    lv_landscape_view_n_runs_of_size   (LvLandscapeView *self,
                                             guint            hidden);
void     lv_landscape_view_select           (LvLandscapeView *self,
                                             guint            hidden,
                                             guint            run,
                                             guint            partner);
void     lv_landscape_view_ensure_job       (LvLandscapeView *self);
void     lv_landscape_view_on_size_selected (LvLandscapeView *self);
void     lv_landscape_view_on_run_changed   (LvLandscapeView *self);
void     lv_landscape_view_on_partner_changed (LvLandscapeView *self);
void     lv_landscape_view_on_kind_selected (LvLandscapeView *self);
void     lv_landscape_view_on_log_toggled   (LvLandscapeView *self);

/* lv-landscape-view-heatmap.c */
void     lv_landscape_view_heatmap_init     (LvLandscapeView *self);
void     lv_landscape_view_on_surface_toggled (LvLandscapeView *self);
void     lv_landscape_view_on_drag_begin    (GtkGestureDrag  *gesture,
                                             double           x,
                                             double           y,
                                             LvLandscapeView *self);
void     lv_landscape_view_on_drag_update   (GtkGestureDrag  *gesture,
                                             double           dx,
                                             double           dy,
                                             LvLandscapeView *self);

/* lv-landscape-view-index.c */
void     lv_landscape_view_index_init       (LvLandscapeView *self);
void     lv_landscape_view_on_index_axis_toggled (LvLandscapeView *self);
void     lv_landscape_view_on_index_pressed (GtkGestureClick *gesture,
                                             int              n_press,
                                             double           x,
                                             double           y,
                                             LvLandscapeView *self);
void     lv_landscape_view_update_index     (LvLandscapeView *self);
void     lv_landscape_view_drop_index       (LvLandscapeView *self);
void     lv_landscape_view_sync_index_pause (LvLandscapeView *self);
void     lv_landscape_view_set_status       (LvLandscapeView *self);

/* lv-landscape-view-curvature.c */
void     lv_landscape_view_ensure_curvature (LvLandscapeView *self);
void     lv_landscape_view_drop_curvature   (LvLandscapeView *self);
void     lv_landscape_view_on_curvature_toggled (LvLandscapeView *self);
void     lv_landscape_view_drop_job         (LvLandscapeView *self);

G_END_DECLS
