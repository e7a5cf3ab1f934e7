/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * "Train one network from command-line options", shared by `slice` and `hessian`: the
 * options (dataset, architecture, optimiser, seed), their validation, and the training run
 * with optional per-epoch checkpoints.
 */
typedef struct
{
  char *dataset;
  int downsample;
  double test_fraction;
  int hidden;
  int depth;
  char *activation;
  char *loss;
  char *init;
  int epochs;
  int batch;
  double lr;
  double lr_decay;
  double momentum;
  gboolean no_hidden_bias;
  gint64 seed;
} LvCliTrainOptions;

void lv_cli_train_options_init (LvCliTrainOptions *o);
void lv_cli_train_options_clear (LvCliTrainOptions *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliTrainOptions, lv_cli_train_options_clear)
/* Adds --dataset … --seed to @context's main group; @o must outlive the parse. */
void lv_cli_train_options_add (GOptionContext *context, LvCliTrainOptions *o);

/* What the options describe, validated, with the dataset loaded, before any training. */
typedef struct
{
  LvDataset *dataset;
  LvMlpShape shape;
  LvTrainConfig config;
  guint64 seed;
  gsize n_params;
} LvCliTrainSetup;

void     lv_cli_train_setup_clear (LvCliTrainSetup *setup);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliTrainSetup, lv_cli_train_setup_clear)
gboolean lv_cli_train_setup (const LvCliTrainOptions *o, LvCliTrainSetup *setup, GError **error);
float   *lv_cli_train_one (const LvCliTrainSetup *setup, guint64 seed, GArray *checkpoints,
                           GError **error);

G_END_DECLS
