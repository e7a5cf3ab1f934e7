/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot-summary.h>

#include "lv-plot-private.h"

typedef struct
{
  const char **labels;
} Extra;

static gboolean
row_ok (const LvPlotSummaryModel *m,
        const LvPlotSummaryRow   *r)
{
  if (m->kind == LV_PLOT_SUMMARY_SPREAD)
    return isfinite (r->size) && r->size > 0 && isfinite (r->std) && (!m->y_log || r->std > 0);
  return isfinite (r->mean);
}

static gboolean
frame_setup (LvPlotFrame              *f,
             const LvPlotSummaryModel *m,
             Extra                    *extra)
{
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  gboolean spread = m->kind == LV_PLOT_SUMMARY_SPREAD;

  for (gsize i = 0; i < m->n_rows; i++)
    {
      const LvPlotSummaryRow *r = &m->rows[i];
      double s = isfinite (r->std) ? r->std : 0;

      if (!row_ok (m, r))
        continue;
      xlo = MIN (xlo, r->size);
      xhi = MAX (xhi, r->size);
      ylo = MIN (ylo, spread ? r->std : r->mean - s);
      yhi = MAX (yhi, spread ? r->std : r->mean + s);
    }
  if (!isfinite (ylo))
    return FALSE;
  if (spread)
    {
      lv_plot_axis_init (&f->x, xlo, xhi, TRUE, 0.06, (guint) CLAMP (f->width / (6 * f->fs), 3, 8));
      /* The spread shrinking towards zero is the message: keep zero in view on a linear axis. */
      lv_plot_axis_init (&f->y, m->y_log ? ylo : MIN (0.0, ylo), yhi, m->y_log, 0.06,
                         (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
      if (f->y_label == NULL)
        f->y_label = "std of final loss";
    }
  else
    {
      extra->labels = g_new0 (const char *, MAX (m->n_rows, 1));
      for (gsize i = 0; i < m->n_rows; i++)
        extra->labels[i] = m->rows[i].label;
      lv_plot_axis_init_categorical (&f->x, extra->labels, (guint) m->n_rows);
      lv_plot_axis_init (&f->y, ylo, yhi, FALSE, 0.08,
                         (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
      if (f->y_label == NULL)
        f->y_label = "final loss (mean ± std)";
    }
  lv_plot_frame_layout (f, 0);
  return TRUE;
}

/* Spread panel: the line joining the drawable rows' std against size. */
static void
draw_spread_line (cairo_t *cr, const LvPlotFrame *f, const LvPlotSummaryModel *model)
{
  gboolean pen = FALSE;

  lv_plot_set_source (cr, f->theme->muted);
  cairo_set_line_width (cr, 1.2 * f->lw);
  for (gsize i = 0; i < model->n_rows; i++)
    {
      const LvPlotSummaryRow *row = &model->rows[i];

      if (!row_ok (model, row))
        continue;
      if (pen)
        cairo_line_to (cr, lv_plot_frame_x (f, row->size), lv_plot_frame_y (f, row->std));
      else
        cairo_move_to (cr, lv_plot_frame_x (f, row->size), lv_plot_frame_y (f, row->std));
      pen = TRUE;
    }
  cairo_stroke (cr);
}

/* Mean ± std strip: the ±std bar of row @row at x, with caps of half-width @cap. */
static void
draw_error_bar (cairo_t *cr, const LvPlotFrame *f, const LvPlotSummaryRow *row, double x,
                double cap)
{
  double y0 = lv_plot_frame_y (f, row->mean - row->std);
  double y1 = lv_plot_frame_y (f, row->mean + row->std);

  cairo_set_line_width (cr, 1.8 * f->lw);
  cairo_move_to (cr, x, y0);
  cairo_line_to (cr, x, y1);
  cairo_move_to (cr, x - cap, y0);
  cairo_line_to (cr, x + cap, y0);
  cairo_move_to (cr, x - cap, y1);
  cairo_line_to (cr, x + cap, y1);
  cairo_stroke (cr);
}

/* One dot per drawable row (with its ±std bar on the mean ± std strip). */
static void
draw_rows (cairo_t *cr, const LvPlotFrame *f, const LvPlotSummaryModel *model)
{
  double r = 0.3 * f->fs * MIN (f->lw, 1.5); /* projector dots leave the error bars visible (issue 15) */
  double cap = 0.35 * f->fs;

  for (gsize i = 0; i < model->n_rows; i++)
    {
      const LvPlotSummaryRow *row = &model->rows[i];
      LvPlotRgba color = lv_plot_series_color (f->theme, row->color, (guint) i);
      double x, y;

      if (!row_ok (model, row))
        continue;
      lv_plot_set_source (cr, color);
      if (model->kind == LV_PLOT_SUMMARY_SPREAD)
        {
          x = lv_plot_frame_x (f, row->size);
          y = lv_plot_frame_y (f, row->std);
        }
      else
        {
          x = lv_plot_frame_x (f, (double) i);
          y = lv_plot_frame_y (f, row->mean);
          if (isfinite (row->std) && row->std > 0)
            draw_error_bar (cr, f, row, x, cap);
        }
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/**
 * lv_plot_summary_draw:
 * @cr: the Cairo context
 * @model: the summary model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws the mean ± std strip (a dot with a ±std bar per size) or the spread-vs-size panel
 * (std against size on a log axis, joined by a line).
 */
void
lv_plot_summary_draw (cairo_t                  *cr,
                      const LvPlotSummaryModel *model,
                      double                    width,
                      double                    height)
{
  LvPlotFrame f;
  Extra extra = { NULL };

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_size_ok (width, height))
    return;
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  if (model->rows == NULL || !frame_setup (&f, model, &extra))
    {
      lv_plot_frame_clear (&f);
      g_free (extra.labels);
      lv_plot_draw_empty (cr, &model->common, width, height);
      return;
    }
  cairo_save (cr);
  lv_plot_frame_draw_back (&f);
  lv_plot_frame_draw_grid (&f);
  if (model->kind == LV_PLOT_SUMMARY_SPREAD)
    draw_spread_line (cr, &f, model);
  draw_rows (cr, &f, model);
  lv_plot_frame_draw_axes (&f);
  lv_plot_frame_clear (&f);
  g_free (extra.labels);
  cairo_restore (cr);
}

/**
 * lv_plot_summary_get_layout:
 * @model: the summary model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the data went (mean ± std: row i at x = i)
 *
 * Returns: %FALSE for an empty model
 */
gboolean
lv_plot_summary_get_layout (const LvPlotSummaryModel *model,
                            double                    width,
                            double                    height,
                            LvPlotLayout             *layout)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  Extra extra = { NULL };
  gboolean ok;

  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  if (!lv_plot_size_ok (width, height) || model->rows == NULL)
    return FALSE;
  cr = lv_plot_measure_context ();
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  ok = frame_setup (&f, model, &extra);
  if (ok)
    lv_plot_frame_get_layout (&f, layout);
  lv_plot_frame_clear (&f);
  g_free (extra.labels);
  return ok;
}

/**
 * lv_plot_summary_write_csv:
 * @model: the summary model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes one row per size: `label,size,mean,std,n`.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_summary_write_csv (const LvPlotSummaryModel *model,
                           const char               *path,
                           GError                  **error)
{
  g_autoptr(GString) out = g_string_new ("label,size,mean,std,n\n");

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  for (gsize i = 0; model->rows != NULL && i < model->n_rows; i++)
    {
      const LvPlotSummaryRow *r = &model->rows[i];

      lv_plot_csv_field (out, r->label);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, r->size);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, r->mean);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, r->std);
      g_string_append_printf (out, ",%u\n", r->n);
    }
  return lv_plot_csv_finish (out, path, error);
}
