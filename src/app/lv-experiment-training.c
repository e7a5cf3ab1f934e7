/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment-private.h"

#include <lossviz/lv-ensemble-group-probe.h>

/*
 * The experiment's training job: one LvJob running the core group probe
 * (lv_ensemble_group_probe_run) over the ensembles started together — every size that needed
 * training when Start was pressed, or the sizes added while training. The job owns those
 * ensembles and frees them with its data, after its thread has returned, so a size dropped
 * while the others train (lv_experiment_training_drop) needs no graveyard: its cancelled
 * ensemble stays in the job until the job ends. Each cache entry keeps a reference to its job
 * and borrows its ensemble (for parameters); the views' snapshots come out of the job's result
 * under the job's lock (lv_experiment_training_take).
 */

/* How often the probe publishes while runs train: a few frames, so the loss view stays live. */
#define TRAINING_POLL_MS 30

typedef struct
{
  LvEnsembleGroupProbeInput input;
  LvEnsembleGroupProbeResult result;
  GPtrArray *ensembles; /* LvEnsemble*, owned */
  LvWorkerQueue *queue;
} Training;

static gboolean
training_run (LvProbeContext *context, gpointer data, GError **error)
{
  Training *training = data;

  return lv_ensemble_group_probe_run (&training->input, &training->result, context, error);
}

static void
training_free (gpointer data)
{
  Training *training = data;

  lv_ensemble_group_probe_result_clear (&training->result);
  /* The probe returned only once every ensemble had ended: freeing does not wait. */
  g_ptr_array_unref (training->ensembles);
  lv_worker_queue_unref (training->queue);
  g_free (training);
}

/**
 * lv_experiment_training_start:
 * @queue: the experiment's queue on the app's worker pool
 * @ensembles: (transfer container): new, not started ensembles; the job takes them
 *
 * Returns: (transfer full): the running job; ensemble k of @ensembles is its slot k.
 */
LvJob *
lv_experiment_training_start (LvWorkerQueue *queue, GPtrArray *ensembles)
{
  Training *training = g_new0 (Training, 1);
  LvJob *job;

  g_ptr_array_set_free_func (ensembles, (GDestroyNotify) lv_ensemble_free);
  training->ensembles = ensembles;
  training->queue = lv_worker_queue_ref (queue);
  training->input.ensembles = (LvEnsemble *const *) ensembles->pdata;
  training->input.n_ensembles = ensembles->len;
  training->input.queue = training->queue;
  training->input.poll_ms = TRAINING_POLL_MS;
  job = lv_job_new ("training", training_run, training, training_free);
  lv_job_start (job);
  return job;
}

/* Returns: (transfer full) (nullable): slot @slot's snapshot published since the last take. */
LvEnsembleSnapshot *
lv_experiment_training_take (LvJob *job, guint slot)
{
  Training *training = lv_job_lock (job);
  LvEnsembleSnapshot *snapshot = lv_ensemble_group_probe_take (&training->result, slot);

  lv_job_unlock (job);
  return snapshot;
}

/* Cancels slot @slot's runs only; the job's other ensembles train on. */
void
lv_experiment_training_drop (LvJob *job, guint slot)
{
  Training *training = lv_job_get_data (job);

  lv_ensemble_cancel (g_ptr_array_index (training->ensembles, slot));
}
