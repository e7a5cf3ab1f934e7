/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LV_TYPE_SIZE_TOGGLE (lv_size_toggle_get_type ())
G_DECLARE_FINAL_TYPE (LvSizeToggle, lv_size_toggle, LV, SIZE_TOGGLE, GtkToggleButton)

GtkWidget *lv_size_toggle_new       (guint         units);
guint      lv_size_toggle_get_units (LvSizeToggle *self);

G_END_DECLS
