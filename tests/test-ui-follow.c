/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-bundle-follow.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * Follow (issue 13 item 5): the app shows a bundle that another process rewrites — a real
 * `lossviz-cli ensemble --out X.h5 --checkpoint 1` — and its runs grow to the final count with
 * nobody touching the window; garbage renamed over the file is ignored (nothing cleared, no
 * error); the chosen epoch survives the reloads; and with Follow off a rewrite is not shown.
 *
 * The CLI is held with SIGSTOP where a step needs the file to stay put, so nothing here races
 * with its checkpoints.
 */

#define RUNS 4
#define N_SIZES 4
#define TOTAL (RUNS * N_SIZES)
#define EPOCHS 300 /* long enough that the job checkpoints several times before it ends */

/* Bundles the first test leaves for the second (in memory: each test's folders are its own):
 * an incomplete checkpoint and the final file. */
static GBytes *partial_bytes, *final_bytes;

static guint
runs_ended_in_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvBundle) b = lv_bundle_load (path, LV_BUNDLE_LOAD_RECORDS, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (b->session->snapshot->n_runs, ==, TOTAL);
  return b->session->snapshot->finished + b->session->snapshot->diverged;
}

/* Runs that ended among those the window's figures show. */
static guint
runs_shown (LvWindow *window)
{
  LvExperiment *exp = lv_window_get_experiment (window);
  const LvEnsembleSnapshot *const *snaps;
  guint n = 0, done = 0;

  lv_experiment_poll (exp);
  snaps = lv_experiment_get_snapshots (exp, &n);
  for (guint i = 0; i < n; i++)
    done += snaps[i]->finished + snaps[i]->diverged;
  return done;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

typedef struct
{
  LvWindow *window;
  guint than;
} MoreWait;

static gboolean
shows_more_runs (gpointer data)
{
  MoreWait *w = data;

  return runs_shown (w->window) > w->than;
}

static gboolean
shows_every_run_and_ended (gpointer window)
{
  return runs_shown (window) == TOTAL && !lv_bundle_follow_is_active (window);
}

/* Watches every change the figures are told of while the window follows: the runs shown
 * never go down, and no size disappears (a reload never blanks the figures). */
typedef struct
{
  guint last;
  guint n_changes;
  gboolean dropped;
} Watch;

static void
on_changed (LvExperiment *exp, Watch *w)
{
  const LvEnsembleSnapshot *const *snaps;
  guint n = 0, done = 0;

  snaps = lv_experiment_get_snapshots (exp, &n);
  for (guint i = 0; i < n; i++)
    done += snaps[i]->finished + snaps[i]->diverged;
  w->dropped |= done < w->last || n != N_SIZES;
  w->last = done;
  w->n_changes++;
}

typedef struct
{
  LvWindow *window;
  guint ignored;
} IgnoredWait;

static gboolean
ignored_one_more (gpointer data)
{
  IgnoredWait *w = data;

  return lv_bundle_follow_get_n_ignored (w->window) > w->ignored;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Replaces @path atomically (temporary file, rename), as the CLI's checkpoints do. */
static void
rewrite_atomically (const char *path, const char *bytes, gsize n)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  g_assert_true (g_file_set_contents (tmp, bytes, n, NULL));
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
}

static GBytes *
read_file (const char *path)
{
  char *bytes = NULL;
  gsize n;

  g_assert_true (g_file_get_contents (path, &bytes, &n, NULL));
  return g_bytes_new_take (bytes, n);
}

static void
write_file (const char *path, GBytes *bytes)
{
  gsize n;
  const char *data = g_bytes_get_data (bytes, &n);

  rewrite_atomically (path, data, n);
}

static gboolean
status_contains (LvWindow *window, const char *text)
{
  const char *status = lv_bundle_follow_get_status (window);

  return status != NULL && strstr (status, text) != NULL;
}

/* The window ignores garbage renamed over the file: same runs shown, no message. */
static void
check_garbage_ignored (LvWindow *window, const char *path)
{
  static const char garbage[] = "\x89HDF\r\n\x1a\n this is not a bundle";
  IgnoredWait w = { window, lv_bundle_follow_get_n_ignored (window) };
  guint shown = runs_shown (window);
  guint reloads = lv_bundle_follow_get_n_reloads (window);

  rewrite_atomically (path, garbage, sizeof garbage);
  g_assert_true (lv_test_ui_wait (ignored_one_more, &w));
  g_assert_cmpuint (runs_shown (window), ==, shown);
  g_assert_cmpuint (lv_bundle_follow_get_n_reloads (window), ==, reloads);
  g_assert_null (lv_window_get_message (window));
  g_assert_true (lv_bundle_follow_is_active (window));
}

/* The CLI dies with the test (a failed assertion must not leave it stopped). */
static void
die_with_parent (gpointer data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static void
signal_cli (GSubprocess *cli, int signo)
{
  g_assert_cmpint (kill ((pid_t) atoi (g_subprocess_get_identifier (cli)), signo), ==, 0);
}

static void
test_follow_live (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "live.h5", NULL);
  const char *argv[] = { g_getenv ("LOSSVIZ_CLI"), "ensemble", "--dataset", "digits",
                         "--sizes", "25,50,100,200", "--runs", G_STRINGIFY (RUNS),
                         "--epochs", G_STRINGIFY (EPOCHS), "--threads", "1", "--fuse-block", "1",
                         "--checkpoint", "1", "--out", path, NULL };
  static const guint sizes[] = { 5 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  LvTimeline *timeline;
  LvWindow *window;
  LvDataset *dataset;
  Watch watch = { 0 };
  guint first, held;

  if (!lv_bundle_is_available () || argv[0] == NULL)
    {
      g_test_skip (argv[0] == NULL ? "LOSSVIZ_CLI is not set (run it with meson test)"
                                   : "built without HDF5");
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  cli = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  /* The first checkpoint (after one second, 16 runs take several): hold the CLI there. */
  g_assert_true (lv_test_ui_wait (file_exists, path));
  signal_cli (cli, SIGSTOP);
  first = runs_ended_in_file (path);
  g_assert_cmpuint (first, <, TOTAL);
  partial_bytes = read_file (path);

  window = lv_test_ui_window (3, 2, sizes, G_N_ELEMENTS (sizes));
  g_assert_true (lv_window_open_file (window, path, &error));
  g_assert_no_error (error);
  /* Incomplete: followed by default, and the status says so. */
  g_assert_true (lv_bundle_follow_is_active (window));
  g_assert_true (status_contains (window, "following"));
  g_assert_true (status_contains (window, "live.h5"));
  g_assert_nonnull (strstr (gtk_label_get_text (window->progress_label), "another job"));
  g_assert_cmpuint (runs_shown (window), ==, first);
  dataset = lv_experiment_get_dataset (lv_window_get_experiment (window));
  g_assert_nonnull (dataset);
  watch.last = first;
  g_signal_connect (lv_window_get_experiment (window), "changed", G_CALLBACK (on_changed),
                    &watch);
  check_garbage_ignored (window, path);

  /* Let the job run until the window shows more runs, hold it there, choose an epoch. */
  signal_cli (cli, SIGCONT);
  g_assert_true (lv_test_ui_wait (shows_more_runs, &(MoreWait) { window, first }));
  signal_cli (cli, SIGSTOP);
  held = runs_shown (window);
  g_assert_cmpuint (held, <, TOTAL);
  g_assert_true (lv_bundle_follow_is_active (window));
  timeline = lv_loss_view_get_timeline (lv_test_ui_loss_view (window));
  g_assert_cmpuint (lv_timeline_get_frontier (timeline), ==, EPOCHS);
  lv_timeline_set_epoch (timeline, 7);

  /* The rest arrives with nobody touching the window; following ends by itself. */
  signal_cli (cli, SIGCONT);
  g_assert_true (lv_test_ui_wait (shows_every_run_and_ended, window));
  g_assert_true (g_subprocess_wait_check (cli, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (runs_ended_in_file (path), ==, TOTAL);
  g_assert_cmpuint (lv_bundle_follow_get_n_reloads (window), >=, 2);
  g_assert_true (status_contains (window, "all 16 runs finished"));
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 7);
  g_assert_cmpuint (lv_experiment_get_config (lv_window_get_experiment (window))->runs, ==,
                    RUNS);
  g_assert_null (lv_window_get_message (window));
  /* Reloads show the new runs without blanking anything or loading the dataset again. */
  g_assert_cmpuint (watch.n_changes, >=, 2);
  g_assert_false (watch.dropped);
  g_assert_true (lv_experiment_get_dataset (lv_window_get_experiment (window)) == dataset);
  g_signal_handlers_disconnect_by_data (lv_window_get_experiment (window), &watch);
  g_test_message ("runs shown: %u at the first checkpoint, %u at the held one, %u at the end; "
                  "%u reloads, %u changes", first, held, watch.last,
                  lv_bundle_follow_get_n_reloads (window), watch.n_changes);
  final_bytes = read_file (path);
  lv_test_ui_close (window);
}

/* With Follow off a rewrite is not shown; turned on again, it is. */
static void
test_follow_off (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "off.h5", NULL);
  static const guint sizes[] = { 5 };
  g_autoptr(GError) error = NULL;
  LvWindow *window;
  guint partial;

  if (final_bytes == NULL)
    {
      g_test_skip ("needs the bundles of /lossviz/ui/follow/live");
      return;
    }
  write_file (path, partial_bytes);
  partial = runs_ended_in_file (path);
  window = lv_test_ui_window (3, 2, sizes, G_N_ELEMENTS (sizes));
  g_assert_true (lv_window_open_file (window, path, &error));
  g_assert_true (lv_bundle_follow_is_active (window));

  g_action_group_change_action_state (G_ACTION_GROUP (window), "follow",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (lv_bundle_follow_is_active (window));
  g_assert_true (status_contains (window, "not following off.h5"));
  g_assert_null (strstr (gtk_label_get_text (window->progress_label), "another job"));
  write_file (path, final_bytes);
  /* Longer than the debounce and than the fallback poll (5 s). */
  lv_test_ui_wait_within (7, never, NULL);
  g_assert_cmpuint (runs_shown (window), ==, partial);
  g_assert_cmpuint (lv_bundle_follow_get_n_reloads (window), ==, 0);

  /* On again (as the File menu's check item does): the rewrite shows, and following ends. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "follow", NULL);
  g_assert_true (lv_test_ui_wait (shows_every_run_and_ended, window));
  g_assert_cmpuint (lv_bundle_follow_get_n_reloads (window), ==, 1);
  g_assert_true (status_contains (window, "no longer following"));
  lv_test_ui_close (window);
}

int
main (int argc, char *argv[])
{
  int status;

  lv_test_isolate_state ();

  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/follow/live", test_follow_live);
  g_test_add_func ("/lossviz/ui/follow/off", test_follow_off);
  status = g_test_run ();
  g_clear_pointer (&partial_bytes, g_bytes_unref);
  g_clear_pointer (&final_bytes, g_bytes_unref);
  return status;
}
