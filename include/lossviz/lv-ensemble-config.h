/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <lossviz/lv-ensemble.h>

G_BEGIN_DECLS

/*
 * The one (de)serialiser of LvEnsembleConfig. The experiment file's "config" object, the app's
 * saved settings (a key-file group) and the app's cache key all derive from one table of the
 * configuration's fields (lv-ensemble-config.c), so a field added to the struct is added to all
 * three at once, with the same names and the same bounds.
 *
 * first_run is not written to files or settings: a saved experiment always holds its runs from
 * index 0, and readers set it to 0. It is part of the key.
 */

void     lv_ensemble_config_to_json      (const LvEnsembleConfig *config, JsonBuilder *builder);
gboolean lv_ensemble_config_from_json    (JsonObject *object, LvEnsembleConfig *config,
                                          GError **error);
void     lv_ensemble_config_to_keyfile   (const LvEnsembleConfig *config, GKeyFile *keyfile,
                                          const char *group);
gboolean lv_ensemble_config_from_keyfile (GKeyFile *keyfile, const char *group,
                                          LvEnsembleConfig *config, GError **error);
char    *lv_ensemble_config_key          (const LvEnsembleConfig *config);
/* The key of one size's runs of @config on @dataset prepared with @options: what an
 * experiment's cache of finished ensembles is indexed by (lv-ensemble-cache-key.c). */
char    *lv_ensemble_config_size_key     (const char             *dataset,
                                          const LvDatasetOptions *options,
                                          const LvEnsembleConfig *config,
                                          guint                   hidden,
                                          guint                   runs);

G_END_DECLS
