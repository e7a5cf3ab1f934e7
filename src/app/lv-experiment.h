/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

#define LV_TYPE_EXPERIMENT (lv_experiment_get_type ())
G_DECLARE_FINAL_TYPE (LvExperiment, lv_experiment, LV, EXPERIMENT, GObject)

LvExperiment *lv_experiment_new            (void);
gboolean      lv_experiment_set_config     (LvExperiment           *self,
                                            const char             *dataset,
                                            const LvEnsembleConfig *config,
                                            GError                **error);
const LvEnsembleConfig *lv_experiment_get_config (LvExperiment *self);
const char   *lv_experiment_get_dataset_name (LvExperiment         *self);
void          lv_experiment_start          (LvExperiment           *self);
void          lv_experiment_pause          (LvExperiment           *self);
void          lv_experiment_reset          (LvExperiment           *self);
gboolean      lv_experiment_get_running    (LvExperiment           *self);
gboolean      lv_experiment_poll           (LvExperiment           *self);
const LvEnsembleSnapshot *const *lv_experiment_get_snapshots (LvExperiment *self,
                                                              guint        *n_snapshots);
void          lv_experiment_get_progress   (LvExperiment           *self,
                                            guint                  *runs_done,
                                            guint                  *runs_total,
                                            double                 *eta_seconds);
guint         lv_experiment_get_n_started  (LvExperiment           *self);
guint         lv_experiment_get_n_runs_started (LvExperiment       *self);
gboolean      lv_experiment_is_finished    (LvExperiment           *self);
gboolean      lv_experiment_restore        (LvExperiment           *self,
                                            const LvSession        *session,
                                            GError                **error);
LvSession    *lv_experiment_to_session     (LvExperiment           *self,
                                            GError                **error);
guint64       lv_experiment_get_results_serial (LvExperiment       *self);
gboolean      lv_experiment_has_results    (LvExperiment           *self);
LvDataset    *lv_experiment_get_dataset    (LvExperiment           *self);
gboolean      lv_experiment_copy_run_params (LvExperiment          *self,
                                            guint                   hidden,
                                            guint                   run,
                                            LvEnsembleConfig       *config,
                                            LvMlpShape             *shape,
                                            float                 **params);

G_END_DECLS
