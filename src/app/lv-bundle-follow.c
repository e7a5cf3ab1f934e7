/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-bundle-follow.h"
#include "lv-experiment-bundle.h"
#include "lv-follow-bar.h"

#include <string.h>

#include <glib/gi18n.h>

/*
 * Follow: reloading the window's bundle whenever a job rewrites it (lv-bundle-follow.h).
 *
 * The CLI checkpoints by atomic rewrites: a temporary file in the same folder, renamed over
 * X.h5. So the folder is watched (GFileMonitor with G_FILE_MONITOR_WATCH_MOVES reports the
 * rename as one RENAMED event whose other file is X.h5), and, for file systems where change
 * notification does not reach (NFS, a cluster's shared disk), the file is also checked every
 * POLL_S seconds. Events are coalesced: the first one arms a DEBOUNCE_MS timeout and the
 * ones during it add nothing. Then a GTask thread compares the file's identity (device,
 * inode, size, modification time) with the one shown and, when it differs, reads the
 * bundle's records; the main thread shows them (lv_window_show_session(), which keeps the
 * timeline's epoch) and makes the new file the source of the runs' weights. A change while a
 * read is under way starts one more read after it. A file that cannot be read — garbage,
 * truncated, deleted — is ignored until the next change: no message, and the figures keep
 * what they show. Following ends when every run has ended, when the user turns it off, opens
 * another file, saves under another name, or starts training in the app.
 */

#define FOLLOW_KEY "lv-bundle-follow"
#define DEBOUNCE_MS 300
#define POLL_S 5

typedef struct
{
  guint64 device, inode;
  goffset size;
  gint64 mtime_us;
} FileId;

typedef enum
{
  STATE_NONE,      /* the window's file is not a bundle: the row is hidden */
  STATE_FOLLOWING,
  STATE_STOPPED,   /* turned off, or training in the app */
  STATE_ENDED      /* every run has ended */
} State;

typedef struct
{
  LvWindow *window;           /* owner (borrowed) */
  GSimpleAction *action;      /* win.follow, boolean state */
  LvFollowBar *bar;           /* the window's (lv-window.ui), borrowed */
  char *path;                 /* the bundle, NULL in STATE_NONE */
  char *basename;             /* its name in the folder, to match monitor events */
  State state;
  GFileMonitor *monitor;
  guint debounce_id;
  guint poll_id;
  GCancellable *cancellable;  /* the read under way, NULL when none */
  gboolean again;             /* the file changed during that read */
  FileId shown;               /* the file whose content the window shows */
  gint64 checkpoint_unix;
  guint done, total;
  guint n_reloads, n_ignored;
} Follow;

static void start_read (Follow *f);

static Follow *
get_follow (LvWindow *window)
{
  return g_object_get_data (G_OBJECT (window), FOLLOW_KEY);
}

/* ---- the file's identity: a rewrite is a new inode, size or modification time ---- */

static gboolean
file_id_query (const char *path, FileId *id, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, "unix::device,unix::inode,"
                                                 "standard::size,time::modified,"
                                                 "time::modified-usec",
                                                 G_FILE_QUERY_INFO_NONE, NULL, error);

  if (info == NULL)
    return FALSE;
  id->device = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  id->inode = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);
  id->size = g_file_info_get_size (info);
  id->mtime_us = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
                 * G_USEC_PER_SEC +
                 g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  return TRUE;
}

static gboolean
file_id_equal (const FileId *a, const FileId *b)
{
  return a->device == b->device && a->inode == b->inode && a->size == b->size &&
         a->mtime_us == b->mtime_us;
}

/* ---- the status line ---- */

/* @n with its digits grouped by threes (narrow no-break spaces, as in "1 234"). */
static char *
group_digits (guint n)
{
  g_autofree char *digits = g_strdup_printf ("%u", n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, "\u202f");
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* The checkpoint's local time; with its date when it was not today. */
static char *
format_checkpoint (gint64 unix_s)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_s);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (t == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (t) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now))
    return g_date_time_format (t, "%H:%M:%S");
  return g_date_time_format (t, "%Y-%m-%d %H:%M:%S");
}

static void
update_status (Follow *f)
{
  g_autofree char *base = NULL, *when = NULL, *done = NULL, *total = NULL, *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (f->bar), f->state != STATE_NONE);
  lv_window_update_progress (f->window); /* it says who trains while following */
  if (f->state == STATE_NONE)
    {
      lv_follow_bar_set_status (f->bar, "");
      return;
    }
  base = g_filename_display_basename (f->path);
  when = format_checkpoint (f->checkpoint_unix);
  done = group_digits (f->done);
  total = group_digits (f->total);
  if (f->state == STATE_FOLLOWING)
    /* Translators: Follow's status line: the bundle's file name, the time of its last
     * checkpoint, runs ended so far and runs in all. Lower case: it reads as a state. */
    text = g_strdup_printf (_("following %s · last checkpoint %s · %s / %s runs"), base, when,
                            done, total);
  else if (f->state == STATE_STOPPED)
    /* Translators: the same, once the user turned Follow off. */
    text = g_strdup_printf (_("not following %s · last checkpoint %s · %s / %s runs"), base,
                            when, done, total);
  else
    /* Translators: Follow's status line once every run ended: file name, runs in all, time
     * of the last checkpoint. */
    text = g_strdup_printf (_("%s · all %s runs finished · last checkpoint %s · no longer "
                              "following"), base, total, when);
  lv_follow_bar_set_status (f->bar, text);
}

/* ---- starting and stopping ---- */

static void
set_action_state (Follow *f, gboolean on)
{
  g_simple_action_set_state (f->action, g_variant_new_boolean (on));
}

/* Stops watching and abandons a read under way; the state and status are the caller's. */
static void
unwatch (Follow *f)
{
  g_clear_handle_id (&f->debounce_id, g_source_remove);
  g_clear_handle_id (&f->poll_id, g_source_remove);
  if (f->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (f->monitor, f);
      g_file_monitor_cancel (f->monitor);
      g_clear_object (&f->monitor);
    }
  if (f->cancellable != NULL)
    g_cancellable_cancel (f->cancellable);
  g_clear_object (&f->cancellable);
  f->again = FALSE;
}

static void
stop (Follow *f, State state)
{
  unwatch (f);
  f->state = state;
  set_action_state (f, FALSE);
  update_status (f);
}

/* The window's file is no bundle to follow (any more): nothing shown, the action disabled. */
static void
forget (Follow *f)
{
  unwatch (f);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->basename, g_free);
  memset (&f->shown, 0, sizeof f->shown);
  f->state = STATE_NONE;
  set_action_state (f, FALSE);
  g_simple_action_set_enabled (f->action, FALSE);
  update_status (f);
}

static gboolean
debounce_done (gpointer data)
{
  Follow *f = data;

  f->debounce_id = 0;
  start_read (f);
  return G_SOURCE_REMOVE;
}

static void
schedule_read (Follow *f)
{
  if (f->debounce_id == 0)
    f->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_done, f);
}

static gboolean
poll_tick (gpointer data)
{
  start_read (data);
  return G_SOURCE_CONTINUE;
}

/* Any event that names the bundle: the rename of a temporary file over it (its other file),
 * a write in place, its creation or removal. */
static void
on_folder_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                   gpointer data)
{
  Follow *f = data;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other_name = other != NULL ? g_file_get_basename (other) : NULL;

  if (g_strcmp0 (name, f->basename) == 0 || g_strcmp0 (other_name, f->basename) == 0)
    schedule_read (f);
}

static void
watch (Follow *f)
{
  g_autofree char *dir_path = g_path_get_dirname (f->path);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GError) error = NULL;

  unwatch (f);
  f->state = STATE_FOLLOWING;
  f->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (f->monitor != NULL)
    g_signal_connect (f->monitor, "changed", G_CALLBACK (on_folder_changed), f);
  else
    g_debug ("cannot watch %s (%s): checking it every %d s", dir_path, error->message, POLL_S);
  f->poll_id = g_timeout_add_seconds (POLL_S, poll_tick, f);
  update_status (f);
  start_read (f); /* a checkpoint may have come since the file was read */
}

/* ---- reading in a thread, showing on the main thread ---- */

typedef struct
{
  char *path;
  FileId shown;        /* in: the identity of what the window shows */
  FileId id;           /* out: the identity of what was read */
  gboolean unchanged;  /* out: the same file, nothing read */
  LvBundle *records;   /* out: its configuration and runs, without weights */
} Read;

static void
read_free (Read *r)
{
  g_free (r->path);
  g_clear_pointer (&r->records, lv_bundle_free);
  g_free (r);
}

static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Read *r = data;
  GError *error = NULL;

  if (!file_id_query (r->path, &r->id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  r->unchanged = file_id_equal (&r->id, &r->shown);
  if (!r->unchanged && (r->records = lv_bundle_load (r->path, LV_BUNDLE_LOAD_RECORDS,
                                                     &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
count_runs (Follow *f, const LvSession *session)
{
  f->done = session->snapshot->finished + session->snapshot->diverged;
  f->total = session->snapshot->n_runs;
}

/* Shows the checkpoint just read, unless it cannot be shown (then it is ignored too). */
static void
show (Follow *f, Read *r)
{
  LvExperiment *experiment = lv_window_get_experiment (f->window);
  g_autoptr(GError) error = NULL;

  if (!lv_window_show_session (f->window, f->path, r->records->session, &error))
    {
      f->n_ignored++;
      g_debug ("Follow: %s not shown: %s", f->path, error->message);
      return;
    }
  f->shown = r->id;
  f->checkpoint_unix = r->records->checkpoint_unix > 0 ? r->records->checkpoint_unix
                                                       : r->id.mtime_us / G_USEC_PER_SEC;
  count_runs (f, r->records->session);
  lv_experiment_bundle_adopt (experiment, f->path, g_steal_pointer (&r->records));
  f->n_reloads++;
  if (f->done == f->total)
    stop (f, STATE_ENDED);
  else
    update_status (f);
}

static void
read_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = G_TASK (result);
  GWeakRef *ref = data;
  g_autoptr(LvWindow) window = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  Read *r = g_task_get_task_data (task);
  gboolean ok = g_task_propagate_boolean (task, &error);
  Follow *f;

  g_weak_ref_clear (ref);
  g_free (ref);
  /* Abandoned (Follow stopped, the window closed): its Follow may be gone. */
  if (window == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  f = get_follow (window);
  g_clear_object (&f->cancellable);
  if (g_strcmp0 (window->file_path, f->path) != 0)
    {
      /* Saved under another name: the window's file is no longer the one followed. */
      forget (f);
      return;
    }
  if (!ok)
    {
      /* Half written, garbage, gone: wait for the next rewrite. */
      f->n_ignored++;
      g_debug ("Follow: %s ignored until it changes again: %s", f->path, error->message);
    }
  else if (!r->unchanged)
    show (f, r);
  if (f->state == STATE_FOLLOWING && f->again)
    {
      f->again = FALSE;
      start_read (f);
    }
}

static void
start_read (Follow *f)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *ref;
  Read *r;

  if (f->state != STATE_FOLLOWING)
    return;
  if (f->cancellable != NULL)
    {
      f->again = TRUE;
      return;
    }
  r = g_new0 (Read, 1);
  r->path = g_strdup (f->path);
  r->shown = f->shown;
  /* Only a weak reference: a read in flight never keeps a closed window alive. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, f->window);
  f->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, f->cancellable, read_done, ref);
  g_task_set_task_data (task, r, (GDestroyNotify) read_free);
  g_task_run_in_thread (task, read_thread);
}

/* ---- the action, the window's hooks ---- */

static void
on_follow_change_state (GSimpleAction *action, GVariant *value, gpointer data)
{
  Follow *f = data;

  if (f->path == NULL)
    return;
  set_action_state (f, g_variant_get_boolean (value));
  if (g_variant_get_boolean (value))
    watch (f);
  else
    stop (f, f->state == STATE_ENDED ? STATE_ENDED : STATE_STOPPED);
}

/* Training in the app makes results the file does not have: the file is no longer followed. */
static void
on_running_changed (LvWindow *window)
{
  Follow *f = get_follow (window);

  if (f != NULL && f->state == STATE_FOLLOWING &&
      lv_experiment_get_running (lv_window_get_experiment (window)))
    stop (f, STATE_STOPPED);
}

static void
follow_free (Follow *f)
{
  unwatch (f);
  g_clear_object (&f->action);
  g_free (f->path);
  g_free (f->basename);
  g_free (f);
}

void
lv_bundle_follow_init (LvWindow *window)
{
  Follow *f = g_new0 (Follow, 1);

  f->window = window;
  f->action = g_simple_action_new_stateful ("follow", NULL, g_variant_new_boolean (FALSE));
  g_simple_action_set_enabled (f->action, FALSE);
  g_signal_connect (f->action, "change-state", G_CALLBACK (on_follow_change_state), f);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (f->action));

  /* The status line and toggle under the progress bar (lv-window.ui), hidden until a bundle
   * is shown. */
  f->bar = window->follow_bar;
  gtk_widget_set_visible (GTK_WIDGET (f->bar), FALSE);

  g_object_set_data_full (G_OBJECT (window), FOLLOW_KEY, f, (GDestroyNotify) follow_free);
  g_signal_connect_swapped (lv_window_get_experiment (window), "notify::running",
                            G_CALLBACK (on_running_changed), window);
}

void
lv_bundle_follow_opened (LvWindow *window, const char *path, const LvSession *session)
{
  Follow *f = get_follow (window);
  g_autoptr(GError) error = NULL;

  if (f == NULL)
    return;
  forget (f);
  if (!lv_bundle_path_is_bundle (path) || !file_id_query (path, &f->shown, &error))
    return;
  f->path = g_strdup (path);
  f->basename = g_path_get_basename (path);
  f->checkpoint_unix = f->shown.mtime_us / G_USEC_PER_SEC;
  count_runs (f, session);
  g_simple_action_set_enabled (f->action, TRUE);
  if (f->done < f->total)
    {
      /* On by default while runs are missing: a job is presumably still writing it. */
      set_action_state (f, TRUE);
      watch (f);
    }
  else
    stop (f, STATE_ENDED);
  /* A finished bundle has nothing to follow: its row stays hidden unless Follow is turned on. */
  gtk_widget_set_visible (GTK_WIDGET (f->bar), f->state == STATE_FOLLOWING);
}

void
lv_bundle_follow_dispose (LvWindow *window)
{
  Follow *f = get_follow (window);

  if (f == NULL)
    return;
  g_action_map_remove_action (G_ACTION_MAP (window), "follow");
  g_object_set_data (G_OBJECT (window), FOLLOW_KEY, NULL);
}

gboolean
lv_bundle_follow_is_active (LvWindow *window)
{
  Follow *f = get_follow (window);

  return f != NULL && f->state == STATE_FOLLOWING;
}

const char *
lv_bundle_follow_get_status (LvWindow *window)
{
  Follow *f = get_follow (window);

  return f != NULL && f->state != STATE_NONE ? lv_follow_bar_get_status (f->bar) : NULL;
}

guint
lv_bundle_follow_get_n_reloads (LvWindow *window)
{
  Follow *f = get_follow (window);

  return f != NULL ? f->n_reloads : 0;
}

guint
lv_bundle_follow_get_n_ignored (LvWindow *window)
{
  Follow *f = get_follow (window);

  return f != NULL ? f->n_ignored : 0;
}
