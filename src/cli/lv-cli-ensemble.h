/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/* The members of `ensemble --json` (dataset, sizes, runs, threads, elapsed_s, …), shared with
 * `render --json` so both print the same summary of an ensemble. */
void     lv_cli_ensemble_report (JsonBuilder *builder, LvEnsemble *ensemble,
                                 const LvEnsembleSnapshot *snapshot, guint threads,
                                 double elapsed_s);

G_END_DECLS
