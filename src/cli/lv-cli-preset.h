/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * `--preset NAME` (issue 17): a named protocol that sets the defaults of a command. The name is
 * looked up in argv before GOption parses it, so the preset replaces the built-in defaults and
 * every option given explicitly still overrides its value.
 */

#define LV_CLI_PRESET_HELP "choromanska2015: the protocol of Choromanska et al. 2015 (see README)"

/* The preset's values for `ensemble`. */
typedef struct {
  const char *dataset;
  int downsample;
  const char *sizes;
  int runs;
  int epochs;
  int depth;
  const char *activation;
  const char *init;
  int batch;
  double lr;
  double lr_decay;
  double momentum;
  gboolean shared_order;
} LvCliEnsemblePreset;

/* The preset's values for `spinglass simulate`. */
typedef struct {
  int p;
  const char *lambda;
  int runs;
  const char *method;
} LvCliSpinGlassPreset;

/* Finds --preset NAME / --preset=NAME in @argv. Sets *name to NULL when absent; FALSE with
 * @error when NAME is not a known preset. */
gboolean lv_cli_preset_find (int argc, char **argv, const char **name, GError **error);
const LvCliEnsemblePreset  *lv_cli_preset_ensemble (const char *name);
const LvCliSpinGlassPreset *lv_cli_preset_spinglass (const char *name);

G_END_DECLS
