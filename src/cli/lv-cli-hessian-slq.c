/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "lv-cli-common.h"
#include "lv-cli-hessian-slq.h"

#include <lossviz/lv-plot-hessian-density.h>

/* "density": {"sigma", "grid", "values" (density), "weights" (density × spacing)}, then the
 * per-probe quadratures "nodes" and "node_weights" (arrays of arrays) and the SLQ trace. */
void
lv_cli_hessian_slq_json (JsonBuilder *b, const LvHessianSlq *slq, double sigma, guint n_grid)
{
  g_autofree double *grid = g_new (double, n_grid), *values = g_new (double, n_grid);
  g_autofree double *weights = g_new (double, n_grid);

  lv_hessian_slq_density (slq, sigma, n_grid, grid, values);
  for (guint g = 0; g < n_grid; g++)
    weights[g] = values[g] * (grid[n_grid - 1] - grid[0]) / (n_grid - 1);
  json_builder_set_member_name (b, "probes");
  json_builder_add_int_value (b, slq->n_probes);
  json_builder_set_member_name (b, "lanczos_steps");
  json_builder_add_int_value (b, slq->steps);
  json_builder_set_member_name (b, "density");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "sigma", sigma);
  lv_cli_add_double_array (b, "grid", grid, n_grid);
  lv_cli_add_double_array (b, "values", values, n_grid);
  lv_cli_add_double_array (b, "weights", weights, n_grid);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint k = 0; k < slq->n_probes; k++)
    {
      json_builder_begin_array (b);
      for (guint j = 0; j < slq->n_nodes[k]; j++)
        json_builder_add_double_value (b, slq->nodes[(gsize) k * slq->steps + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "node_weights");
  json_builder_begin_array (b);
  for (guint k = 0; k < slq->n_probes; k++)
    {
      json_builder_begin_array (b);
      for (guint j = 0; j < slq->n_nodes[k]; j++)
        json_builder_add_double_value (b, slq->node_weights[(gsize) k * slq->steps + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  lv_cli_add_double (b, "min_eigenvalue", slq->min_eigenvalue);
  lv_cli_add_double (b, "max_eigenvalue", slq->max_eigenvalue);
  json_builder_set_member_name (b, "slq_trace");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "estimate", slq->trace);
  lv_cli_add_double (b, "std_error", slq->trace_std_error);
  json_builder_end_object (b);
}

void
lv_cli_hessian_slq_text (const LvHessianSlq *slq)
{
  printf ("SLQ of %" G_GSIZE_FORMAT " parameters: %u probes × %u Lanczos steps\n", slq->n_params,
          slq->n_probes, slq->steps);
  printf ("eigenvalues in about [%.6g, %.6g]; trace %.6g ± %.2g (SLQ)\n", slq->min_eigenvalue,
          slq->max_eigenvalue, slq->trace, slq->trace_std_error);
}

void
lv_cli_hessian_trace_json (JsonBuilder *b, const LvHessianTrace *trace)
{
  json_builder_set_member_name (b, "trace");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "estimate", trace->estimate);
  lv_cli_add_double (b, "std_error", trace->std_error);
  json_builder_set_member_name (b, "probes");
  json_builder_add_int_value (b, trace->n_probes);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "hutchinson");
  json_builder_end_object (b);
}

void
lv_cli_hessian_trace_text (const LvHessianTrace *trace)
{
  printf ("trace %.6g ± %.2g (Hutchinson, %u probes)\n", trace->estimate, trace->std_error,
          trace->n_probes);
}

gboolean
lv_cli_hessian_slq_plot (const LvHessianSlq *slq, double sigma, guint n_grid, const char *path,
                         GError **error)
{
  g_autofree double *grid = g_new (double, n_grid), *values = g_new (double, n_grid);
  g_autofree char *caption = NULL;
  g_autoptr(LvPlotHessianDensity) fig = NULL;

  lv_hessian_slq_density (slq, sigma, n_grid, grid, values);
  caption = g_strdup_printf ("Stochastic Lanczos quadrature: %u probes × %u Lanczos steps, "
                             "%" G_GSIZE_FORMAT " parameters, Gaussian smoothing σ = %.3g.",
                             slq->n_probes, slq->steps, slq->n_params, sigma);
  fig = lv_plot_hessian_density_new (grid, values, n_grid, caption, NULL);
  return lv_plot_export ((LvPlotDrawFunc) lv_plot_lines_draw,
                         lv_plot_hessian_density_get_model (fig), path, 900, 600, 96, error);
}
