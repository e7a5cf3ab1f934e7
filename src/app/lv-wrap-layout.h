/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LV_TYPE_WRAP_LAYOUT (lv_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (LvWrapLayout, lv_wrap_layout, LV, WRAP_LAYOUT, GtkLayoutManager)

void lv_wrap_layout_apply (GtkWidget *box,
                           int        spacing,
                           int        line_spacing);

G_END_DECLS
