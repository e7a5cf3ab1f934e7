/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-help-overlay.h"

#include <glib/gi18n.h>

/*
 * GtkShortcutLabel (GTK 4.8) shows keys without a label of their own by their key names, so the
 * shortcuts window read "Page_Down / Page_Up". This renames those labels to words, translated.
 */

static void
polish_labels (GtkWidget *widget)
{
  static const struct { const char *name; const char *words; } keys[] = {
    /* Translators: key names in the keyboard shortcuts window. */
    { "Page_Down", N_("Page Down") },
    { "Page_Up", N_("Page Up") },
    { "Next", N_("Page Down") },
    { "Prior", N_("Page Up") },
  };

  if (GTK_IS_LABEL (widget))
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), keys[i].name) == 0)
        gtk_label_set_label (GTK_LABEL (widget), _(keys[i].words));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    polish_labels (c);
}

/**
 * lv_help_overlay_polish:
 * @overlay: (nullable): the shortcuts window
 *
 * Names keys in words where GTK shows raw key names.
 */
void
lv_help_overlay_polish (GtkWidget *overlay)
{
  if (overlay != NULL)
    polish_labels (overlay);
}
