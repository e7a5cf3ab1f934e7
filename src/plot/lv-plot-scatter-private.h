/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the scatter renderer and its stamped markers (lv-plot-scatter-stamp.c). */

#include <lossviz/lv-plot-scatter.h>

#include "lv-plot-private.h"

G_BEGIN_DECLS

gboolean lv_plot_scatter_point_ok      (const LvPlotScatterModel *model,
                                        double                    x,
                                        double                    y);
void     lv_plot_scatter_stamp_markers (LvPlotFrame              *frame,
                                        const LvPlotScatterModel *model,
                                        double                    r);

G_END_DECLS
