/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot-heatmap.h>

#include "lv-plot-private.h"

/*
 * Marching squares. Each grid cell (four neighbouring grid points) is classified by which corners
 * lie above the level; the level crosses the cell's edges where the sign changes, at the point
 * found by linear interpolation along the edge. Two crossings make one segment; four (a saddle)
 * are paired using the cell-centre average, the usual way to resolve the ambiguity. Cells with a
 * non-finite corner produce nothing.
 */

static void
add_segment (GArray *out,
             double  x0,
             double  y0,
             double  x1,
             double  y1)
{
  double seg[4] = { x0, y0, x1, y1 };

  g_array_append_vals (out, seg, 4);
}

/**
 * lv_plot_contour_segments:
 * @values: (array): @nx × @ny grid values, row-major, one row per y
 * @nx: grid points along x (≥ 2)
 * @ny: grid points along y (≥ 2)
 * @x_min: x of the first column
 * @x_max: x of the last column
 * @y_min: y of the first row
 * @y_max: y of the last row
 * @level: the contour level
 *
 * Computes the contour line of a gridded function at @level as line segments in data
 * coordinates, linearly interpolated along cell edges.
 *
 * Returns: (transfer full) (element-type double): 4 doubles per segment (x0, y0, x1, y1)
 */
GArray *
lv_plot_contour_segments (const double *values,
                          guint         nx,
                          guint         ny,
                          double        x_min,
                          double        x_max,
                          double        y_min,
                          double        y_max,
                          double        level)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  double dx, dy;

  if (values == NULL || nx < 2 || ny < 2 || !isfinite (level))
    return out;
  dx = (x_max - x_min) / (nx - 1);
  dy = (y_max - y_min) / (ny - 1);
  for (guint j = 0; j + 1 < ny; j++)
    for (guint i = 0; i + 1 < nx; i++)
      {
        /* Corners counter-clockwise from bottom-left: (i,j) (i+1,j) (i+1,j+1) (i,j+1). */
        double v[4] = { values[j * nx + i], values[j * nx + i + 1],
                        values[(j + 1) * nx + i + 1], values[(j + 1) * nx + i] };
        double cx[4] = { x_min + i * dx, x_min + (i + 1) * dx, x_min + (i + 1) * dx,
                         x_min + i * dx };
        double cy[4] = { y_min + j * dy, y_min + j * dy, y_min + (j + 1) * dy,
                         y_min + (j + 1) * dy };
        double px[4], py[4];
        int n = 0;
        gboolean finite = TRUE;

        for (int c = 0; c < 4; c++)
          finite = finite && isfinite (v[c]);
        if (!finite)
          continue;
        /* Edge e joins corner e and corner e+1. */
        for (int e = 0; e < 4; e++)
          {
            double a = v[e], b = v[(e + 1) % 4];

            if ((a >= level) != (b >= level))
              {
                double t = (level - a) / (b - a);

                px[n] = cx[e] + t * (cx[(e + 1) % 4] - cx[e]);
                py[n] = cy[e] + t * (cy[(e + 1) % 4] - cy[e]);
                n++;
              }
          }
        if (n == 2)
          add_segment (out, px[0], py[0], px[1], py[1]);
        else if (n == 4)
          {
            double centre = 0.25 * (v[0] + v[1] + v[2] + v[3]);
            gboolean corner0_above = v[0] >= level;

            /* If the centre is on corner 0's side, corner 0 and corner 2 are connected through
             * the centre, so the curves cut off corners 1 and 3: pair edges (0,1) and (2,3).
             * Otherwise they cut off corners 0 and 2: pair edges (3,0) and (1,2). */
            if ((centre >= level) == corner0_above)
              {
                add_segment (out, px[0], py[0], px[1], py[1]);
                add_segment (out, px[2], py[2], px[3], py[3]);
              }
            else
              {
                add_segment (out, px[3], py[3], px[0], py[0]);
                add_segment (out, px[1], py[1], px[2], py[2]);
              }
          }
      }
  return out;
}
