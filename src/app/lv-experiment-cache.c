/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment-private.h"

#include <string.h>

#include <lossviz/lv-ensemble-config.h>

#include <lossviz/lv-run-records.h>

/*
 * The experiment's cache: one LvExperimentEntry per (configuration, size), keyed by the whole
 * configuration with the sizes list replaced by the one size (see the overview in
 * lv-experiment.c). An entry holds the runs given without training ("restored"), the training
 * job whose ensemble trains the rest (lv-experiment-training.c), and the merged snapshot the
 * views see.
 */

#define LV_EXPERIMENT_MAX_CACHED 64

/* Stops training this entry's size (the job's other sizes go on) and lets go of its job, which
 * frees the cancelled ensemble once its thread has returned: the main thread never waits. */
static void
retire_training (LvExperimentEntry *entry)
{
  if (entry->job == NULL)
    return;
  if (!entry->done)
    lv_experiment_training_drop (entry->job, entry->slot);
  entry->ensemble = NULL;
  entry->done = FALSE;
  g_clear_object (&entry->job);
}

/* The views borrow entry snapshots through self->snapshots: never leave one dangling. */
void
lv_experiment_entry_clear_snapshot (LvExperiment *self, LvExperimentEntry *entry)
{
  if (entry->snapshot != NULL)
    g_ptr_array_remove (self->snapshots, entry->snapshot);
  g_clear_pointer (&entry->snapshot, lv_ensemble_snapshot_free);
  entry->generation = G_MAXUINT64;
}

void
lv_experiment_entry_reset (LvExperiment *self, LvExperimentEntry *entry)
{
  retire_training (entry);
  lv_experiment_entry_clear_snapshot (self, entry);
  g_clear_pointer (&entry->restored, lv_ensemble_snapshot_free);
  entry->n_kept = 0;
  entry->paused = FALSE;
}

void
lv_experiment_entry_drop (LvExperiment *self, LvExperimentEntry *entry)
{
  g_hash_table_steal (self->cache, entry->key);
  lv_experiment_entry_reset (self, entry);
  g_free (entry->key);
  g_free (entry);
}

gboolean
lv_experiment_entry_complete (LvExperimentEntry *entry)
{
  if (entry->job == NULL)
    return entry->restored != NULL && entry->n_kept == entry->config.runs;
  return !entry->paused && entry->done;
}

/* The cache key of one size (lv_ensemble_config_size_key() with the dataset's options as
 * this experiment prepares it); @runs = 0: the "base" key shared by every run count (see
 * find_donor). */
char *
lv_experiment_config_key (LvExperiment *self, const char *dataset, const LvEnsembleConfig *c,
                          guint hidden, guint runs)
{
  LvDatasetOptions o;

  lv_experiment_dataset_options (self, dataset, &o);
  return lv_ensemble_config_size_key (dataset, &o, c, hidden, runs);
}

/* Before (re)starting an entry: everything it shows becomes "restored", and its leading ended
 * runs are kept, so a resumed or extended entry trains only what is missing. */
void
lv_experiment_entry_fold (LvExperiment *self, LvExperimentEntry *entry)
{
  if (entry->snapshot != NULL && entry->snapshot->n_runs == entry->config.runs)
    {
      LvEnsembleSnapshot *merged = lv_run_records_copy (entry->snapshot, 0,
                                                        entry->snapshot->n_runs);
      g_clear_pointer (&entry->restored, lv_ensemble_snapshot_free);
      entry->restored = merged;
    }
  retire_training (entry);
  entry->n_kept = entry->restored != NULL ? lv_run_records_leading_ended (entry->restored) : 0;
  entry->paused = FALSE;
  entry->generation = G_MAXUINT64;
}

/* Evicts the least recently used finished ensembles that no size of the configuration uses. */
void
lv_experiment_evict_cache (LvExperiment *self)
{
  while (g_hash_table_size (self->cache) > LV_EXPERIMENT_MAX_CACHED)
    {
      GHashTableIter iter;
      gpointer value;
      LvExperimentEntry *oldest = NULL;

      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          LvExperimentEntry *entry = value;
          if (!g_ptr_array_find (self->active, entry, NULL) &&
              (oldest == NULL || entry->last_used < oldest->last_used))
            oldest = entry;
        }
      if (oldest == NULL)
        return;
      lv_experiment_entry_drop (self, oldest);
    }
}

/* A cached entry of the same configuration but another run count whose leading runs ended:
 * the one that can give a new entry the most runs. */
static LvExperimentEntry *
find_donor (LvExperiment *self, const char *base_key, guint *n_ended)
{
  GHashTableIter iter;
  gpointer value;
  LvExperimentEntry *best = NULL;

  *n_ended = 0;
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LvExperimentEntry *entry = value;
      g_autofree char *key = NULL;
      guint n;

      if (entry->snapshot == NULL && entry->restored == NULL)
        continue;
      n = lv_run_records_leading_ended (entry->snapshot != NULL ? entry->snapshot
                                                                : entry->restored);
      if (n <= *n_ended)
        continue;
      key = lv_experiment_config_key (self, self->dataset_name, &entry->config,
                                      entry->config.sizes[0], 0);
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
void
lv_experiment_entry_seed_from_donor (LvExperiment *self, LvExperimentEntry *entry)
{
  g_autofree char *base = lv_experiment_config_key (self, self->dataset_name, &entry->config,
                                                    entry->config.sizes[0], 0);
  guint n_ended = 0;
  LvExperimentEntry *donor = entry->config.shared_order ? NULL
                                                        : find_donor (self, base, &n_ended);
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

LvExperimentEntry *
lv_experiment_entry_new (LvExperiment *self, char *key, guint hidden)
{
  LvExperimentEntry *entry = g_new0 (LvExperimentEntry, 1);

  entry->key = key;
  entry->config = self->config;
  entry->config.sizes[0] = hidden;
  entry->config.n_sizes = 1;
  entry->config.first_run = 0;
  entry->generation = G_MAXUINT64;
  g_hash_table_insert (self->cache, entry->key, entry);
  return entry;
}

/* The runs the views see: the kept restored runs, then the ensemble's. */
LvEnsembleSnapshot *
lv_experiment_entry_merge (LvExperimentEntry *entry, LvEnsembleSnapshot *live)
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
