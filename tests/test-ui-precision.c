/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include <lossviz/lossviz.h>

#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * The sidebar's Precision (fp32 / bf16) and Data order (per run / shared): they train what
 * the core trains with the same settings, are part of the cache key (switching back shows the
 * cached runs without training), are written to the JSON and HDF5 experiment files and
 * GSettings, and opening a file restores them. bf16 is used where this machine can run it;
 * elsewhere its button must be insensitive and say why.
 */

static const guint sizes[] = { 5, 25 };
#define RUNS 3
#define EPOCHS 2

static void
set_speed (LvWindow *window, gboolean bf16, gboolean shared)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_control (
                                  window, bf16 ? "precision-bf16" : "precision-fp32")), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_control (
                                  window, shared ? "data-order-shared" : "data-order-per-run")),
                                TRUE);
  g_assert_true (lv_window_apply_controls (window));
}

static gboolean
toggle_on (LvWindow *window, const char *name)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (lv_window_get_control (window, name)));
}

static void
train (LvWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
}

/* The final test losses the window shows, in configuration order. */
static GArray *
shown_losses (LvWindow *window)
{
  LvExperiment *exp = lv_window_get_experiment (window);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  const LvEnsembleSnapshot *const *snaps;
  guint n = 0;

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

/* The same runs trained by the core alone (the sidebar of lv_test_ui_configure()). */
static GArray *
core_losses (LvPrecision precision, gboolean shared)
{
  LvEnsembleConfig config;

  lv_ensemble_config_init (&config);
  memcpy (config.sizes, sizes, sizeof sizes);
  config.n_sizes = G_N_ELEMENTS (sizes);
  config.runs = RUNS;
  config.train.epochs = EPOCHS;
  config.train.reg.lambda = 0.001;
  config.train.precision = precision;
  config.shared_order = shared;
  return lv_test_core_final_test_losses (&config);
}

/* The JSON file's "config" object, read with json-glib (not LossViz's reader). */
static void
check_json_config (const char *path, const char *precision, gboolean shared)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *config;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  config = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "config");
  g_assert_cmpstr (json_object_get_string_member (config, "precision"), ==, precision);
  g_assert_cmpint (json_object_get_boolean_member (config, "shared_order"), ==, shared);
}

static void
check_bf16_button (LvWindow *window, gboolean bf16_ok)
{
  GtkWidget *bf16 = lv_window_get_control (window, "precision-bf16");

  g_assert_cmpint (gtk_widget_get_sensitive (bf16), ==, bf16_ok);
  if (!bf16_ok)
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (bf16), "oneDNN"));
}

static void
test_precision_and_order (void)
{
  gboolean bf16_ok = lv_precision_available (LV_PRECISION_BF16, NULL);
  LvPrecision precision = bf16_ok ? LV_PRECISION_BF16 : LV_PRECISION_FP32;
  const char *precision_name = lv_precision_to_string (precision);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "fast.json", NULL);
  g_autofree char *h5 = g_build_filename (dir, "fast.h5", NULL);
  g_autofree char *description = NULL;
  g_autoptr(GArray) fast = NULL, expected = NULL, reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  LvWindow *window = lv_test_ui_window (RUNS, EPOCHS, sizes, G_N_ELEMENTS (sizes));
  LvExperiment *exp = lv_window_get_experiment (window);
  guint started;

  check_bf16_button (window, bf16_ok);
  set_speed (window, bf16_ok, TRUE);
  g_assert_cmpint (lv_experiment_get_config (exp)->train.precision, ==, precision);
  g_assert_true (lv_experiment_get_config (exp)->shared_order);
  train (window);
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 2 * RUNS);
  /* The app trains exactly what the core trains with these settings. */
  fast = shown_losses (window);
  expected = core_losses (precision, TRUE);
  g_assert_cmpuint (fast->len, ==, 2 * RUNS);
  g_assert_true (memcmp (fast->data, expected->data, 2 * RUNS * sizeof (double)) == 0);

  /* Files: JSON always, HDF5 where built in. */
  g_assert_true (lv_window_save_to (window, json, &error));
  g_assert_no_error (error);
  check_json_config (json, precision_name, TRUE);
  if (lv_bundle_is_available ())
    {
      g_autoptr(LvBundle) bundle = NULL;

      g_assert_true (lv_window_save_to (window, h5, &error));
      g_assert_no_error (error);
      bundle = lv_bundle_load (h5, LV_BUNDLE_LOAD_RECORDS, &error);
      g_assert_no_error (error);
      g_assert_cmpint (bundle->session->config.train.precision, ==, precision);
      g_assert_true (bundle->session->config.shared_order);
    }

  /* Export metadata and the presentation state bar say how the runs trained. */
  description = lv_window_export_description (window);
  g_assert_nonnull (strstr (description, "data order shared"));
  g_assert_nonnull (strstr (description, precision == LV_PRECISION_BF16 ? "precision bf16"
                                                                         : "precision fp32"));
  lv_window_set_presentation (window, TRUE);
  g_assert_nonnull (strstr (gtk_label_get_text (window->state_label), "shared data order"));
  lv_window_set_presentation (window, FALSE);

  /* The other mode trains anew; switching back is instant: the runs come from the cache. */
  set_speed (window, FALSE, FALSE);
  train (window);
  started = lv_experiment_get_n_runs_started (exp);
  g_assert_cmpuint (started, ==, 4 * RUNS);
  set_speed (window, bf16_ok, TRUE);
  train (window);
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, started);
  lv_test_ui_close (window);

  /* GSettings keeps the last choice. */
  settings = lv_settings_new ();
  g_assert_nonnull (settings);
  g_assert_cmpint (g_settings_get_enum (settings, "precision"), ==, precision);
  g_assert_cmpint (g_settings_get_enum (settings, "data-order"), ==, 1);

  /* Reopen with the other settings in the sidebar: the file's come back, nothing trains. */
  window = lv_test_ui_window (RUNS, EPOCHS, (const guint[]) { 100 }, 1);
  exp = lv_window_get_experiment (window);
  set_speed (window, FALSE, FALSE);
  g_assert_true (lv_window_open_file (window, json, &error));
  g_assert_no_error (error);
  g_assert_true (toggle_on (window, bf16_ok ? "precision-bf16" : "precision-fp32"));
  g_assert_true (toggle_on (window, "data-order-shared"));
  g_assert_cmpint (lv_experiment_get_config (exp)->train.precision, ==, precision);
  g_assert_true (lv_experiment_get_config (exp)->shared_order);
  train (window);
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 0);
  reopened = shown_losses (window);
  g_assert_true (memcmp (reopened->data, fast->data, 2 * RUNS * sizeof (double)) == 0);
  lv_test_ui_close (window);
  g_remove (json);
  g_remove (h5);
  g_rmdir (dir);
}

static gboolean
has_message (gpointer data)
{
  return lv_window_get_message (data) != NULL;
}

/* Bytes mapped by this process now (/proc/self/statm's first field, in pages). */
static double
mapped_bytes (void)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL));
  return g_ascii_strtod (text, NULL) * sysconf (_SC_PAGESIZE);
}

/* Sets the sidebar to @runs runs of the custom sizes @custom (no standard size) and starts. */
static void
start_custom (LvWindow *window, const char *custom, guint runs)
{
  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")), custom);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_size_toggle (window, 5)), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "runs")), runs);
  lv_window_apply_controls (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
}

/* An ensemble bigger than the memory this process may allocate is refused with a message
 * before anything is allocated. The budget is forced small with an address-space limit of
 * what is mapped plus 1 GB; 100 runs of 100 000 hidden units on the digits hold
 * 100 · ((64 + 1) · 100 000 + (100 000 + 1) · 10) · 4 bytes ≈ 3.0 GB of parameters alone. */
static void
test_memory_refusal (void)
{
  static const guint one[] = { 5 };
  LvWindow *window = lv_test_ui_window (3, 1, one, 1);
  LvExperiment *exp = lv_window_get_experiment (window);
  struct rlimit old, tight;

  g_assert_cmpint (getrlimit (RLIMIT_AS, &old), ==, 0);
  tight = old;
  tight.rlim_cur = (rlim_t) (mapped_bytes () + 1e9);
  if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < tight.rlim_cur)
    tight.rlim_cur = old.rlim_cur;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &tight), ==, 0);
  start_custom (window, "100000", 100);
  g_assert_true (lv_test_ui_wait (has_message, window));
  g_assert_cmpint (setrlimit (RLIMIT_AS, &old), ==, 0);
  g_assert_nonnull (strstr (lv_window_get_message (window), "Not started"));
  g_assert_nonnull (strstr (lv_window_get_message (window), "of memory"));
  g_assert_false (lv_experiment_get_running (exp));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 0);
  lv_test_ui_close (window);
}

/* Beyond the ensemble's own size limit (4 GiB of parameters and histories: 1000 runs of
 * 100 000 hidden units are 30 GB), the sidebar shows the refusal instead of keeping quiet. */
static void
test_size_limit_message (void)
{
  static const guint one[] = { 5 };
  LvWindow *window = lv_test_ui_window (3, 1, one, 1);
  LvExperiment *exp = lv_window_get_experiment (window);

  start_custom (window, "100000", 1000);
  g_assert_true (lv_test_ui_wait (has_message, window));
  g_assert_nonnull (strstr (lv_window_get_message (window), "use fewer runs or smaller sizes"));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), ==, 0);
  lv_test_ui_close (window);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/precision/settings-files-cache", test_precision_and_order);
  g_test_add_func ("/lossviz/ui/precision/memory-refusal", test_memory_refusal);
  g_test_add_func ("/lossviz/ui/precision/size-limit-message", test_size_limit_message);
  return g_test_run ();
}
