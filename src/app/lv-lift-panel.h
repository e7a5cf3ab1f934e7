/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

#define LV_TYPE_LIFT_PANEL (lv_lift_panel_get_type ())
G_DECLARE_FINAL_TYPE (LvLiftPanel, lv_lift_panel, LV, LIFT_PANEL, GtkBox)

/**
 * LvLiftStage:
 * @LV_LIFT_STAGE_IDLE: nothing run yet
 * @LV_LIFT_STAGE_LIFT: NN-LIFT is running in a worker
 * @LV_LIFT_STAGE_SGD: NN-LIFT is done; the SGD ensemble is training
 * @LV_LIFT_STAGE_DONE: both are done
 * @LV_LIFT_STAGE_FAILED: NN-LIFT or the ensemble could not run (message in the status)
 *
 * Where a run of the panel is.
 */
typedef enum {
  LV_LIFT_STAGE_IDLE,
  LV_LIFT_STAGE_LIFT,
  LV_LIFT_STAGE_SGD,
  LV_LIFT_STAGE_DONE,
  LV_LIFT_STAGE_FAILED,
} LvLiftStage;

/**
 * LvLiftPanelSettings:
 * @d: input dimension
 * @k: hidden units
 * @samples: training samples
 * @sgd_runs: SGD networks
 * @epochs: SGD epochs
 * @seed: seed of the teacher, samples and fits
 * @method: NN-LIFT's decomposition
 *
 * What one run computes.
 */
typedef struct
{
  guint d;
  guint k;
  guint samples;
  guint sgd_runs;
  guint epochs;
  guint64 seed;
  LvLiftMethod method;
} LvLiftPanelSettings;

GtkWidget  *lv_lift_panel_new           (void);
void        lv_lift_panel_get_settings  (LvLiftPanel               *self,
                                         LvLiftPanelSettings       *settings);
void        lv_lift_panel_set_settings  (LvLiftPanel               *self,
                                         const LvLiftPanelSettings *settings);
void        lv_lift_panel_run           (LvLiftPanel               *self);
LvLiftStage lv_lift_panel_get_stage     (LvLiftPanel               *self);
const LvLiftEvaluation *lv_lift_panel_get_evaluation (LvLiftPanel *self);
const LvPlotHistogramModel *lv_lift_panel_get_histogram (LvLiftPanel *self);
const LvPlotBarsModel *lv_lift_panel_get_bars (LvLiftPanel *self);
void        lv_lift_panel_set_theme     (LvLiftPanel               *self,
                                         const LvPlotTheme         *theme);
gboolean    lv_lift_panel_export        (LvLiftPanel               *self,
                                         const char                *path,
                                         GError                   **error);

G_END_DECLS
