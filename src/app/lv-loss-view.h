/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lv-plot-ensemble.h>

#include "lv-experiment.h"
#include "lv-view.h"
#include "lv-timeline.h"

G_BEGIN_DECLS

#define LV_TYPE_LOSS_VIEW (lv_loss_view_get_type ())
G_DECLARE_FINAL_TYPE (LvLossView, lv_loss_view, LV, LOSS_VIEW, LvView)

GtkWidget      *lv_loss_view_new            (LvExperiment *experiment);
LvExperiment   *lv_loss_view_get_experiment (LvLossView   *self);
LvPlotEnsemble *lv_loss_view_get_figures    (LvLossView   *self);
const char     *lv_loss_view_get_figure_description (LvLossView *self);
LvTimeline     *lv_loss_view_get_timeline   (LvLossView   *self);

G_END_DECLS
