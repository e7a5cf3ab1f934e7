/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment.h"
#include "lv-experiment-private.h"
#include "lv-experiment-bundle.h"
#include "lv-job.h"

#include <math.h>

#include <glib/gi18n.h>

#include <lossviz/lv-memory-budget.h>
#include <lossviz/lv-run-records.h>

/*
 * LvExperiment — the app's engine room, on the main thread.
 *
 * It trains on the process's one LvWorkerPool (lv_job_get_worker_pool(), shared with every
 * LvJob) through one LvWorkerQueue: all its sizes are one submitter, so a Landscape, Hessian or
 * spin-glass job pushed while training takes turns with the training blocks instead of waiting
 * behind all of them (lv-worker-pool.c). It owns the loaded dataset and a cache of LvEnsembles
 * with one network size each (n_sizes = 1). Seeds derive from (seed, size, run), so an
 * ensemble of one size trains exactly the runs the multi-size ensemble of the CLI would. The
 * cache key is the whole configuration with the sizes list replaced by the one size, so:
 *
 *   - changing the sizes keeps every ensemble whose size stays, and starts only new sizes;
 *   - changing q, λ, runs, … builds new keys: unfinished ensembles of the old keys are
 *     cancelled and forgotten, finished ones stay cached, so moving a slider back to a value
 *     already trained shows its results at once without training anything.
 *
 * Training runs as LvJobs (lv-experiment-training.c): the sizes started together are one job
 * whose probe, lv_ensemble_group_probe_run(), trains their ensembles on the experiment's queue,
 * publishes a snapshot of each ensemble whose runs moved, and pauses them all at once with the
 * job. Nothing calls back into the experiment: lv_experiment_poll() (the window calls it from
 * its frame clock) takes each entry's newest snapshot out of its job under the job's lock,
 * then emits ::changed once. A size dropped while training is cancelled inside its job, which
 * frees it when its thread has returned: the main thread never waits.
 *
 * Results that need no training — runs read from an experiment file, the first runs of the
 * same configuration with another run count — sit in an
 * entry's "restored" snapshot. Its first n_kept runs (the leading ones that ended) are never
 * trained again: the entry's ensemble, when one is needed, trains only runs n_kept … runs − 1
 * (LvEnsembleConfig.first_run), and the snapshot the views see merges both. Run seeds depend
 * on (seed, size, run) only, so the merged runs are exactly those one ensemble would train.
 *
 * The instance struct is in lv-experiment-private.h; the cache entries live in
 * lv-experiment-cache.c, dataset loading in lv-experiment-dataset.c, experiment files in
 * lv-experiment-session.c.
 */

G_DEFINE_FINAL_TYPE (LvExperiment, lv_experiment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  CHANGED,
  FINISHED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_running (LvExperiment *self, gboolean running)
{
  gint64 now = g_get_monotonic_time ();

  if (self->running == running)
    return;
  if (!running)
    self->elapsed_s += (now - self->running_since) / 1e6;
  self->running_since = now;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
lv_experiment_report_error (LvExperiment *self, const char *message)
{
  set_running (self, FALSE);
  g_signal_emit (self, signals[ERROR], 0, message);
}

static void
lv_experiment_dispose (GObject *object)
{
  LvExperiment *self = LV_EXPERIMENT (object);
  GHashTableIter iter;
  gpointer value;

  self->disposed = TRUE;
  g_cancellable_cancel (self->load_cancellable);
  /* Each size's runs are cancelled; the jobs free their ensembles when their threads return
   * (the app joins them at shutdown: lv_job_join_all()). */
  if (self->cache != NULL)
    {
      g_ptr_array_set_size (self->active, 0);
      g_ptr_array_set_size (self->snapshots, 0);
      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          LvExperimentEntry *entry = value;

          g_hash_table_iter_steal (&iter);
          lv_experiment_entry_reset (self, entry);
          g_free (entry->key);
          g_free (entry);
        }
    }
  g_clear_pointer (&self->queue, lv_worker_queue_unref);

  G_OBJECT_CLASS (lv_experiment_parent_class)->dispose (object);
}

static void
lv_experiment_finalize (GObject *object)
{
  LvExperiment *self = LV_EXPERIMENT (object);

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->dataset_overrides, g_hash_table_unref);
  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_clear_pointer (&self->dataset, lv_dataset_unref);
  g_clear_object (&self->load_cancellable);
  g_free (self->dataset_name);
  g_free (self->wanted_name);

  G_OBJECT_CLASS (lv_experiment_parent_class)->finalize (object);
}

static void
lv_experiment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LvExperiment *self = LV_EXPERIMENT (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_experiment_class_init (LvExperimentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lv_experiment_dispose;
  object_class->finalize = lv_experiment_finalize;
  object_class->get_property = lv_experiment_get_property;

  /**
   * LvExperiment:running:
   *
   * Whether training was started and has not finished, been paused or been reset.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LvExperiment::changed:
   *
   * The snapshots, the set of sizes or the progress changed; emitted at most once per poll.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * LvExperiment::finished:
   *
   * Every run of the configuration has ended (finished or diverged).
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * LvExperiment::error:
   * @message: a translated, user-readable message
   *
   * A dataset failed to load or a configuration cannot run; training stopped.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lv_experiment_init (LvExperiment *self)
{
  self->cache = g_hash_table_new (g_str_hash, g_str_equal);
  self->dataset_overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->active = g_ptr_array_new ();
  self->snapshots = g_ptr_array_new ();
  self->load_cancellable = g_cancellable_new ();
  self->eta = NAN;
  self->stretch_work = -1;
  lv_ensemble_config_init (&self->config);
}

/**
 * lv_experiment_new:
 *
 * Creates the experiment; it trains on the app's one worker pool (lv_job_get_worker_pool()).
 * Set a configuration, then start.
 *
 * Returns: (transfer full): a new experiment.
 */
LvExperiment *
lv_experiment_new (void)
{
  LvExperiment *self = g_object_new (LV_TYPE_EXPERIMENT, NULL);

  /* The shared pool is niced: training yields to the main thread, frames stay smooth. */
  self->queue = lv_worker_queue_new (lv_job_get_worker_pool ());
  return self;
}

/* Before any ensemble is made: a configuration refused by lv_ensemble_config_validate() (too
 * big) starts nothing, not even the sizes still listed from before; then the memory estimate
 * (lv_ensemble_memory_estimate()) of every size about to train, summed, against what this
 * process may allocate. Too much: a message instead of a start (which would abort in an
 * allocation half-way). Conservative: each size's worker buffers count, and kept runs as if
 * they trained again. */
static gboolean
start_allowed (LvExperiment *self)
{
  guint threads = lv_worker_pool_get_n_threads (lv_worker_queue_get_pool (self->queue));
  double need = 0, available = lv_memory_available ();
  g_autofree char *need_text = NULL, *available_text = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (!lv_ensemble_config_validate (&self->config, self->dataset, &error))
    {
      lv_experiment_report_error (self, error->message);
      return FALSE;
    }
  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);

      if (entry->ensemble == NULL && !lv_experiment_entry_complete (entry))
        need += lv_ensemble_memory_estimate (&entry->config, self->dataset, threads);
    }
  if (need <= available)
    return TRUE;
  need_text = g_format_size ((guint64) need);
  available_text = g_format_size ((guint64) available);
  /* Translators: %s are sizes such as "30.2 GB". */
  message = g_strdup_printf (_("Not started: these networks need about %s of memory, more than "
                               "the %s available. Choose fewer runs or smaller sizes."),
                             need_text, available_text);
  lv_experiment_report_error (self, message);
  return FALSE;
}

/* One job for the sizes that start now; each entry keeps a reference and its slot. */
static void
start_training (LvExperiment *self, GPtrArray *entries)
{
  GPtrArray *ensembles = g_ptr_array_new ();
  g_autoptr(LvJob) job = NULL;

  if (entries->len == 0)
    {
      g_ptr_array_unref (ensembles);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (ensembles, ((LvExperimentEntry *) g_ptr_array_index (entries, i))->ensemble);
  job = lv_experiment_training_start (self->queue, ensembles);
  for (guint i = 0; i < entries->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (entries, i);

      entry->job = g_object_ref (job);
      entry->slot = i;
      entry->done = FALSE;
    }
}

/* Resumes every paused active size and starts every one that has no training job; the new ones
 * are one job whose ensembles are queued interleaved (run 0 of every size, then run 1, …) so the
 * sizes advance together and the timeline can show them at the same epoch. */
static void
ensure_started (LvExperiment *self)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  if (!start_allowed (self))
    return;

  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
      g_autoptr(GError) error = NULL;
      LvEnsembleConfig config;

      if (entry->job != NULL && entry->paused)
        {
          lv_job_set_paused (entry->job, FALSE);
          entry->paused = FALSE;
        }
      if (lv_experiment_entry_complete (entry) || entry->job != NULL)
        continue;
      lv_experiment_entry_fold (self, entry);
      if (entry->n_kept == entry->config.runs)
        {
          self->dirty = TRUE;
          continue;
        }
      config = entry->config;
      config.first_run = entry->n_kept;
      config.runs = entry->config.runs - entry->n_kept;
      entry->ensemble = lv_ensemble_new (self->dataset, &config, &error);
      if (entry->ensemble == NULL)
        {
          lv_experiment_report_error (self, error->message);
          break;
        }
      g_ptr_array_add (fresh, entry);
      self->n_started++;
      self->n_runs_started += config.runs;
    }
  start_training (self, fresh);
}

void
lv_experiment_apply_config (LvExperiment *self)
{
  g_autoptr(GPtrArray) next = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  if (self->dataset == NULL || g_strcmp0 (self->dataset_name, self->wanted_name) != 0)
    {
      lv_experiment_request_dataset (self);
      return;
    }
  if (!lv_ensemble_config_validate (&self->config, self->dataset, &error))
    {
      lv_experiment_report_error (self, error->message);
      return;
    }
  for (guint s = 0; s < self->config.n_sizes; s++)
    {
      g_autofree char *key = lv_experiment_config_key (self, self->dataset_name, &self->config,
                                         self->config.sizes[s], self->config.runs);
      LvExperimentEntry *entry = g_hash_table_lookup (self->cache, key);

      if (entry == NULL)
        {
          entry = lv_experiment_entry_new (self, g_steal_pointer (&key), self->config.sizes[s]);
          lv_experiment_entry_seed_from_donor (self, entry);
        }
      entry->last_used = ++self->clock;
      if (!g_ptr_array_find (next, entry, NULL))
        g_ptr_array_add (next, entry);
    }
  /* Sizes that left the configuration: keep what finished, cancel the rest. */
  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
      if (!g_ptr_array_find (next, entry, NULL) && !lv_experiment_entry_complete (entry))
        lv_experiment_entry_drop (self, entry);
    }
  g_ptr_array_set_size (self->active, 0);
  g_ptr_array_extend (self->active, next, NULL, NULL);
  if (self->running)
    ensure_started (self);
  lv_experiment_evict_cache (self);
  self->stretch_work = -1;
  self->dirty = TRUE;
}

/**
 * lv_experiment_set_config:
 * @self: the experiment
 * @dataset: dataset spec, e.g. "digits", "teacher" or "fashion-mnist"
 * @config: the ensemble; each of its sizes becomes one cached ensemble
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Changes what the experiment shows and, when running, trains. Sizes whose configuration is
 * unchanged keep running; finished ones come from the cache; the others are cancelled and
 * (when running) restarted. A dataset not loaded yet is loaded in a thread first; failures
 * after this call returns are reported with #LvExperiment::error.
 *
 * Returns: %FALSE when @config is invalid on its face (nothing changes then).
 */
gboolean
lv_experiment_set_config (LvExperiment           *self,
                          const char             *dataset,
                          const LvEnsembleConfig *config,
                          GError                **error)
{
  g_return_val_if_fail (LV_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (dataset != NULL && config != NULL, FALSE);

  if (config->n_sizes == 0 || config->n_sizes > G_N_ELEMENTS (config->sizes))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("Choose at least one network size"));
      return FALSE;
    }
  if (config->runs == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("Runs per size must be at least 1"));
      return FALSE;
    }
  if (!lv_train_config_validate (&config->train, error))
    return FALSE;
  self->config = *config;
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (dataset);
  lv_experiment_apply_config (self);
  return TRUE;
}

/**
 * lv_experiment_get_config:
 * @self: the experiment
 *
 * Returns: (transfer none): the last configuration set.
 */
const LvEnsembleConfig *
lv_experiment_get_config (LvExperiment *self)
{
  return &self->config;
}

/**
 * lv_experiment_get_dataset_name:
 * @self: the experiment
 *
 * Returns: (nullable): the spec of the loaded dataset, %NULL before the first load.
 */
const char *
lv_experiment_get_dataset_name (LvExperiment *self)
{
  return self->dataset_name;
}

/**
 * lv_experiment_start:
 * @self: the experiment
 *
 * Trains every size of the configuration that is neither cached nor running.
 */
void
lv_experiment_start (LvExperiment *self)
{
  g_return_if_fail (LV_IS_EXPERIMENT (self));

  set_running (self, TRUE);
  self->stretch_work = -1;
  if (self->dataset != NULL && g_strcmp0 (self->dataset_name, self->wanted_name) == 0)
    ensure_started (self);
  else
    lv_experiment_request_dataset (self);
  self->dirty = TRUE;
}

/**
 * lv_experiment_pause:
 * @self: the experiment
 *
 * Stops training: every unfinished run waits between two minibatches (lv_job_set_paused(): the
 * group probe pauses its ensembles at once),
 * keeping its parameters, momentum and minibatch order, and its current values stay on
 * screen. The next start continues every run exactly where it stopped, so the results equal
 * those of training without the pause. Changing the configuration while paused cancels the
 * paused sizes that leave it, as when running.
 */
void
lv_experiment_pause (LvExperiment *self)
{
  g_return_if_fail (LV_IS_EXPERIMENT (self));

  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
      if (entry->job != NULL && !entry->done)
        {
          lv_job_set_paused (entry->job, TRUE);
          entry->paused = TRUE;
        }
    }
  set_running (self, FALSE);
  self->dirty = TRUE;
}

/**
 * lv_experiment_reset:
 * @self: the experiment
 *
 * Stops training and forgets every result, cached ones included.
 */
void
lv_experiment_reset (LvExperiment *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (LV_IS_EXPERIMENT (self));

  set_running (self, FALSE);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    lv_experiment_entry_reset (self, value);
  self->elapsed_s = 0;
  self->dirty = TRUE;
}

/**
 * lv_experiment_get_running:
 * @self: the experiment
 *
 * Returns: whether training is under way.
 */
gboolean
lv_experiment_get_running (LvExperiment *self)
{
  return self->running;
}

/* Work of a run in rough units of time: epochs × hidden width (+1 for the fixed costs). */
static void
update_progress (LvExperiment *self)
{
  guint epochs = self->config.train.epochs;
  gint64 now = g_get_monotonic_time ();

  self->runs_done = self->runs_total = 0;
  self->work_done = self->work_total = 0;
  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
      double weight = entry->config.sizes[0] + 1.0;

      self->runs_total += entry->config.runs;
      self->work_total += weight * entry->config.runs * epochs;
      if (entry->snapshot == NULL)
        continue;
      for (guint r = 0; r < entry->snapshot->n_runs; r++)
        {
          const LvRunRecord *run = &entry->snapshot->runs[r];
          gboolean ended = run->state == LV_RUN_FINISHED || run->state == LV_RUN_DIVERGED;

          self->runs_done += ended;
          self->work_done += weight * (ended ? epochs : run->epochs_done);
        }
    }
  if (self->stretch_work < 0)
    {
      self->stretch_work = self->work_done;
      self->stretch_time = now;
    }
  self->eta = NAN;
  if (self->running && self->work_done > self->stretch_work && now > self->stretch_time)
    {
      double rate = (self->work_done - self->stretch_work) / (now - self->stretch_time) * 1e6;
      self->eta = (self->work_total - self->work_done) / rate;
    }
}

/**
 * lv_experiment_poll:
 * @self: the experiment
 *
 * Takes the snapshots the training jobs published since the last poll and emits #LvExperiment::changed (and ::finished) when something changed.
 * Cheap when nothing changed; call it once per frame.
 *
 * Returns: whether anything changed.
 */
gboolean
lv_experiment_poll (LvExperiment *self)
{
  gboolean changed = self->dirty;
  gboolean complete = self->active->len > 0;

  g_return_val_if_fail (LV_IS_EXPERIMENT (self), FALSE);

  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
      LvEnsembleSnapshot *live;

      if (entry->job == NULL)
        {
          /* Restored runs only: show them as they are. */
          if (entry->restored != NULL && entry->snapshot == NULL)
            {
              entry->snapshot = lv_run_records_copy (entry->restored, 0, entry->restored->n_runs);
              changed = TRUE;
            }
          complete = complete && lv_experiment_entry_complete (entry);
          continue;
        }
      live = lv_experiment_training_take (entry->job, entry->slot);
      if (live != NULL)
        {
          lv_experiment_entry_clear_snapshot (self, entry);
          entry->done = live->finished + live->diverged + live->cancelled == live->n_runs;
          entry->generation = live->generation;
          entry->snapshot = lv_experiment_entry_merge (entry, live);
          self->results_serial++;
          changed = TRUE;
        }
      /* Paused just as its last run ended: it is complete after all. */
      if (entry->paused && entry->done)
        entry->paused = FALSE;
      complete = complete && lv_experiment_entry_complete (entry);
    }

  if (changed)
    {
      self->dirty = FALSE;
      g_ptr_array_set_size (self->snapshots, 0);
      for (guint i = 0; i < self->active->len; i++)
        {
          LvExperimentEntry *entry = g_ptr_array_index (self->active, i);
          if (entry->snapshot != NULL)
            g_ptr_array_add (self->snapshots, entry->snapshot);
        }
      update_progress (self);
      g_signal_emit (self, signals[CHANGED], 0);
    }
  if (self->running && complete)
    {
      set_running (self, FALSE);
      g_signal_emit (self, signals[FINISHED], 0);
    }
  return changed;
}

/**
 * lv_experiment_get_snapshots:
 * @self: the experiment
 * @n_snapshots: (out): number of snapshots
 *
 * The snapshots read by the last poll, one per size of the configuration that has results,
 * in the configuration's order.
 *
 * Returns: (transfer none) (array length=n_snapshots): valid until the next poll.
 */
const LvEnsembleSnapshot *const *
lv_experiment_get_snapshots (LvExperiment *self,
                             guint        *n_snapshots)
{
  *n_snapshots = self->snapshots->len;
  return (const LvEnsembleSnapshot *const *) self->snapshots->pdata;
}

/**
 * lv_experiment_get_progress:
 * @self: the experiment
 * @runs_done: (out) (optional): runs that finished or diverged
 * @runs_total: (out) (optional): runs of the configuration
 * @eta_seconds: (out) (optional): estimated time left, NAN when unknown or not running
 *
 * Progress as of the last poll.
 */
void
lv_experiment_get_progress (LvExperiment *self,
                            guint        *runs_done,
                            guint        *runs_total,
                            double       *eta_seconds)
{
  if (runs_done != NULL)
    *runs_done = self->runs_done;
  if (runs_total != NULL)
    *runs_total = self->runs_total;
  if (eta_seconds != NULL)
    *eta_seconds = self->eta;
}

/**
 * lv_experiment_get_n_started:
 * @self: the experiment
 *
 * Counts ensembles (one size each) started since creation, for tests of the cache.
 *
 * Returns: the count.
 */
guint
lv_experiment_get_n_started (LvExperiment *self)
{
  return self->n_started;
}

/**
 * lv_experiment_get_n_runs_started:
 * @self: the experiment
 *
 * Counts runs queued for training since creation (an extended experiment queues only its new
 * runs), for tests.
 *
 * Returns: the count.
 */
guint
lv_experiment_get_n_runs_started (LvExperiment *self)
{
  return self->n_runs_started;
}

/**
 * lv_experiment_is_finished:
 * @self: the experiment
 *
 * Returns: whether every size of the configuration has all its runs ended (as of the last
 *   poll).
 */
gboolean
lv_experiment_is_finished (LvExperiment *self)
{
  if (self->active->len == 0)
    return FALSE;
  for (guint i = 0; i < self->active->len; i++)
    if (!lv_experiment_entry_complete (g_ptr_array_index (self->active, i)))
      return FALSE;
  return TRUE;
}

/**
 * lv_experiment_get_dataset:
 * @self: the experiment
 *
 * Returns: (transfer none) (nullable): the loaded dataset (immutable; lv_dataset_ref() it to
 *   keep it), %NULL before the first load.
 */
LvDataset *
lv_experiment_get_dataset (LvExperiment *self)
{
  g_return_val_if_fail (LV_IS_EXPERIMENT (self), NULL);
  return self->dataset;
}

/**
 * lv_experiment_copy_run_params:
 * @self: the experiment
 * @hidden: the run's hidden width, one of the configuration's sizes
 * @run: the run's index within its size
 * @config: (out) (optional): the configuration of the run's ensemble (one size)
 * @shape: (out): the run's network
 * @params: (out) (transfer full): a copy of its current (final, once finished) parameters
 *
 * Returns: %FALSE when no such run has parameters: not trained yet, or restored (from a
 *   session or a cached ensemble of fewer runs) without them.
 */
gboolean
lv_experiment_copy_run_params (LvExperiment     *self,
                               guint             hidden,
                               guint             run,
                               LvEnsembleConfig *config,
                               LvMlpShape       *shape,
                               float           **params)
{
  g_return_val_if_fail (LV_IS_EXPERIMENT (self), FALSE);

  for (guint i = 0; i < self->active->len; i++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, i);

      if (entry->config.sizes[0] != hidden || run >= entry->config.runs)
        continue;
      /* Runs restored from an earlier ensemble (run < n_kept) have records but no
       * parameters; the live ensemble holds runs n_kept … runs − 1 in its slots 0, 1, … */
      if ((entry->ensemble == NULL || run < entry->n_kept ||
           !lv_ensemble_copy_params (entry->ensemble, run - entry->n_kept, shape, params)) &&
          /* …unless the bundle they were opened from has them (lv-experiment-bundle.c). */
          !lv_experiment_bundle_copy_run_params (self, &entry->config, hidden, run, shape,
                                                 params))
        return FALSE;
      if (config != NULL)
        *config = entry->config;
      return TRUE;
    }
  return FALSE;
}
