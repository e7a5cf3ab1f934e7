/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

#include "lv-cli-ensemble-bundle.h"

G_BEGIN_DECLS

/* Options of `lossviz-cli ensemble`, with the defaults of the built-in demo
 * (LV_CLI_ENSEMBLE_OPTIONS_INIT). */
typedef struct
{
  char *dataset;
  int downsample;
  double test_fraction;
  char *sizes;
  int runs;
  int epochs;
  int depth;
  char *activation;
  char *loss;
  char *init;
  int batch;
  double lr;
  double lr_decay;
  double momentum;
  double reg_degree;
  double reg_lambda;
  char *reg_kind;
  gboolean no_hidden_bias;
  gint64 seed;
  int threads;
  gboolean json;
  gboolean shared_order;
  int fuse_block;
  char *precision;
  int first_run;
  int soak;
  char *out;
  char *plot;
  char *plot_size;
  char *preset;
  gboolean no_shared_order;
} LvCliEnsembleOptions;

#define LV_CLI_ENSEMBLE_OPTIONS_INIT                                                          \
  { .test_fraction = -1, .runs = 10, .epochs = 10, .depth = 1, .batch = 32, .lr = 0.05,       \
    .momentum = 0.9, .reg_degree = 2, .seed = 1 }

void     lv_cli_ensemble_options_clear (LvCliEnsembleOptions *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliEnsembleOptions, lv_cli_ensemble_options_clear)

/* Parses the command line into @o and @bundle (--preset first, then explicit options, then
 * the string defaults). On failure the message is printed and *@rc is the exit code. */
gboolean lv_cli_ensemble_options_parse (LvCliEnsembleOptions *o, LvCliBundleOptions *bundle,
                                        int argc, char **argv, int *rc);
/* Checks every option and turns them into dataset options and an ensemble configuration. */
gboolean lv_cli_ensemble_options_build (const LvCliEnsembleOptions *o, LvDatasetOptions *dopts,
                                        LvEnsembleConfig *config, GError **error);

G_END_DECLS
