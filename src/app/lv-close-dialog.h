/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The responses of LvCloseDialog (ui/lv-close-dialog.ui). */
#define LV_CLOSE_DIALOG_CANCEL "cancel"
#define LV_CLOSE_DIALOG_DISCARD "discard"
#define LV_CLOSE_DIALOG_SAVE "save"

#define LV_TYPE_CLOSE_DIALOG (lv_close_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LvCloseDialog, lv_close_dialog, LV, CLOSE_DIALOG, AdwMessageDialog)

GtkWidget *lv_close_dialog_new (GtkWindow *parent);

G_END_DECLS
