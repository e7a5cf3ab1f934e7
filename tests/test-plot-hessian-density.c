/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <cairo.h>

#include <lossviz/lv-plot-hessian-density.h>

#include "lv-test-util.h"

/* The density figure: a log y axis whose floor is 1e-8 of the peak (zeros and underflowed
 * tails are held there, non-finite values stay gaps), a λ = 0 line only when the grid spans
 * zero, and it draws; `hessian --method slq --plot` writes a PNG. */

static void
test_model (void)
{
  const double grid[5] = { -1, 0.5, 1, 2, 3 };
  const double dens[5] = { 0.0, 2.0, 1e-20, NAN, 0.5 };
  g_autoptr(LvPlotHessianDensity) fig = lv_plot_hessian_density_new (grid, dens, 5, "c", NULL);
  const LvPlotLinesModel *m = lv_plot_hessian_density_get_model (fig);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 400);
  cairo_t *cr = cairo_create (surface);

  g_assert_true (m->y_log);
  g_assert_cmpuint (m->n_curves, ==, 1);
  g_assert_cmpfloat (lv_plot_hessian_density_floor (fig), ==, 2e-8);
  g_assert_cmpfloat (m->curves[0].y[0], ==, 2e-8);
  g_assert_cmpfloat (m->curves[0].y[1], ==, 2.0);
  g_assert_cmpfloat (m->curves[0].y[2], ==, 2e-8);
  g_assert_true (isnan (m->curves[0].y[3]));
  g_assert_cmpfloat (m->y_min, ==, 2e-8);
  g_assert_cmpfloat (m->y_max, ==, 4.0);
  g_assert_cmpuint (m->n_vlines, ==, 1);
  lv_plot_lines_draw (cr, m, 600, 400);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_cli_plot (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "density.png", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_auto(LvCliResult) r = { 0 }, bad = { 0 };

  lv_test_run_cli (&r, "hessian", "--dataset", "digits", "--hidden", "3", "--epochs", "1",
                   "--method", "slq", "--probes", "2", "--steps", "20", "--plot", png, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_true (g_file_get_contents (png, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpmem (bytes, 4, "\x89PNG", 4);
  lv_test_run_cli (&bad, "hessian", "--method", "full", "--plot", png, NULL);
  lv_test_assert_bad_input (&bad, "--plot");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/plot-hessian-density/model", test_model);
  g_test_add_func ("/lossviz/plot-hessian-density/cli-plot", test_cli_plot);
  return g_test_run ();
}
