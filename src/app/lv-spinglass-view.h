/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lv-plot-spinglass.h>
#include <lossviz/lv-spinglass.h>

#include "lv-experiment.h"
#include "lv-view.h"

G_BEGIN_DECLS

#define LV_TYPE_SPIN_GLASS_VIEW (lv_spin_glass_view_get_type ())
G_DECLARE_FINAL_TYPE (LvSpinGlassView, lv_spin_glass_view, LV, SPIN_GLASS_VIEW, LvView)

/* The page name of the view in the window's stack (for the guided tour). */
#define LV_SPIN_GLASS_VIEW_PAGE "spinglass"
/* Most sizes the view simulates at once. */
#define LV_SPIN_GLASS_VIEW_MAX_SIZES 8

GtkWidget       *lv_spin_glass_view_new              (LvExperiment        *experiment);
void             lv_spin_glass_view_set_p            (LvSpinGlassView     *self,
                                                      guint                p);
guint            lv_spin_glass_view_get_p            (LvSpinGlassView     *self);
void             lv_spin_glass_view_set_sizes        (LvSpinGlassView     *self,
                                                      const guint         *lambdas,
                                                      guint                n_lambdas);
void             lv_spin_glass_view_set_runs         (LvSpinGlassView     *self,
                                                      guint                runs);
void             lv_spin_glass_view_set_method       (LvSpinGlassView     *self,
                                                      LvSpinGlassMethod    method);
void             lv_spin_glass_view_set_disorder     (LvSpinGlassView     *self,
                                                      LvSpinGlassDisorder  disorder);
void             lv_spin_glass_view_set_side_by_side (LvSpinGlassView     *self,
                                                      gboolean             side_by_side);
void             lv_spin_glass_view_start            (LvSpinGlassView     *self);
void             lv_spin_glass_view_stop             (LvSpinGlassView     *self);
gboolean         lv_spin_glass_view_get_running      (LvSpinGlassView     *self);
double           lv_spin_glass_view_get_eta          (LvSpinGlassView     *self);
guint            lv_spin_glass_view_get_n_done       (LvSpinGlassView     *self);
guint            lv_spin_glass_view_get_n_started_jobs (LvSpinGlassView   *self);
LvPlotSpinGlass *lv_spin_glass_view_get_figures      (LvSpinGlassView     *self);

G_END_DECLS
