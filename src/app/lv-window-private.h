/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests: reach the window's controls by name and apply them without the debounce. */

#include "lv-window.h"

G_BEGIN_DECLS

GtkWidget *lv_window_get_control       (LvWindow   *self,
                                        const char *name);
GtkWidget *lv_window_get_size_toggle   (LvWindow   *self,
                                        guint       hidden);
gboolean   lv_window_apply_controls    (LvWindow   *self);
const char *lv_window_get_message      (LvWindow   *self);

G_END_DECLS
