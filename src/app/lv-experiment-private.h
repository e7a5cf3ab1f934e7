/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The experiment's instance struct and the functions its files share (lv-experiment.c: the
 * object, configuration, start/pause/reset and polling; lv-experiment-dataset.c: dataset
 * options and loading in a thread; lv-experiment-cache.c: the per-(configuration, size)
 * ensemble cache entries; lv-experiment-session.c: experiment files and autosave support;
 * lv-experiment-training.c: the training job).
 */

#include "lv-experiment.h"
#include "lv-job.h"

G_BEGIN_DECLS

/* One size of one configuration: a cache entry (see the overview in lv-experiment.c). */
typedef struct
{
  char *key;
  LvEnsembleConfig config;        /* n_sizes = 1, first_run = 0 */
  LvEnsembleSnapshot *restored;   /* config.runs records given without training, or NULL */
  guint n_kept;                   /* leading runs of @restored that ended: never retrained */
  LvJob *job;                     /* the training job that owns @ensemble; NULL until started */
  guint slot;                     /* @ensemble's index in @job */
  LvEnsemble *ensemble;           /* runs n_kept … runs − 1, borrowed from @job (parameters) */
  gboolean done;                  /* every run of @ensemble ended, as last taken from @job */
  LvEnsembleSnapshot *snapshot;   /* merged copy the views see, NULL before */
  guint64 generation;             /* generation of @snapshot */
  gboolean paused;                /* @job paused by lv_experiment_pause(): resume on Start */
  guint64 last_used;              /* for evicting the least recently used */
} LvExperimentEntry;

struct _LvExperiment
{
  GObject parent_instance;

  LvWorkerQueue *queue;          /* training's turn on the app's one pool (lv_job_get_worker_pool) */
  LvDataset *dataset;
  char *dataset_name;            /* the one @dataset holds, NULL before the first load */
  char *wanted_name;             /* the one the configuration asks for */
  GCancellable *load_cancellable;
  gboolean loading;

  LvEnsembleConfig config;
  GHashTable *cache;             /* key → LvExperimentEntry (owned through entry_drop) */
  GPtrArray *active;             /* LvExperimentEntry*, the configuration's sizes in order */
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

/* lv-experiment.c */
void                lv_experiment_apply_config          (LvExperiment           *self);
void                lv_experiment_report_error          (LvExperiment           *self,
                                                         const char             *message);

/* lv-experiment-training.c */
LvJob              *lv_experiment_training_start        (LvWorkerQueue          *queue,
                                                         GPtrArray              *ensembles);
LvEnsembleSnapshot *lv_experiment_training_take         (LvJob                  *job,
                                                         guint                   slot);
void                lv_experiment_training_drop         (LvJob                  *job,
                                                         guint                   slot);

/* lv-experiment-dataset.c */
void                lv_experiment_dataset_options       (LvExperiment           *self,
                                                         const char             *spec,
                                                         LvDatasetOptions       *opts);
void                lv_experiment_request_dataset       (LvExperiment           *self);

/* lv-experiment-cache.c */
char               *lv_experiment_config_key            (LvExperiment           *self,
                                                         const char             *dataset,
                                                         const LvEnsembleConfig *c,
                                                         guint                   hidden,
                                                         guint                   runs);
LvExperimentEntry  *lv_experiment_entry_new             (LvExperiment           *self,
                                                         char                   *key,
                                                         guint                   hidden);
void                lv_experiment_entry_clear_snapshot  (LvExperiment           *self,
                                                         LvExperimentEntry      *entry);
void                lv_experiment_entry_reset           (LvExperiment           *self,
                                                         LvExperimentEntry      *entry);
void                lv_experiment_entry_drop            (LvExperiment           *self,
                                                         LvExperimentEntry      *entry);
gboolean            lv_experiment_entry_complete        (LvExperimentEntry      *entry);
void                lv_experiment_entry_fold            (LvExperiment           *self,
                                                         LvExperimentEntry      *entry);
void                lv_experiment_entry_seed_from_donor (LvExperiment           *self,
                                                         LvExperimentEntry      *entry);
LvEnsembleSnapshot *lv_experiment_entry_merge           (LvExperimentEntry      *entry,
                                                         LvEnsembleSnapshot     *live);
void                lv_experiment_evict_cache           (LvExperiment           *self);

G_END_DECLS
