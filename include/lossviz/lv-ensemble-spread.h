/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-stats.h>

G_BEGIN_DECLS

/* How an ensemble's spread changes with the network size (the guided tour's measured sentence,
 * lv-ensemble-spread.c). */
gboolean lv_ensemble_spread_of_size (const LvEnsembleSnapshot *snapshot,
                                     LvSummary                *summary);
int      lv_ensemble_spread_trend   (const double             *values,
                                     guint                     n);

G_END_DECLS
