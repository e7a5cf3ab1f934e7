/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <lossviz/lv-plot-ensemble.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include <lossviz/lv-stats.h>

#include "lv-plot-private.h"

/*
 * An LvPlotEnsemble owns everything the plot models point into (values, labels, series), so a
 * consumer keeps one object per view and calls lv_plot_ensemble_update() whenever a snapshot
 * changes: the models' pointers stay valid until the next update or set_options.
 *
 * Runs are grouped by hidden width in ascending order, whatever order the snapshots come in
 * (the app passes one snapshot per size, the CLI one snapshot with every size), so colours and
 * rows are the same for both.
 */
struct _LvPlotEnsemble
{
  LvPlotEnsembleOptions options;

  GArray *runs;          /* LvPlotEnsembleRun, sorted by (hidden, run) */
  GArray *sizes;         /* LvPlotEnsembleSize, ascending hidden */
  GArray *first;         /* guint: index in runs of each size's first run */
  guint epoch;           /* epochs shown (1-based), or LV_PLOT_ENSEMBLE_LATEST */
  guint max_epochs;      /* most epochs any run has done, in the last update */
  guint reached;         /* runs that have done `epoch` epochs */
  guint started;         /* runs with at least one epoch recorded */
  guint finished;
  guint diverged;
  double history_lo[2];  /* range of every epoch's value: [0] test, [1] train */
  double history_hi[2];

  double *loss;          /* selected loss per run (NAN when none) */
  double *train;         /* train loss per run */
  double *test;          /* test loss per run */
  GPtrArray *strings;    /* every label the models borrow */

  LvPlotHistSeries *hist_series;
  LvPlotSummaryRow *rows;
  LvPlotScatterSeries *scatter_series;

  LvPlotHistogramModel hist;
  LvPlotSummaryModel mean_std;
  LvPlotSummaryModel spread;
  LvPlotScatterModel scatter;
  LvPlotPanel panels[4];
  LvPlotGridModel grid;
  LvPlotTheme theme;     /* the options' theme, told how many sizes it colours */
};

/**
 * lv_plot_ensemble_new:
 *
 * Creates an empty set of ensemble figures (they say "No data yet" until the first update).
 *
 * Returns: (transfer full): the new object; free with lv_plot_ensemble_free().
 */
LvPlotEnsemble *
lv_plot_ensemble_new (void)
{
  LvPlotEnsemble *self = g_new0 (LvPlotEnsemble, 1);

  self->options.theme = lv_plot_theme_light ();
  self->options.loss = LV_PLOT_ENSEMBLE_TEST_LOSS;
  self->options.mode = LV_PLOT_HIST_OVERLAY;
  self->epoch = LV_PLOT_ENSEMBLE_LATEST;
  self->runs = g_array_new (FALSE, TRUE, sizeof (LvPlotEnsembleRun));
  self->sizes = g_array_new (FALSE, TRUE, sizeof (LvPlotEnsembleSize));
  self->first = g_array_new (FALSE, TRUE, sizeof (guint));
  self->strings = g_ptr_array_new_with_free_func (g_free);
  lv_plot_ensemble_update (self, NULL, 0);
  return self;
}

static void
clear_derived (LvPlotEnsemble *self)
{
  g_clear_pointer (&self->loss, g_free);
  g_clear_pointer (&self->train, g_free);
  g_clear_pointer (&self->test, g_free);
  g_clear_pointer (&self->hist_series, g_free);
  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->scatter_series, g_free);
  g_ptr_array_set_size (self->strings, 0);
}

/**
 * lv_plot_ensemble_free:
 * @self: (nullable): the figures
 *
 * Frees @self and everything its models point into.
 */
void
lv_plot_ensemble_free (LvPlotEnsemble *self)
{
  if (self == NULL)
    return;
  clear_derived (self);
  g_ptr_array_unref (self->strings);
  g_array_unref (self->runs);
  g_array_unref (self->sizes);
  g_array_unref (self->first);
  g_free (self);
}

/* Keeps a string alive as long as the models and returns it. */
static const char *
keep (LvPlotEnsemble *self, char *text)
{
  g_ptr_array_add (self->strings, text);
  return text;
}

static int
compare_runs (gconstpointer a, gconstpointer b)
{
  const LvPlotEnsembleRun *ra = a, *rb = b;

  if (ra->hidden != rb->hidden)
    return ra->hidden < rb->hidden ? -1 : 1;
  if (ra->run != rb->run)
    return ra->run < rb->run ? -1 : 1;
  return 0;
}

/* Widens [lo, hi] to the finite values of one run's history. */
static void
widen_range (const double *values, guint n, double *lo, double *hi)
{
  for (guint e = 0; e < n; e++)
    if (isfinite (values[e]))
      {
        *lo = MIN (*lo, values[e]);
        *hi = MAX (*hi, values[e]);
      }
}

/* A run's value after @epoch epochs (1-based; LATEST: its last), NAN when it has not got there
 * or (for LATEST) diverged. Before it diverged a run had finite values worth showing. */
static double
value_at (const LvRunRecord *r, const double *values, guint epoch)
{
  if (epoch == LV_PLOT_ENSEMBLE_LATEST)
    return r->epochs_done == 0 || r->state == LV_RUN_DIVERGED ? NAN : values[r->epochs_done - 1];
  return epoch >= 1 && epoch <= r->epochs_done ? values[epoch - 1] : NAN;
}

static void
collect_runs (LvPlotEnsemble *self, const LvEnsembleSnapshot *const *snapshots, guint n)
{
  g_array_set_size (self->runs, 0);
  self->finished = self->diverged = 0;
  self->max_epochs = self->reached = self->started = 0;
  for (guint k = 0; k < 2; k++)
    {
      self->history_lo[k] = INFINITY;
      self->history_hi[k] = -INFINITY;
    }
  for (guint s = 0; s < n; s++)
    {
      if (snapshots[s] == NULL)
        continue;
      for (guint i = 0; i < snapshots[s]->n_runs; i++)
        {
          const LvRunRecord *r = &snapshots[s]->runs[i];
          LvPlotEnsembleRun run = {
            .hidden = r->hidden,
            .run = r->run,
            .seed = r->seed,
            .state = r->state,
            .epochs_done = r->epochs_done,
            .train_loss = value_at (r, r->train_loss, self->epoch),
            .test_loss = value_at (r, r->test_loss, self->epoch),
            .test_accuracy = value_at (r, r->test_accuracy, self->epoch),
          };
          g_array_append_val (self->runs, run);
          self->max_epochs = MAX (self->max_epochs, r->epochs_done);
          self->started += r->epochs_done > 0;
          self->reached += self->epoch != LV_PLOT_ENSEMBLE_LATEST && r->epochs_done >= self->epoch;
          if (r->state != LV_RUN_DIVERGED)
            {
              widen_range (r->test_loss, r->epochs_done, &self->history_lo[0],
                           &self->history_hi[0]);
              widen_range (r->train_loss, r->epochs_done, &self->history_lo[1],
                           &self->history_hi[1]);
            }
          self->finished += r->state == LV_RUN_FINISHED;
          self->diverged += r->state == LV_RUN_DIVERGED;
        }
    }
  /* Stable order by (hidden, run): g_array_sort is not documented stable, but the key is
   * unique for the snapshots of one experiment. Snapshots usually come in order already: a
   * linear check skips the sort (a timeline frame rebuilds these models). */
  for (guint i = 1; i < self->runs->len; i++)
    if (compare_runs (&g_array_index (self->runs, LvPlotEnsembleRun, i - 1),
                      &g_array_index (self->runs, LvPlotEnsembleRun, i)) > 0)
      {
        g_array_sort (self->runs, compare_runs);
        break;
      }
}

/* Splits the sorted runs into sizes and fills the per-run value arrays. */
static void
summarize_sizes (LvPlotEnsemble *self)
{
  guint n = self->runs->len;

  g_array_set_size (self->sizes, 0);
  g_array_set_size (self->first, 0);
  self->loss = g_new (double, MAX (n, 1));
  self->train = g_new (double, MAX (n, 1));
  self->test = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const LvPlotEnsembleRun *run = &g_array_index (self->runs, LvPlotEnsembleRun, i);

      self->train[i] = run->train_loss;
      self->test[i] = run->test_loss;
      self->loss[i] = self->options.loss == LV_PLOT_ENSEMBLE_TRAIN_LOSS ? run->train_loss
                                                                          : run->test_loss;
      if (i == 0 || run->hidden != g_array_index (self->runs, LvPlotEnsembleRun, i - 1).hidden)
        {
          LvPlotEnsembleSize size = { .hidden = run->hidden };
          g_array_append_val (self->sizes, size);
          g_array_append_val (self->first, i);
        }
      LvPlotEnsembleSize *cur = &g_array_index (self->sizes, LvPlotEnsembleSize,
                                                self->sizes->len - 1);
      cur->n_runs++;
      cur->n_diverged += run->state == LV_RUN_DIVERGED;
    }
  for (guint s = 0; s < self->sizes->len; s++)
    {
      LvPlotEnsembleSize *size = &g_array_index (self->sizes, LvPlotEnsembleSize, s);
      guint first = g_array_index (self->first, guint, s);
      LvSummary summary;

      lv_summary_compute (self->loss + first, size->n_runs, &summary);
      size->n_values = summary.count;
      size->mean = summary.mean;
      /* One value has no spread to speak of: leave it out of the spread panel. */
      size->std = summary.count > 1 ? summary.std : NAN;
    }
}

/* Losses spanning more than 1.5 decades (training losses: small networks near 0.2, large ones
 * near 0.002) get a log axis, or every large network lands in one bin at 0 and its
 * concentration is invisible. The range is the one the axis shows: every epoch's values with
 * a still axis, else the current ones. */
static gboolean
wants_log_axis (LvPlotEnsemble *self, gboolean train)
{
  double lo, hi;

  if (self->options.x_history)
    {
      lo = self->history_lo[train];
      hi = self->history_hi[train];
    }
  else
    lv_plot_finite_range (self->loss, self->runs->len, FALSE, &lo, &hi);
  return isfinite (lo) && isfinite (hi) && lo > 0 && hi / lo > pow (10.0, 1.5);
}

/* One histogram series, summary row and scatter series per size, sharing the size's label. */
static void
build_size_series (LvPlotEnsemble *self)
{
  guint n_sizes = self->sizes->len;

  self->hist_series = g_new0 (LvPlotHistSeries, MAX (n_sizes, 1));
  self->rows = g_new0 (LvPlotSummaryRow, MAX (n_sizes, 1));
  self->scatter_series = g_new0 (LvPlotScatterSeries, MAX (n_sizes, 1));
  for (guint s = 0; s < n_sizes; s++)
    {
      const LvPlotEnsembleSize *size = &g_array_index (self->sizes, LvPlotEnsembleSize, s);
      guint first = g_array_index (self->first, guint, s);
      /* Translators: the legend entry of one network size; "n" is the hidden width. */
      const char *label = keep (self, g_strdup_printf (_("n = %u"), size->hidden));

      self->hist_series[s] = (LvPlotHistSeries) {
        .label = label,
        .values = self->loss + first,
        .n_values = size->n_runs,
        .n_diverged = size->n_diverged,
        .color = (int) s,
      };
      self->rows[s] = (LvPlotSummaryRow) {
        .label = keep (self, g_strdup_printf ("%u", size->hidden)),
        .size = size->hidden,
        .mean = size->mean,
        .std = size->std,
        .n = size->n_values,
        .color = (int) s,
      };
      self->scatter_series[s] = (LvPlotScatterSeries) {
        .label = label,
        .x = self->train + first,
        .y = self->test + first,
        .n = size->n_runs,
        .color = (int) s,
      };
    }
}

/* The histogram's caption: run counts, or how many runs reached the timeline's epoch. */
static const char *
loss_caption (LvPlotEnsemble *self)
{
  if (self->epoch == LV_PLOT_ENSEMBLE_LATEST && self->finished + self->diverged < self->runs->len)
    /* Runs train a block at a time: while they do, "Latest" shows each run that has an epoch
     * at its newest one (finished runs at their last, the block in training at its current),
     * and says so, with how many runs that is (issue 15: it looked like "few runs"). */
    /* Translators: caption of the loss figures while training runs: runs with an epoch shown,
     * all runs, finished runs, diverged runs. */
    return keep (self, g_strdup_printf (_("each run at its newest epoch · %u of %u runs "
                                          "started · %u finished · %u diverged"),
                                        self->started, self->runs->len, self->finished,
                                        self->diverged));
  if (self->epoch == LV_PLOT_ENSEMBLE_LATEST)
    /* Translators: caption of the loss figures: total runs, finished runs, diverged runs. */
    return keep (self, g_strdup_printf (_("%u runs · %u finished · %u diverged"),
                                        self->runs->len, self->finished, self->diverged));
  /* Translators: caption of the loss figures at one epoch of the timeline: the epoch, then
   * how many of all the runs had trained that long. */
  return keep (self, g_strdup_printf (_("after epoch %u · %u of %u runs got there"),
                                      self->epoch, self->reached, self->runs->len));
}

static void
build_histogram (LvPlotEnsemble *self, gboolean train, const char *loss_label)
{
  const char *caption = loss_caption (self);
  gboolean x_log = wants_log_axis (self, train);

  self->hist = (LvPlotHistogramModel) {
    .common = {
      .theme = &self->theme,
      .title = train ? _("Training loss of every run") : _("Test loss of every run"),
      .caption = caption,
      .x_label = x_log ? (train ? _("training loss (log scale)") : _("test loss (log scale)"))
                       : loss_label,
      .y_label = self->options.density ? _("density") : _("runs"),
      .empty_text = _("Press Start to train the ensemble"),
    },
    .series = self->hist_series,
    .n_series = self->sizes->len,
    .n_bins = self->options.n_bins,
    .mode = self->options.mode,
    .density = self->options.density,
    .x_fixed = self->options.x_history && self->history_hi[train] > self->history_lo[train],
    .x_min = self->history_lo[train],
    .x_max = self->history_hi[train],
    .x_log = x_log,
  };
}

/* The mean ± std and spread panels (both read the summary rows) and the train/test scatter. */
static void
build_summaries (LvPlotEnsemble *self, gboolean train, const char *loss_label)
{
  const LvPlotTheme *theme = &self->theme;
  guint n_sizes = self->sizes->len;

  self->mean_std = (LvPlotSummaryModel) {
    .common = {
      .theme = theme,
      .title = _("Mean ± std per size"),
      .x_label = _("hidden units"),
      .y_label = loss_label,
      .empty_text = _("No finished runs yet"),
    },
    .rows = self->rows,
    .n_rows = n_sizes,
    .kind = LV_PLOT_SUMMARY_MEAN_STD,
  };
  self->spread = (LvPlotSummaryModel) {
    .common = {
      .theme = theme,
      .title = _("Spread vs size"),
      .x_label = _("hidden units (log scale)"),
      .y_label = train ? _("std of training loss") : _("std of test loss"),
      .empty_text = _("Needs two runs per size"),
    },
    .rows = self->rows,
    .n_rows = n_sizes,
    .kind = LV_PLOT_SUMMARY_SPREAD,
  };
  self->scatter = (LvPlotScatterModel) {
    .common = {
      .theme = theme,
      .title = _("Training vs test loss"),
      .x_label = _("training loss"),
      .y_label = _("test loss"),
      .empty_text = _("No runs with losses yet"),
    },
    .series = self->scatter_series,
    .n_series = n_sizes,
    .show_pearson = TRUE,
    .diagonal = TRUE,
  };
}

static void
build_models (LvPlotEnsemble *self)
{
  gboolean train = self->options.loss == LV_PLOT_ENSEMBLE_TRAIN_LOSS;
  const char *loss_label = train ? _("training loss") : _("test loss");

  self->theme = *self->options.theme;
  self->theme.n_categories = self->sizes->len;
  build_size_series (self);
  build_histogram (self, train, loss_label);
  build_summaries (self, train, loss_label);
  self->panels[0] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_histogram_draw, &self->hist };
  self->panels[1] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_summary_draw, &self->mean_std };
  self->panels[2] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_summary_draw, &self->spread };
  self->panels[3] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_scatter_draw, &self->scatter };
  self->grid = (LvPlotGridModel) {
    .theme = &self->theme,
    .title = _("Loss distribution of the ensemble"),
    .panels = self->panels,
    .n_panels = G_N_ELEMENTS (self->panels),
    .columns = 2,
  };
}

/**
 * lv_plot_ensemble_update:
 * @self: the figures
 * @snapshots: (array length=n_snapshots) (nullable): snapshots, e.g. one per size; %NULL
 *   entries are skipped
 * @n_snapshots: number of snapshots
 *
 * Rebuilds every model from the current values of the runs in @snapshots (the last published
 * epoch of each run; diverged and not yet started runs have no value and are counted only).
 * The snapshots are only read during the call.
 */
void
lv_plot_ensemble_update (LvPlotEnsemble                  *self,
                         const LvEnsembleSnapshot *const *snapshots,
                         guint                            n_snapshots)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (snapshots != NULL || n_snapshots == 0);

  clear_derived (self);
  collect_runs (self, snapshots, n_snapshots);
  summarize_sizes (self);
  build_models (self);
}

/**
 * lv_plot_ensemble_set_epoch:
 * @self: the figures
 * @epoch: show every run's values after this many epochs (1-based: 1 is the end of the first
 *   epoch), or %LV_PLOT_ENSEMBLE_LATEST for each run's last published values
 *
 * Chooses the epoch the models show from the next lv_plot_ensemble_update() on (the records
 * hold every epoch's values, so any epoch can be shown). Runs that have not trained that long
 * have no value at it: they are counted but not drawn.
 */
void
lv_plot_ensemble_set_epoch (LvPlotEnsemble *self,
                            guint           epoch)
{
  g_return_if_fail (self != NULL);
  self->epoch = epoch == 0 ? LV_PLOT_ENSEMBLE_LATEST : epoch;
}

/**
 * lv_plot_ensemble_get_epoch:
 * @self: the figures
 *
 * Returns: the epoch set by lv_plot_ensemble_set_epoch(), or %LV_PLOT_ENSEMBLE_LATEST.
 */
guint
lv_plot_ensemble_get_epoch (LvPlotEnsemble *self)
{
  return self->epoch;
}

/**
 * lv_plot_ensemble_get_max_epochs:
 * @self: the figures
 *
 * Returns: the most epochs any run of the last update had done (the last epoch one can show).
 */
guint
lv_plot_ensemble_get_max_epochs (LvPlotEnsemble *self)
{
  return self->max_epochs;
}

/**
 * lv_plot_ensemble_set_options:
 * @self: the figures
 * @options: the new presentation
 *
 * Changes the presentation and rebuilds the models from the runs of the last update.
 */
void
lv_plot_ensemble_set_options (LvPlotEnsemble              *self,
                              const LvPlotEnsembleOptions *options)
{
  g_return_if_fail (self != NULL && options != NULL);

  self->options = *options;
  if (self->options.theme == NULL)
    self->options.theme = lv_plot_theme_light ();
  clear_derived (self);
  summarize_sizes (self);
  build_models (self);
}

/**
 * lv_plot_ensemble_get_options:
 * @self: the figures
 * @options: (out caller-allocates): receives the current presentation
 *
 * Reads the presentation, to change one field and set it back.
 */
void
lv_plot_ensemble_get_options (LvPlotEnsemble        *self,
                              LvPlotEnsembleOptions *options)
{
  *options = self->options;
}

/**
 * lv_plot_ensemble_get_n_sizes:
 * @self: the figures
 *
 * Returns: the number of distinct hidden widths in the last update.
 */
guint
lv_plot_ensemble_get_n_sizes (LvPlotEnsemble *self)
{
  return self->sizes->len;
}

/**
 * lv_plot_ensemble_get_size:
 * @self: the figures
 * @index: size index (ascending hidden width)
 *
 * Returns: (transfer none): the size's summary, valid until the next update.
 */
const LvPlotEnsembleSize *
lv_plot_ensemble_get_size (LvPlotEnsemble *self,
                           guint           index)
{
  g_return_val_if_fail (index < self->sizes->len, NULL);
  return &g_array_index (self->sizes, LvPlotEnsembleSize, index);
}

/**
 * lv_plot_ensemble_get_n_runs:
 * @self: the figures
 *
 * Returns: the number of runs in the last update.
 */
guint
lv_plot_ensemble_get_n_runs (LvPlotEnsemble *self)
{
  return self->runs->len;
}

/**
 * lv_plot_ensemble_get_run:
 * @self: the figures
 * @index: run index in (hidden, run) order
 *
 * Returns: (transfer none): the run, valid until the next update.
 */
const LvPlotEnsembleRun *
lv_plot_ensemble_get_run (LvPlotEnsemble *self,
                          guint           index)
{
  g_return_val_if_fail (index < self->runs->len, NULL);
  return &g_array_index (self->runs, LvPlotEnsembleRun, index);
}

/**
 * lv_plot_ensemble_scatter_run:
 * @self: the figures
 * @series: a scatter series (size index), as in #LvPlotScatterHit
 * @index: the point index inside the series
 *
 * Maps a scatter hit back to its run (for tooltips: size, seed, losses).
 *
 * Returns: (transfer none) (nullable): the run, or %NULL when out of range.
 */
const LvPlotEnsembleRun *
lv_plot_ensemble_scatter_run (LvPlotEnsemble *self,
                              guint           series,
                              gsize           index)
{
  const LvPlotEnsembleSize *size;

  if (series >= self->sizes->len)
    return NULL;
  size = &g_array_index (self->sizes, LvPlotEnsembleSize, series);
  if (index >= size->n_runs)
    return NULL;
  return lv_plot_ensemble_get_run (self, g_array_index (self->first, guint, series) + index);
}

/**
 * lv_plot_ensemble_get_histogram:
 * @self: the figures
 *
 * Returns: (transfer none): the loss histogram (one series per size), valid until the next
 *   update or set_options.
 */
const LvPlotHistogramModel *
lv_plot_ensemble_get_histogram (LvPlotEnsemble *self)
{
  return &self->hist;
}

/**
 * lv_plot_ensemble_get_mean_std:
 * @self: the figures
 *
 * Returns: (transfer none): the mean ± std strip (one row per size).
 */
const LvPlotSummaryModel *
lv_plot_ensemble_get_mean_std (LvPlotEnsemble *self)
{
  return &self->mean_std;
}

/**
 * lv_plot_ensemble_get_spread:
 * @self: the figures
 *
 * Returns: (transfer none): the spread-vs-size panel (std against size, log x).
 */
const LvPlotSummaryModel *
lv_plot_ensemble_get_spread (LvPlotEnsemble *self)
{
  return &self->spread;
}

/**
 * lv_plot_ensemble_get_scatter:
 * @self: the figures
 *
 * Returns: (transfer none): train vs test loss, one series per size, Pearson r per size.
 */
const LvPlotScatterModel *
lv_plot_ensemble_get_scatter (LvPlotEnsemble *self)
{
  return &self->scatter;
}

/**
 * lv_plot_ensemble_get_figure:
 * @self: the figures
 *
 * Returns: (transfer none): the four panels as one 2 × 2 figure (histogram, mean ± std, spread,
 *   scatter), for export and the CLI.
 */
const LvPlotGridModel *
lv_plot_ensemble_get_figure (LvPlotEnsemble *self)
{
  return &self->grid;
}

/**
 * lv_plot_ensemble_write_csv:
 * @self: the figures
 * @path: the CSV file to write (atomically)
 * @error: return location for an %LV_ERROR_IO error
 *
 * Writes the raw data behind the figures: one row per run with its size, index, seed, state,
 * epochs done and the train loss, test loss and test accuracy shown (at the chosen epoch, see
 * lv_plot_ensemble_set_epoch(); empty when none), and the epoch shown (empty: each run's
 * last).
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_plot_ensemble_write_csv (LvPlotEnsemble *self,
                            const char     *path,
                            GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_autofree char *epoch = self->epoch == LV_PLOT_ENSEMBLE_LATEST
                           ? g_strdup ("") : g_strdup_printf ("%u", self->epoch);

  g_string_append (out, "hidden,run,seed,state,epochs_done,train_loss,test_loss,"
                        "test_accuracy,epoch_shown\n");
  for (guint i = 0; i < self->runs->len; i++)
    {
      const LvPlotEnsembleRun *run = &g_array_index (self->runs, LvPlotEnsembleRun, i);

      g_string_append_printf (out, "%u,%u,%" G_GUINT64_FORMAT ",%s,%u,", run->hidden, run->run,
                              run->seed, lv_run_state_to_string (run->state), run->epochs_done);
      lv_plot_csv_double (out, run->train_loss);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, run->test_loss);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, run->test_accuracy);
      g_string_append_printf (out, ",%s\n", epoch);
    }
  return lv_plot_write_text_file (path, out->str, out->len, error);
}

/**
 * lv_plot_ensemble_export:
 * @self: the figures
 * @path: the figure file; PNG, SVG or PDF by extension
 * @width: width (px for PNG at 96 DPI, pt for SVG/PDF)
 * @height: height
 * @error: return location for an error
 *
 * Writes the four-panel figure to @path and the raw data to a CSV next to it (same name, the
 * extension replaced by `.csv`).
 *
 * Returns: %TRUE when both files were written.
 */
gboolean
lv_plot_ensemble_export (LvPlotEnsemble *self,
                         const char     *path,
                         double          width,
                         double          height,
                         GError        **error)
{
  return lv_plot_export_grid_with_csv (&self->grid, path, width, height,
                                       (LvPlotCsvWriter) lv_plot_ensemble_write_csv, self, error);
}

/**
 * lv_plot_ensemble_draw_figure:
 * @cr: the Cairo context
 * @snapshot: the ensemble's snapshot (every size in one)
 * @theme: (nullable): look; %NULL means light
 * @width: figure width in user units
 * @height: figure height
 *
 * Draws the four-panel loss-distribution figure of @snapshot in one call (what
 * `lossviz-cli ensemble --plot` draws): test-loss histogram per size, mean ± std, spread vs size
 * and the train-vs-test scatter.
 */
void
lv_plot_ensemble_draw_figure (cairo_t                  *cr,
                              const LvEnsembleSnapshot *snapshot,
                              const LvPlotTheme        *theme,
                              double                    width,
                              double                    height)
{
  g_autoptr(LvPlotEnsemble) figures = lv_plot_ensemble_new ();
  LvPlotEnsembleOptions options;

  lv_plot_ensemble_get_options (figures, &options);
  options.theme = theme;
  lv_plot_ensemble_set_options (figures, &options);
  lv_plot_ensemble_update (figures, &snapshot, snapshot != NULL ? 1 : 0);
  lv_plot_grid_draw (cr, lv_plot_ensemble_get_figure (figures), width, height);
}
