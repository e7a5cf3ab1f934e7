/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotSummaryRow:
 * @label: category label, e.g. "50"
 * @size: the size as a number (x of the spread panel; must be > 0 there)
 * @mean: mean of the final losses
 * @std: standard deviation
 * @n: number of runs it summarizes
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the row's position
 *
 * The summary of one size. Non-finite means/stds are skipped.
 */
typedef struct
{
  const char *label;
  double size;
  double mean;
  double std;
  guint n;
  int color;
} LvPlotSummaryRow;

/**
 * LvPlotSummaryKind:
 * @LV_PLOT_SUMMARY_MEAN_STD: one point with a ±std bar per size, sizes as categories
 * @LV_PLOT_SUMMARY_SPREAD: std against size on a log10 x axis (the concentration picture)
 *
 * Which summary panel to draw.
 */
typedef enum {
  LV_PLOT_SUMMARY_MEAN_STD,
  LV_PLOT_SUMMARY_SPREAD,
} LvPlotSummaryKind;

/**
 * LvPlotSummaryModel:
 * @common: title, caption, axis titles, theme
 * @rows: (array length=n_rows): one row per size, in display order
 * @n_rows: number of rows
 * @kind: which panel
 * @y_log: log10 y axis (spread panel only)
 *
 * Mean ± std strip or spread-vs-size panel.
 */
typedef struct
{
  LvPlotCommon common;
  const LvPlotSummaryRow *rows;
  gsize n_rows;
  LvPlotSummaryKind kind;
  gboolean y_log;
} LvPlotSummaryModel;

void     lv_plot_summary_draw       (cairo_t                  *cr,
                                     const LvPlotSummaryModel *model,
                                     double                    width,
                                     double                    height);
gboolean lv_plot_summary_get_layout (const LvPlotSummaryModel *model,
                                     double                    width,
                                     double                    height,
                                     LvPlotLayout             *layout);
gboolean lv_plot_summary_write_csv  (const LvPlotSummaryModel *model,
                                     const char               *path,
                                     GError                  **error);

G_END_DECLS
