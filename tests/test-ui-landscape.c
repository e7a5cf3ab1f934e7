/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-job.h"
#include "lv-landscape-view.h"
#include "lv-landscape-view-private.h"
#include "lv-loss-view.h"
#include "lv-test-cairo.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-view.h"

/*
 * The Landscape page under Xvfb, on an experiment of its own (sizes 5 and 10, 3 runs, 3
 * epochs on digits): it opens the default run, its slice's centre is that run's own loss
 * (evaluated here independently), the Hessian summary and interpolation appear, other
 * directions work, a quick change of selection abandons the previous job, the index survey
 * completes, export writes valid files, and nothing leaks. Waits run the main loop against a
 * generous deadline; nothing asserts on speed.
 */

#define DEADLINE_S 60

static gboolean
experiment_done (gpointer data)
{
  return lv_experiment_is_finished (data) && !lv_experiment_get_running (data);
}

static gboolean
view_done (gpointer data)
{
  LvLandscapeState st;

  lv_landscape_view_get_state (data, &st);
  return st.hidden != 0 && (st.stage == LV_LANDSCAPE_STAGE_DONE ||
                            st.stage == LV_LANDSCAPE_STAGE_FAILED);
}

static gboolean
only_current_job (gpointer data)
{
  /* The abandoned jobs ended (the survey, paused meanwhile, finishes too). */
  return view_done (data) && lv_job_count_running () == 0;
}

static gboolean
index_done (gpointer data)
{
  LvLandscapeState st;

  lv_landscape_view_get_state (data, &st);
  return st.index_total > 0 && st.index_done == st.index_total;
}

static gboolean
no_jobs (gpointer data)
{
  return lv_job_count_running () == 0;
}

static LvExperiment *
trained_experiment (void)
{
  LvExperiment *exp = lv_experiment_new ();
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 5;
  config.sizes[1] = 10;
  config.n_sizes = 2;
  config.runs = 3;
  config.train.epochs = 3;
  config.seed = 7;
  g_assert_true (lv_experiment_set_config (exp, "digits", &config, &error));
  g_assert_no_error (error);
  lv_experiment_start (exp);
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, experiment_done, exp));
  return exp;
}

/* The run's own mean train loss, by lv_mlp_evaluate over the whole train split. */
static double
own_train_loss (LvExperiment *exp, guint hidden, guint run)
{
  LvDataset *ds = lv_experiment_get_dataset (exp);
  g_autofree float *params = NULL;
  g_autoptr(LvMlpWorkspace) ws = NULL;
  LvMlpShape shape;

  g_assert_true (lv_experiment_copy_run_params (exp, hidden, run, NULL, &shape, &params));
  ws = lv_mlp_workspace_new (&shape, LV_SLICE_CHUNK);
  return lv_mlp_evaluate (&shape, params, ds->x_train, ds->y_train, NULL, ds->n_train, NULL, ws);
}

static void
assert_state_done (LvLandscapeView *view, LvExperiment *exp, guint hidden, guint run)
{
  LvLandscapeState st;
  double own = own_train_loss (exp, hidden, run);

  lv_landscape_view_get_state (view, &st);
  g_assert_cmpint (st.stage, ==, LV_LANDSCAPE_STAGE_DONE);
  g_assert_cmpuint (st.hidden, ==, hidden);
  g_assert_cmpuint (st.run, ==, run);
  g_assert_cmpuint (st.level, ==, st.n_levels);
  g_assert_cmpuint (st.grid % 2, ==, 1);
  /* The slice's centre is θ itself: the same chunked sums, so equal to rounding. */
  g_assert_cmpfloat_with_epsilon (st.slice_center, own, 1e-9 * own);
  g_assert_cmpfloat_with_epsilon (st.center_train, own, 1e-9 * own);
  g_assert_true (st.has_interpolation);
  g_assert_true (st.has_spectrum);
  g_assert_true (isfinite (st.min_eigenvalue));
}

static void
assert_file_starts (const char *path, const char *prefix, gsize min_lines)
{
  g_autofree char *contents = NULL;
  gsize length = 0, lines = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >=, strlen (prefix));
  g_assert_true (memcmp (contents, prefix, strlen (prefix)) == 0);
  for (gsize i = 0; i < length; i++)
    lines += contents[i] == '\n';
  g_assert_cmpuint (lines, >=, min_lines);
}

static void
test_landscape (void)
{
  LvExperiment *exp = trained_experiment ();
  GtkWidget *window = gtk_window_new ();
  LvLandscapeView *view = LV_LANDSCAPE_VIEW (g_object_ref_sink (lv_landscape_view_new (exp)));
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "landscape.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "landscape.svg", NULL);
  g_autofree char *csv = g_build_filename (dir, "landscape.csv", NULL);
  g_autofree char *interp = g_build_filename (dir, "landscape-interpolation.csv", NULL);
  g_autofree char *spectrum = g_build_filename (dir, "landscape-spectrum.csv", NULL);
  g_autoptr(GError) error = NULL;
  LvLandscapeState st;

  /* Shown: the first finished run of the largest size opens by itself. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  assert_state_done (view, exp, 10, 0);

  /* Export: the figure and the data behind it. */
  g_assert_true (lv_view_export_figure (LV_VIEW (view), png, &error));
  g_assert_no_error (error);
  assert_file_starts (png, "\x89PNG\r\n\x1a\n", 0);
  assert_file_starts (csv, "", 41 * 41);
  assert_file_starts (interp, "", 61);
  assert_file_starts (spectrum, "", 2);
  g_assert_true (lv_view_export_figure (LV_VIEW (view), svg, &error));
  g_assert_no_error (error);
  assert_file_starts (svg, "<?xml", 2);

  /* A quick change of selection: the job of run 2 is abandoned and ends; run 3 completes. */
  lv_landscape_view_select_run (view, 10, 1);
  lv_landscape_view_select_run (view, 10, 2);
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, only_current_job, view));
  assert_state_done (view, exp, 10, 2);

  /* Other sizes and directions: PCA (retrains for the trajectory) and three minima. */
  lv_landscape_view_select_run (view, 5, 1);
  lv_landscape_view_set_directions (view, LV_SLICE_DIRECTIONS_PCA);
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  assert_state_done (view, exp, 5, 1);
  g_assert_cmpuint (lv_landscape_figures_get_heatmap (lv_landscape_view_get_figures (view))->n_path,
                    ==, 3);
  lv_landscape_view_set_directions (view, LV_SLICE_DIRECTIONS_INTERPOLATE);
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  assert_state_done (view, exp, 5, 1);

  /* The index survey covers every run (all have ≤ 2000 parameters). */
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, index_done, view));
  lv_landscape_view_get_state (view, &st);
  g_assert_cmpuint (st.index_total, ==, 6);
  g_assert_cmpuint (lv_landscape_figures_get_index (lv_landscape_view_get_figures (view))->n_series,
                    ==, 2);

  /* Closing mid-computation: nothing waits, nothing leaks. */
  lv_landscape_view_select_run (view, 10, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
  g_assert_true (lv_test_ui_wait_full (NULL, DEADLINE_S, no_jobs, NULL));
  g_assert_finalize_object (exp);
}

/* Not shown and not asked for: nothing is computed. Asked for: computed while hidden. */
static void
test_lazy (void)
{
  LvExperiment *exp = trained_experiment ();
  LvLandscapeView *view = LV_LANDSCAPE_VIEW (g_object_ref_sink (lv_landscape_view_new (exp)));
  LvLandscapeState st;

  for (guint i = 0; i < 20; i++)
    {
      lv_experiment_poll (exp);
      g_main_context_iteration (NULL, FALSE);
    }
  lv_landscape_view_get_state (view, &st);
  g_assert_cmpuint (st.hidden, ==, 0);
  g_assert_cmpuint (lv_job_count_running (), ==, 0);

  lv_landscape_view_select_run (view, 5, 2);
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  assert_state_done (view, exp, 5, 2);
  g_assert_finalize_object (view);
  g_assert_true (lv_test_ui_wait_full (NULL, DEADLINE_S, no_jobs, NULL));
  g_assert_finalize_object (exp);
}

/* Linked views: a run activated in the loss view (a sibling page) opens in the Landscape. */
static void
test_linked (void)
{
  LvExperiment *exp = trained_experiment ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *loss = lv_loss_view_new (exp);
  LvLandscapeView *view = LV_LANDSCAPE_VIEW (lv_landscape_view_new (exp));

  g_object_ref (view);
  gtk_stack_add_named (GTK_STACK (stack), loss, "loss");
  gtk_stack_add_named (GTK_STACK (stack), GTK_WIDGET (view), "landscape");
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == loss);

  g_signal_emit_by_name (loss, "run-activated", 5u, 1u);
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == GTK_WIDGET (view));
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  assert_state_done (view, exp, 5, 1);
  /* One run numbering everywhere (issue 15): run 1 of the loss view — its tooltip, CSV and
   * the CLI's JSON count from 0 — is "run 1" here too, not "run 2". */
  g_assert_cmpstr (lv_landscape_figures_get_heatmap (lv_landscape_view_get_figures (view))
                     ->common.title, ==, "Training loss around run 1 (n = 5)");
  /* The status line is shown whole (it was ellipsized: "Done · centre lo…"). */
  g_assert_cmpuint (strlen (gtk_label_get_text (view->status_label)), >, 0);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, view->status_label));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (view->status_label)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
  g_assert_true (lv_test_ui_wait_full (NULL, DEADLINE_S, no_jobs, NULL));
  g_assert_finalize_object (exp);
}

static gboolean
density_shown (gpointer data)
{
  LvLandscapeState st;

  lv_landscape_view_get_state (data, &st);
  return st.has_density || st.density_failed;
}

/* The curvature panel's "Density": the SLQ eigenvalue density at the run, finite and positive
 * on a log axis, peaked inside the run's spectrum (the full eigendecomposition the landscape job
 * computed), drawn by the panel and exported with the figure. */
static void
test_density (void)
{
  LvExperiment *exp = trained_experiment ();
  GtkWidget *window = gtk_window_new ();
  LvLandscapeView *view = LV_LANDSCAPE_VIEW (g_object_ref_sink (lv_landscape_view_new (exp)));
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "curvature.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "curvature-density.csv", NULL);
  g_autoptr(GError) error = NULL;
  const LvPlotLinesModel *density;
  const LvPlotBarsModel *spectrum;
  cairo_surface_t *surface;
  cairo_t *cr;
  LvLandscapeState st;
  double lambda_min = G_MAXDOUBLE, lambda_max = -G_MAXDOUBLE, peak_x = NAN, peak = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, view_done, view));
  lv_landscape_view_set_show_density (view, TRUE);
  g_assert_true (gtk_toggle_button_get_active (view->density_button));
  g_assert_true (lv_test_ui_wait_full (exp, DEADLINE_S, density_shown, view));
  lv_landscape_view_get_state (view, &st);
  g_assert_false (st.density_failed);
  g_assert_true (st.show_density);

  spectrum = lv_landscape_figures_get_spectrum (lv_landscape_view_get_figures (view));
  for (gsize i = 0; i < spectrum->series[0].n; i++)
    {
      lambda_min = MIN (lambda_min, spectrum->series[0].values[i]);
      lambda_max = MAX (lambda_max, spectrum->series[0].values[i]);
    }
  density = lv_landscape_figures_get_density (lv_landscape_view_get_figures (view));
  g_assert_cmpuint (density->n_curves, >=, 1);
  g_assert_cmpuint (density->curves[0].n, ==, 200);
  for (gsize i = 0; i < density->curves[0].n; i++)
    {
      g_assert_true (isfinite (density->curves[0].x[i]));
      g_assert_true (isfinite (density->curves[0].y[i]) && density->curves[0].y[i] > 0);
      if (density->curves[0].y[i] > peak)
        {
          peak = density->curves[0].y[i];
          peak_x = density->curves[0].x[i];
        }
    }
  /* Ritz values interlace the spectrum: the density's mass lies within [λmin, λmax]. */
  g_assert_cmpfloat (peak_x, >=, lambda_min - 0.05 * (lambda_max - lambda_min));
  g_assert_cmpfloat (peak_x, <=, lambda_max + 0.05 * (lambda_max - lambda_min));

  /* The panel draws the density (far more ink than the empty panel's text). */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cr = cairo_create (surface);
  lv_plot_lines_draw (cr, density, 400, 300);
  g_assert_cmpuint (painted_pixels (surface), >, 400 * 300 / 100);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  g_assert_true (lv_view_export_figure (LV_VIEW (view), png, &error));
  g_assert_no_error (error);
  assert_file_starts (csv, "", 200);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
  g_assert_true (lv_test_ui_wait_full (NULL, DEADLINE_S, no_jobs, NULL));
  g_assert_finalize_object (exp);
}

int
main (int argc, char **argv)
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui-landscape/lazy", test_lazy);
  g_test_add_func ("/lossviz/ui-landscape/view", test_landscape);
  g_test_add_func ("/lossviz/ui-landscape/linked", test_linked);
  g_test_add_func ("/lossviz/ui-landscape/density", test_density);
  return g_test_run ();
}
