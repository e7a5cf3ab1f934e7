/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <math.h>


#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-spinglass-view-private.h"
#include "lv-view.h"

/*
 * LvSpinGlassView — the "Spin glass" page (issue 4): descend the spherical p-spin glass from
 * many random starts per Λ and watch the histograms of E/Λ fill, next to the asymptotic band
 * [−E₀, −E∞] and the complexity curves Θ_k(u) (lv-plot-spinglass, the same figure as
 * `lossviz-cli spinglass simulate --plot`). A toggle puts the network loss histograms of the
 * window's experiment next to the spin-glass histograms, each on its own axis.
 *
 * Threads (docs/DESIGN.md): the simulation is the core's spin-glass probe
 * (lv_spin_glass_probe_run) in an LvJob on the app's worker pool. Each `updated` reads the
 * runs finished since the last one and rebuilds the models; a tick callback moves the status's
 * clock on; the UI never waits on a worker. Any parameter change cancels the job and, if it was
 * running, starts a new one; finished sizes are cached by configuration, so going back to an
 * earlier setting is instant. Disposing the view cancels its job (the app joins at shutdown).
 */

G_DEFINE_FINAL_TYPE (LvSpinGlassView, lv_spin_glass_view, LV_TYPE_VIEW)

static void
size_state_clear (gpointer data)
{
  SizeState *s = data;

  g_clear_pointer (&s->energy, g_array_unref);
  g_clear_pointer (&s->run, g_array_unref);
  g_clear_pointer (&s->index, g_array_unref);
}

static void
size_state_free (gpointer data)
{
  size_state_clear (data);
  g_free (data);
}

static void
size_state_init (SizeState *s, guint lambda)
{
  s->lambda = lambda;
  s->energy = g_array_new (FALSE, FALSE, sizeof (double));
  s->run = g_array_new (FALSE, FALSE, sizeof (guint));
  s->index = g_array_new (FALSE, FALSE, sizeof (int));
  s->job_slot = -1;
  s->in_job = FALSE;
}

static char *
cache_key (LvSpinGlassView *self, guint lambda)
{
  return g_strdup_printf ("p%u/L%u/r%u/m%d/d%d/s%u", self->p, lambda, self->runs, self->method,
                          self->disorder, SEED);
}

/* ---- Models and status ------------------------------------------------------------------ */

static guint
count_done (LvSpinGlassView *self)
{
  guint n = 0;

  for (guint i = 0; i < self->sizes->len; i++)
    n += g_array_index (self->sizes, SizeState, i).energy->len;
  return n;
}

/*
 * Time left of the running simulation: the elapsed time scaled by the work still to do over
 * the work done since the start. A descent on the sphere of size Λ costs about Λ^p per step
 * (the coupling tensor), so the sizes are weighted by Λ^p, not counted alike. NAN until the
 * first descent of the job has ended.
 */
static double
estimate_eta (LvSpinGlassView *self)
{
  double done = 0, total = 0, elapsed = (g_get_monotonic_time () - self->started_at) / 1e6;

  if (self->job == NULL)
    return NAN;
  for (guint i = 0; i < self->sizes->len; i++)
    {
      const SizeState *s = &g_array_index (self->sizes, SizeState, i);
      double w = pow (s->lambda, self->p);

      if (!s->in_job)
        continue;   /* complete from the cache: not part of this job */
      done += w * s->energy->len;
      total += w * self->runs;
    }
  return done > 0 ? elapsed * (total - done) / done : NAN;
}

/* "42 s", "3 min 10 s", "1 h 5 min". */
static char *
format_duration (double seconds)
{
  guint s = (guint) MAX (0.0, round (seconds));

  if (s < 60)
    /* Translators: a duration in seconds. */
    return g_strdup_printf (_("%u s"), s);
  if (s < 3600)
    /* Translators: a duration in minutes and seconds. */
    return g_strdup_printf (_("%u min %u s"), s / 60, s % 60);
  /* Translators: a duration in hours and minutes. */
  return g_strdup_printf (_("%u h %u min"), s / 3600, (s % 3600) / 60);
}

static void
update_status (LvSpinGlassView *self)
{
  guint done = count_done (self), total = self->runs * self->n_lambdas;
  g_autofree char *text = NULL;

  if (self->error_text != NULL)
    /* Translators: status line when the simulation failed. */
    text = g_strdup_printf (_("Simulation failed: %s"), self->error_text);
  else if (self->job != NULL)
    {
      double eta = estimate_eta (self);
      g_autofree char *elapsed = format_duration ((g_get_monotonic_time () - self->started_at)
                                                  / 1e6);
      g_autofree char *left = isfinite (eta) ? format_duration (eta) : NULL;

      if (left != NULL)
        /* Translators: status line while the spin-glass simulation runs: descents done, of
         * how many, time elapsed, estimated time left. */
        text = g_strdup_printf (_("Running: %u of %u descents done · %s · about %s left"), done,
                                total, elapsed, left);
      else
        /* Translators: status line while the spin-glass simulation runs, before the first
         * descent has ended (no estimate of the time left yet). */
        text = g_strdup_printf (_("Running: %u of %u descents done · %s · estimating time left"),
                                done, total, elapsed);
    }
  else if (done == total && total > 0)
    /* Translators: status line when every descent has finished. */
    text = g_strdup_printf (_("Done: %u descents (p = %u, seed %u)"), done, self->p, SEED);
  else if (done > 0)
    /* Translators: status line after Stop. */
    text = g_strdup_printf (_("Stopped: %u of %u descents done"), done, total);
  else
    text = g_strdup (_("Choose p and the sizes Λ, then press Simulate"));
  gtk_label_set_text (self->status, text);
  /* "Simulate", not "Start": the window's header bar already has a Start (the ensemble). */
  gtk_button_set_label (self->start_button, self->job != NULL ? _("Stop") : _("Simulate"));
}

static void
rebuild_models (LvSpinGlassView *self)
{
  LvPlotSpinGlassSize in[LV_SPIN_GLASS_VIEW_MAX_SIZES];

  for (guint i = 0; i < self->sizes->len; i++)
    {
      const SizeState *s = &g_array_index (self->sizes, SizeState, i);

      in[i] = (LvPlotSpinGlassSize) {
        .lambda = s->lambda,
        .n_runs = self->runs,
        .n_done = s->energy->len,
        .energy = (const double *) s->energy->data,
        .run = (const guint *) s->run->data,
        .index = (const int *) s->index->data,
      };
    }
  lv_plot_spin_glass_update (self->figures, in, self->sizes->len);
  lv_figure_changed (self->hist_figure);
  lv_figure_changed (self->theta_figure);
  update_status (self);
}

/* Rebuilds the network histograms from the experiment (side-by-side layout only). */
void
lv_spin_glass_view_update_network (LvSpinGlassView *self)
{
  LvExperiment *experiment = lv_view_get_experiment (LV_VIEW (self));
  guint n = 0;
  const LvEnsembleSnapshot *const *snapshots = NULL;

  if (experiment == NULL || !self->side_by_side)
    return;
  snapshots = lv_experiment_get_snapshots (experiment, &n);
  lv_plot_ensemble_update (self->network, snapshots, n);
  lv_figure_changed (self->network_figure);
}

/* ---- Jobs ---------------------------------------------------------------------------------- */

static gboolean on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data);

/* The job's data: the probe's input and the result it fills. */
typedef struct
{
  LvSpinGlassProbeInput input;
  LvSpinGlassProbeResult result;
} Simulation;

static void
simulation_free (gpointer data)
{
  Simulation *sim = data;

  lv_spin_glass_probe_result_clear (&sim->result);
  g_free (sim);
}

static gboolean
simulation_run (LvProbeContext *context, gpointer data, GError **error)
{
  Simulation *sim = data;

  return lv_spin_glass_probe_run (&sim->input, &sim->result, context, error);
}

static void
stop_tick (LvSpinGlassView *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
}

/* Cancels the current job (its thread winds down on its own, lv_job_join_all() at shutdown)
 * and keeps the runs it made. */
static void
drop_job (LvSpinGlassView *self)
{
  stop_tick (self);
  g_clear_pointer (&self->error_text, g_free);
  lv_job_abandon (&self->job, self);
}

/* Caches a size whose runs are all in. */
static void
cache_size (LvSpinGlassView *self, SizeState *s)
{
  SizeState *copy = g_new0 (SizeState, 1);

  if (g_hash_table_size (self->cache) >= MAX_CACHE)
    g_hash_table_remove_all (self->cache);
  size_state_init (copy, s->lambda);
  g_array_append_vals (copy->energy, s->energy->data, s->energy->len);
  g_array_append_vals (copy->run, s->run->data, s->run->len);
  g_array_append_vals (copy->index, s->index->data, s->index->len);
  g_hash_table_replace (self->cache, cache_key (self, s->lambda), copy);
  s->job_slot = -1;
}

/* Appends the runs of @size finished since the last read, in completion order. */
static void
collect_size (SizeState *s, const LvSpinGlassProbeSize *size)
{
  for (guint k = s->energy->len; k < size->n_done; k++)
    {
      guint run = size->order[k];

      g_array_append_val (s->energy, size->runs[run].energy);
      g_array_append_val (s->run, run);
      g_array_append_val (s->index, size->runs[run].index);
    }
}

/* Main thread, `updated`: reads the job's new runs into the sizes; caches sizes that completed. */
static void
collect (LvSpinGlassView *self)
{
  Simulation *sim = lv_job_lock (self->job);

  for (guint i = 0; i < self->sizes->len; i++)
    {
      SizeState *s = &g_array_index (self->sizes, SizeState, i);

      if (s->job_slot < 0 || (guint) s->job_slot >= sim->result.n_sizes)
        continue;
      collect_size (s, &sim->result.sizes[s->job_slot]);
      if (s->energy->len == self->runs)
        cache_size (self, s);
    }
  lv_job_unlock (self->job);
  rebuild_models (self);
}

static void
on_job_finished (LvJob *job, const GError *error, LvSpinGlassView *self)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (self->error_text);
      self->error_text = g_strdup (error->message);
    }
  g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  stop_tick (self);
  rebuild_models (self);
}

/* Once per frame while a job runs: the elapsed time and the time left move on. */
static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  LvSpinGlassView *self = LV_SPIN_GLASS_VIEW (widget);

  update_status (self);
  return self->tick_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Rebuilds the sizes for the current parameters: complete ones come from the cache. */
static void
reset_sizes (LvSpinGlassView *self)
{
  g_array_set_size (self->sizes, 0);
  for (guint i = 0; i < self->n_lambdas; i++)
    {
      SizeState s;
      g_autofree char *key = cache_key (self, self->lambdas[i]);
      SizeState *cached = g_hash_table_lookup (self->cache, key);

      size_state_init (&s, self->lambdas[i]);
      if (cached != NULL)
        {
          g_array_append_vals (s.energy, cached->energy->data, cached->energy->len);
          g_array_append_vals (s.run, cached->run->data, cached->run->len);
          g_array_append_vals (s.index, cached->index->data, cached->index->len);
        }
      g_array_append_val (self->sizes, s);
    }
}

/* Starts the probe for the sizes already in @sim's input, on the app's worker pool. */
static void
run_simulation (LvSpinGlassView *self, Simulation *sim)
{
  sim->input.base.runs = self->runs;
  sim->input.base.method = self->method;
  sim->input.base.disorder = self->disorder;
  sim->input.base.seed = SEED;
  sim->input.pool = lv_job_get_worker_pool ();
  self->job = lv_job_new ("spin-glass simulation", simulation_run, sim, simulation_free);
  g_signal_connect_swapped (self->job, "updated", G_CALLBACK (collect), self);
  g_signal_connect (self->job, "finished", G_CALLBACK (on_job_finished), self);
  self->started_at = g_get_monotonic_time ();
  self->n_jobs_started++;
  lv_job_start (self->job);
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

static void
start_job (LvSpinGlassView *self)
{
  Simulation *sim = g_new0 (Simulation, 1);

  lv_spin_glass_probe_input_init (&sim->input, self->p);
  drop_job (self);
  /* Sizes stopped half-way start over: a partial histogram next to full ones would mislead. */
  reset_sizes (self);
  for (guint i = 0; i < self->sizes->len; i++)
    {
      SizeState *s = &g_array_index (self->sizes, SizeState, i);

      s->in_job = s->energy->len < self->runs;
      if (s->energy->len < self->runs)
        {
          s->job_slot = (int) sim->input.n_sizes;
          sim->input.lambdas[sim->input.n_sizes++] = s->lambda;
        }
    }
  if (sim->input.n_sizes > 0)
    run_simulation (self, sim);
  else
    simulation_free (sim);
  rebuild_models (self);
}

/* A parameter changed: cancel, show what the cache has, restart if it was running. */
static void
parameters_changed (LvSpinGlassView *self)
{
  gboolean was_running = self->job != NULL;

  drop_job (self);
  if (lv_plot_spin_glass_get_p (self->figures) != self->p)
    lv_plot_spin_glass_set_p (self->figures, self->p, NULL);
  reset_sizes (self);
  if (was_running)
    start_job (self);
  else
    rebuild_models (self);
}

/* ---- LvView -------------------------------------------------------------------------------- */

static gboolean
lv_spin_glass_view_export_figure (LvView *view, const char *path, GError **error)
{
  LvSpinGlassView *self = LV_SPIN_GLASS_VIEW (view);
  g_autofree char *net_csv = lv_plot_sibling_path (path, "-network.csv");
  LvPlotPanel panels[2];
  LvPlotGridModel grid;

  if (!self->side_by_side)
    return lv_plot_spin_glass_export (self->figures, path, 1600, 900, error);

  /* Side by side: the network histogram and the spin-glass histogram, one CSV each. */
  panels[0] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_histogram_draw,
                              lv_plot_ensemble_get_histogram (self->network) };
  panels[1] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_histogram_draw,
                              lv_plot_spin_glass_get_histogram (self->figures) };
  grid = (LvPlotGridModel) {
    .theme = lv_plot_ensemble_get_histogram (self->network)->common.theme,
    .title = _("Network test loss per size and spin-glass energy per Λ"),
    .panels = panels,
    .n_panels = 2,
    .columns = 2,
  };
  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, &grid, path, 1600, 900, 96.0, error))
    return FALSE;
  {
    g_autofree char *sg_csv = lv_plot_sibling_path (path, ".csv");

    return lv_plot_spin_glass_write_csv (self->figures, sg_csv, error) &&
           lv_plot_ensemble_write_csv (self->network, net_csv, error);
  }
}

static char *
lv_spin_glass_view_get_export_name (LvView *view)
{
  /* Translators: default file name of the exported spin-glass figure, no extension. */
  return g_strdup (_("spin-glass"));
}

static void
lv_spin_glass_view_experiment_changed (LvView *view)
{
  lv_spin_glass_view_update_network (LV_SPIN_GLASS_VIEW (view));
}

static void
lv_spin_glass_view_theme_changed_vfunc (LvView *view)
{
  lv_spin_glass_view_theme_changed (LV_SPIN_GLASS_VIEW (view));
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
lv_spin_glass_view_dispose (GObject *object)
{
  LvSpinGlassView *self = LV_SPIN_GLASS_VIEW (object);

  drop_job (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LV_TYPE_SPIN_GLASS_VIEW);
  G_OBJECT_CLASS (lv_spin_glass_view_parent_class)->dispose (object);
}

static void
lv_spin_glass_view_finalize (GObject *object)
{
  LvSpinGlassView *self = LV_SPIN_GLASS_VIEW (object);

  g_array_unref (self->sizes);
  g_hash_table_unref (self->cache);
  g_free (self->error_text);
  lv_plot_spin_glass_free (self->figures);
  lv_plot_ensemble_free (self->network);
  G_OBJECT_CLASS (lv_spin_glass_view_parent_class)->finalize (object);
}

static void
lv_spin_glass_view_class_init (LvSpinGlassViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LvViewClass *view_class = LV_VIEW_CLASS (klass);

  object_class->dispose = lv_spin_glass_view_dispose;
  object_class->finalize = lv_spin_glass_view_finalize;
  view_class->export_figure = lv_spin_glass_view_export_figure;
  view_class->get_export_name = lv_spin_glass_view_get_export_name;
  view_class->experiment_changed = lv_spin_glass_view_experiment_changed;
  view_class->theme_changed = lv_spin_glass_view_theme_changed_vfunc;
  lv_spin_glass_view_class_init_template (GTK_WIDGET_CLASS (klass));
}

static void
lv_spin_glass_view_init (LvSpinGlassView *self)
{
  self->figures = lv_plot_spin_glass_new ();
  self->network = lv_plot_ensemble_new ();
  self->sizes = g_array_new (FALSE, TRUE, sizeof (SizeState));
  g_array_set_clear_func (self->sizes, size_state_clear);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, size_state_free);
  self->p = 3;
  self->lambdas[0] = 25;
  self->lambdas[1] = 50;
  self->lambdas[2] = 100;
  self->n_lambdas = 3;
  self->runs = 200;
  self->method = LV_SPIN_GLASS_GD;
  self->disorder = LV_SPIN_GLASS_DISORDER_FIXED;

  {
    LvPlotSpinGlassOptions options;

    /* Fine bins: the spread at Λ = 200 is a few hundredths. */
    lv_plot_spin_glass_get_options (self->figures, &options);
    options.n_bins = 40;
    lv_plot_spin_glass_set_options (self->figures, &options);
  }
  lv_spin_glass_view_init_template (self);
  lv_figure_set_draw_func (self->hist_figure, (LvPlotDrawFunc) lv_plot_histogram_draw,
                           lv_plot_spin_glass_get_histogram (self->figures));
  lv_figure_set_draw_func (self->theta_figure, (LvPlotDrawFunc) lv_plot_lines_draw,
                           lv_plot_spin_glass_get_complexity (self->figures));
  lv_figure_set_draw_func (self->network_figure, (LvPlotDrawFunc) lv_plot_histogram_draw,
                           lv_plot_ensemble_get_histogram (self->network));
  lv_spin_glass_view_sync_controls (self);
  lv_spin_glass_view_apply_layout (self);
  reset_sizes (self);
  rebuild_models (self);
}

/* ---- Public API ---------------------------------------------------------------------------- */

/**
 * lv_spin_glass_view_new:
 * @experiment: (nullable): the window's experiment, for the side-by-side network histograms
 *
 * Returns: (transfer floating): the spin-glass view (page name "spinglass").
 */
GtkWidget *
lv_spin_glass_view_new (LvExperiment *experiment)
{
  return g_object_new (LV_TYPE_SPIN_GLASS_VIEW, "experiment", experiment, NULL);
}

/**
 * lv_spin_glass_view_set_p:
 * @self: the view
 * @p: order of the interaction, 2…5 (clamped)
 *
 * Sets p: the complexity panel and band update at once; a running simulation restarts.
 */
void
lv_spin_glass_view_set_p (LvSpinGlassView *self,
                          guint            p)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  p = CLAMP (p, LV_SPIN_GLASS_P_MIN, LV_SPIN_GLASS_P_MAX);
  if (p == self->p)
    return;
  self->p = p;
  lv_spin_glass_view_sync_controls (self);
  parameters_changed (self);
}

/**
 * lv_spin_glass_view_get_p:
 * @self: the view
 *
 * Returns: the order p.
 */
guint
lv_spin_glass_view_get_p (LvSpinGlassView *self)
{
  return self->p;
}

/**
 * lv_spin_glass_view_set_sizes:
 * @self: the view
 * @lambdas: (array length=n_lambdas): sizes Λ; values outside 2…300, duplicates and more than
 *   %LV_SPIN_GLASS_VIEW_MAX_SIZES sizes are dropped
 * @n_lambdas: number of sizes
 *
 * Sets the sizes (the toolbar toggles cover 25, 50, 100 and 200; any other Λ in range is kept
 * as well). A running simulation restarts.
 */
void
lv_spin_glass_view_set_sizes (LvSpinGlassView *self,
                              const guint     *lambdas,
                              guint            n_lambdas)
{
  guint sorted[LV_SPIN_GLASS_VIEW_MAX_SIZES], n = 0;

  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));
  g_return_if_fail (lambdas != NULL || n_lambdas == 0);

  for (guint i = 0; i < n_lambdas && n < G_N_ELEMENTS (sorted); i++)
    {
      gboolean dup = FALSE;

      for (guint j = 0; j < n; j++)
        dup = dup || sorted[j] == lambdas[i];
      if (!dup && lambdas[i] >= LV_SPIN_GLASS_N_MIN && lambdas[i] <= LV_SPIN_GLASS_INDEX_MAX_N)
        sorted[n++] = lambdas[i];
    }
  n = lv_uint_sort_unique (sorted, n);
  memcpy (self->lambdas, sorted, n * sizeof *sorted);
  self->n_lambdas = n;
  lv_spin_glass_view_sync_controls (self);
  parameters_changed (self);
}

/**
 * lv_spin_glass_view_set_runs:
 * @self: the view
 * @runs: random starts per size (clamped to 1…2000)
 *
 * Sets the number of starts per size; a running simulation restarts.
 */
void
lv_spin_glass_view_set_runs (LvSpinGlassView *self,
                             guint            runs)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  self->runs = CLAMP (runs, 1, 2000);
  lv_spin_glass_view_sync_controls (self);
  parameters_changed (self);
}

/**
 * lv_spin_glass_view_set_method:
 * @self: the view
 * @method: projected gradient descent or the split-coupling SGD
 *
 * Sets the descent method; a running simulation restarts.
 */
void
lv_spin_glass_view_set_method (LvSpinGlassView   *self,
                               LvSpinGlassMethod  method)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  self->method = method;
  lv_spin_glass_view_sync_controls (self);
  parameters_changed (self);
}

/**
 * lv_spin_glass_view_set_disorder:
 * @self: the view
 * @disorder: one coupling draw per size, or one per run
 *
 * Sets the disorder mode; a running simulation restarts.
 */
void
lv_spin_glass_view_set_disorder (LvSpinGlassView     *self,
                                 LvSpinGlassDisorder  disorder)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  self->disorder = disorder;
  lv_spin_glass_view_sync_controls (self);
  parameters_changed (self);
}

/**
 * lv_spin_glass_view_set_side_by_side:
 * @self: the view
 * @side_by_side: show the network loss histograms next to the spin-glass histograms (instead
 *   of the complexity panel)
 *
 * Switches the layout; nothing is recomputed.
 */
void
lv_spin_glass_view_set_side_by_side (LvSpinGlassView *self,
                                     gboolean         side_by_side)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  self->side_by_side = side_by_side;
  lv_spin_glass_view_sync_controls (self);
  lv_spin_glass_view_apply_layout (self);
}

/**
 * lv_spin_glass_view_start:
 * @self: the view
 *
 * Starts the descents for every size not already complete (in the cache); does nothing
 * while running.
 */
void
lv_spin_glass_view_start (LvSpinGlassView *self)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  if (self->job == NULL)
    start_job (self);
}

/**
 * lv_spin_glass_view_stop:
 * @self: the view
 *
 * Cancels the running simulation; finished runs stay on screen.
 */
void
lv_spin_glass_view_stop (LvSpinGlassView *self)
{
  g_return_if_fail (LV_IS_SPIN_GLASS_VIEW (self));

  if (self->job != NULL)
    collect (self);
  drop_job (self);
  rebuild_models (self);
}

/**
 * lv_spin_glass_view_get_running:
 * @self: the view
 *
 * Returns: whether a simulation is in progress (until the view has read its last runs).
 */
/**
 * lv_spin_glass_view_get_eta:
 * @self: the view
 *
 * Returns: the estimated seconds left of the running simulation, NAN when none is running or
 *   no descent has ended yet.
 */
double
lv_spin_glass_view_get_eta (LvSpinGlassView *self)
{
  return estimate_eta (self);
}

gboolean
lv_spin_glass_view_get_running (LvSpinGlassView *self)
{
  return self->job != NULL;
}

/**
 * lv_spin_glass_view_get_n_done:
 * @self: the view
 *
 * Returns: the finished runs on screen, over all sizes.
 */
guint
lv_spin_glass_view_get_n_done (LvSpinGlassView *self)
{
  return count_done (self);
}

/**
 * lv_spin_glass_view_get_n_started_jobs:
 * @self: the view
 *
 * Returns: how many simulations the view has started (tests check that a change restarts).
 */
guint
lv_spin_glass_view_get_n_started_jobs (LvSpinGlassView *self)
{
  return self->n_jobs_started;
}

/**
 * lv_spin_glass_view_get_figures:
 * @self: the view
 *
 * Returns: (transfer none): the models the view draws.
 */
LvPlotSpinGlass *
lv_spin_glass_view_get_figures (LvSpinGlassView *self)
{
  return self->figures;
}
