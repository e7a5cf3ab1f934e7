/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-close-dialog.h"

/*
 * "Save the experiment before closing?" with Cancel, Discard and Save (ui/lv-close-dialog.ui):
 * Enter saves, Escape cancels. What each response does is the window's business
 * (lv-window-files.c); the dialog closes itself after any response.
 */

struct _LvCloseDialog
{
  AdwMessageDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (LvCloseDialog, lv_close_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
lv_close_dialog_class_init (LvCloseDialogClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_PREFIX "/lv-close-dialog.ui");
}

static void
lv_close_dialog_init (LvCloseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lv_close_dialog_new:
 * @parent: the window about to close
 *
 * Returns: (transfer none): a modal dialog for @parent, not yet shown.
 */
GtkWidget *
lv_close_dialog_new (GtkWindow *parent)
{
  return g_object_new (LV_TYPE_CLOSE_DIALOG, "transient-for", parent, NULL);
}
