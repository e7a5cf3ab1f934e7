/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot-lines.h>

#include "lv-plot-private.h"

static gboolean
point_ok (const LvPlotLinesModel *m,
          double                  x,
          double                  y)
{
  return isfinite (x) && isfinite (y) && (!m->x_log || x > 0) && (!m->y_log || y > 0);
}

static void
extend (double *lo,
        double *hi,
        double  v)
{
  *lo = MIN (*lo, v);
  *hi = MAX (*hi, v);
}

/* FALSE when there is nothing to draw. Reference lines and markers count as data for the range,
 * so "the level 1" stays in view even when every curve is far below it. */
static gboolean
frame_setup (LvPlotFrame   *f,
             gconstpointer  model)
{
  const LvPlotLinesModel *m = model;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  gboolean any = FALSE;

  for (gsize c = 0; m->curves != NULL && c < m->n_curves; c++)
    for (gsize i = 0; m->curves[c].x != NULL && m->curves[c].y != NULL && i < m->curves[c].n; i++)
      if (point_ok (m, m->curves[c].x[i], m->curves[c].y[i]))
        {
          extend (&xlo, &xhi, m->curves[c].x[i]);
          extend (&ylo, &yhi, m->curves[c].y[i]);
          any = TRUE;
        }
  for (gsize i = 0; m->points != NULL && i < m->n_points; i++)
    if (point_ok (m, m->points[i].x, m->points[i].y))
      {
        extend (&xlo, &xhi, m->points[i].x);
        extend (&ylo, &yhi, m->points[i].y);
        any = TRUE;
      }
  if (!any)
    return FALSE;
  for (gsize i = 0; m->hlines != NULL && i < m->n_hlines; i++)
    if (point_ok (m, xlo, m->hlines[i].value))
      extend (&ylo, &yhi, m->hlines[i].value);
  for (gsize i = 0; m->vlines != NULL && i < m->n_vlines; i++)
    if (point_ok (m, m->vlines[i].value, ylo))
      extend (&xlo, &xhi, m->vlines[i].value);
  if (m->x_fixed && isfinite (m->x_min) && isfinite (m->x_max) && m->x_max > m->x_min
      && (!m->x_log || m->x_min > 0))
    lv_plot_axis_init (&f->x, m->x_min, m->x_max, m->x_log, 0, (guint) CLAMP (f->width / (6 * f->fs), 3, 9));
  else
    lv_plot_axis_init (&f->x, xlo, xhi, m->x_log, 0.02, (guint) CLAMP (f->width / (6 * f->fs), 3, 9));
  if (m->y_fixed && isfinite (m->y_min) && isfinite (m->y_max) && m->y_max > m->y_min
      && (!m->y_log || m->y_min > 0))
    lv_plot_axis_init (&f->y, m->y_min, m->y_max, m->y_log, 0, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  else
    lv_plot_axis_init (&f->y, ylo, yhi, m->y_log, 0.05, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  for (gsize c = 0; m->curves != NULL && c < m->n_curves; c++)
    if (m->curves[c].label != NULL)
      lv_plot_frame_add_legend (f, g_strdup (m->curves[c].label),
                                lv_plot_series_color (f->theme, m->curves[c].color, (guint) c),
                                LV_PLOT_KEY_LINE, m->curves[c].style);
  lv_plot_frame_layout (f, 0);
  return TRUE;
}

static void
draw_curve (LvPlotFrame            *f,
            const LvPlotLinesModel *m,
            const LvPlotCurve      *curve,
            guint                   position)
{
  cairo_t *cr = f->cr;
  LvPlotRgba color = lv_plot_series_color (f->theme, curve->color, position);
  gboolean pen_down = FALSE;

  if (curve->x == NULL || curve->y == NULL)
    return;
  cairo_new_path (cr);
  for (gsize i = 0; i < curve->n; i++)
    {
      /* A non-finite point lifts the pen: the curve has a gap there, never a spike. */
      if (!point_ok (m, curve->x[i], curve->y[i]))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, lv_plot_frame_x (f, curve->x[i]), lv_plot_frame_y (f, curve->y[i]));
      else
        cairo_move_to (cr, lv_plot_frame_x (f, curve->x[i]), lv_plot_frame_y (f, curve->y[i]));
      pen_down = TRUE;
    }
  lv_plot_set_source (cr, color);
  lv_plot_set_dash (cr, curve->style, 1.8 * f->lw);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  if (!curve->show_points)
    return;
  for (gsize i = 0; i < curve->n; i++)
    if (point_ok (m, curve->x[i], curve->y[i]))
      {
        cairo_new_sub_path (cr);
        cairo_arc (cr, lv_plot_frame_x (f, curve->x[i]), lv_plot_frame_y (f, curve->y[i]),
                   0.22 * f->fs * f->lw, 0, 2 * G_PI);
      }
  cairo_fill (cr);
}

/**
 * lv_plot_lines_draw:
 * @cr: the Cairo context
 * @model: the line-plot model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws curves with optional dots, labelled point markers and horizontal/vertical reference
 * lines, on linear or log axes.
 */
void
lv_plot_lines_draw (cairo_t                *cr,
                    const LvPlotLinesModel *model,
                    double                  width,
                    double                  height)
{
  LvPlotFrame f;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_frame_begin (&f, cr, &model->common, width, height, frame_setup, model))
    return;
  for (gsize c = 0; model->curves != NULL && c < model->n_curves; c++)
    draw_curve (&f, model, &model->curves[c], (guint) c);
  cairo_restore (cr);
  lv_plot_frame_draw_refs (&f, NULL, 0, model->vlines, model->vlines != NULL ? model->n_vlines : 0,
                           model->hlines, model->hlines != NULL ? model->n_hlines : 0);
  lv_plot_frame_draw_points (&f, model->points, model->points != NULL ? model->n_points : 0);
  lv_plot_frame_end (&f);
}

/**
 * lv_plot_lines_get_layout:
 * @model: the line-plot model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the data went
 *
 * Returns: %FALSE for an empty model
 */
gboolean
lv_plot_lines_get_layout (const LvPlotLinesModel *model,
                          double                  width,
                          double                  height,
                          LvPlotLayout           *layout)
{
  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  return lv_plot_frame_measure (&model->common, width, height, frame_setup, model, layout);
}

/**
 * lv_plot_lines_write_csv:
 * @model: the line-plot model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes one row per curve point, `curve,label,x,y`, then one per marker (curve column
 * "point").
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_lines_write_csv (const LvPlotLinesModel *model,
                         const char             *path,
                         GError                **error)
{
  g_autoptr(GString) out = g_string_new ("curve,label,x,y\n");

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  for (gsize c = 0; model->curves != NULL && c < model->n_curves; c++)
    {
      const LvPlotCurve *cu = &model->curves[c];

      for (gsize i = 0; cu->x != NULL && cu->y != NULL && i < cu->n; i++)
        {
          g_string_append_printf (out, "%" G_GSIZE_FORMAT ",", c);
          lv_plot_csv_field (out, cu->label);
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, cu->x[i]);
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, cu->y[i]);
          g_string_append_c (out, '\n');
        }
    }
  for (gsize i = 0; model->points != NULL && i < model->n_points; i++)
    {
      g_string_append (out, "point,");
      lv_plot_csv_field (out, model->points[i].label);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, model->points[i].x);
      g_string_append_c (out, ',');
      lv_plot_csv_double (out, model->points[i].y);
      g_string_append_c (out, '\n');
    }
  return lv_plot_csv_finish (out, path, error);
}
