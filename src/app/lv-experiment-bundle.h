/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-experiment.h"

G_BEGIN_DECLS

/*
 * Experiment files of either kind (issue 13): .h5 bundles and v1 JSON. A bundle that is opened
 * stays the source of its runs' weights, so saving the experiment again as a bundle keeps them
 * (runs the app trains itself bring their own).
 */
LvSession *lv_experiment_file_load (LvExperiment *experiment, const char *path, GError **error);
gboolean   lv_experiment_file_save (LvExperiment *experiment, const LvSession *session,
                                    const char *path, GError **error);

/* Makes the bundle at @path, read as @records (LV_BUNDLE_LOAD_RECORDS; taken), the source of
 * the runs' weights: what Follow (lv-bundle-follow.c) does with each checkpoint it shows. */
void       lv_experiment_bundle_adopt (LvExperiment *experiment, const char *path,
                                       LvBundle *records);

/* The stored weights of run @run of width @hidden from the bundle the experiment was opened
 * from, when its networks are the ones @config describes; FALSE otherwise. */
gboolean   lv_experiment_bundle_copy_run_params (LvExperiment *experiment,
                                                 const LvEnsembleConfig *config, guint hidden,
                                                 guint run, LvMlpShape *shape, float **params);

/* Whether run @run of width @hidden comes from the opened bundle; if so, its saved trajectory
 * (@n_trajectory × n_params floats, 0 and %NULL when the bundle saved none). */
gboolean   lv_experiment_bundle_copy_run_trajectory (LvExperiment *experiment,
                                                     const LvEnsembleConfig *config,
                                                     guint hidden, guint run,
                                                     guint *n_trajectory, float **trajectory);

G_END_DECLS
