/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/* The members of `ensemble --json` (dataset, sizes, runs, threads, elapsed_s, …), shared with
 * `render --json` so both print the same summary of an ensemble. */
void     lv_cli_ensemble_report (JsonBuilder *builder, const LvSession *session);
/* Prints lv_cli_ensemble_report() as the one JSON object of `ensemble --json`/`render --json`. */
void     lv_cli_ensemble_print_json (const LvSession *session);
/* Prints the human-readable table of an ensemble's results. */
void     lv_cli_ensemble_print_table (const LvSession *session);

/* Draws a view (figure, histogram, mean-std, spread, scatter) of an experiment to a file. */
gboolean lv_cli_ensemble_plot (const LvSession *session, const char *view, const char *path,
                               const char *size, GError **error);
gboolean lv_cli_ensemble_view_is_valid (const char *view);
/* --dataset text, --out, --plot and --plot-size, checked before any work (issue 16). */
gboolean lv_cli_ensemble_check_outputs (const char *dataset, const char *out, const char *plot,
                                        const char *plot_size, GError **error);

G_END_DECLS
