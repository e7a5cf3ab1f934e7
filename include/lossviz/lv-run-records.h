/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Building and copying LvEnsembleSnapshots outside an ensemble: for experiments restored from
 * files, extended with more runs, or resumed after a pause. */

#include <lossviz/lv-ensemble.h>

G_BEGIN_DECLS

LvEnsembleSnapshot *lv_run_records_new           (guint                     n_runs);
LvEnsembleSnapshot *lv_run_records_copy          (const LvEnsembleSnapshot *src,
                                                  guint                     first,
                                                  guint                     n_runs);
void                lv_run_record_copy           (LvRunRecord              *dst,
                                                  const LvRunRecord        *src);
void                lv_run_record_init_pending   (LvRunRecord              *record,
                                                  guint64                   base_seed,
                                                  guint                     hidden,
                                                  guint                     run);
guint               lv_run_records_leading_ended (const LvEnsembleSnapshot *snapshot);
void                lv_run_records_recount       (LvEnsembleSnapshot       *snapshot);
LvEnsembleSnapshot *lv_run_records_gather        (const LvEnsembleConfig   *config,
                                                  const LvEnsembleSnapshot *const *per_size);

G_END_DECLS
