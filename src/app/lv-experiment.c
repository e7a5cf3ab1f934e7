/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-run-records.h"

/*
 * LvExperiment — the app's engine room, on the main thread.
 *
 * It owns the process's LvWorkerPool, the loaded dataset, and a cache of LvEnsembles with one
 * network size each (n_sizes = 1). Seeds derive from (seed, size, run), so an ensemble of one
 * size trains exactly the runs the multi-size ensemble of the CLI would. The cache key is the
 * whole configuration with the sizes list replaced by the one size, so:
 *
 *   - changing the sizes keeps every ensemble whose size stays, and starts only new sizes;
 *   - changing q, λ, runs, … builds new keys: unfinished ensembles of the old keys are
 *     cancelled and forgotten, finished ones stay cached, so moving a slider back to a value
 *     already trained shows its results at once without training anything.
 *
 * Workers never call back: lv_experiment_poll() (the window calls it from its frame clock)
 * compares each ensemble's generation counter with the last one seen and copies a snapshot
 * only when it changed, then emits ::changed once. Cancelled ensembles whose tasks are still
 * queued go to a "graveyard" and are freed by a later poll once their tasks have all ended,
 * because freeing waits for the tasks and the main thread must never wait.
 *
 * Results that need no training — runs read from an experiment file, the first runs of the
 * same configuration with another run count, runs that ended before a pause — sit in an
 * entry's "restored" snapshot. Its first n_kept runs (the leading ones that ended) are never
 * trained again: the entry's ensemble, when one is needed, trains only runs n_kept … runs − 1
 * (LvEnsembleConfig.first_run), and the snapshot the views see merges both. Run seeds depend
 * on (seed, size, run) only, so the merged runs are exactly those one ensemble would train.
 */

#define LV_EXPERIMENT_MAX_CACHED 64

typedef struct
{
  char *key;
  LvEnsembleConfig config;        /* n_sizes = 1, first_run = 0 */
  LvEnsembleSnapshot *restored;   /* config.runs records given without training, or NULL */
  guint n_kept;                   /* leading runs of @restored that ended: never retrained */
  LvEnsemble *ensemble;           /* runs n_kept … runs − 1; NULL until started */
  LvEnsembleSnapshot *snapshot;   /* merged copy the views see, NULL before */
  guint64 generation;             /* generation of @snapshot */
  gboolean cancelled;             /* paused before it finished: restart on Start */
  guint64 last_used;              /* for evicting the least recently used */
} Entry;

struct _LvExperiment
{
  GObject parent_instance;

  LvWorkerPool *pool;
  LvDataset *dataset;
  char *dataset_name;            /* the one @dataset holds, NULL before the first load */
  char *wanted_name;             /* the one the configuration asks for */
  GCancellable *load_cancellable;
  gboolean loading;

  LvEnsembleConfig config;
  GHashTable *cache;             /* key → Entry (owned through drop_entry) */
  GPtrArray *active;             /* Entry*, the configuration's sizes in order */
  GPtrArray *graveyard;          /* LvEnsemble*, cancelled, waiting for their tasks */
  GPtrArray *snapshots;          /* const LvEnsembleSnapshot*, borrowed from active */
  guint64 clock;

  GHashTable *dataset_overrides; /* spec → LvDatasetOptions*, from opened files */
  guint64 results_serial;
  double elapsed_s;              /* training wall time of the results, for files */
  gint64 running_since;

  gboolean running;
  gboolean dirty;
  gboolean disposed;
  guint n_started;
  guint n_runs_started;

  guint runs_done;
  guint runs_total;
  double eta;
  double work_total;
  double work_done;
  gint64 stretch_time;           /* when the current stretch of training began (µs) */
  double stretch_work;           /* work done at that time; < 0: take it at the next poll */
};

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

static void apply_config (LvExperiment *self);

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

static void
report_error (LvExperiment *self, const char *message)
{
  set_running (self, FALSE);
  g_signal_emit (self, signals[ERROR], 0, message);
}

/* Cancels an ensemble and frees it now if no task of it is left, otherwise later. */
static void
retire_ensemble (LvExperiment *self, LvEnsemble *ensemble)
{
  if (ensemble == NULL)
    return;
  lv_ensemble_cancel (ensemble);
  if (lv_ensemble_is_done (ensemble))
    lv_ensemble_free (ensemble);
  else
    g_ptr_array_add (self->graveyard, ensemble);
}

/* The views borrow entry snapshots through self->snapshots: never leave one dangling. */
static void
entry_clear_snapshot (LvExperiment *self, Entry *entry)
{
  if (entry->snapshot != NULL)
    g_ptr_array_remove (self->snapshots, entry->snapshot);
  g_clear_pointer (&entry->snapshot, lv_ensemble_snapshot_free);
  entry->generation = G_MAXUINT64;
}

static void
entry_reset (LvExperiment *self, Entry *entry)
{
  retire_ensemble (self, g_steal_pointer (&entry->ensemble));
  entry_clear_snapshot (self, entry);
  g_clear_pointer (&entry->restored, lv_ensemble_snapshot_free);
  entry->n_kept = 0;
  entry->cancelled = FALSE;
}

static void
drop_entry (LvExperiment *self, Entry *entry)
{
  g_hash_table_steal (self->cache, entry->key);
  entry_reset (self, entry);
  g_free (entry->key);
  g_free (entry);
}

static gboolean
entry_complete (Entry *entry)
{
  if (entry->ensemble == NULL)
    return entry->restored != NULL && entry->n_kept == entry->config.runs;
  return !entry->cancelled && lv_ensemble_is_done (entry->ensemble);
}

/* Options the app loads @spec with, unless an opened file asked for others. */
static void
dataset_options (LvExperiment *self, const char *spec, LvDatasetOptions *opts)
{
  const LvDatasetOptions *override = g_hash_table_lookup (self->dataset_overrides, spec);

  lv_dataset_options_init (opts);
  /* Choromanska et al. trained on 10 × 10 downsampled images; so does the demo. */
  if (g_str_equal (spec, "fashion-mnist"))
    opts->downsample = 10;
  if (override != NULL)
    *opts = *override;
}

/* Everything that determines the runs of one size. With λ = 0 the regulariser's kind and
 * degree change nothing, so they are left out and moving q then retrains nothing. With
 * @runs = 0, the "base" key shared by every run count (see find_donor). */
static char *
config_key (LvExperiment *self, const char *dataset, const LvEnsembleConfig *c, guint hidden,
            guint runs)
{
  LvRegularizer reg = c->train.reg;
  LvDatasetOptions o;

  if (reg.lambda == 0.0)
    {
      reg.kind = LV_REG_LAYER;
      reg.degree = 2.0;
    }
  dataset_options (self, dataset, &o);
  return g_strdup_printf ("%s{%.17g,%u,%d,%" G_GUINT64_FORMAT "}|h=%u|runs=%u|depth=%u|act=%d|"
                          "loss=%d|bias=%d|epochs=%u|batch=%u|"
                          "lr=%.17g|decay=%.17g|mom=%.17g|reg=%d:%.17g:%.17g|init=%d|"
                          "seed=%" G_GUINT64_FORMAT,
                          dataset, o.test_fraction, o.downsample, o.standardize, o.seed,
                          hidden, runs, c->depth, c->activation, c->loss, c->bias,
                          c->train.epochs, c->train.batch, c->train.lr, c->train.lr_decay,
                          c->train.momentum, reg.kind, reg.degree, reg.lambda, c->train.init,
                          c->seed);
}

static void
lv_experiment_dispose (GObject *object)
{
  LvExperiment *self = LV_EXPERIMENT (object);
  GHashTableIter iter;
  gpointer value;

  self->disposed = TRUE;
  g_cancellable_cancel (self->load_cancellable);
  /* Cancel everything first, then wait: a cancelled ensemble's queued tasks end at once, but
   * only once no uncancelled task is ahead of them in the pool's queue. */
  if (self->cache != NULL)
    {
      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((Entry *) value)->ensemble != NULL)
          lv_ensemble_cancel (((Entry *) value)->ensemble);
      g_ptr_array_set_size (self->active, 0);
      g_ptr_array_set_size (self->snapshots, 0);
      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Entry *entry = value;

          g_hash_table_iter_steal (&iter);
          g_clear_pointer (&entry->ensemble, lv_ensemble_free);
          g_clear_pointer (&entry->snapshot, lv_ensemble_snapshot_free);
          g_clear_pointer (&entry->restored, lv_ensemble_snapshot_free);
          g_free (entry->key);
          g_free (entry);
        }
    }
  if (self->graveyard != NULL)
    g_ptr_array_set_size (self->graveyard, 0);
  g_clear_pointer (&self->pool, lv_worker_pool_free);

  G_OBJECT_CLASS (lv_experiment_parent_class)->dispose (object);
}

static void
lv_experiment_finalize (GObject *object)
{
  LvExperiment *self = LV_EXPERIMENT (object);

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->dataset_overrides, g_hash_table_unref);
  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_pointer (&self->graveyard, g_ptr_array_unref);
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
  self->graveyard = g_ptr_array_new_with_free_func ((GDestroyNotify) lv_ensemble_free);
  self->snapshots = g_ptr_array_new ();
  self->load_cancellable = g_cancellable_new ();
  self->eta = NAN;
  self->stretch_work = -1;
  lv_ensemble_config_init (&self->config);
}

/**
 * lv_experiment_new:
 * @n_threads: worker threads; 0 means one per core
 *
 * Creates the experiment and its worker pool. Set a configuration, then start.
 *
 * Returns: (transfer full): a new experiment.
 */
LvExperiment *
lv_experiment_new (guint n_threads)
{
  LvExperiment *self = g_object_new (LV_TYPE_EXPERIMENT, NULL);

  self->pool = lv_worker_pool_new (n_threads);
  return self;
}

typedef struct
{
  char *name;
  LvDatasetOptions options;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->name);
  g_free (request);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  GError *error = NULL;
  LvDataset *dataset = lv_dataset_load (request->name, &request->options, &error);

  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) lv_dataset_unref);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LvExperiment *self = LV_EXPERIMENT (source);
  const char *name = ((LoadRequest *) g_task_get_task_data (G_TASK (result)))->name;
  g_autoptr(GError) error = NULL;
  LvDataset *dataset = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading = FALSE;
  if (self->disposed)
    {
      g_clear_pointer (&dataset, lv_dataset_unref);
      return;
    }
  if (dataset == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not load the dataset “%s”: %s"), name,
                                              error->message);
      report_error (self, msg);
      return;
    }
  g_clear_pointer (&self->dataset, lv_dataset_unref);
  self->dataset = dataset;
  g_free (self->dataset_name);
  self->dataset_name = g_strdup (name);
  apply_config (self);
  /* Nothing else may be polling right now (an idle window stops its frame clock). */
  lv_experiment_poll (self);
}

static void
request_dataset (LvExperiment *self)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request;

  if (self->loading)
    return; /* load_done → apply_config notices if the wanted name changed meanwhile */
  self->loading = TRUE;
  request = g_new0 (LoadRequest, 1);
  request->name = g_strdup (self->wanted_name);
  dataset_options (self, request->name, &request->options);
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_thread);
}

/* Before (re)starting an entry: everything it shows becomes "restored", and its leading ended
 * runs are kept, so a resumed or extended entry trains only what is missing. */
static void
entry_fold (LvExperiment *self, Entry *entry)
{
  if (entry->snapshot != NULL && entry->snapshot->n_runs == entry->config.runs)
    {
      LvEnsembleSnapshot *merged = lv_run_records_copy (entry->snapshot, 0,
                                                        entry->snapshot->n_runs);
      g_clear_pointer (&entry->restored, lv_ensemble_snapshot_free);
      entry->restored = merged;
    }
  retire_ensemble (self, g_steal_pointer (&entry->ensemble));
  entry->n_kept = entry->restored != NULL ? lv_run_records_leading_ended (entry->restored) : 0;
  entry->cancelled = FALSE;
  entry->generation = G_MAXUINT64;
}

/* Starts every active size that has no live ensemble (new, or paused before it finished). */
static void
ensure_started (LvExperiment *self)
{
  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);
      g_autoptr(GError) error = NULL;
      LvEnsembleConfig config;

      if (entry_complete (entry) || (entry->ensemble != NULL && !entry->cancelled))
        continue;
      entry_fold (self, entry);
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
          report_error (self, error->message);
          return;
        }
      lv_ensemble_start (entry->ensemble, self->pool);
      self->n_started++;
      self->n_runs_started += config.runs;
    }
}

/* Evicts the least recently used finished ensembles that no size of the configuration uses. */
static void
evict_cache (LvExperiment *self)
{
  while (g_hash_table_size (self->cache) > LV_EXPERIMENT_MAX_CACHED)
    {
      GHashTableIter iter;
      gpointer value;
      Entry *oldest = NULL;

      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Entry *entry = value;
          if (!g_ptr_array_find (self->active, entry, NULL) &&
              (oldest == NULL || entry->last_used < oldest->last_used))
            oldest = entry;
        }
      if (oldest == NULL)
        return;
      drop_entry (self, oldest);
    }
}

/* A cached entry of the same configuration but another run count whose leading runs ended:
 * the one that can give a new entry the most runs. */
static Entry *
find_donor (LvExperiment *self, const char *base_key, guint *n_ended)
{
  GHashTableIter iter;
  gpointer value;
  Entry *best = NULL;

  *n_ended = 0;
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      g_autofree char *key = NULL;
      guint n;

      if (entry->snapshot == NULL && entry->restored == NULL)
        continue;
      n = lv_run_records_leading_ended (entry->snapshot != NULL ? entry->snapshot
                                                                : entry->restored);
      if (n <= *n_ended)
        continue;
      key = config_key (self, self->dataset_name, &entry->config, entry->config.sizes[0], 0);
      if (g_str_equal (key, base_key))
        {
          best = entry;
          *n_ended = n;
        }
    }
  return best;
}

/* A new entry starts with the ended runs of a donor (see find_donor) as its restored runs:
 * going from 40 to 60 runs trains 20, going back to 40 trains none. */
static void
entry_seed_from_donor (LvExperiment *self, Entry *entry)
{
  g_autofree char *base = config_key (self, self->dataset_name, &entry->config,
                                      entry->config.sizes[0], 0);
  guint n_ended = 0;
  Entry *donor = entry->config.shared_order ? NULL : find_donor (self, base, &n_ended);
  const LvEnsembleSnapshot *from;
  guint runs = entry->config.runs;

  if (donor == NULL)
    return;
  from = donor->snapshot != NULL ? donor->snapshot : donor->restored;
  entry->restored = lv_run_records_new (runs);
  for (guint r = 0; r < runs; r++)
    if (r < n_ended)
      lv_run_record_copy (&entry->restored->runs[r], &from->runs[r]);
    else
      lv_run_record_init_pending (&entry->restored->runs[r], entry->config.seed,
                                  entry->config.sizes[0], r);
  lv_run_records_recount (entry->restored);
  entry->n_kept = MIN (n_ended, runs);
}

static Entry *
entry_new (LvExperiment *self, char *key, guint hidden)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->key = key;
  entry->config = self->config;
  entry->config.sizes[0] = hidden;
  entry->config.n_sizes = 1;
  entry->config.first_run = 0;
  entry->generation = G_MAXUINT64;
  g_hash_table_insert (self->cache, entry->key, entry);
  return entry;
}

static void
apply_config (LvExperiment *self)
{
  g_autoptr(GPtrArray) next = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  if (self->dataset == NULL || g_strcmp0 (self->dataset_name, self->wanted_name) != 0)
    {
      request_dataset (self);
      return;
    }
  if (!lv_ensemble_config_validate (&self->config, self->dataset, &error))
    {
      report_error (self, error->message);
      return;
    }
  for (guint s = 0; s < self->config.n_sizes; s++)
    {
      g_autofree char *key = config_key (self, self->dataset_name, &self->config,
                                         self->config.sizes[s], self->config.runs);
      Entry *entry = g_hash_table_lookup (self->cache, key);

      if (entry == NULL)
        {
          entry = entry_new (self, g_steal_pointer (&key), self->config.sizes[s]);
          entry_seed_from_donor (self, entry);
        }
      entry->last_used = ++self->clock;
      if (!g_ptr_array_find (next, entry, NULL))
        g_ptr_array_add (next, entry);
    }
  /* Sizes that left the configuration: keep what finished, cancel the rest. */
  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);
      if (!g_ptr_array_find (next, entry, NULL) && !entry_complete (entry))
        drop_entry (self, entry);
    }
  g_ptr_array_set_size (self->active, 0);
  g_ptr_array_extend (self->active, next, NULL, NULL);
  if (self->running)
    ensure_started (self);
  evict_cache (self);
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
  apply_config (self);
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
    request_dataset (self);
  self->dirty = TRUE;
}

/**
 * lv_experiment_pause:
 * @self: the experiment
 *
 * Stops training: unfinished runs are cancelled (at their next minibatch) and their current
 * values stay on screen; finished sizes stay cached. The next start keeps every size's leading
 * ended runs and trains the others again from their first epoch (runs are short; no
 * parameter checkpoint is kept).
 */
void
lv_experiment_pause (LvExperiment *self)
{
  g_return_if_fail (LV_IS_EXPERIMENT (self));

  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);
      if (entry->ensemble != NULL && !lv_ensemble_is_done (entry->ensemble))
        {
          lv_ensemble_cancel (entry->ensemble);
          entry->cancelled = TRUE;
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
    entry_reset (self, value);
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
      Entry *entry = g_ptr_array_index (self->active, i);
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

/* The runs the views see: the kept restored runs, then the ensemble's. */
static LvEnsembleSnapshot *
merge_snapshot (Entry *entry, LvEnsembleSnapshot *live)
{
  LvEnsembleSnapshot *merged;

  if (entry->n_kept == 0)
    return live;
  merged = lv_run_records_new (entry->n_kept + live->n_runs);
  for (guint r = 0; r < entry->n_kept; r++)
    lv_run_record_copy (&merged->runs[r], &entry->restored->runs[r]);
  /* The live records move over: their arrays change owner, the shell is freed empty. */
  memcpy (merged->runs + entry->n_kept, live->runs, sizeof (LvRunRecord) * live->n_runs);
  live->n_runs = 0;
  merged->generation = live->generation;
  lv_run_records_recount (merged);
  lv_ensemble_snapshot_free (live);
  return merged;
}

/**
 * lv_experiment_poll:
 * @self: the experiment
 *
 * Reads the ensembles whose generation changed since the last poll, frees retired ensembles
 * whose tasks ended, and emits #LvExperiment::changed (and ::finished) when something changed.
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

  for (guint i = self->graveyard->len; i-- > 0;)
    if (lv_ensemble_is_done (g_ptr_array_index (self->graveyard, i)))
      g_ptr_array_remove_index_fast (self->graveyard, i);

  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);

      if (entry->ensemble == NULL)
        {
          /* Restored runs only: show them as they are. */
          if (entry->restored != NULL && entry->snapshot == NULL)
            {
              entry->snapshot = lv_run_records_copy (entry->restored, 0, entry->restored->n_runs);
              changed = TRUE;
            }
          complete = complete && entry_complete (entry);
          continue;
        }
      if (lv_ensemble_get_generation (entry->ensemble) != entry->generation)
        {
          LvEnsembleSnapshot *live = lv_ensemble_snapshot (entry->ensemble);

          entry_clear_snapshot (self, entry);
          entry->generation = live->generation;
          entry->snapshot = merge_snapshot (entry, live);
          self->results_serial++;
          changed = TRUE;
        }
      /* Paused just as its last run ended: it is complete after all (kept runs are never
       * cancelled, so the merged count is the ensemble's). */
      if (entry->cancelled && entry->snapshot->cancelled == 0 &&
          lv_ensemble_is_done (entry->ensemble))
        entry->cancelled = FALSE;
      complete = complete && entry_complete (entry);
    }

  if (changed)
    {
      self->dirty = FALSE;
      g_ptr_array_set_size (self->snapshots, 0);
      for (guint i = 0; i < self->active->len; i++)
        {
          Entry *entry = g_ptr_array_index (self->active, i);
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
    if (!entry_complete (g_ptr_array_index (self->active, i)))
      return FALSE;
  return TRUE;
}

/**
 * lv_experiment_get_pool:
 * @self: the experiment
 *
 * The process's worker pool, for views that compute on trained runs (slices, curvature). It
 * lives as long as the experiment: a job using it from another thread must hold a reference
 * to the experiment.
 *
 * Returns: (transfer none): the pool.
 */
LvWorkerPool *
lv_experiment_get_pool (LvExperiment *self)
{
  g_return_val_if_fail (LV_IS_EXPERIMENT (self), NULL);
  return self->pool;
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
      Entry *entry = g_ptr_array_index (self->active, i);

      if (entry->config.sizes[0] != hidden || run >= entry->config.runs)
        continue;
      /* Runs restored from an earlier ensemble (run < n_kept) have records but no
       * parameters; the live ensemble holds runs n_kept … runs − 1 in its slots 0, 1, … */
      if (entry->ensemble == NULL || run < entry->n_kept ||
          !lv_ensemble_copy_params (entry->ensemble, run - entry->n_kept, shape, params))
        return FALSE;
      if (config != NULL)
        *config = entry->config;
      return TRUE;
    }
  return FALSE;
}

static gboolean
same_dataset_options (const LvDatasetOptions *a, const LvDatasetOptions *b)
{
  return a->test_fraction == b->test_fraction && a->downsample == b->downsample &&
         !a->standardize == !b->standardize && a->seed == b->seed;
}

/**
 * lv_experiment_restore:
 * @self: the experiment
 * @session: an experiment read from a file (lv_session_load())
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Makes @session's configuration the experiment's and seeds one cache entry per size with
 * its runs, without training anything: the figures show the file's results at the next poll
 * (once the dataset is loaded). Runs that had not ended in the file train when started;
 * changing the configuration afterwards (more sizes, more runs) trains only the new runs.
 * Training under way stops first.
 *
 * Returns: %FALSE when @session cannot be shown (nothing changes then).
 */
gboolean
lv_experiment_restore (LvExperiment     *self,
                       const LvSession  *session,
                       GError          **error)
{
  const char *spec = session->dataset_spec;
  LvEnsembleConfig config = session->config;
  LvDatasetOptions defaults;
  guint runs = config.runs;

  g_return_val_if_fail (LV_IS_EXPERIMENT (self), FALSE);

  if (config.n_sizes == 0 || runs == 0 || session->snapshot == NULL ||
      session->snapshot->n_runs != config.n_sizes * runs)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   _("The experiment file does not hold one run per size and run number"));
      return FALSE;
    }
  lv_experiment_pause (self);

  /* Options other than the app's own for this dataset stay attached to it; a change of
   * options for the loaded dataset means loading it again. */
  g_hash_table_remove (self->dataset_overrides, spec);
  dataset_options (self, spec, &defaults);
  if (!same_dataset_options (&defaults, &session->dataset_options))
    {
      g_hash_table_insert (self->dataset_overrides, g_strdup (spec),
                           g_memdup2 (&session->dataset_options, sizeof (LvDatasetOptions)));
      if (g_strcmp0 (self->dataset_name, spec) == 0)
        g_clear_pointer (&self->dataset_name, g_free);
    }

  config.first_run = 0;
  config.shared_order = FALSE;
  self->config = config;
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (spec);
  for (guint s = 0; s < config.n_sizes; s++)
    {
      char *key = config_key (self, spec, &config, config.sizes[s], runs);
      Entry *old = g_hash_table_lookup (self->cache, key);
      Entry *entry;

      if (old != NULL)
        {
          g_ptr_array_remove (self->active, old);
          drop_entry (self, old);
        }
      entry = entry_new (self, key, config.sizes[s]);
      entry->restored = lv_run_records_copy (session->snapshot, s * runs, runs);
      entry->n_kept = lv_run_records_leading_ended (entry->restored);
    }
  self->elapsed_s = isfinite (session->elapsed_s) ? session->elapsed_s : 0;
  apply_config (self);
  self->dirty = TRUE;
  return TRUE;
}

/**
 * lv_experiment_to_session:
 * @self: the experiment
 * @error: return location for an %LV_ERROR_FAILED error
 *
 * Gathers the configuration and every run of every size, in configuration order (runs not
 * trained yet are "pending" with no epochs), for lv_session_save().
 *
 * Returns: (transfer full) (nullable): the session, %NULL while the dataset is still loading.
 */
LvSession *
lv_experiment_to_session (LvExperiment  *self,
                          GError       **error)
{
  LvEnsembleConfig config = self->config;
  LvEnsembleSnapshot *snapshot;
  LvDatasetOptions opts;
  double elapsed = self->elapsed_s;

  g_return_val_if_fail (LV_IS_EXPERIMENT (self), NULL);

  if (self->dataset == NULL || g_strcmp0 (self->dataset_name, self->wanted_name) != 0 ||
      self->active->len != config.n_sizes)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   _("The experiment is not ready yet: its dataset is still loading"));
      return NULL;
    }
  snapshot = lv_run_records_new (config.n_sizes * config.runs);
  for (guint s = 0; s < config.n_sizes; s++)
    {
      Entry *entry = g_ptr_array_index (self->active, s);
      const LvEnsembleSnapshot *src = entry->snapshot != NULL ? entry->snapshot
                                                              : entry->restored;

      for (guint r = 0; r < config.runs; r++)
        {
          LvRunRecord *dst = &snapshot->runs[s * config.runs + r];

          if (src != NULL && r < src->n_runs)
            lv_run_record_copy (dst, &src->runs[r]);
          else
            lv_run_record_init_pending (dst, config.seed, config.sizes[s], r);
        }
    }
  lv_run_records_recount (snapshot);
  dataset_options (self, self->dataset_name, &opts);
  config.first_run = 0;
  if (self->running)
    elapsed += (g_get_monotonic_time () - self->running_since) / 1e6;
  return lv_session_new (self->dataset_name, &opts, self->dataset, &config, snapshot,
                         lv_worker_pool_get_n_threads (self->pool), elapsed);
}

/**
 * lv_experiment_get_results_serial:
 * @self: the experiment
 *
 * A counter that grows whenever a poll reads new training results: a window compares it with
 * the value at its last save to know whether there is unsaved work.
 *
 * Returns: the counter.
 */
guint64
lv_experiment_get_results_serial (LvExperiment *self)
{
  return self->results_serial;
}

/**
 * lv_experiment_has_results:
 * @self: the experiment
 *
 * Returns: whether any run of the configuration has at least one epoch (as of the last poll).
 */
gboolean
lv_experiment_has_results (LvExperiment *self)
{
  for (guint i = 0; i < self->snapshots->len; i++)
    {
      const LvEnsembleSnapshot *snap = g_ptr_array_index (self->snapshots, i);
      for (guint r = 0; r < snap->n_runs; r++)
        if (snap->runs[r].epochs_done > 0)
          return TRUE;
    }
  return FALSE;
}
