/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-loss-view.h"
#include "lv-size-toggle.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-window-private.h"
#include "lv-window.h"

/*
 * The window under Xvfb: it opens, trains a small ensemble, reuses cached results when the q
 * slider comes back, exports, and closes mid-training without leaks. Waits poll the main loop
 * against a generous deadline; nothing asserts on speed.
 */

#define DEADLINE_S 90

static gboolean
back_at_q2 (gpointer data)
{
  LvExperiment *exp = data;
  return lv_experiment_get_config (exp)->train.reg.degree == 2.0 && lv_experiment_is_finished (exp);
}

static LvLossView *
loss_view (LvWindow *window)
{
  GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window));

  /* Walk the tree for the one LvLossView. */
  while (w != NULL && !LV_IS_LOSS_VIEW (w))
    {
      GtkWidget *child = gtk_widget_get_first_child (w);
      while (child == NULL && w != NULL)
        {
          child = gtk_widget_get_next_sibling (w);
          if (child == NULL)
            w = gtk_widget_get_parent (w);
          if (w == GTK_WIDGET (window))
            return NULL;
        }
      w = child;
    }
  return w != NULL ? LV_LOSS_VIEW (w) : NULL;
}

/* A window set to a small ensemble: sizes 5 and 25, 4 runs, 3 epochs, λ > 0. */
static LvWindow *
small_window (guint runs, guint epochs, const guint *sizes, guint n_sizes)
{
  static const guint all[] = { 2, 5, 10, 25, 50, 100, 250, 500 };
  LvWindow *window = lv_window_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      gboolean on = FALSE;
      for (guint k = 0; k < n_sizes; k++)
        on = on || sizes[k] == all[i];
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_size_toggle (window, all[i])),
                                    on);
    }
  /* A new window restores the last configuration (GSettings): clear what earlier tests set. */
  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")), "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (lv_window_get_control (window, "dataset")), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "runs")), runs);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "epochs")), epochs);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "lambda")), 0.001);
  g_assert_true (lv_window_apply_controls (window));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, window));
  return window;
}

static void
test_opens (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = small_window (4, 3, sizes, 2);
  LvLossView *view = loss_view (window);

  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "LossViz");
  g_assert_false (lv_experiment_get_running (lv_window_get_experiment (window)));
  /* Nothing trained yet: the histogram has no series. */
  g_assert_cmpuint (lv_plot_ensemble_get_histogram (lv_loss_view_get_figures (view))->n_series,
                    ==, 0);
  g_assert_null (lv_window_get_message (window));
  lv_test_ui_close (window);
}

/* Copies the histogram's values (sorted by size) for later comparison. */
static GArray *
histogram_values (LvWindow *window)
{
  const LvPlotHistogramModel *hist =
    lv_plot_ensemble_get_histogram (lv_loss_view_get_figures (loss_view (window)));
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  for (gsize s = 0; s < hist->n_series; s++)
    g_array_append_vals (values, hist->series[s].values, hist->series[s].n_values);
  return values;
}

/* The first button under @w bound to @action. */
static GtkWidget *
find_actionable (GtkWidget *w, const char *action)
{
  if (GTK_IS_ACTIONABLE (w) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_actionable (c, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_start_and_cache (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = small_window (4, 3, sizes, 2);
  LvExperiment *exp = lv_window_get_experiment (window);
  GtkRange *degree = GTK_RANGE (lv_window_get_control (window, "degree"));
  g_autoptr(GArray) at_q2 = NULL;
  g_autoptr(GArray) at_q3 = NULL;
  g_autoptr(GArray) back = NULL;
  guint started;

  /* Start through the window's action, as the button and Ctrl+Return do. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_finished, window));
  at_q2 = histogram_values (window);
  g_assert_cmpuint (at_q2->len, ==, 8);
  for (guint i = 0; i < at_q2->len; i++)
    g_assert_true (isfinite (g_array_index (at_q2, double, i)));
  started = lv_experiment_get_n_started (exp);
  g_assert_cmpuint (started, ==, 2);

  /* Everything on screen has finished: Start has nothing to do and says so by being disabled
   * (issue 15: it stayed enabled and did nothing). */
  g_assert_false (gtk_widget_get_sensitive (find_actionable (
                    gtk_window_get_titlebar (GTK_WINDOW (window)), "win.start")));
  /* q = 3 is a new configuration: Start is enabled again; both sizes train, with other
   * results. */
  gtk_range_set_value (degree, 3.0);
  g_assert_true (lv_window_apply_controls (window));
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, started);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, started + 2);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_finished, window));
  at_q3 = histogram_values (window);
  g_assert_cmpuint (at_q3->len, ==, 8);
  g_assert_false (memcmp (at_q2->data, at_q3->data, 8 * sizeof (double)) == 0);

  /* Back to q = 2 (through the debounce, as a slider drag does): cached, nothing retrains. */
  gtk_range_set_value (degree, 2.0);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, back_at_q2, exp));
  lv_experiment_poll (exp);
  g_assert_cmpuint (lv_experiment_get_n_started (exp), ==, started + 2);
  back = histogram_values (window);
  g_assert_cmpuint (back->len, ==, 8);
  g_assert_true (memcmp (at_q2->data, back->data, 8 * sizeof (double)) == 0);

  lv_test_ui_close (window);
}

static gboolean
has_prefix_bytes (const char *path, const char *magic)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  return len > strlen (magic) && memcmp (contents, magic, strlen (magic)) == 0;
}

static void
test_export (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = small_window (4, 2, sizes, 2);
  g_autofree char *dir = lv_test_tmpdir ();
  const char *names[] = { "fig.png", "fig.svg", "fig.pdf" };
  g_autoptr(GError) error = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_finished, window));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      /* Through the action the save dialog activates. */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s",
                                                 path));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_null (g_strrstr (lv_window_get_message (window), "Could not"));
    }
  {
    g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
    g_autofree char *svg = g_build_filename (dir, "fig.svg", NULL);
    g_autofree char *pdf = g_build_filename (dir, "fig.pdf", NULL);
    g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
    g_autofree char *csv_text = NULL;
    cairo_surface_t *surface = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1600);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 1100);
    cairo_surface_destroy (surface);
    g_assert_true (has_prefix_bytes (svg, "<?xml"));
    g_assert_true (has_prefix_bytes (pdf, "%PDF-"));
    g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
    /* Header + 2 sizes × 4 runs. */
    g_assert_cmpuint (g_strv_length (g_strsplit (csv_text, "\n", -1)), >=, 9);
  }
  /* A bad path is an error in the banner, not a crash. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", "/nonexistent/x.png");
  g_assert_nonnull (lv_window_get_message (window));
  g_assert_nonnull (g_strrstr (lv_window_get_message (window), "Could not"));
  g_assert_false (lv_window_export (window, "/tmp/figure.bmp", &error));
  g_assert_nonnull (error);
  lv_test_ui_close (window);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_remove (path);
    }
  {
    g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
    g_remove (csv);
  }
  g_rmdir (dir);
}

static gboolean
has_progress (gpointer data)
{
  LvExperiment *exp = data;
  guint n = 0;
  const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (exp, &n);

  for (guint i = 0; i < n; i++)
    for (guint r = 0; r < snaps[i]->n_runs; r++)
      if (snaps[i]->runs[r].epochs_done > 0)
        return TRUE;
  return FALSE;
}

static void
test_close_mid_training (void)
{
  static const guint sizes[] = { 250, 500 };
  LvWindow *window = small_window (20, 200, sizes, 2);
  LvExperiment *exp = g_object_ref (lv_window_get_experiment (window));
  gint64 t0;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, has_progress, exp));
  g_assert_true (lv_experiment_get_running (exp));
  t0 = g_get_monotonic_time ();
  lv_test_ui_close (window);
  /* The last reference: cancels, joins the workers and frees everything. */
  g_assert_finalize_object (exp);
  g_test_message ("closing mid-training took %.3f s", (g_get_monotonic_time () - t0) / 1e6);
}

static void
test_bad_input (void)
{
  static const guint sizes[] = { 5 };
  LvWindow *window = small_window (2, 1, sizes, 1);

  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")),
                         "12, abc");
  g_assert_false (lv_window_apply_controls (window));
  g_assert_nonnull (g_strrstr (lv_window_get_message (window), "abc"));
  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")), "12");
  g_assert_true (lv_window_apply_controls (window));
  g_assert_null (lv_window_get_message (window));
  g_assert_cmpuint (lv_experiment_get_config (lv_window_get_experiment (window))->n_sizes, ==, 2);
  lv_test_ui_close (window);
}

/* Switching the dataset loads it in a thread; the idle window still hears about it. */
static void
test_dataset_switch (void)
{
  static const guint sizes[] = { 5 };
  LvWindow *window = small_window (2, 1, sizes, 1);
  LvExperiment *exp = lv_window_get_experiment (window);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (lv_window_get_control (window, "dataset")), 1);
  g_assert_true (lv_window_apply_controls (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_finished, window));
  g_assert_cmpstr (lv_experiment_get_dataset_name (exp), ==, "teacher");
  {
    g_autoptr(GArray) values = histogram_values (window);
    g_assert_cmpuint (values->len, ==, 2);
  }
  lv_test_ui_close (window);
}

/* Where @widget sits in the sidebar grid. */
static void
grid_place (GtkWidget *widget, int *column, int *row, int *width)
{
  GtkWidget *grid = gtk_widget_get_parent (widget);

  g_assert_true (GTK_IS_GRID (grid));
  gtk_grid_query_child (GTK_GRID (grid), widget, column, row, width, NULL);
}

/* The sidebar's small template widgets: one LvSizeToggle per standard size, labelled with its
 * number; the degree badge and the depth note on full-width rows right under the controls they
 * annotate; the follow bar hidden under the progress bar until a bundle is shown. */
static void
test_sidebar_widgets (void)
{
  LvWindow *window = lv_window_new (NULL);
  GtkWidget *badge_row = gtk_widget_get_parent (GTK_WIDGET (window->degree_badge));
  int col, row, width, scale_row, spin_row;

  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u", lv_window_standard_sizes[i]);
      GtkWidget *toggle = GTK_WIDGET (window->size_toggles[i]);

      g_assert_true (LV_IS_SIZE_TOGGLE (toggle));
      g_assert_cmpuint (lv_size_toggle_get_units (LV_SIZE_TOGGLE (toggle)), ==,
                        lv_window_standard_sizes[i]);
      g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (toggle)), ==, label);
      g_assert_true (gtk_widget_has_css_class (toggle, "size-toggle"));
      g_assert_true (gtk_widget_is_ancestor (toggle, GTK_WIDGET (window->size_box)));
    }
  grid_place (GTK_WIDGET (window->degree_scale), NULL, &scale_row, NULL);
  grid_place (badge_row, &col, &row, &width);
  g_assert_cmpint (row, ==, scale_row + 1);
  g_assert_cmpint (col, ==, 0);
  g_assert_cmpint (width, ==, 2);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->degree_badge), "badge"));
  g_assert_cmpstr (gtk_label_get_text (window->degree_badge), !=, "");
  grid_place (GTK_WIDGET (window->depth_spin), NULL, &spin_row, NULL);
  grid_place (GTK_WIDGET (window->depth_note), &col, &row, &width);
  g_assert_cmpint (row, ==, spin_row + 1);
  g_assert_cmpint (width, ==, 2);
  g_assert_true (gtk_label_get_wrap (window->depth_note));
  g_assert_true (LV_IS_FOLLOW_BAR (window->follow_bar));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->follow_bar)));
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (window->follow_bar)) ==
                 gtk_widget_get_parent (GTK_WIDGET (window->progress_label)));
  g_assert_cmpstr (lv_follow_bar_get_status (window->follow_bar), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  /* Own XDG folders: no autosave of another run offering recovery in the banner. */
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/window/opens", test_opens);
  g_test_add_func ("/lossviz/ui/window/start-and-cache", test_start_and_cache);
  g_test_add_func ("/lossviz/ui/window/export", test_export);
  g_test_add_func ("/lossviz/ui/window/close-mid-training", test_close_mid_training);
  g_test_add_func ("/lossviz/ui/window/bad-input", test_bad_input);
  g_test_add_func ("/lossviz/ui/window/dataset-switch", test_dataset_switch);
  g_test_add_func ("/lossviz/ui/window/sidebar-widgets", test_sidebar_widgets);
  return g_test_run ();
}
