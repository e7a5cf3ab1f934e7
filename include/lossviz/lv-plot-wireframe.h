/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotWireframe:
 * @heatmap: the slice to draw (values, extents, colormap, log colour, title, theme)
 * @azimuth: rotation about the vertical axis, radians
 * @elevation: tilt of the view above the (α, β) plane, radians
 *
 * A 3-D surface view of a loss slice: the heatmap's grid as shaded quadrilaterals under an
 * orthographic projection, drawn back to front (painter's algorithm).
 */
typedef struct
{
  const LvPlotHeatmapModel *heatmap;
  double azimuth;
  double elevation;
} LvPlotWireframe;

void lv_plot_wireframe_draw (cairo_t                    *cr,
                                  const LvPlotWireframe *model,
                                  double                      width,
                                  double                      height);

G_END_DECLS
