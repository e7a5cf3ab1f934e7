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
/* The same at one epoch of the runs (1-based; LV_PLOT_ENSEMBLE_LATEST: the last), with the
 * numbers behind it in @csv when not NULL; @path may be NULL for the CSV alone. */
gboolean lv_cli_ensemble_plot_epoch (const LvSession *session, const char *view,
                                     const char *path, const char *size, guint epoch,
                                     const char *csv, GError **error);
gboolean lv_cli_ensemble_view_is_valid (const char *view);
/* --dataset text, --out, --plot and --plot-size, checked before any work (issue 16). */
gboolean lv_cli_ensemble_check_outputs (const char *dataset, const char *out, const char *plot,
                                        const char *plot_size, GError **error);
/* lv_ensemble_memory_estimate() on @threads workers against the memory budget. */
gboolean lv_cli_ensemble_check_memory (const LvEnsembleConfig *config, const LvDataset *dataset,
                                       int threads, GError **error);

G_END_DECLS
