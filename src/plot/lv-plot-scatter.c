/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include "lv-plot-scatter-private.h"

gboolean
lv_plot_scatter_point_ok (const LvPlotScatterModel *m,
                          double                    x,
                          double                    y)
{
  return isfinite (x) && isfinite (y) && (!m->x_log || x > 0) && (!m->y_log || y > 0);
}

/* FALSE when no series has a drawable point. */
static gboolean
frame_setup (LvPlotFrame   *f,
             gconstpointer  model)
{
  const LvPlotScatterModel *m = model;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;

  if (m->series == NULL)
    return FALSE;

  for (gsize s = 0; s < m->n_series; s++)
    for (gsize i = 0; m->series[s].x != NULL && m->series[s].y != NULL && i < m->series[s].n; i++)
      {
        double x = m->series[s].x[i], y = m->series[s].y[i];

        if (!lv_plot_scatter_point_ok (m, x, y))
          continue;
        xlo = MIN (xlo, x);
        xhi = MAX (xhi, x);
        ylo = MIN (ylo, y);
        yhi = MAX (yhi, y);
      }
  if (!isfinite (xlo))
    return FALSE;
  lv_plot_axis_init (&f->x, xlo, xhi, m->x_log, 0.05, (guint) CLAMP (f->width / (6 * f->fs), 3, 8));
  lv_plot_axis_init (&f->y, ylo, yhi, m->y_log, 0.05, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  if (m->y_integer)
    lv_plot_axis_make_integer (&f->y, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  for (gsize s = 0; s < m->n_series; s++)
    {
      const LvPlotScatterSeries *se = &m->series[s];
      const char *label = se->label != NULL ? se->label : "";
      double r = m->show_pearson ? lv_plot_pearson (se->x, se->y, se->n) : NAN;
      char *text;

      if (m->show_pearson && isfinite (r))
        text = g_strdup_printf ("%s  r = %s%.2f", label, r < 0 ? "−" : "", fabs (r));
      else if (m->show_pearson)
        text = g_strdup_printf ("%s  r = –", label);
      else
        text = g_strdup (label);
      lv_plot_frame_add_legend (f, text, lv_plot_series_color (f->theme, se->color, (guint) s),
                                LV_PLOT_KEY_POINT, LV_PLOT_LINE_SOLID);
    }
  lv_plot_frame_layout (f, 0);
  return TRUE;
}

static double
marker_radius (const LvPlotFrame *f)
{
  /* Grows with the font only: fs already carries the presentation scale, and multiplying by
   * the line scale too made projector markers blobs that hid each other. */
  return 0.25 * f->fs * MIN (f->lw, 1.5);
}

/* SVG, PDF and PS get true circles (a vector file must stay vector); pixels and the GTK
 * snapshot's recording surface get stamped markers (lv-plot-scatter-stamp.c). */
static gboolean
is_vector_target (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SCRIPT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* One path of circles, filled once: exact, for vector files. */
static void
draw_markers_path (LvPlotFrame *f, const LvPlotScatterModel *model,
                   const LvPlotScatterSeries *se, double r, LvPlotRgba color)
{
  cairo_t *cr = f->cr;

  for (gsize i = 0; se->x != NULL && se->y != NULL && i < se->n; i++)
    {
      if (!lv_plot_scatter_point_ok (model, se->x[i], se->y[i]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, lv_plot_frame_x (f, se->x[i]), lv_plot_frame_y (f, se->y[i]), r, 0,
                 2 * G_PI);
    }
  lv_plot_set_source (cr, color);
  cairo_fill (cr);
}

/**
 * lv_plot_scatter_draw:
 * @cr: the Cairo context
 * @model: the scatter model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws a scatter plot: one colour per series, translucent dots, optional y = x line, Pearson r
 * per series in the legend.
 */
void
lv_plot_scatter_draw (cairo_t                  *cr,
                      const LvPlotScatterModel *model,
                      double                    width,
                      double                    height)
{
  LvPlotFrame f;
  double r;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_frame_begin (&f, cr, &model->common, width, height, frame_setup, model))
    return;
  if (model->diagonal)
    {
      double lo = MAX (f.x.lo, f.y.lo), hi = MIN (f.x.hi, f.y.hi);

      if (lo < hi)
        {
          lv_plot_set_source (cr, f.theme->muted);
          lv_plot_set_dash (cr, LV_PLOT_LINE_DASHED, 1.0 * f.lw);
          cairo_move_to (cr, lv_plot_frame_x (&f, lo), lv_plot_frame_y (&f, lo));
          cairo_line_to (cr, lv_plot_frame_x (&f, hi), lv_plot_frame_y (&f, hi));
          cairo_stroke (cr);
        }
    }
  r = marker_radius (&f);
  if (is_vector_target (cr))
    for (gsize s = 0; s < model->n_series; s++)
      draw_markers_path (&f, model, &model->series[s], r,
                         lv_plot_rgba_with_alpha (lv_plot_series_color (f.theme,
                                                                        model->series[s].color,
                                                                        (guint) s), 0.75));
  else
    lv_plot_scatter_stamp_markers (&f, model, r);
  cairo_restore (cr);
  lv_plot_frame_end (&f);
}

/**
 * lv_plot_scatter_get_layout:
 * @model: the scatter model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the data went
 *
 * Returns: %FALSE for an empty model
 */
gboolean
lv_plot_scatter_get_layout (const LvPlotScatterModel *model,
                            double                    width,
                            double                    height,
                            LvPlotLayout             *layout)
{
  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  return lv_plot_frame_measure (&model->common, width, height, frame_setup, model, layout);
}

/**
 * lv_plot_scatter_hit_test:
 * @model: the scatter model
 * @width: figure width the model is drawn at
 * @height: figure height
 * @x: pointer x
 * @y: pointer y
 * @hit: (out caller-allocates): the nearest point's series and index
 *
 * Finds the point nearest to the pointer within a few marker radii (later series win ties,
 * as they are drawn on top).
 *
 * Returns: %TRUE if a point is close enough
 */
gboolean
lv_plot_scatter_hit_test (const LvPlotScatterModel *model,
                          double                    width,
                          double                    height,
                          double                    x,
                          double                    y,
                          LvPlotScatterHit         *hit)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  double best, reach;
  gboolean found = FALSE;

  g_return_val_if_fail (model != NULL && hit != NULL, FALSE);
  if (!lv_plot_size_ok (width, height) || model->series == NULL)
    return FALSE;
  cr = lv_plot_measure_context ();
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  if (!frame_setup (&f, model))
    {
      lv_plot_frame_clear (&f);
      return FALSE;
    }
  reach = MAX (3.0 * marker_radius (&f), 6.0);
  best = reach * reach;
  for (gsize s = 0; s < model->n_series; s++)
    {
      const LvPlotScatterSeries *se = &model->series[s];

      for (gsize i = 0; se->x != NULL && se->y != NULL && i < se->n; i++)
        {
          double dx, dy;

          if (!lv_plot_scatter_point_ok (model, se->x[i], se->y[i]))
            continue;
          dx = lv_plot_frame_x (&f, se->x[i]) - x;
          dy = lv_plot_frame_y (&f, se->y[i]) - y;
          if (dx * dx + dy * dy <= best)
            {
              best = dx * dx + dy * dy;
              *hit = (LvPlotScatterHit) { (guint) s, i, se->x[i], se->y[i] };
              found = TRUE;
            }
        }
    }
  lv_plot_frame_clear (&f);
  return found;
}

/**
 * lv_plot_scatter_write_csv:
 * @model: the scatter model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes one row per point: `series,label,index,x,y`.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_scatter_write_csv (const LvPlotScatterModel *model,
                           const char               *path,
                           GError                  **error)
{
  g_autoptr(GString) out = g_string_new ("series,label,index,x,y\n");

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  for (gsize s = 0; s < model->n_series; s++)
    {
      const LvPlotScatterSeries *se = &model->series[s];

      for (gsize i = 0; se->x != NULL && se->y != NULL && i < se->n; i++)
        {
          g_string_append_printf (out, "%" G_GSIZE_FORMAT ",", s);
          lv_plot_csv_field (out, se->label);
          g_string_append_printf (out, ",%" G_GSIZE_FORMAT ",", i);
          lv_plot_csv_double (out, se->x[i]);
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, se->y[i]);
          g_string_append_c (out, '\n');
        }
    }
  return lv_plot_csv_finish (out, path, error);
}
