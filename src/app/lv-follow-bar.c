/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-follow-bar.h"

/*
 * The sidebar row under the progress bar while the window shows a bundle a job may rewrite: a
 * status line and a "Follow" toggle bound to win.follow (ui/lv-follow-bar.ui). What it says
 * and when it shows is lv-bundle-follow.c's business.
 */

struct _LvFollowBar
{
  GtkBox parent_instance;
  GtkLabel *status;
};

G_DEFINE_FINAL_TYPE (LvFollowBar, lv_follow_bar, GTK_TYPE_BOX)

static void
lv_follow_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_FOLLOW_BAR);
  G_OBJECT_CLASS (lv_follow_bar_parent_class)->dispose (object);
}

static void
lv_follow_bar_class_init (LvFollowBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lv_follow_bar_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lv-follow-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, LvFollowBar, status);
}

static void
lv_follow_bar_init (LvFollowBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lv_follow_bar_new:
 *
 * Returns: (transfer floating): an empty follow bar.
 */
GtkWidget *
lv_follow_bar_new (void)
{
  return g_object_new (LV_TYPE_FOLLOW_BAR, NULL);
}

void
lv_follow_bar_set_status (LvFollowBar *self, const char *text)
{
  g_return_if_fail (LV_IS_FOLLOW_BAR (self));
  gtk_label_set_text (self->status, text != NULL ? text : "");
}

const char *
lv_follow_bar_get_status (LvFollowBar *self)
{
  g_return_val_if_fail (LV_IS_FOLLOW_BAR (self), NULL);
  return gtk_label_get_text (self->status);
}
