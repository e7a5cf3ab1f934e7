/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-file-util.h> /* lv_file_write_atomic() is declared there now */

G_BEGIN_DECLS

#define LV_SESSION_FORMAT "lossviz-experiment"
#define LV_SESSION_VERSION 1

/**
 * LvDatasetInfo:
 *
 * What a summary needs to know about a dataset, without its samples.
 */
typedef struct {
  char *name;
  guint n_train;
  guint n_test;
  guint n_inputs;
  guint n_classes;
  gboolean has_targets;  /* real-valued targets (MSE networks then have one output) */
} LvDatasetInfo;

/* Outputs of the ensemble's networks on this data: one per class, or 1 for MSE on targets. */
guint lv_dataset_info_network_outputs (const LvDatasetInfo *info, LvLoss loss);

void lv_dataset_info_from_dataset (LvDatasetInfo *info, const LvDataset *dataset);
void lv_dataset_info_clear (LvDatasetInfo *info);

/**
 * LvSession:
 * @dataset_spec: how to load the data again (e.g. "digits").
 * @dataset_options: with which options.
 * @dataset: the loaded dataset's description.
 * @config: the ensemble configuration.
 * @snapshot: every run's record, in config order (size index, then run).
 * @threads: worker threads the runs were trained with (for the summary).
 * @elapsed_s: wall time of the training (for the summary).
 *
 * A whole experiment: enough to redraw every figure without retraining, and to extend it
 * (runs are reproducible from their seeds). Stored as versioned, human-readable JSON.
 */
typedef struct {
  char *dataset_spec;
  LvDatasetOptions dataset_options;
  LvDatasetInfo dataset;
  LvEnsembleConfig config;
  LvEnsembleSnapshot *snapshot;
  guint threads;
  double elapsed_s;
} LvSession;

LvSession *lv_session_new (const char *dataset_spec, const LvDatasetOptions *dataset_options,
                           const LvDataset *dataset, const LvEnsembleConfig *config,
                           LvEnsembleSnapshot *snapshot, guint threads, double elapsed_s);
void       lv_session_free (LvSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvSession, lv_session_free)

char      *lv_session_to_json (const LvSession *session);
LvSession *lv_session_from_json (const char *text, gssize length, GError **error);
/* Atomic: written to a temporary file in the same folder, fsync'ed, then renamed. */
gboolean   lv_session_save (const LvSession *session, const char *path, GError **error);
LvSession *lv_session_load (const char *path, GError **error);


G_END_DECLS
