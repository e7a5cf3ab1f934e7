/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * `ensemble --out FILE.h5` (issue 13): checkpoints every --checkpoint seconds, a last one on
 * SIGINT/SIGTERM, and `--resume FILE.h5`. lv-cli-ensemble.c calls these hooks.
 */
typedef struct
{
  char *resume;
  int checkpoint;      /* seconds; -1: not given (60) */
  int save_trajectory; /* K; 0: none */
  int deflate;         /* 0..9 */
  LvBundle *resumed;   /* the bundle being resumed, with its parameters */
  double resumed_elapsed;
} LvCliBundleOptions;

void lv_cli_bundle_options_clear (LvCliBundleOptions *b);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliBundleOptions, lv_cli_bundle_options_clear)
/* Adds --checkpoint, --resume, --save-trajectory, --deflate to @context. */
void     lv_cli_bundle_options_add (GOptionContext *context, LvCliBundleOptions *b);
/* Before parsing: with --resume, refuses every option that would change the stored
 * configuration. */
gboolean lv_cli_bundle_check_args (int argc, char **argv, GError **error);
/* After parsing: checks the bundle options against --out, and with --resume loads the bundle
 * and replaces @dataset_spec, @dopts and @config by what it stores (@out defaults to it). */
gboolean lv_cli_bundle_prepare (LvCliBundleOptions *b, char **dataset_spec,
                                LvDatasetOptions *dopts, LvEnsembleConfig *config, char **out,
                                GError **error);
/* With --resume: checks that @dataset is the one the bundle was trained on and puts its
 * finished and diverged runs back into @ensemble. */
gboolean lv_cli_bundle_restore (LvCliBundleOptions *b, LvEnsemble *ensemble,
                                const LvDataset *dataset, GError **error);

/**
 * lv_cli_bundle_train:
 * Starts @ensemble on @pool and waits for it, bringing @path up to date at least every
 * --checkpoint seconds with every run finished so far. On SIGINT/SIGTERM it cancels, writes a
 * last checkpoint and returns 128 + the signal; on success it returns 0 after the final write
 * (and sets *@elapsed, the wall time including the resumed part). A failed final write prints
 * its error and returns 1; whatever it returns, nothing is left to print.
 */
int      lv_cli_bundle_train (LvCliBundleOptions *b, LvEnsemble *ensemble, LvWorkerPool *pool,
                              const char *dataset_spec, const LvDatasetOptions *dopts,
                              const char *path, gboolean progress, double *elapsed,
                              GError **error);

/* Writes @ensemble's state as a bundle: the checkpoint writer (lv_bundle_write with a fetch
 * that copies one run's parameters at a time). */
gboolean lv_cli_bundle_write_ensemble (LvEnsemble *ensemble, const char *dataset_spec,
                                       const LvDatasetOptions *dopts, guint threads,
                                       double elapsed, const char *path, guint deflate,
                                       GError **error);

G_END_DECLS
