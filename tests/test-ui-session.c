/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-close-dialog.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * Experiment files in the app: save → close → reopen shows the same runs without starting a
 * single ensemble; more runs and more sizes train only what is new (and the new runs are the
 * very runs a fresh, bigger ensemble trains); unsaved results prompt before closing; the
 * autosave is written while training, removed on a clean close and offered for recovery.
 */

static const guint sizes[] = { 5, 25 };

/* Final test loss of every run the experiment shows, in configuration order. */
static GArray *
final_losses (LvWindow *window)
{
  LvExperiment *exp = lv_window_get_experiment (window);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = 0;
  const LvEnsembleSnapshot *const *snaps;

  lv_experiment_poll (exp);
  snaps = lv_experiment_get_snapshots (exp, &n);
  for (guint s = 0; s < n; s++)
    for (guint r = 0; r < snaps[s]->n_runs; r++)
      {
        double v = lv_run_record_final_test_loss (&snaps[s]->runs[r]);
        g_array_append_val (values, v);
      }
  return values;
}

static gboolean
shows_runs (gpointer data)
{
  LvWindow *window = data;
  guint n = 0;
  const LvEnsembleSnapshot *const *snaps;

  lv_experiment_poll (lv_window_get_experiment (window));
  snaps = lv_experiment_get_snapshots (lv_window_get_experiment (window), &n);
  return n == 2 && snaps[0]->finished == snaps[0]->n_runs && snaps[1]->finished == snaps[1]->n_runs;
}

static LvWindow *
trained_window (guint runs)
{
  LvWindow *window = lv_test_ui_window (runs, 2, sizes, G_N_ELEMENTS (sizes));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  return window;
}

/* Final test losses of the @runs runs of width @hidden, trained by the core alone with the
 * sidebar's settings of lv_test_ui_configure(). */
static GArray *
core_losses (guint hidden, guint runs)
{
  LvEnsembleConfig config;

  lv_ensemble_config_init (&config);
  config.sizes[0] = hidden;
  config.n_sizes = 1;
  config.runs = runs;
  config.train.epochs = 2;
  config.train.lr = 0.05;
  config.train.batch = 32;
  config.train.reg.lambda = 0.001;
  config.train.reg.degree = 2;
  return lv_test_core_final_test_losses (&config);
}

static void
test_save_reopen_extend (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autoptr(GArray) saved = NULL;
  g_autoptr(GArray) reopened = NULL;
  g_autoptr(GArray) extended = NULL;
  g_autoptr(LvSession) session = NULL;
  g_autoptr(GError) error = NULL;
  LvWindow *window = trained_window (4);
  LvExperiment *exp;

  saved = final_losses (window);
  g_assert_cmpuint (saved->len, ==, 8);
  g_assert_true (lv_window_has_unsaved_work (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save-to", "s", path));
  g_assert_false (lv_window_has_unsaved_work (window));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "experiment.json"));
  lv_test_ui_close (window);

  /* The file, read by the core: one record per size and run, all finished. */
  session = lv_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->config.n_sizes, ==, 2);
  g_assert_cmpuint (session->config.runs, ==, 4);
  g_assert_cmpuint (session->snapshot->finished, ==, 8);

  /* Reopen: the same pictures, and not one ensemble started. */
  window = lv_test_ui_window (40, 10, (const guint[]) { 100 }, 1);
  exp = lv_window_get_experiment (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path));
  g_assert_true (lv_test_ui_wait (shows_runs, window));
  reopened = final_losses (window);
  g_assert_cmpuint (reopened->len, ==, 8);
  g_assert_true (memcmp (saved->data, reopened->data, 8 * sizeof (double)) == 0);
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                     GTK_SPIN_BUTTON (lv_window_get_control (window, "runs"))), ==, 4);
  g_assert_false (lv_window_has_unsaved_work (window));
  /* Start on a complete experiment trains nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 0);
  /* The figures' accessible description tells the per-size results. */
  g_assert_nonnull (strstr (lv_loss_view_get_figure_description (lv_test_ui_loss_view (window)),
                            "5 hidden units: 4 runs, mean loss"));

  /* More runs: only runs 4 and 5 of each size train … */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "runs")), 6);
  g_assert_true (lv_window_apply_controls (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 2 * 2);
  extended = final_losses (window);
  g_assert_cmpuint (extended->len, ==, 12);
  /* … the first four are the file's, untouched … */
  for (guint s = 0; s < 2; s++)
    g_assert_true (memcmp (&g_array_index (extended, double, 6 * s),
                           &g_array_index (saved, double, 4 * s), 4 * sizeof (double)) == 0);
  /* … and all six are those of a fresh six-run ensemble trained by the core alone. */
  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(GArray) fresh = core_losses (sizes[s], 6);
      g_assert_true (memcmp (&g_array_index (extended, double, 6 * s), fresh->data,
                             6 * sizeof (double)) == 0);
    }

  /* More sizes: only the new size trains (6 runs). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_size_toggle (window, 10)), TRUE);
  g_assert_true (lv_window_apply_controls (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 2 * 2 + 6);
  g_assert_true (lv_window_has_unsaved_work (window));
  g_assert_true (lv_window_save_to (window, path, &error));
  g_assert_no_error (error);
  lv_test_ui_close (window);

  g_clear_pointer (&session, lv_session_free);
  session = lv_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->config.n_sizes, ==, 3);
  g_assert_cmpuint (session->config.runs, ==, 6);
  g_assert_cmpuint (session->snapshot->finished, ==, 18);
  g_remove (path);
  g_rmdir (dir);
}

static gboolean
has_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (LV_IS_CLOSE_DIALOG (w))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (w);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_close_prompt (void)
{
  LvWindow *window = trained_window (2);
  AdwMessageDialog *dialog = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (has_dialog, &dialog));
  g_assert_nonnull (window);          /* still open: the user is asked first */
  /* Enter saves, Escape cancels; Discard looks destructive. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "save");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "discard"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_nonnull (window);
  gtk_window_close (GTK_WINDOW (window));
  dialog = NULL;
  g_assert_true (lv_test_ui_wait (has_dialog, &dialog));
  adw_message_dialog_response (dialog, "discard");
  g_assert_true (lv_test_ui_wait (is_null, &window));
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static void
test_autosave_and_recovery (void)
{
  g_autofree char *autosave = lv_window_get_autosave_path ();
  g_autoptr(GArray) trained = NULL;
  g_autoptr(GArray) recovered = NULL;
  g_autoptr(LvSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  LvWindow *window;

  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  window = trained_window (3);
  trained = final_losses (window);
  /* Written while training (throttled to one write a second): wait for the last results. */
  g_assert_true (lv_test_ui_wait (file_exists, autosave));
  while (window->autosave_busy || window->autosave_id != 0 ||
         window->autosaved_serial != lv_experiment_get_results_serial (window->experiment))
    g_main_context_iteration (NULL, TRUE);
  session = lv_session_load (autosave, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->snapshot->n_runs, ==, 6);
  g_assert_cmpuint (session->snapshot->finished, ==, 6);
  g_assert_true (g_file_get_contents (autosave, &copy, NULL, NULL));

  /* A clean close removes it. */
  window->close_confirmed = TRUE;
  lv_test_ui_close (window);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));

  /* A crash leaves it behind: the next window offers to recover it. */
  g_assert_true (g_file_set_contents (autosave, copy, -1, NULL));
  window = lv_test_ui_window (2, 1, (const guint[]) { 50 }, 1);
  g_assert_nonnull (lv_window_get_message (window));
  g_assert_true (gtk_widget_get_visible (window->banner_action));
  g_signal_emit_by_name (window->banner_action, "clicked");
  g_assert_true (lv_test_ui_wait (shows_runs, window));
  recovered = final_losses (window);
  g_assert_cmpuint (recovered->len, ==, trained->len);
  g_assert_true (memcmp (trained->data, recovered->data, trained->len * sizeof (double)) == 0);
  g_assert_cmpuint (lv_experiment_get_n_started (lv_window_get_experiment (window)), ==, 0);
  g_assert_true (lv_window_has_unsaved_work (window));
  window->close_confirmed = TRUE;
  lv_test_ui_close (window);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
}

static void
test_open_bad_file (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  LvWindow *window = lv_test_ui_window (2, 1, sizes, 1);

  g_assert_true (g_file_set_contents (path, "{\"format\": \"something else\"}", -1, NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path);
  g_assert_nonnull (strstr (lv_window_get_message (window), "bad.json"));
  g_assert_cmpuint (lv_experiment_get_config (lv_window_get_experiment (window))->runs, ==, 2);
  lv_test_ui_close (window);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/session/save-reopen-extend", test_save_reopen_extend);
  g_test_add_func ("/lossviz/ui/session/close-prompt", test_close_prompt);
  g_test_add_func ("/lossviz/ui/session/autosave-recovery", test_autosave_and_recovery);
  g_test_add_func ("/lossviz/ui/session/open-bad-file", test_open_bad_file);
  return g_test_run ();
}
