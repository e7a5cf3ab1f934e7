/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loss view's epoch timeline and the real pause (issue 15 items 2 and 6), under Xvfb. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-loss-view.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-timeline.h"

#define EPOCHS 5

/* Mean and sample std of the test loss after @epoch epochs of the runs of width @hidden,
 * straight from the experiment's run records (not through the figure builders). */
static void
records_at_epoch (LvExperiment *exp, guint hidden, guint epoch, double *mean, double *std,
                  guint *count)
{
  guint n_snaps = 0, n = 0;
  const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (exp, &n_snaps);
  double sum = 0, sq = 0;

  for (guint s = 0; s < n_snaps; s++)
    for (guint i = 0; i < snaps[s]->n_runs; i++)
      {
        const LvRunRecord *r = &snaps[s]->runs[i];
        if (r->hidden == hidden && r->epochs_done >= epoch)
          {
            sum += r->test_loss[epoch - 1];
            n++;
          }
      }
  *count = n;
  if (n == 0)
    return;
  *mean = sum / n;
  for (guint s = 0; s < n_snaps; s++)
    for (guint i = 0; i < snaps[s]->n_runs; i++)
      {
        const LvRunRecord *r = &snaps[s]->runs[i];
        if (r->hidden == hidden && r->epochs_done >= epoch)
          sq += (r->test_loss[epoch - 1] - *mean) * (r->test_loss[epoch - 1] - *mean);
      }
  *std = sqrt (sq / (n - 1));
}

/* Every figure of the view shows @epoch: histogram values, mean ± std rows and the scatter's
 * points all equal the records' values after that many epochs. */
static void
assert_figures_at (LvLossView *view, LvExperiment *exp, guint epoch)
{
  LvPlotEnsemble *fig = lv_loss_view_get_figures (view);
  const LvPlotHistogramModel *hist = lv_plot_ensemble_get_histogram (fig);
  const LvPlotSummaryModel *mean_std = lv_plot_ensemble_get_mean_std (fig);
  const LvPlotSummaryModel *spread = lv_plot_ensemble_get_spread (fig);
  const LvPlotScatterModel *scatter = lv_plot_ensemble_get_scatter (fig);

  g_assert_cmpuint (lv_plot_ensemble_get_n_sizes (fig), ==, 2);
  for (guint s = 0; s < 2; s++)
    {
      guint hidden = lv_plot_ensemble_get_size (fig, s)->hidden, count, shown = 0;
      double mean, std, hist_sum = 0;

      records_at_epoch (exp, hidden, epoch, &mean, &std, &count);
      /* Runs that have not trained that long are in the series without a value (NAN). */
      for (gsize i = 0; i < hist->series[s].n_values; i++)
        if (isfinite (hist->series[s].values[i]))
          {
            hist_sum += hist->series[s].values[i];
            shown++;
          }
      g_assert_cmpuint (shown, ==, count);
      g_assert_cmpuint (mean_std->rows[s].n, ==, count);
      if (count == 0)
        continue;
      g_assert_cmpfloat_with_epsilon (hist_sum / count, mean, 1e-12);
      g_assert_cmpfloat_with_epsilon (mean_std->rows[s].mean, mean, 1e-12);
      if (count > 1)
        {
          g_assert_cmpfloat_with_epsilon (mean_std->rows[s].std, std, 1e-12);
          g_assert_cmpfloat_with_epsilon (spread->rows[s].std, std, 1e-12);
        }
      for (gsize i = 0; i < scatter->series[s].n; i++)
        g_assert_true (scatter->series[s].y[i] == hist->series[s].values[i] ||
                       (isnan (scatter->series[s].y[i]) && isnan (hist->series[s].values[i])));
    }
}

static LvWindow *
trained_window (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = lv_test_ui_window (4, EPOCHS, sizes, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  lv_experiment_poll (lv_window_get_experiment (window));
  return window;
}

/* Step, back and Latest through the view's actions (what . , and the buttons do). */
static void
test_step (void)
{
  LvWindow *window = trained_window ();
  LvLossView *view = lv_test_ui_loss_view (window);
  LvExperiment *exp = lv_window_get_experiment (window);
  LvTimeline *timeline = lv_loss_view_get_timeline (view);
  double final_mean;

  g_assert_cmpuint (lv_timeline_get_frontier (timeline), ==, EPOCHS);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 0);
  final_mean = lv_plot_ensemble_get_size (lv_loss_view_get_figures (view), 0)->mean;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-step", NULL));
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 1);
  assert_figures_at (view, exp, 1);
  g_assert_nonnull (strstr (lv_plot_ensemble_get_histogram (lv_loss_view_get_figures (view))
                              ->common.caption, "1"));
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-step", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-step", NULL);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 3);
  assert_figures_at (view, exp, 3);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-back", NULL);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 2);
  assert_figures_at (view, exp, 2);
  /* The first epoch's losses are not the final ones (training did something). */
  g_assert_cmpfloat (lv_plot_ensemble_get_size (lv_loss_view_get_figures (view), 0)->mean, !=,
                     final_mean);
  /* Never past the last epoch. */
  for (guint i = 0; i < EPOCHS + 2; i++)
    gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-step", NULL);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, EPOCHS);
  assert_figures_at (view, exp, EPOCHS);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-latest", NULL);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 0);
  g_assert_cmpfloat (lv_plot_ensemble_get_size (lv_loss_view_get_figures (view), 0)->mean, ==,
                     final_mean);
  lv_test_ui_close (window);
}

/* Play from Latest starts at epoch 1 and moves at the chosen speed; it stops at the end. */
static void
test_play_and_speed (void)
{
  LvWindow *window = trained_window ();
  LvLossView *view = lv_test_ui_loss_view (window);
  LvTimeline *timeline = lv_loss_view_get_timeline (view);

  g_assert_cmpfloat (lv_timeline_get_speed (timeline), ==, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-slower", NULL);
  g_assert_cmpfloat (lv_timeline_get_speed (timeline), ==, 0.5);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-slower", NULL);
  g_assert_cmpfloat (lv_timeline_get_speed (timeline), ==, 0.5);
  for (guint i = 0; i < 6; i++)
    gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-faster", NULL);
  g_assert_cmpfloat (lv_timeline_get_speed (timeline), ==, 8.0);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-slower", NULL);
  g_assert_cmpfloat (lv_timeline_get_speed (timeline), ==, 4.0);

  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-play", NULL);
  g_assert_true (lv_timeline_get_playing (timeline));
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 1);
  /* 0.5 s at 4 epochs per second: two epochs on. */
  lv_timeline_advance (timeline, 0.5);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 3);
  assert_figures_at (view, lv_window_get_experiment (window), 3);
  lv_timeline_advance (timeline, 10);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, EPOCHS);
  g_assert_false (lv_timeline_get_playing (timeline));
  lv_test_ui_close (window);
}

static gboolean
two_epochs_trained (gpointer data)
{
  return lv_timeline_get_frontier (data) >= 2;
}

/* Live: playing while training runs ahead never shows an epoch no run has reached, keeps
 * following while training goes on, and stops at the last epoch once it has ended. */
static void
test_play_live (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = lv_test_ui_window (4, 30, sizes, 2);
  LvLossView *view = lv_test_ui_loss_view (window);
  LvTimeline *timeline = lv_loss_view_get_timeline (view);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (two_epochs_trained, timeline));
  gtk_widget_activate_action (GTK_WIDGET (view), "view.timeline-play", NULL);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 1);
  lv_timeline_advance (timeline, 1000);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, lv_timeline_get_frontier (timeline));
  if (lv_experiment_get_running (lv_window_get_experiment (window)))
    g_assert_true (lv_timeline_get_playing (timeline));
  assert_figures_at (view, lv_window_get_experiment (window), lv_timeline_get_epoch (timeline));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  lv_timeline_advance (timeline, 1000);
  g_assert_cmpuint (lv_timeline_get_epoch (timeline), ==, 30);
  g_assert_false (lv_timeline_get_playing (timeline));
  lv_test_ui_close (window);
}

/* Whether the figures were built from records where some run has started and some has not,
 * or where started runs stand at different epochs: the moments "Latest" used to look thin. */
static gboolean
mixed_progress (gpointer data)
{
  LvExperiment *exp = lv_window_get_experiment (data);
  guint n_snaps = 0, lo = G_MAXUINT, hi = 0;
  const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (exp, &n_snaps);

  for (guint s = 0; s < n_snaps; s++)
    for (guint i = 0; i < snaps[s]->n_runs; i++)
      {
        lo = MIN (lo, snaps[s]->runs[i].epochs_done);
        hi = MAX (hi, snaps[s]->runs[i].epochs_done);
      }
  return hi > 0 && lo < hi && lv_experiment_get_running (exp);
}

/* "Latest" while training runs (issue 15): every run with a recorded epoch is in every figure
 * at its newest epoch (not only the runs at the frontier), runs without one are counted, and
 * the caption says so, with the numbers. */
static void
test_latest_while_training (void)
{
  static const guint sizes[] = { 5, 25 };
  LvWindow *window = lv_test_ui_window (40, 30, sizes, 2);
  LvLossView *view = lv_test_ui_loss_view (window);
  LvExperiment *exp = lv_window_get_experiment (window);
  LvPlotEnsemble *fig = lv_loss_view_get_figures (view);
  const LvPlotHistogramModel *hist;
  const LvPlotScatterModel *scatter;
  guint n_snaps = 0, started = 0, total = 0;
  const LvEnsembleSnapshot *const *snaps;
  g_autofree char *want = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (mixed_progress, window));
  g_assert_cmpuint (lv_timeline_get_epoch (lv_loss_view_get_timeline (view)), ==, 0);
  hist = lv_plot_ensemble_get_histogram (fig);
  scatter = lv_plot_ensemble_get_scatter (fig);
  snaps = lv_experiment_get_snapshots (exp, &n_snaps);
  g_assert_cmpuint (lv_plot_ensemble_get_n_sizes (fig), ==, 2);
  for (guint s = 0; s < 2; s++)
    {
      guint hidden = lv_plot_ensemble_get_size (fig, s)->hidden, shown = 0, expected = 0;

      /* Runs of a size are in the series in run order, each at its newest epoch or NAN. */
      for (guint k = 0; k < n_snaps; k++)
        for (guint i = 0; i < snaps[k]->n_runs; i++)
          {
            const LvRunRecord *r = &snaps[k]->runs[i];
            double value;

            if (r->hidden != hidden)
              continue;
            total++;
            g_assert_cmpuint (r->run, <, hist->series[s].n_values);
            value = hist->series[s].values[r->run];
            if (r->epochs_done == 0 || r->state == LV_RUN_DIVERGED)
              {
                g_assert_true (isnan (value));
                continue;
              }
            started++;
            expected++;
            g_assert_cmpfloat (value, ==, r->test_loss[r->epochs_done - 1]);
            g_assert_cmpfloat (scatter->series[s].x[r->run], ==,
                               r->train_loss[r->epochs_done - 1]);
          }
      for (gsize i = 0; i < hist->series[s].n_values; i++)
        shown += isfinite (hist->series[s].values[i]);
      g_assert_cmpuint (shown, ==, expected);
      g_assert_cmpuint (lv_plot_ensemble_get_mean_std (fig)->rows[s].n, ==, expected);
    }
  g_assert_cmpuint (total, ==, 80);
  want = g_strdup_printf ("each run at its newest epoch · %u of 80 runs started", started);
  g_assert_nonnull (strstr (hist->common.caption, want));
  lv_test_ui_close (window);
}

/* Export writes the epoch shown: the CSV beside the figure holds the epoch's values. */
static void
test_export_at_epoch (void)
{
  LvWindow *window = trained_window ();
  LvLossView *view = lv_test_ui_loss_view (window);
  LvExperiment *exp = lv_window_get_experiment (window);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_snaps = 0, rows = 0;
  const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (exp, &n_snaps);

  lv_timeline_set_epoch (lv_loss_view_get_timeline (view), 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", png));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  /* Skip the '# LossViz …' settings comment, then the header row. */
  for (guint i = lines[0][0] == '#' ? 2 : 1; lines[i] != NULL && lines[i][0] != '\0'; i++, rows++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      guint hidden = (guint) g_ascii_strtoull (cells[0], NULL, 10);
      guint run = (guint) g_ascii_strtoull (cells[1], NULL, 10);
      gboolean found = FALSE;

      g_assert_cmpstr (cells[8], ==, "2");
      for (guint s = 0; s < n_snaps; s++)
        for (guint k = 0; k < snaps[s]->n_runs; k++)
          if (snaps[s]->runs[k].hidden == hidden && snaps[s]->runs[k].run == run)
            {
              g_assert_cmpfloat (g_ascii_strtod (cells[6], NULL), ==,
                                 snaps[s]->runs[k].test_loss[1]);
              found = TRUE;
            }
      g_assert_true (found);
    }
  g_assert_cmpuint (rows, ==, 8);
  g_remove (png);
  g_remove (csv);
  g_rmdir (dir);
  lv_test_ui_close (window);
}

static gboolean
some_progress (gpointer data)
{
  return lv_test_ui_epochs_done (data) >= 6;
}

/* Pause keeps partial progress: nothing advances while paused, Start continues without
 * retraining anything, and the results equal an uninterrupted experiment's to the bit. */
static void
test_pause_keeps_progress (void)
{
  g_autoptr(LvExperiment) paused = lv_experiment_new ();
  g_autoptr(LvExperiment) plain = lv_experiment_new ();
  LvEnsembleConfig config;
  guint64 at_pause, n_runs_started;
  guint n_a = 0, n_b = 0;
  const LvEnsembleSnapshot *const *a, *const *b;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 50;
  config.sizes[1] = 100;
  config.n_sizes = 2;
  config.runs = 4;
  config.train.epochs = 40;
  g_assert_true (lv_experiment_set_config (paused, "digits", &config, NULL));
  g_assert_true (lv_experiment_set_config (plain, "digits", &config, NULL));
  lv_experiment_start (paused);
  g_assert_true (lv_test_ui_wait_full (paused, LV_TEST_UI_DEADLINE_S, some_progress, paused));
  lv_experiment_pause (paused);
  g_assert_false (lv_experiment_get_running (paused));
  n_runs_started = lv_experiment_get_n_runs_started (paused);
  /* Let the workers reach the gate, then nothing moves. */
  g_usleep (100000);
  lv_experiment_poll (paused);
  at_pause = lv_test_ui_epochs_done (paused);
  g_assert_cmpuint (at_pause, <, 8 * 40);
  g_usleep (300000);
  lv_experiment_poll (paused);
  g_assert_cmpuint (lv_test_ui_epochs_done (paused), ==, at_pause);

  lv_experiment_start (paused);
  g_assert_true (lv_test_ui_wait_full (paused, LV_TEST_UI_DEADLINE_S, lv_test_ui_experiment_finished,
                                       paused));
  g_assert_cmpuint (lv_experiment_get_n_runs_started (paused), ==, n_runs_started);
  lv_experiment_start (plain);
  g_assert_true (lv_test_ui_wait_full (plain, LV_TEST_UI_DEADLINE_S, lv_test_ui_experiment_finished, plain));
  a = lv_experiment_get_snapshots (paused, &n_a);
  b = lv_experiment_get_snapshots (plain, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint s = 0; s < n_a; s++)
    for (guint i = 0; i < a[s]->n_runs; i++)
      {
        g_assert_cmpint (a[s]->runs[i].state, ==, LV_RUN_FINISHED);
        g_assert_cmpmem (a[s]->runs[i].test_loss, 40 * sizeof (double), b[s]->runs[i].test_loss,
                         40 * sizeof (double));
      }
}

/* With LV_TEST_SCREENSHOT_DIR set: the README's loss-view screenshot — the default demo
 * (sizes 5, 10, 25, 100, 40 runs, 10 epochs) replayed at epoch 3 — as loss-view.png there. */
static void
test_screenshot (void)
{
  static const guint sizes[] = { 5, 10, 25, 100 };
  const char *dir = g_getenv ("LV_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  LvWindow *window;
  LvLossView *view;
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;
  int w, h;

  if (dir == NULL)
    {
      g_test_skip ("LV_TEST_SCREENSHOT_DIR is not set");
      return;
    }
  window = lv_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 940);
  lv_test_ui_configure (window, 40, 10, sizes, 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "lambda")), 1e-4);
  g_assert_true (lv_window_apply_controls (window));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_mapped, window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  view = lv_test_ui_loss_view (window);
  lv_timeline_set_epoch (lv_loss_view_get_timeline (view), 3);
  /* Let a few frames pass so every figure has drawn the epoch. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (300000);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  w = gtk_widget_get_width (GTK_WIDGET (window));
  h = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, "loss-view.png", NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  lv_test_ui_close (window);
}

int
main (int argc, char **argv)
{
  /* Own XDG folders: no autosave of another run offering recovery in the banner. */
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/timeline/step", test_step);
  g_test_add_func ("/lossviz/ui/timeline/play-and-speed", test_play_and_speed);
  g_test_add_func ("/lossviz/ui/timeline/play-live", test_play_live);
  g_test_add_func ("/lossviz/ui/timeline/latest-while-training", test_latest_while_training);
  g_test_add_func ("/lossviz/ui/timeline/export-at-epoch", test_export_at_epoch);
  g_test_add_func ("/lossviz/ui/timeline/pause-keeps-progress", test_pause_keeps_progress);
  g_test_add_func ("/lossviz/ui/timeline/screenshot", test_screenshot);
  return g_test_run ();
}
