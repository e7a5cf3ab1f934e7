/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-help-overlay.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"

/*
 * Lecture-ready window (issue 15): settings changed while idle keep the figures with a note;
 * Reset's Undo; the sidebar per page; the presentation state bar and the balanced badge; the
 * crash-recovery message not selected; the export format drop-down and the settings recorded
 * in exported files; the shortcuts window's key names; the tour's measured sentence.
 */

static const guint two_sizes[] = { 5, 25 };

static gboolean
not_pending_apply (gpointer data)
{
  LvWindow *window = data;
  return window->apply_id == 0;
}

static guint
histogram_series (LvWindow *window)
{
  return lv_plot_ensemble_get_histogram (
           lv_loss_view_get_figures (lv_test_ui_loss_view (window)))->n_series;
}

static gboolean
start_enabled (LvWindow *window)
{
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));

  /* The header's Start button follows the action's enabled state. */
  for (GtkWidget *w = gtk_widget_get_first_child (titlebar); w != NULL;)
    {
      if (GTK_IS_ACTIONABLE (w) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), "win.start") == 0)
        return gtk_widget_get_sensitive (w);
      /* depth-first walk */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != titlebar && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == titlebar ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_not_reached ();
}

/* Changing q while idle: no blank figures. Uncached → the old figures stay with a note and
 * Start trains the new q; cached → its results at once. */
static void
test_idle_change_keeps_figures (void)
{
  LvWindow *window = lv_test_ui_window (3, 2, two_sizes, 2);
  LvExperiment *exp = lv_window_get_experiment (window);
  GtkRange *degree = GTK_RANGE (lv_window_get_control (window, "degree"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  lv_experiment_poll (exp);
  g_assert_cmpuint (histogram_series (window), ==, 2);
  g_assert_false (start_enabled (window));

  gtk_range_set_value (degree, 3.0); /* through the debounce, as a slider drag */
  g_assert_true (lv_test_ui_wait (not_pending_apply, window));
  lv_experiment_poll (exp);
  g_assert_true (window->settings_pending);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->state_bar)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->pending_label)));
  g_assert_cmpfloat (lv_experiment_get_config (exp)->train.reg.degree, ==, 2.0);
  g_assert_cmpuint (histogram_series (window), ==, 2);
  g_assert_true (start_enabled (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_false (window->settings_pending);
  g_assert_cmpfloat (lv_experiment_get_config (exp)->train.reg.degree, ==, 3.0);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));

  /* Back to q = 2: cached, shown at once, no note. */
  gtk_range_set_value (degree, 2.0);
  g_assert_true (lv_test_ui_wait (not_pending_apply, window));
  lv_experiment_poll (exp);
  g_assert_false (window->settings_pending);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->state_bar)));
  g_assert_cmpfloat (lv_experiment_get_config (exp)->train.reg.degree, ==, 2.0);
  g_assert_cmpuint (histogram_series (window), ==, 2);
  lv_test_ui_close (window);
}

static gboolean
has_results (gpointer data)
{
  LvExperiment *exp = lv_window_get_experiment (data);

  lv_experiment_poll (exp);
  return lv_experiment_has_results (exp);
}

static gboolean
has_no_results (gpointer data)
{
  return !has_results (data);
}

/* Reset asks nothing; its toast's Undo brings the very same runs back. */
static void
test_reset_undo (void)
{
  LvWindow *window = lv_test_ui_window (3, 2, two_sizes, 2);
  LvExperiment *exp = lv_window_get_experiment (window);
  double before, after;
  guint n = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  g_assert_true (has_results (window));
  before = lv_run_record_final_test_loss (&lv_experiment_get_snapshots (exp, &n)[1]->runs[2]);
  g_assert_true (isfinite (before));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reset", NULL));
  g_assert_true (lv_test_ui_wait (has_no_results, window));
  g_assert_cmpstr (lv_window_get_message (window), ==, "Results reset");
  g_assert_nonnull (window->toast);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-reset", NULL));
  g_assert_true (lv_test_ui_wait (has_results, window));
  after = lv_run_record_final_test_loss (&lv_experiment_get_snapshots (exp, &n)[1]->runs[2]);
  g_assert_cmpfloat (after, ==, before);
  g_assert_cmpuint (lv_experiment_get_n_runs_started (exp), >, 0);
  window->close_confirmed = TRUE;
  lv_test_ui_close (window);
}

/* The sidebar shows what applies: the Spin glass page has its own settings. */
static void
test_sidebar_per_page (void)
{
  LvWindow *window = lv_test_ui_window (3, 2, two_sizes, 2);

  if (gtk_stack_get_child_by_name (window->stack, "spinglass") == NULL)
    {
      lv_test_ui_close (window);
      g_test_skip ("no spin-glass page in this build");
      return;
    }
  gtk_stack_set_visible_child_name (window->stack, "spinglass");
  g_assert_false (gtk_widget_get_visible (window->controls_scroller));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->page_note)));
  g_assert_false (gtk_widget_get_visible (window->start_button)); /* the page's Simulate only */
  gtk_stack_set_visible_child_name (window->stack, "theory");
  g_assert_true (gtk_widget_get_visible (window->controls_scroller));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->page_note)));
  g_assert_true (gtk_widget_get_visible (window->start_button));
  lv_test_ui_close (window);
}

/* Presentation shows q, λ, depth, the sizes and the balance badge; the sidebar's badge and
 * depth note follow the controls. */
static void
test_state_bar_and_badge (void)
{
  LvWindow *window = lv_test_ui_window (3, 2, two_sizes, 2);
  GtkSpinButton *depth = GTK_SPIN_BUTTON (lv_window_get_control (window, "depth"));
  const char *text;

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->state_bar)));
  lv_window_set_presentation (window, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->state_bar)));
  text = gtk_label_get_text (window->state_label);
  g_assert_nonnull (strstr (text, "q = 2.0"));
  g_assert_nonnull (strstr (text, "λ = 0.001"));
  g_assert_nonnull (strstr (text, "1 hidden layer (L = 2)"));
  g_assert_nonnull (strstr (text, "sizes 5, 25"));
  /* One hidden layer: two weight layers, q = 2 balanced. */
  g_assert_cmpstr (gtk_label_get_text (window->state_badge), ==, "balanced q = L = 2");
  g_assert_cmpstr (gtk_label_get_text (window->degree_badge), ==, "balanced q = L = 2");

  gtk_spin_button_set_value (depth, 2);
  g_assert_true (lv_window_apply_controls (window));
  g_assert_cmpstr (gtk_label_get_text (window->state_badge), ==, "unbalanced: q = 2.0 ≠ L = 3");
  g_assert_cmpstr (gtk_label_get_text (window->degree_badge), ==,
                   "unbalanced: q = 2.0 ≠ L = 3");
  g_assert_nonnull (strstr (gtk_label_get_text (window->depth_note), "L = 3"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "lambda")), 0);
  g_assert_true (lv_window_apply_controls (window));
  g_assert_cmpstr (gtk_label_get_text (window->state_badge), ==, "λ = 0: no regulariser");
  lv_window_set_presentation (window, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->state_bar)));
  lv_test_ui_close (window);
}

/* The crash-recovery offer does not open with its text selected. */
static void
test_recovery_not_selected (void)
{
  g_autofree char *autosave = lv_window_get_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (autosave);
  LvWindow *window;
  int start = -1, end = -1;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (autosave, "{}", -1, NULL));
  window = lv_test_ui_window (3, 2, two_sizes, 2);
  g_assert_true (gtk_widget_get_visible (window->banner_action));
  g_assert_false (gtk_label_get_selection_bounds (window->banner_label, &start, &end) &&
                  end > start);
  g_assert_false (gtk_label_get_selectable (window->banner_label));
  lv_test_ui_close (window);
  g_remove (autosave);
}

/* The format drop-down decides the extension; exported files record the settings and SVG
 * text stays text. */
static void
test_export_format_and_settings (void)
{
  static const struct { const char *path, *ext, *want; } cases[] = {
    { "/tmp/loss.png", ".svg", "/tmp/loss.svg" },
    { "/tmp/loss.PNG", ".pdf", "/tmp/loss.pdf" },
    { "/tmp/loss", ".svg", "/tmp/loss.svg" },
    { "/tmp/loss.svg", ".svg", "/tmp/loss.svg" },
    { "/tmp/my.data", ".png", "/tmp/my.data.png" },
  };
  LvWindow *window = lv_test_ui_window (3, 2, two_sizes, 2);
  g_autofree char *dir = g_dir_make_tmp ("lossviz-lecture-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (dir, "fig.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "fig.pdf", NULL);
  g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = lv_window_export_path_for_format (cases[i].path, cases[i].ext);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  gtk_range_set_value (GTK_RANGE (lv_window_get_control (window, "degree")), 3.0);
  g_assert_true (lv_window_apply_controls (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  lv_experiment_poll (lv_window_get_experiment (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", svg));
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<desc>LossViz "));
  g_assert_nonnull (strstr (text, "sizes 5,25 · runs 3"));
  g_assert_nonnull (strstr (text, "q 3 lambda 0.001"));
  g_assert_nonnull (strstr (text, ">test loss</text>")); /* an axis label, as text */
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "# LossViz "));
  g_assert_nonnull (strstr (text, "q 3 lambda 0.001\n"));
  g_clear_pointer (&text, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", pdf));
  g_assert_true (g_file_get_contents (pdf, &text, &len, NULL));
  /* Binary: search the whole length, not up to the first NUL. */
  g_assert_nonnull (memmem (text, len, "/Subject <FEFF", 14));
  g_assert_nonnull (memmem (text, len, "/Creator (LossViz)", 18));

  g_remove (svg);
  g_remove (pdf);
  g_remove (csv);
  g_rmdir (dir);
  lv_test_ui_close (window);
}

static gboolean
has_label (GtkWidget *w, const char *text)
{
  if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_label (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
has_shortcut_for (GtkWidget *w, const char *action)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (w))
    {
      g_autofree char *name = NULL;

      g_object_get (w, "action-name", &name, NULL);
      if (g_strcmp0 (name, action) == 0)
        return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_shortcut_for (c, action))
      return TRUE;
  return FALSE;
}

/* The shortcuts window names Page Down / Page Up in words and lists Ctrl+T. */
static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX
                                                                  "/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));

  g_assert_nonnull (overlay);
  g_assert_true (has_label (overlay, "Page_Down")); /* what GTK shows by itself */
  lv_help_overlay_polish (overlay);
  g_assert_false (has_label (overlay, "Page_Down"));
  g_assert_false (has_label (overlay, "Page_Up"));
  g_assert_true (has_label (overlay, "Page Down"));
  g_assert_true (has_label (overlay, "Page Up"));
  g_assert_true (has_shortcut_for (overlay, "win.tour"));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* Two sizes of two finished runs each, with the given final test losses. */
static void
fill_snapshot (LvEnsembleSnapshot *snap, LvRunRecord *runs, double *losses, guint hidden,
               double a, double b)
{
  losses[0] = a;
  losses[1] = b;
  for (guint r = 0; r < 2; r++)
    runs[r] = (LvRunRecord) { .hidden = hidden, .run = r, .state = LV_RUN_FINISHED,
                              .epochs_done = 1, .train_loss = &losses[r],
                              .test_loss = &losses[r], .test_accuracy = &losses[r] };
  *snap = (LvEnsembleSnapshot) { .n_runs = 2, .runs = runs, .finished = 2 };
}

/* The tour's sentence states the spreads and phrases the trend by them: std of {0.1, 0.3} is
 * √0.02 = 0.141 (mean 0.2), of {0.15, 0.17} √0.0002 = 0.014 (mean 0.16). */
static void
test_tour_caption_follows_data (void)
{
  LvEnsembleSnapshot snaps[2];
  LvRunRecord runs[2][2];
  double losses[2][2];
  const LvEnsembleSnapshot *ptrs[2] = { &snaps[0], &snaps[1] };
  g_autofree char *falls = NULL;
  g_autofree char *rises = NULL;

  fill_snapshot (&snaps[0], runs[0], losses[0], 5, 0.1, 0.3);
  fill_snapshot (&snaps[1], runs[1], losses[1], 250, 0.15, 0.17);
  falls = lv_tour_caption_spread (ptrs, 2);
  g_assert_nonnull (strstr (falls, "0.141 for n = 5, 0.014 for n = 250"));
  g_assert_nonnull (strstr (falls, "it falls with size"));
  g_assert_nonnull (strstr (falls, "The mean test loss falls with size"));

  fill_snapshot (&snaps[0], runs[0], losses[0], 5, 0.2, 0.22);
  fill_snapshot (&snaps[1], runs[1], losses[1], 250, 0.3, 0.5);
  rises = lv_tour_caption_spread (ptrs, 2);
  g_assert_nonnull (strstr (rises, "0.014 for n = 5, 0.141 for n = 250"));
  g_assert_nonnull (strstr (rises, "it rises with size here"));
  g_assert_null (strstr (rises, "falls with size"));
  g_assert_null (lv_tour_caption_spread (ptrs, 1) == NULL ? NULL : "one size is no trend");
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/lecture/idle-change-keeps-figures", test_idle_change_keeps_figures);
  g_test_add_func ("/lossviz/ui/lecture/reset-undo", test_reset_undo);
  g_test_add_func ("/lossviz/ui/lecture/sidebar-per-page", test_sidebar_per_page);
  g_test_add_func ("/lossviz/ui/lecture/state-bar-and-badge", test_state_bar_and_badge);
  g_test_add_func ("/lossviz/ui/lecture/recovery-not-selected", test_recovery_not_selected);
  g_test_add_func ("/lossviz/ui/lecture/export-format-and-settings",
                   test_export_format_and_settings);
  g_test_add_func ("/lossviz/ui/lecture/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/lossviz/ui/lecture/tour-caption-follows-data", test_tour_caption_follows_data);
  return g_test_run ();
}
