/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lv-experiment.h"
#include "lv-view.h"
#include "lv-hv-panel.h"
#include "lv-lift-panel.h"

G_BEGIN_DECLS

#define LV_TYPE_THEORY_VIEW (lv_theory_view_get_type ())
G_DECLARE_FINAL_TYPE (LvTheoryView, lv_theory_view, LV, THEORY_VIEW, LvView)

GtkWidget   *lv_theory_view_new           (LvExperiment *experiment);
LvHvPanel   *lv_theory_view_get_hv_panel  (LvTheoryView *self);
LvLiftPanel *lv_theory_view_get_lift_panel (LvTheoryView *self);
void         lv_theory_view_show_panel    (LvTheoryView *self,
                                           const char   *name);
const char  *lv_theory_view_get_panel     (LvTheoryView *self);

G_END_DECLS
