/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lv-experiment.h"

G_BEGIN_DECLS

#define LV_TYPE_WINDOW (lv_window_get_type ())
G_DECLARE_FINAL_TYPE (LvWindow, lv_window, LV, WINDOW, GtkApplicationWindow)

LvWindow     *lv_window_new                (GtkApplication *application);
LvExperiment *lv_window_get_experiment     (LvWindow       *self);
void          lv_window_add_view           (LvWindow       *self,
                                            GtkWidget      *view,
                                            const char     *name,
                                            const char     *title);
gboolean      lv_window_export             (LvWindow       *self,
                                            const char     *path,
                                            GError        **error);
void          lv_window_set_export_on_finish (LvWindow     *self,
                                              const char   *path);
void          lv_window_show_toast         (LvWindow       *self,
                                            const char     *message,
                                            const char     *button,
                                            const char     *action);
void          lv_window_show_message       (LvWindow       *self,
                                            const char     *message,
                                            gboolean        is_error);

G_END_DECLS
