/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LV_TYPE_FOLLOW_BAR (lv_follow_bar_get_type ())
G_DECLARE_FINAL_TYPE (LvFollowBar, lv_follow_bar, LV, FOLLOW_BAR, GtkBox)

GtkWidget  *lv_follow_bar_new        (void);
void        lv_follow_bar_set_status (LvFollowBar *self,
                                      const char  *text);
const char *lv_follow_bar_get_status (LvFollowBar *self);

G_END_DECLS
