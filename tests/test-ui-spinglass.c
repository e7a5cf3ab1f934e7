/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-job.h"
#include "lv-spinglass-view.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-view.h"
#include "lv-window.h"

/*
 * The spin-glass view under Xvfb: a small simulation fills the model live with exactly the
 * energies the core computes for the same configuration (nothing rescaled), changing p cancels
 * and restarts (the complexity panel follows at once, finished sizes come back from the cache),
 * the toolbar toggles drive the sizes, closing the window during a run joins the workers and
 * frees the view, and the page is in the window with a working export. Waits poll the main loop
 * against a generous deadline; nothing is timed.
 */

#define DEADLINE_S 150

static gboolean
finished (gpointer data)
{
  return !lv_spin_glass_view_get_running (data);
}

static gboolean
some_done (gpointer data)
{
  return lv_spin_glass_view_get_n_done (data) > 0;
}

static LvSpinGlassView *
view_in_window (GtkWindow **window)
{
  GtkWidget *view = lv_spin_glass_view_new (NULL);

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (*window, 1200, 700);
  gtk_window_set_child (*window, view);
  gtk_window_present (*window);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, view));
  return LV_SPIN_GLASS_VIEW (view);
}

static void
close_window (GtkWindow *window, LvSpinGlassView *view)
{
  g_object_ref (view);
  gtk_window_destroy (window);
  g_assert_finalize_object (view);
}

/* Λ = 10, 20, 12 runs each: the histograms fill, with the core's own numbers. */
static void
test_fill (void)
{
  GtkWindow *window;
  LvSpinGlassView *view = view_in_window (&window);
  LvPlotSpinGlass *fig = lv_spin_glass_view_get_figures (view);
  const guint sizes[] = { 20, 10 };
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "sg.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "sg.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  lv_spin_glass_view_set_p (view, 3);
  lv_spin_glass_view_set_sizes (view, sizes, 2);
  lv_spin_glass_view_set_runs (view, 12);
  lv_spin_glass_view_start (view);
  g_assert_true (lv_spin_glass_view_get_running (view));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, finished, view));
  g_assert_cmpuint (lv_spin_glass_view_get_n_done (view), ==, 24);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_sizes (fig), ==, 2);
  g_assert_cmpuint (lv_plot_spin_glass_get_lambda (fig, 0), ==, 10);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_values (fig), ==, 24);

  /* The exported CSV holds what the core computes for the same configuration, bit for bit. */
  g_assert_true (lv_view_export_figure (LV_VIEW (view), png, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 24 + 1);
  for (guint s = 0; s < 2; s++)
    {
      LvSpinGlassConfig config;
      LvSpinGlassRun runs[12];

      lv_spin_glass_config_init (&config, 3, s == 0 ? 10 : 20);
      config.runs = 12;
      config.seed = 1;
      g_assert_true (lv_spin_glass_simulate (&config, runs, NULL, NULL, NULL, NULL, &error));
      for (guint i = 1; i <= 24; i++)
        {
          g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
          guint lambda = (guint) atoi (f[1]), run = (guint) atoi (f[2]);

          if (lambda == config.lambda)
            g_assert_cmpfloat (g_ascii_strtod (f[3], NULL), ==, runs[run].energy);
        }
    }
  close_window (window, view);
}

/* A change of p during a run cancels and restarts; the cache brings finished sizes back. */
static void
test_restart_on_p (void)
{
  GtkWindow *window;
  LvSpinGlassView *view = view_in_window (&window);
  LvPlotSpinGlass *fig = lv_spin_glass_view_get_figures (view);
  const guint big[] = { 80, 100 }, small[] = { 16, 24 };

  /* Long enough that it is still running when p changes. */
  lv_spin_glass_view_set_sizes (view, big, 2);
  lv_spin_glass_view_set_runs (view, 1000);
  lv_spin_glass_view_start (view);
  g_assert_cmpuint (lv_spin_glass_view_get_n_started_jobs (view), ==, 1);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, some_done, view));
  g_assert_true (lv_spin_glass_view_get_running (view));

  lv_spin_glass_view_set_p (view, 4);
  /* The theory part follows at once: band edge −E∞ = −2√(3/4). */
  g_assert_cmpuint (lv_plot_spin_glass_get_p (fig), ==, 4);
  g_assert_cmpfloat_with_epsilon (lv_plot_spin_glass_get_histogram (fig)->bands[0].hi,
                                  -2.0 * sqrt (0.75), 1e-12);
  g_assert_cmpuint (lv_spin_glass_view_get_n_started_jobs (view), ==, 2);
  g_assert_true (lv_spin_glass_view_get_running (view));
  g_assert_cmpuint (lv_spin_glass_view_get_n_done (view), ==, 0);

  lv_spin_glass_view_set_sizes (view, small, 2);
  lv_spin_glass_view_set_runs (view, 30);
  g_assert_cmpuint (lv_spin_glass_view_get_n_started_jobs (view), ==, 4);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, finished, view));
  g_assert_cmpuint (lv_spin_glass_view_get_n_done (view), ==, 60);

  /* p = 3 at this setting is new: it starts from nothing; back to p = 4 while it runs: both
   * sizes come from the cache and no job is needed. */
  lv_spin_glass_view_set_p (view, 3);
  g_assert_false (lv_spin_glass_view_get_running (view));
  g_assert_cmpuint (lv_spin_glass_view_get_n_done (view), ==, 0);
  lv_spin_glass_view_start (view);
  g_assert_cmpuint (lv_spin_glass_view_get_n_started_jobs (view), ==, 5);
  lv_spin_glass_view_set_p (view, 4);
  g_assert_cmpuint (lv_spin_glass_view_get_n_done (view), ==, 60);
  g_assert_false (lv_spin_glass_view_get_running (view));
  g_assert_cmpuint (lv_spin_glass_view_get_n_started_jobs (view), ==, 5);
  close_window (window, view);
}

/* Closing during a long run (per-run disorder: a coupling draw per start) joins promptly. */
static void
test_close_joins (void)
{
  GtkWindow *window;
  LvSpinGlassView *view = view_in_window (&window);
  const guint sizes[] = { 100, 200 };

  lv_spin_glass_view_set_disorder (view, LV_SPIN_GLASS_DISORDER_PER_RUN);
  lv_spin_glass_view_set_sizes (view, sizes, 2);
  lv_spin_glass_view_set_runs (view, 400);
  lv_spin_glass_view_start (view);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, some_done, view));
  g_assert_true (lv_spin_glass_view_get_running (view));
  close_window (window, view);
  /* What the app's shutdown does: the cancelled probe's thread returns (promptly, or the
   * test times out). */
  lv_job_join_all ();
  g_assert_cmpuint (lv_job_count_running (), ==, 0);
}

/* The toolbar's Λ toggles add and remove sizes; sizes without a toggle stay. */
static void
test_toggles (void)
{
  GtkWindow *window;
  LvSpinGlassView *view = view_in_window (&window);
  LvPlotSpinGlass *fig = lv_spin_glass_view_get_figures (view);
  const guint sizes[] = { 12 };
  GtkToggleButton *button = NULL;

  lv_spin_glass_view_set_sizes (view, sizes, 1);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_sizes (fig), ==, 1);
  for (GtkWidget *w = lv_test_ui_find_widget (GTK_WIDGET (view), GTK_TYPE_TOGGLE_BUTTON); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_TOGGLE_BUTTON (w) &&
        g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), "50") == 0)
      button = GTK_TOGGLE_BUTTON (w);
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (button, TRUE);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_sizes (fig), ==, 2);
  g_assert_cmpuint (lv_plot_spin_glass_get_lambda (fig, 1), ==, 50);
  gtk_toggle_button_set_active (button, FALSE);
  g_assert_cmpuint (lv_plot_spin_glass_get_n_sizes (fig), ==, 1);
  g_assert_cmpuint (lv_plot_spin_glass_get_lambda (fig, 0), ==, 12);
  close_window (window, view);
}

static gboolean
frames_done (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

/* Issue 15: the page opens with its p field's text unselected (a selected field is one
 * keystroke from being overwritten, and reads as "something is wrong" on a projector). */
static void
p_field_not_selected (GtkWidget *page)
{
  GtkWidget *p = lv_test_ui_find_widget (page, GTK_TYPE_SPIN_BUTTON);
  gint64 until = g_get_monotonic_time () + 300 * 1000; /* a few frames: focus settles */
  int start = -1, end = -1;

  g_assert_nonnull (p);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (p)), ==, "3");
  lv_test_ui_wait_within (DEADLINE_S, frames_done, &until);
  /* The stack moved the focus here, as a Tab would (see the caller). */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (gtk_widget_get_root (page)), p));
  if (gtk_editable_get_selection_bounds (GTK_EDITABLE (p), &start, &end))
    g_error ("the p field opens with %d…%d selected", start, end);
}

/* The page "spinglass" of the main window, side by side with the network, exports. */
static void
test_window_page (void)
{
  LvWindow *window = lv_window_new (NULL);
  GtkWidget *page;
  GtkStack *stack;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "side.pdf", NULL);
  g_autofree char *csv = g_build_filename (dir, "side.csv", NULL);
  g_autofree char *net = g_build_filename (dir, "side-network.csv", NULL);
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720); /* the sidebar shown */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, window));
  /* As after using the loss view's toolbar: a stack whose old page has the focus moves it to
   * the new page's first field, which is how the p field came to open selected. */
  g_assert_true (gtk_widget_grab_focus (lv_test_ui_find_widget (
    gtk_stack_get_child_by_name (LV_WINDOW (window)->stack, "loss"), GTK_TYPE_TOGGLE_BUTTON)));
  page = lv_test_ui_find_widget (GTK_WIDGET (window), LV_TYPE_SPIN_GLASS_VIEW);
  g_assert_nonnull (page);
  stack = GTK_STACK (gtk_widget_get_parent (page));
  g_assert_true (gtk_stack_get_child_by_name (stack, LV_SPIN_GLASS_VIEW_PAGE) == page);
  gtk_stack_set_visible_child_name (stack, LV_SPIN_GLASS_VIEW_PAGE);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, page));
  p_field_not_selected (page);
  lv_spin_glass_view_set_side_by_side (LV_SPIN_GLASS_VIEW (page), TRUE);
  g_assert_true (lv_view_export_figure (LV_VIEW (page), pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (net, G_FILE_TEST_IS_REGULAR));
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* Collects the labels of every button and label in @w's subtree. */
static void
collect_texts (GtkWidget *w, GPtrArray *out)
{
  if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL)
    g_ptr_array_add (out, (gpointer) gtk_button_get_label (GTK_BUTTON (w)));
  if (GTK_IS_LABEL (w))
    g_ptr_array_add (out, (gpointer) gtk_label_get_text (GTK_LABEL (w)));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_texts (c, out);
}

static gboolean
any_text_contains (GtkWidget *w, const char *needle)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_texts (w, texts);
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
done_or_finished (gpointer data)
{
  return lv_spin_glass_view_get_n_done (data) >= 3 || !lv_spin_glass_view_get_running (data);
}

/* No second "Start" on the page (the header bar has the ensemble's), and while it runs the
 * status says how long is left; the estimate is gone once it is done. */
static void
test_simulate_and_eta (void)
{
  GtkWindow *window;
  LvSpinGlassView *view = view_in_window (&window);
  const guint sizes[] = { 60, 30 };
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_texts (GTK_WIDGET (view), texts);
  for (guint i = 0; i < texts->len; i++)
    g_assert_cmpstr (g_ptr_array_index (texts, i), !=, "Start");
  g_assert_true (any_text_contains (GTK_WIDGET (view), "Simulate"));
  g_assert_true (isnan (lv_spin_glass_view_get_eta (view)));

  lv_spin_glass_view_set_sizes (view, sizes, 2);
  lv_spin_glass_view_set_runs (view, 200);
  lv_spin_glass_view_start (view);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, done_or_finished, view));
  if (lv_spin_glass_view_get_running (view))
    {
      g_assert_true (isfinite (lv_spin_glass_view_get_eta (view)));
      g_assert_cmpfloat (lv_spin_glass_view_get_eta (view), >=, 0);
    }
  lv_spin_glass_view_stop (view);
  g_assert_true (isnan (lv_spin_glass_view_get_eta (view)));
  close_window (window, view);
}

int
main (int argc, char **argv)
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui-spinglass/fill", test_fill);
  g_test_add_func ("/lossviz/ui-spinglass/restart-on-p", test_restart_on_p);
  g_test_add_func ("/lossviz/ui-spinglass/close-joins", test_close_joins);
  g_test_add_func ("/lossviz/ui-spinglass/toggles", test_toggles);
  g_test_add_func ("/lossviz/ui-spinglass/window-page", test_window_page);
  g_test_add_func ("/lossviz/ui-spinglass/simulate-and-eta", test_simulate_and_eta);
  return g_test_run ();
}
