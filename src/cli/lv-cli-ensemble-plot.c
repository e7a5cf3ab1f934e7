/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-plot-ensemble.h>
#include <lossviz/lv-plot-histogram.h>
#include <lossviz/lv-plot-scatter.h>
#include <lossviz/lv-plot-summary.h>

#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-validate.h"

/* The views `render --view` and `ensemble --plot` can draw, as (name, what). */
static const char *const view_names[] = { "figure", "histogram", "mean-std", "spread",
                                          "scatter" };

gboolean
lv_cli_ensemble_view_is_valid (const char *view)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    if (g_strcmp0 (view, view_names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The figure model of one view, from the builders the app uses too. */
static gconstpointer
view_model (LvPlotEnsemble *fig, const char *view, LvPlotDrawFunc *draw)
{
  if (g_strcmp0 (view, "histogram") == 0)
    {
      *draw = (LvPlotDrawFunc) lv_plot_histogram_draw;
      return lv_plot_ensemble_get_histogram (fig);
    }
  if (g_strcmp0 (view, "mean-std") == 0)
    {
      *draw = (LvPlotDrawFunc) lv_plot_summary_draw;
      return lv_plot_ensemble_get_mean_std (fig);
    }
  if (g_strcmp0 (view, "spread") == 0)
    {
      *draw = (LvPlotDrawFunc) lv_plot_summary_draw;
      return lv_plot_ensemble_get_spread (fig);
    }
  if (g_strcmp0 (view, "scatter") == 0)
    {
      *draw = (LvPlotDrawFunc) lv_plot_scatter_draw;
      return lv_plot_ensemble_get_scatter (fig);
    }
  *draw = (LvPlotDrawFunc) lv_plot_grid_draw;
  return lv_plot_ensemble_get_figure (fig);
}

/**
 * lv_cli_ensemble_plot:
 * @session: the experiment.
 * @view: one of figure, histogram, mean-std, spread, scatter (NULL: figure).
 * @path: FILE.png, FILE.svg or FILE.pdf.
 * @size: (nullable): "WxH" (px for PNG, pt for SVG/PDF); default 1200x800.
 * @error: return location for an error.
 *
 * Draws a view of an ensemble with the same renderers and models as the app.
 *
 * Returns: %TRUE when the file was written.
 */
gboolean
lv_cli_ensemble_plot (const LvSession *session, const char *view, const char *path,
                      const char *size, GError **error)
{
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  const LvEnsembleSnapshot *snapshots[1] = { session->snapshot };
  LvPlotDrawFunc draw;
  gconstpointer model;
  guint width = 1200, height = 800;

  if (view == NULL)
    view = "figure";
  if (!lv_cli_ensemble_view_is_valid (view))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--view: '%s' is not figure, histogram, mean-std, spread or scatter", view);
      return FALSE;
    }
  if (size != NULL && !lv_cli_parse_size (size, &width, &height, error))
    return FALSE;
  lv_plot_ensemble_update (fig, snapshots, 1);
  model = view_model (fig, view, &draw);
  return lv_plot_export (draw, model, path, width, height, 96, error);
}

/* Everything `ensemble` writes, checked before the data is loaded or a run trained. */
gboolean
lv_cli_ensemble_check_outputs (const char *dataset, const char *out, const char *plot,
                               const char *plot_size, GError **error)
{
  guint width, height;

  if (!lv_cli_check_utf8 ("--dataset", dataset, error) ||
      (out != NULL && !lv_cli_check_output ("--out", out, error)) ||
      (plot_size != NULL && !lv_cli_parse_size (plot_size, &width, &height, error)))
    return FALSE;
  return plot == NULL || lv_cli_check_figure_output ("--plot", plot, NULL, FALSE, error);
}
