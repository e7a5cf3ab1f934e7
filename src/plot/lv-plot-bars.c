/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot-bars.h>

#include "lv-plot-private.h"

static guint
n_categories (const LvPlotBarsModel *m)
{
  gsize n = m->n_categories;

  if (n == 0)
    for (gsize s = 0; m->series != NULL && s < m->n_series; s++)
      n = MAX (n, m->series[s].n);
  return (guint) MIN (n, 100000);
}

static gboolean
frame_setup (LvPlotFrame   *f,
             gconstpointer  model)
{
  const LvPlotBarsModel *m = model;
  guint n = n_categories (m);
  double lo = 0, hi = 0;
  gboolean any = FALSE;

  for (gsize s = 0; m->series != NULL && s < m->n_series; s++)
    for (gsize i = 0; m->series[s].values != NULL && i < MIN (m->series[s].n, n); i++)
      if (isfinite (m->series[s].values[i]))
        {
          lo = MIN (lo, m->series[s].values[i]);
          hi = MAX (hi, m->series[s].values[i]);
          any = TRUE;
        }
  if (!any)
    return FALSE;
  for (gsize i = 0; m->hlines != NULL && i < m->n_hlines; i++)
    if (isfinite (m->hlines[i].value))
      {
        lo = MIN (lo, m->hlines[i].value);
        hi = MAX (hi, m->hlines[i].value);
      }
  lv_plot_axis_init_categorical (&f->x, m->categories, n);
  if (m->stem && m->categories == NULL && n > 12)
    {
      /* Long spectra: numeric index ticks instead of one label per stem. */
      lv_plot_axis_init (&f->x, 0.5, n + 0.5, FALSE, 0, (guint) CLAMP (f->width / (6 * f->fs), 3, 9));
      f->x.lo = -0.5;
      f->x.hi = n - 0.5;
      for (guint i = 0; i < f->x.n_ticks; i++)
        f->x.ticks[i] -= 1;   /* category i is drawn at x = i and labelled i + 1 */
      f->x.categorical = TRUE;
      f->x.cat_labels = NULL;
      f->x.n_cat = n;
      {
        guint k = 0;

        for (guint i = 0; i < f->x.n_ticks; i++)
          if (f->x.ticks[i] >= 0 && f->x.ticks[i] < n)
            f->x.ticks[k++] = f->x.ticks[i];
        f->x.n_ticks = k;
      }
    }
  if (m->y_fixed && isfinite (m->y_min) && isfinite (m->y_max) && m->y_max > m->y_min)
    lv_plot_axis_init (&f->y, m->y_min, m->y_max, FALSE, 0, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  else
    lv_plot_axis_init (&f->y, lo, hi, FALSE, 0.05, (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  for (gsize s = 0; m->series != NULL && s < m->n_series; s++)
    if (m->series[s].label != NULL)
      lv_plot_frame_add_legend (f, g_strdup (m->series[s].label),
                                lv_plot_series_color (f->theme, m->series[s].color, (guint) s),
                                m->stem ? LV_PLOT_KEY_POINT : LV_PLOT_KEY_BOX, LV_PLOT_LINE_SOLID);
  lv_plot_frame_layout (f, 0);
  return TRUE;
}

/**
 * lv_plot_bars_draw:
 * @cr: the Cairo context
 * @model: the bar-chart model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws grouped bars (or stems with dots) per category, with a zero line and optional
 * horizontal reference lines.
 */
void
lv_plot_bars_draw (cairo_t               *cr,
                   const LvPlotBarsModel *model,
                   double                 width,
                   double                 height)
{
  LvPlotFrame f;
  guint n;
  double group = 0.8, slot, y0;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_frame_begin (&f, cr, &model->common, width, height, frame_setup, model))
    return;
  n = n_categories (model);
  y0 = lv_plot_frame_y (&f, 0.0);
  slot = group / MAX (model->n_series, 1);
  for (gsize s = 0; s < model->n_series; s++)
    {
      const LvPlotBarSeries *se = &model->series[s];
      LvPlotRgba color = lv_plot_series_color (f.theme, se->color, (guint) s);

      lv_plot_set_source (cr, color);
      for (gsize i = 0; se->values != NULL && i < MIN (se->n, n); i++)
        {
          double v = se->values[i], xc, y;

          if (!isfinite (v))
            continue;
          xc = i - 0.5 * group + (s + 0.5) * slot;
          y = lv_plot_frame_y (&f, v);
          if (model->stem)
            {
              double x = lv_plot_frame_x (&f, xc);

              cairo_set_line_width (cr, 1.2 * f.lw);
              cairo_move_to (cr, x, y0);
              cairo_line_to (cr, x, y);
              cairo_stroke (cr);
              cairo_arc (cr, x, y, 0.22 * f.fs * f.lw, 0, 2 * G_PI);
              cairo_fill (cr);
            }
          else
            {
              double x0 = lv_plot_frame_x (&f, xc - 0.45 * slot);
              double x1 = lv_plot_frame_x (&f, xc + 0.45 * slot);

              cairo_rectangle (cr, x0, MIN (y, y0), MAX (x1 - x0, 1.0), fabs (y - y0));
              cairo_fill (cr);
            }
        }
    }
  lv_plot_set_source (cr, f.theme->foreground);
  cairo_set_line_width (cr, 0.8 * f.lw);
  cairo_move_to (cr, f.area.x, y0);
  cairo_line_to (cr, f.area.x + f.area.width, y0);
  cairo_stroke (cr);
  cairo_restore (cr);
  lv_plot_frame_draw_refs (&f, NULL, 0, NULL, 0, model->hlines,
                           model->hlines != NULL ? model->n_hlines : 0);
  lv_plot_frame_end (&f);
}

/**
 * lv_plot_bars_get_layout:
 * @model: the bar-chart model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the data went (category i centred at x = i)
 *
 * Returns: %FALSE for an empty model
 */
gboolean
lv_plot_bars_get_layout (const LvPlotBarsModel *model,
                         double                 width,
                         double                 height,
                         LvPlotLayout          *layout)
{
  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  return lv_plot_frame_measure (&model->common, width, height, frame_setup, model, layout);
}

/**
 * lv_plot_bars_write_csv:
 * @model: the bar-chart model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes one row per bar: `series,label,category,value`.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_bars_write_csv (const LvPlotBarsModel *model,
                        const char            *path,
                        GError               **error)
{
  g_autoptr(GString) out = g_string_new ("series,label,category,value\n");
  guint n;

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  n = n_categories (model);
  for (gsize s = 0; model->series != NULL && s < model->n_series; s++)
    for (gsize i = 0; model->series[s].values != NULL && i < MIN (model->series[s].n, n); i++)
      {
        g_string_append_printf (out, "%" G_GSIZE_FORMAT ",", s);
        lv_plot_csv_field (out, model->series[s].label);
        g_string_append_c (out, ',');
        if (model->categories != NULL && i < model->n_categories && model->categories[i] != NULL)
          lv_plot_csv_field (out, model->categories[i]);
        else
          g_string_append_printf (out, "%" G_GSIZE_FORMAT, i + 1);
        g_string_append_c (out, ',');
        lv_plot_csv_double (out, model->series[s].values[i]);
        g_string_append_c (out, '\n');
      }
  return lv_plot_csv_finish (out, path, error);
}
