/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"
#include "lv-bundle-follow.h"
#include "lv-close-dialog.h"
#include "lv-experiment-bundle.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

/*
 * Experiment files for the window: Save (Ctrl+S), Save As (Shift+Ctrl+S), Open (Ctrl+O), the
 * prompt before closing with unsaved results, and the autosave.
 *
 * A file is an LvSession (include/lossviz/lv-session.h, the same JSON the CLI's `ensemble
 * --out` writes). Opening one seeds the experiment's cache with its runs
 * (lv_experiment_restore) and sets the sidebar to its configuration, so the figures come
 * back without training; more sizes or runs then train only what is new.
 *
 * Autosave: whenever a poll brings new results, the experiment is written to
 * $XDG_STATE_HOME/lossviz/autosave.json — at most once a second, and never two writes at once.
 * The JSON is made on the main thread (a copy of the snapshots), the atomic write (temporary
 * file, fsync, rename) runs in a thread. A clean close removes the file; finding it at start
 * means the last session ended badly, and the banner offers to recover it.
 */

#define AUTOSAVE_INTERVAL_US G_USEC_PER_SEC

static void schedule_autosave (LvWindow *self);

/**
 * lv_window_get_autosave_path:
 *
 * Returns: (transfer full): where the autosave goes.
 */
char *
lv_window_get_autosave_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "lossviz", "autosave.json", NULL);
}

static void
update_title (LvWindow *self)
{
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;

  if (self->file_path == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("LossViz"));
      return;
    }
  base = g_filename_display_basename (self->file_path);
  /* Translators: window title: the experiment file's name, then the app's name. */
  title = g_strdup_printf (_("%s — LossViz"), base);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/**
 * lv_window_has_unsaved_work:
 * @self: the window
 *
 * Returns: whether training produced results since the last save or open.
 */
gboolean
lv_window_has_unsaved_work (LvWindow *self)
{
  return self->experiment != NULL &&
         lv_experiment_get_results_serial (self->experiment) != self->saved_serial &&
         lv_experiment_has_results (self->experiment);
}

/**
 * lv_window_save_to:
 * @self: the window
 * @path: the experiment file to write
 * @error: return location for an error
 *
 * Writes the whole experiment (configuration and every run) to @path atomically; @path
 * becomes the window's file.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_window_save_to (LvWindow    *self,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(LvSession) session = NULL;

  lv_window_apply_controls (self);
  lv_experiment_poll (self->experiment);
  session = lv_experiment_to_session (self->experiment, error);
  if (session == NULL || !lv_experiment_file_save (self->experiment, session, path, error))
    return FALSE;
  if (g_strcmp0 (self->file_path, path) != 0)
    {
      g_free (self->file_path);
      self->file_path = g_strdup (path);
    }
  self->saved_serial = lv_experiment_get_results_serial (self->experiment);
  update_title (self);
  return TRUE;
}

/**
 * lv_window_show_session:
 * @self: the window
 * @path: the experiment file @session was read from
 * @session: its content
 * @error: return location for an error
 *
 * Shows @session as the experiment of @path (lv_window_open_file(), and Follow's reloads):
 * its configuration in the sidebar and its runs in the figures, without training.
 *
 * Returns: %TRUE on success; on failure nothing changed.
 */
gboolean
lv_window_show_session (LvWindow         *self,
                        const char       *path,
                        const LvSession  *session,
                        GError          **error)
{
  if (!lv_experiment_restore (self->experiment, session, error))
    return FALSE;
  lv_window_write_controls (self, session->dataset_spec, &session->config);
  lv_window_apply_controls (self);
  if (g_strcmp0 (self->file_path, path) != 0)
    {
      g_free (self->file_path);
      self->file_path = g_strdup (path);
    }
  self->saved_serial = lv_experiment_get_results_serial (self->experiment);
  update_title (self);
  lv_window_ensure_ticking (self);
  return TRUE;
}

/**
 * lv_window_open_file:
 * @self: the window
 * @path: an experiment file
 * @error: return location for an error
 *
 * Shows the experiment of @path: its configuration in the sidebar and its runs in the figures,
 * without training. A bundle whose runs are not all finished yet is followed (lv-bundle-follow.c).
 *
 * Returns: %TRUE on success; on failure nothing changed.
 */
gboolean
lv_window_open_file (LvWindow    *self,
                     const char  *path,
                     GError     **error)
{
  /* A .h5 bundle or a v1 JSON file (lv-experiment-bundle.c). */
  g_autoptr(LvSession) session = lv_experiment_file_load (self->experiment, path, error);

  if (session == NULL || !lv_window_show_session (self, path, session, error))
    return FALSE;
  lv_bundle_follow_opened (self, path, session);
  return TRUE;
}

/* ---- actions ---- */

/* Shows @message (taking it) in the banner, as an error or as information. */
static void
report (LvWindow *self, char *message, gboolean is_error)
{
  lv_window_show_message (self, message, is_error);
  g_free (message);
}

static void
save_to_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  g_autofree char *base = g_filename_display_basename (path);
  g_autoptr(GError) error = NULL;

  if (!lv_window_save_to (self, path, &error))
    /* Translators: the arguments are a file name and the reason. */
    report (self, g_strdup_printf (_("Could not save “%s”: %s"), base, error->message), TRUE);
  else
    report (self, g_strdup_printf (_("Saved the experiment as “%s”"), base), FALSE);
}

static void
open_file_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  g_autofree char *base = g_filename_display_basename (path);
  g_autoptr(GError) error = NULL;

  if (!lv_window_open_file (self, path, &error))
    report (self, g_strdup_printf (_("Could not open “%s”: %s"), base, error->message), TRUE);
  else
    report (self, g_strdup_printf (_("Opened “%s”"), base), FALSE);
}

static void
on_chooser_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  LvWindow *self = data;
  const char *action = g_object_get_data (G_OBJECT (dialog), "lv-action");
  gboolean then_close = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "lv-close"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL && g_str_equal (action, "win.save-to") && !g_str_has_suffix (path, ".json") &&
      !lv_bundle_path_is_bundle (path))
    {
      /* Bundles by default (they keep the weights), JSON without HDF5. */
      char *with_ext = g_strconcat (path, lv_bundle_is_available () ? ".h5" : ".json", NULL);
      g_free (path);
      path = with_ext;
    }
  if (path != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), action, "s", path);
      if (then_close && !lv_window_has_unsaved_work (self))
        {
          self->close_confirmed = TRUE;
          gtk_window_close (GTK_WINDOW (self));
        }
    }
  g_object_unref (dialog);
}

static void
show_chooser (LvWindow *self, gboolean save, gboolean then_close)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  /* GTK 4.8 has no GtkFileDialog (4.10); the native chooser uses the portal when there is one. */
  native = gtk_file_chooser_native_new (save ? _("Save Experiment") : _("Open Experiment"),
                                        GTK_WINDOW (self),
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                             : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("LossViz experiments (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.h5"); /* experiment bundles (issue 13) */
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  if (save)
    {
      g_autofree char *base = self->file_path != NULL
                              ? g_path_get_basename (self->file_path)
                              /* Translators: default file name of a saved experiment. */
                              : lv_bundle_is_available () ? g_strdup ("experiment.h5")
                              : g_strdup (_("experiment.json"));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), base);
    }
  g_object_set_data (G_OBJECT (native), "lv-action", save ? "win.save-to" : "win.open-file");
  g_object_set_data (G_OBJECT (native), "lv-close", GINT_TO_POINTER (then_close));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  if (self->file_path != NULL)
    gtk_widget_activate_action (widget, "win.save-to", "s", self->file_path);
  else
    show_chooser (self, TRUE, FALSE);
}

static void
save_as_action (GtkWidget *widget, const char *name, GVariant *param)
{
  show_chooser (LV_WINDOW (widget), TRUE, FALSE);
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  show_chooser (LV_WINDOW (widget), FALSE, FALSE);
}

/* ---- closing ---- */

static gboolean
close_idle (gpointer data)
{
  gtk_window_close (data);
  return G_SOURCE_REMOVE;
}

/* Closes once the dialog's "response" emission is over: a transient parent finalized while
 * its dialog still is being destroyed trips GTK 4.8 (gtk_window_set_transient_for on it). */
static void
close_confirmed_later (LvWindow *self)
{
  self->close_confirmed = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle, g_object_ref (self), g_object_unref);
}

/* The dialog closes itself after emitting "response". */
static void
on_close_response (AdwMessageDialog *dialog, const char *response, gpointer data)
{
  LvWindow *self = data;

  if (g_str_equal (response, LV_CLOSE_DIALOG_DISCARD))
    close_confirmed_later (self);
  else if (g_str_equal (response, LV_CLOSE_DIALOG_SAVE) && self->file_path != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.save-to", "s", self->file_path);
      if (!lv_window_has_unsaved_work (self))
        close_confirmed_later (self);
    }
  else if (g_str_equal (response, LV_CLOSE_DIALOG_SAVE))
    show_chooser (self, TRUE, TRUE);
}

static gboolean
on_close_request (LvWindow *self)
{
  GtkWidget *dialog;

  if (self->close_confirmed || !lv_window_has_unsaved_work (self))
    return FALSE; /* let it close */
  dialog = lv_close_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- autosave ---- */

static void
autosave_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autofree char *path = lv_window_get_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  /* The session is the task's own copy: its JSON (tens of ms for thousands of runs) is built
   * here, off the main thread, so frames keep their budget while results arrive. */
  g_autofree char *json = lv_session_to_json (task_data);
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_task_return_new_error (task, LV_ERROR, LV_ERROR_IO, "cannot create %s", dir);
      return;
    }
  if (!lv_file_write_atomic (path, json, strlen (json), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The window closed cleanly while this write ran: it removed the file before the rename
   * above could bring it back, so remove it again. */
  if (g_cancellable_is_cancelled (cancellable))
    g_remove (path);
  g_task_return_boolean (task, TRUE);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* The write holds only a weak reference to the window: closing it must not wait for (or be
 * kept alive by) an autosave in flight. */
static void
autosave_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GWeakRef *ref = data;
  g_autoptr(LvWindow) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  weak_ref_free (ref);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the window is gone */
  self->autosave_busy = FALSE;
  if (error != NULL)
    g_debug ("autosave failed: %s", error->message);
  /* Results that arrived during the write are saved next. */
  schedule_autosave (self);
}

static void
autosave_now (LvWindow *self)
{
  g_autoptr(LvSession) session = NULL;
  g_autoptr(GTask) task = NULL;
  GWeakRef *ref;

  if (self->experiment == NULL)
    return;
  session = lv_experiment_to_session (self->experiment, NULL);
  if (session == NULL)
    return;
  self->autosave_busy = TRUE;
  self->owns_autosave = TRUE;
  self->last_autosave = g_get_monotonic_time ();
  self->autosaved_serial = lv_experiment_get_results_serial (self->experiment);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, self->autosave_cancellable, autosave_done, ref);
  g_task_set_check_cancellable (task, TRUE);
  g_task_set_task_data (task, g_steal_pointer (&session), (GDestroyNotify) lv_session_free);
  g_task_run_in_thread (task, autosave_thread);
}

static gboolean
autosave_timeout (gpointer data)
{
  LvWindow *self = data;

  self->autosave_id = 0;
  schedule_autosave (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (LvWindow *self)
{
  gint64 wait;

  if (self->experiment == NULL || self->autosave_busy || self->autosave_id != 0 ||
      lv_experiment_get_results_serial (self->experiment) == self->autosaved_serial ||
      !lv_experiment_has_results (self->experiment))
    return;
  wait = self->last_autosave + AUTOSAVE_INTERVAL_US - g_get_monotonic_time ();
  if (wait > 0)
    self->autosave_id = g_timeout_add ((guint) (wait / 1000) + 1, autosave_timeout, self);
  else
    autosave_now (self);
}

/**
 * lv_window_files_changed:
 * @self: the window
 *
 * The experiment has new results: autosave soon.
 */
void
lv_window_files_changed (LvWindow *self)
{
  schedule_autosave (self);
}

static void
on_recover (LvWindow *self)
{
  g_autofree char *path = lv_window_get_autosave_path ();
  g_autofree char *base = g_filename_display_basename (path);
  g_autoptr(GError) error = NULL;

  if (!lv_window_open_file (self, path, &error))
    {
      report (self, g_strdup_printf (_("Could not recover “%s”: %s"), base, error->message),
              TRUE);

      return;
    }
  /* Recovered results are unsaved work: they live only in the autosave, which is now this
   * window's to replace or remove. */
  self->owns_autosave = TRUE;
  gtk_widget_set_visible (self->banner_action, FALSE);
  g_clear_pointer (&self->file_path, g_free);
  self->saved_serial = G_MAXUINT64;
  update_title (self);
  lv_window_show_message (self, _("Recovered the unsaved experiment. Save it to keep it."),
                          FALSE);
}

/**
 * lv_window_files_init:
 * @self: the window
 *
 * Connects the close prompt and offers to recover an autosave left by a session that did not
 * close cleanly.
 */
void
lv_window_files_init (LvWindow *self)
{
  g_autofree char *path = lv_window_get_autosave_path ();

  self->autosave_cancellable = g_cancellable_new ();
  lv_bundle_follow_init (self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  lv_window_show_message (self, _("LossViz did not close properly last time: an unsaved "
                                  "experiment can be recovered."), TRUE);
  gtk_button_set_label (GTK_BUTTON (self->banner_action), _("_Recover"));
  gtk_widget_set_visible (self->banner_action, TRUE);
  g_signal_connect_swapped (self->banner_action, "clicked", G_CALLBACK (on_recover), self);
}

/**
 * lv_window_files_dispose:
 * @self: the window
 *
 * Stops autosaving; a window closing normally removes the autosave it wrote.
 */
void
lv_window_files_dispose (LvWindow *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  lv_bundle_follow_dispose (self);
  if (self->autosave_cancellable != NULL)
    {
      g_autofree char *path = lv_window_get_autosave_path ();

      g_cancellable_cancel (self->autosave_cancellable);
      if (self->owns_autosave)
        g_remove (path);
      g_clear_object (&self->autosave_cancellable);
    }
  g_clear_pointer (&self->file_path, g_free);
}

/**
 * lv_window_files_class_init:
 * @widget_class: LvWindow's class
 *
 * Installs win.save, win.save-as, win.open and their scriptable forms win.save-to(s) and
 * win.open-file(s) (also used by the file choosers).
 */
void
lv_window_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-to", "s", save_to_action);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_action);
}
