/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Landscape page's GTK-free figures (src/plot): the slice landmarks and the 3-D surface. */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-landscape.h>
#include <lossviz/lv-plot-wireframe.h>

#include "lv-test-cairo.h"

/* A 5 × 5 grid over [−2, 2]² (coordinates −2, −1, 0, 1, 2) with its minimum at (i, j). */
static void
bowl (LvSliceGrid *grid, double *values, guint min_i, guint min_j)
{
  for (guint j = 0; j < 5; j++)
    for (guint i = 0; i < 5; i++)
      values[j * 5 + i] = 1.0 + (i - (double) min_i) * (i - (double) min_i) +
                          (j - (double) min_j) * (j - (double) min_j);
  *grid = (LvSliceGrid) { 5, 2.0, 1, values, NULL, NULL, NULL };
}

static void
test_landmarks (void)
{
  double values[25];
  LvSliceGrid grid;
  LvPlotPoint points[2];

  bowl (&grid, values, 2, 2);
  g_assert_cmpuint (lv_plot_slice_landmarks (&grid, "t", "m", "both", points), ==, 1);
  g_assert_cmpstr (points[0].label, ==, "both");
  g_assert_cmpfloat (points[0].x, ==, 0);
  bowl (&grid, values, 4, 1);       /* minimum at α = 2, β = −1 */
  g_assert_cmpuint (lv_plot_slice_landmarks (&grid, "t", "m", "both", points), ==, 2);
  g_assert_cmpstr (points[0].label, ==, "t");
  g_assert_cmpstr (points[1].label, ==, "m");
  g_assert_cmpfloat (points[1].x, ==, 2.0);
  g_assert_cmpfloat (points[1].y, ==, -1.0);
  /* A progressive grid (stride 2: only even indices computed) looks among computed points. */
  values[1 * 5 + 4] = NAN;
  grid.stride = 2;
  values[0 * 5 + 4] = 0.5;          /* (2, −2), computed, smaller than everything left */
  g_assert_cmpuint (lv_plot_slice_landmarks (&grid, "t", "m", "both", points), ==, 2);
  g_assert_cmpfloat (points[1].x, ==, 2.0);
  g_assert_cmpfloat (points[1].y, ==, -2.0);
}

/* The 3-D surface of a bowl with a hole (NAN) draws; an empty model draws only its text. */
static void
test_wireframe (void)
{
  double values[11 * 11];
  LvPlotHeatmapModel heatmap = { 0 };
  LvPlotWireframe model = { &heatmap, -0.6, 0.6 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 300);
  cairo_t *cr = cairo_create (surface);
  guint empty, full;

  heatmap.common.empty_text = "empty";
  lv_plot_wireframe_draw (cr, &model, 300, 300);
  empty = painted_pixels (surface);
  for (guint j = 0; j < 11; j++)
    for (guint i = 0; i < 11; i++)
      values[j * 11 + i] = 0.1 + (i - 5.0) * (i - 5.0) + (j - 5.0) * (j - 5.0);
  values[3] = NAN;
  heatmap.values = values;
  heatmap.nx = heatmap.ny = 11;
  heatmap.x_min = heatmap.y_min = -1;
  heatmap.x_max = heatmap.y_max = 1;
  heatmap.log_color = TRUE;
  lv_plot_wireframe_draw (cr, &model, 300, 300);
  full = painted_pixels (surface);
  /* The surface covers a good part of the figure, far more than the texts. */
  g_assert_cmpuint (full, >, empty + 300 * 300 / 10);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-landscape/landmarks", test_landmarks);
  g_test_add_func ("/plot-landscape/wireframe", test_wireframe);
  return g_test_run ();
}
