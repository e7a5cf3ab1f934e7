/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include "lv-fuzz-targets.h"

#include <stdio.h>
#include <string.h>

#include <lossviz/lossviz.h>

/*
 * `lossviz-cli ensemble`'s own code, compiled into this harness so the fuzzer reaches its static
 * option table and validation (build_config) without changing the command. Two calls are
 * redirected: loading the dataset always builds a tiny synthetic one (fuzzed paths must not read
 * arbitrary files, nor fuzzed sizes allocate gigabytes legitimately), and creating the ensemble
 * validates the configuration (and, when small, allocates and frees it) but never trains: it
 * then fails with FUZZ_STOP, so the command returns right there.
 */
static LvDataset  *fuzz_dataset_load (const char *spec, const LvDatasetOptions *opts,
                                      GError **error);
static LvEnsemble *fuzz_ensemble_new (LvDataset *dataset, const LvEnsembleConfig *config,
                                      GError **error);
#define lv_dataset_load fuzz_dataset_load
#define lv_ensemble_new fuzz_ensemble_new
#include "../../src/cli/lv-cli-ensemble.c"
#undef lv_dataset_load
#undef lv_ensemble_new

#define FUZZ_STOP "fuzz: stopped before training"
#define MAX_ARGS 64

static LvDataset *
fuzz_dataset_load (const char *spec, const LvDatasetOptions *opts, GError **error)
{
  guint n = 0, d = 0, c = 0;

  /* A small random:N:D:C goes through the real loader (spec parsing, split, downsample and
   * standardisation with the fuzzed options); anything else uses a fixed small one. */
  if (sscanf (spec, "random:%u:%u:%u", &n, &d, &c) == 3 && (guint64) n * d <= 4096)
    return lv_dataset_load (spec, opts, error);
  return lv_dataset_load ("random:40:4:3", opts, error);
}

static LvEnsemble *
fuzz_ensemble_new (LvDataset *dataset, const LvEnsembleConfig *config, GError **error)
{
  if (!lv_ensemble_config_validate (config, dataset, error))
    return NULL;
  if ((guint64) config->n_sizes * config->runs * config->train.epochs <= 100000)
    {
      LvEnsemble *ensemble = lv_ensemble_new (dataset, config, error);
      g_assert_nonnull (ensemble);
      lv_ensemble_free (ensemble);
    }
  g_set_error_literal (error, LV_ERROR, LV_ERROR_FAILED, FUZZ_STOP);
  return NULL;
}

/* GOption prints --help and exits: such arguments are dropped (short options may be grouped). */
static gboolean
asks_for_help (const char *arg)
{
  if (g_str_has_prefix (arg, "--help"))
    return TRUE;
  if (arg[0] == '-' && arg[1] != '-')
    return strchr (arg, 'h') != NULL || strchr (arg, '?') != NULL;
  return FALSE;
}

void
lv_fuzz_cli_ensemble (const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", MAX_ARGS);
  char *argv_store[MAX_ARGS + 2];
  char *argv_copy[MAX_ARGS + 2];
  int argc = 0;

  argv_store[argc++] = g_strdup ("ensemble");
  for (guint i = 0; lines[i] != NULL && argc < MAX_ARGS + 1; i++)
    if (!asks_for_help (lines[i]))
      argv_store[argc++] = g_strdup (lines[i]);
  argv_store[argc] = NULL;
  /* GOption reorders and drops entries of the vector it gets; the strings stay ours. */
  memcpy (argv_copy, argv_store, sizeof (char *) * (argc + 1));
  lv_cli_ensemble (argc, argv_copy);
  for (int i = 0; i < argc; i++)
    g_free (argv_store[i]);
}
