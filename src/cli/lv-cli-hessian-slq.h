/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/* `hessian --method slq` and `--trace` (lv-cli-hessian-slq.c): the members they add to the
 * JSON object under construction, and their text report. */
void lv_cli_hessian_slq_json (JsonBuilder *b, const LvHessianSlq *slq, double sigma,
                              guint n_grid);
void lv_cli_hessian_slq_text (const LvHessianSlq *slq);
void lv_cli_hessian_trace_json (JsonBuilder *b, const LvHessianTrace *trace);
void lv_cli_hessian_trace_text (const LvHessianTrace *trace);
/* Draws the density (log axis) to FILE.png|svg|pdf. */
gboolean lv_cli_hessian_slq_plot (const LvHessianSlq *slq, double sigma, guint n_grid,
                                  const char *path, GError **error);
/* Default smoothing width: 1 % of the spread of the nodes (or of |λ_max| when they agree). */

G_END_DECLS
