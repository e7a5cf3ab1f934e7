/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Figure models of an ensemble of training runs: the loss-distribution histogram, the mean ± std
 * strip, the spread-vs-size panel and the train-vs-test scatter, built from ensemble snapshots.
 * Shared by the app's loss-distribution view and `lossviz-cli ensemble --plot`.
 */

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotEnsembleLoss:
 * @LV_PLOT_ENSEMBLE_TEST_LOSS: the held-out loss of each run
 * @LV_PLOT_ENSEMBLE_TRAIN_LOSS: the training loss of each run
 *
 * Which loss the histogram, the summaries and the CSV's "loss" column show.
 */
typedef enum {
  LV_PLOT_ENSEMBLE_TEST_LOSS,
  LV_PLOT_ENSEMBLE_TRAIN_LOSS,
} LvPlotEnsembleLoss;

/**
 * LvPlotEnsembleOptions:
 * @theme: (nullable): look of every panel; %NULL means lv_plot_theme_light()
 * @loss: test or train loss
 * @mode: overlay, ridgeline or small multiples
 * @density: density instead of counts
 * @n_bins: shared histogram bins; 0 picks from the number of runs
 * @x_history: fix the histogram's x range to every value the runs have had (all epochs), so
 *   the distributions visibly slide and narrow on a still axis instead of the axis following
 *   the current values
 *
 * How an #LvPlotEnsemble presents its data.
 */
typedef struct
{
  const LvPlotTheme *theme;
  LvPlotEnsembleLoss loss;
  LvPlotHistMode mode;
  gboolean density;
  guint n_bins;
  gboolean x_history;
} LvPlotEnsembleOptions;

/**
 * LvPlotEnsembleRun:
 * @hidden: hidden width of the run's network
 * @run: run index within its size
 * @seed: the run's seed
 * @state: pending, running, finished, diverged or cancelled
 * @epochs_done: epochs completed
 * @train_loss: current (last published) training loss, NAN when none
 * @test_loss: current test loss, NAN when none
 * @test_accuracy: current test accuracy, NAN when none
 *
 * One run as the figures show it: its latest values.
 */
typedef struct
{
  guint hidden;
  guint run;
  guint64 seed;
  LvRunState state;
  guint epochs_done;
  double train_loss;
  double test_loss;
  double test_accuracy;
} LvPlotEnsembleRun;

/**
 * LvPlotEnsembleSize:
 * @hidden: the hidden width
 * @n_runs: runs of this size in the snapshots
 * @n_values: runs with a finite value of the selected loss
 * @n_diverged: runs that diverged
 * @mean: mean of the selected loss over the finite values (NAN when none)
 * @std: sample standard deviation (NAN with fewer than two values)
 *
 * Per-size summary, in ascending order of @hidden.
 */
typedef struct
{
  guint hidden;
  guint n_runs;
  guint n_values;
  guint n_diverged;
  double mean;
  double std;
} LvPlotEnsembleSize;

typedef struct _LvPlotEnsemble LvPlotEnsemble;

LvPlotEnsemble *lv_plot_ensemble_new            (void);
void            lv_plot_ensemble_free           (LvPlotEnsemble              *self);
void            lv_plot_ensemble_set_options    (LvPlotEnsemble              *self,
                                                 const LvPlotEnsembleOptions *options);
void            lv_plot_ensemble_get_options    (LvPlotEnsemble              *self,
                                                 LvPlotEnsembleOptions       *options);
/* The epoch lv_plot_ensemble_set_epoch() shows when none is chosen: each run's last values. */
#define LV_PLOT_ENSEMBLE_LATEST G_MAXUINT

void            lv_plot_ensemble_set_epoch      (LvPlotEnsemble              *self,
                                                 guint                        epoch);
guint           lv_plot_ensemble_get_epoch      (LvPlotEnsemble              *self);
guint           lv_plot_ensemble_get_max_epochs (LvPlotEnsemble              *self);
void            lv_plot_ensemble_update         (LvPlotEnsemble              *self,
                                                 const LvEnsembleSnapshot *const *snapshots,
                                                 guint                        n_snapshots);

guint                     lv_plot_ensemble_get_n_sizes (LvPlotEnsemble *self);
const LvPlotEnsembleSize *lv_plot_ensemble_get_size    (LvPlotEnsemble *self,
                                                        guint           index);
guint                     lv_plot_ensemble_get_n_runs  (LvPlotEnsemble *self);
const LvPlotEnsembleRun  *lv_plot_ensemble_get_run     (LvPlotEnsemble *self,
                                                        guint           index);
const LvPlotEnsembleRun  *lv_plot_ensemble_scatter_run (LvPlotEnsemble *self,
                                                        guint           series,
                                                        gsize           index);

const LvPlotHistogramModel *lv_plot_ensemble_get_histogram (LvPlotEnsemble *self);
const LvPlotSummaryModel   *lv_plot_ensemble_get_mean_std  (LvPlotEnsemble *self);
const LvPlotSummaryModel   *lv_plot_ensemble_get_spread    (LvPlotEnsemble *self);
const LvPlotScatterModel   *lv_plot_ensemble_get_scatter   (LvPlotEnsemble *self);
const LvPlotGridModel      *lv_plot_ensemble_get_figure    (LvPlotEnsemble *self);

gboolean lv_plot_ensemble_write_csv (LvPlotEnsemble *self,
                                     const char     *path,
                                     GError        **error);
gboolean lv_plot_ensemble_export    (LvPlotEnsemble *self,
                                     const char     *path,
                                     double          width,
                                     double          height,
                                     GError        **error);

void lv_plot_ensemble_draw_figure (cairo_t                  *cr,
                                   const LvEnsembleSnapshot *snapshot,
                                   const LvPlotTheme        *theme,
                                   double                    width,
                                   double                    height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvPlotEnsemble, lv_plot_ensemble_free)

G_END_DECLS
