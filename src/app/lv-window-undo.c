/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>

/*
 * Reset without a question but with Undo (issue 15): win.reset keeps the experiment — its
 * configuration and every run — as an in-memory session before forgetting the results, and a
 * toast offers Undo (win.undo-reset), which restores that session like opening a file would,
 * without training. The kept session goes when the toast does.
 */

static void
on_undo_toast_dismissed (AdwToast *toast, LvWindow *self)
{
  g_clear_pointer (&self->undo_session, lv_session_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo-reset", FALSE);
}

static void
reset_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  LvSession *kept = NULL;

  /* An earlier Undo toast goes first (its dismissal drops the session it kept). */
  lv_window_show_message (self, NULL, FALSE);
  lv_experiment_poll (self->experiment);
  if (lv_experiment_has_results (self->experiment))
    kept = lv_experiment_to_session (self->experiment, &error);
  if (error != NULL)
    g_warning ("Reset cannot offer Undo: %s", error->message);
  self->undo_was_unsaved = lv_window_has_unsaved_work (self);
  lv_experiment_reset (self->experiment);
  lv_window_ensure_ticking (self);
  lv_window_state_set_pending (self, FALSE);
  g_clear_pointer (&self->undo_session, lv_session_free);
  if (kept == NULL)
    return;
  self->undo_session = kept;
  gtk_widget_action_set_enabled (widget, "win.undo-reset", TRUE);
  lv_window_show_toast (self, _("Results reset"), _("_Undo"), "win.undo-reset");
  g_signal_connect_object (self->toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), self,
                           0);
}

static void
undo_reset_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  g_autoptr(LvSession) session = g_steal_pointer (&self->undo_session);
  g_autoptr(GError) error = NULL;

  gtk_widget_action_set_enabled (widget, "win.undo-reset", FALSE);
  if (session == NULL)
    return;
  if (!lv_experiment_restore (self->experiment, session, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not undo the reset: %s"), error->message);
      lv_window_show_message (self, msg, TRUE);
      return;
    }
  lv_window_write_controls (self, session->dataset_spec, &session->config);
  lv_window_apply_controls (self);
  /* The results are back; whether they were saved is what it was before the reset. */
  self->saved_serial = self->undo_was_unsaved
                       ? G_MAXUINT64 : lv_experiment_get_results_serial (self->experiment);
  lv_window_ensure_ticking (self);
}

/**
 * lv_window_undo_class_init:
 * @widget_class: LvWindow's class
 *
 * Installs win.reset (with its Undo toast) and win.undo-reset.
 */
void
lv_window_undo_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "win.undo-reset", NULL, undo_reset_action);
}

/**
 * lv_window_undo_dispose:
 * @self: the window
 *
 * Drops a kept session.
 */
void
lv_window_undo_dispose (LvWindow *self)
{
  g_clear_pointer (&self->undo_session, lv_session_free);
}
