/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment-private.h"

#include <math.h>

#include <glib/gi18n.h>

#include <lossviz/lv-run-records.h>

/*
 * Experiment files: an LvSession read from a file seeds the cache without training
 * (lv_experiment_restore()), the experiment gathers its runs into one for saving
 * (lv_experiment_to_session()), and the window asks whether there is unsaved work to autosave
 * (lv_experiment_get_results_serial(), lv_experiment_has_results()).
 */

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
  LvDatasetOptions defaults, loaded;
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
   * options for the loaded dataset means loading it again (and only a change: Follow reopens
   * the same file at every checkpoint). */
  lv_experiment_dataset_options (self, spec, &loaded);
  g_hash_table_remove (self->dataset_overrides, spec);
  lv_experiment_dataset_options (self, spec, &defaults);
  if (!same_dataset_options (&defaults, &session->dataset_options))
    g_hash_table_insert (self->dataset_overrides, g_strdup (spec),
                         g_memdup2 (&session->dataset_options, sizeof (LvDatasetOptions)));
  if (g_strcmp0 (self->dataset_name, spec) == 0 &&
      !same_dataset_options (&loaded, &session->dataset_options))
    g_clear_pointer (&self->dataset_name, g_free);

  /* The file's precision and data order stay: they are part of the cache key, and the runs
   * it lacks train in the same mode. */
  config.first_run = 0;
  self->config = config;
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (spec);
  for (guint s = 0; s < config.n_sizes; s++)
    {
      char *key = lv_experiment_config_key (self, spec, &config, config.sizes[s], runs);
      LvExperimentEntry *old = g_hash_table_lookup (self->cache, key);
      LvExperimentEntry *entry;

      if (old != NULL)
        {
          g_ptr_array_remove (self->active, old);
          lv_experiment_entry_drop (self, old);
        }
      entry = lv_experiment_entry_new (self, key, config.sizes[s]);
      entry->restored = lv_run_records_copy (session->snapshot, s * runs, runs);
      entry->n_kept = lv_run_records_leading_ended (entry->restored);
    }
  self->elapsed_s = isfinite (session->elapsed_s) ? session->elapsed_s : 0;
  lv_experiment_apply_config (self);
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
  const LvEnsembleSnapshot *per_size[G_N_ELEMENTS (config.sizes)];
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
  for (guint s = 0; s < config.n_sizes; s++)
    {
      LvExperimentEntry *entry = g_ptr_array_index (self->active, s);

      per_size[s] = entry->snapshot != NULL ? entry->snapshot : entry->restored;
    }
  snapshot = lv_run_records_gather (&config, per_size);
  lv_experiment_dataset_options (self, self->dataset_name, &opts);
  config.first_run = 0;
  if (self->running)
    elapsed += (g_get_monotonic_time () - self->running_since) / 1e6;
  return lv_session_new (self->dataset_name, &opts, self->dataset, &config, snapshot,
                         lv_worker_pool_get_n_threads (lv_worker_queue_get_pool (self->queue)),
                         elapsed);
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
