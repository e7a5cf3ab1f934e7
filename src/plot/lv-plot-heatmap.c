/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot-heatmap.h>

#include "lv-plot-private.h"

#define COLORBAR_GAP(f)   (0.9 * (f)->fs)
#define COLORBAR_WIDTH(f) (0.9 * (f)->fs)

static gboolean
value_ok (const LvPlotHeatmapModel *m,
          double                    v)
{
  return isfinite (v) && (!m->log_color || v > 0);
}

static gboolean
grid_ok (const LvPlotHeatmapModel *m)
{
  return m->values != NULL && m->nx >= 2 && m->ny >= 2 && isfinite (m->x_min)
         && isfinite (m->x_max) && isfinite (m->y_min) && isfinite (m->y_max)
         && m->x_max > m->x_min && m->y_max > m->y_min;
}

/**
 * lv_plot_heatmap_value_range:
 * @model: the heatmap model
 * @lo: (out): smallest colourable value (positive when @log_color)
 * @hi: (out): largest colourable value
 *
 * The range the colour map spans: the finite values, or the positive ones on a log scale.
 *
 * Returns: %FALSE when no value can be coloured
 */
gboolean
lv_plot_heatmap_value_range (const LvPlotHeatmapModel *model,
                             double                   *lo,
                             double                   *hi)
{
  g_return_val_if_fail (model != NULL && lo != NULL && hi != NULL, FALSE);
  if (!grid_ok (model))
    return FALSE;
  lv_plot_finite_range (model->values, (gsize) model->nx * model->ny, model->log_color, lo, hi);
  return !isnan (*lo);
}

/* Position of @v in the colour map, in [0, 1]. */
static double
color_t (const LvPlotHeatmapModel *m,
         double                    lo,
         double                    hi,
         double                    v)
{
  if (!value_ok (m, v))
    return NAN;
  if (hi <= lo)
    return 0.5;
  if (m->log_color)
    return (log10 (v) - log10 (lo)) / (log10 (hi) - log10 (lo));
  return (v - lo) / (hi - lo);
}

static gboolean
frame_setup (LvPlotFrame              *f,
             const LvPlotHeatmapModel *m,
             LvPlotAxis               *cbar,
             double                   *vlo,
             double                   *vhi)
{
  double hx = 0.5 * (m->x_max - m->x_min) / (m->nx - 1);
  double hy = 0.5 * (m->y_max - m->y_min) / (m->ny - 1);
  double extra, tick_w = 0, lab_h = 0;

  if (!lv_plot_heatmap_value_range (m, vlo, vhi))
    return FALSE;
  /* Cells are centred on grid points, so the image reaches half a cell beyond them. */
  lv_plot_axis_init (&f->x, m->x_min - hx, m->x_max + hx, FALSE, 0,
                     (guint) CLAMP (f->width / (7 * f->fs), 3, 7));
  lv_plot_axis_init (&f->y, m->y_min - hy, m->y_max + hy, FALSE, 0,
                     (guint) CLAMP (f->height / (4 * f->fs), 3, 7));
  lv_plot_axis_init (cbar, *vlo, *vhi, m->log_color, 0, 5);
  if (!m->log_color)
    {
      cbar->lo = *vlo;
      cbar->hi = *vhi > *vlo ? *vhi : *vlo + 1;
      cbar->n_ticks = lv_plot_ticks (cbar->lo, cbar->hi, FALSE, 5, cbar->ticks, LV_PLOT_MAX_TICKS);
    }
  for (guint i = 0; i < cbar->n_ticks; i++)
    {
      g_autofree char *label = lv_plot_axis_tick_label (cbar, i);
      double w;

      lv_plot_text_extent (f->cr, f->theme, LV_PLOT_FS_TICK * f->fs, FALSE, label, &w, NULL);
      tick_w = MAX (tick_w, w);
    }
  if (m->colorbar_label != NULL)
    lv_plot_text_extent (f->cr, f->theme, LV_PLOT_FS_LABEL * f->fs, FALSE, "Ag", NULL, &lab_h);
  extra = COLORBAR_GAP (f) + COLORBAR_WIDTH (f) + 0.6 * f->fs + tick_w
          + (lab_h > 0 ? lab_h + 0.5 * f->fs : 0);
  lv_plot_frame_layout (f, extra);
  if (m->colorbar_label != NULL)
    {
      /* The bar's title fits the bar's height (draw_colorbar()): when it wraps onto a second
       * line, make room for it (the plot's height does not depend on this width). */
      double fitted = lv_plot_text_fitted_height (f->cr, f->theme, LV_PLOT_FS_LABEL * f->fs, FALSE,
                                                  m->colorbar_label, f->area.height);

      if (fitted > lab_h + 0.5)
        lv_plot_frame_layout (f, extra + fitted - lab_h);
    }
  return TRUE;
}

static void
draw_cells (LvPlotFrame              *f,
            const LvPlotHeatmapModel *m,
            double                    lo,
            double                    hi)
{
  cairo_t *cr = f->cr;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) m->nx,
                                                     (int) m->ny);
  guint8 *data;
  int stride;
  cairo_pattern_t *pattern;

  if (cairo_surface_status (img) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (img);
      return;
    }
  cairo_surface_flush (img);
  data = cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img);
  for (guint j = 0; j < m->ny; j++)
    {
      /* Image row 0 is the top, i.e. the last grid row. */
      guint32 *row = (guint32 *) (data + (m->ny - 1 - j) * stride);

      for (guint i = 0; i < m->nx; i++)
        {
          double t = color_t (m, lo, hi, m->values[(gsize) j * m->nx + i]);
          LvPlotRgba c;

          if (isnan (t))
            {
              row[i] = 0;   /* transparent: an empty cell shows the background */
              continue;
            }
          c = lv_plot_colormap_eval (m->colormap, t);
          row[i] = 0xff000000u | ((guint32) lround (c.r * 255) << 16)
                   | ((guint32) lround (c.g * 255) << 8) | (guint32) lround (c.b * 255);
        }
    }
  cairo_surface_mark_dirty (img);
  cairo_save (cr);
  cairo_translate (cr, f->area.x, f->area.y);
  cairo_scale (cr, f->area.width / m->nx, f->area.height / m->ny);
  cairo_set_source_surface (cr, img, 0, 0);
  pattern = cairo_get_source (cr);
  /* Crisp cells: every cell shows exactly its grid value's colour. */
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, m->nx, m->ny);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
}

static void
draw_contours (LvPlotFrame              *f,
               const LvPlotHeatmapModel *m,
               double                    lo,
               double                    hi)
{
  cairo_t *cr = f->cr;
  gsize n_levels = m->contour_levels != NULL ? m->n_contour_levels : m->n_contours;

  cairo_save (cr);
  lv_plot_frame_clip (f);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
  cairo_set_line_width (cr, 0.9 * f->lw);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (gsize k = 0; k < n_levels && k < 200; k++)
    {
      double level, t = (double) (k + 1) / (n_levels + 1);
      g_autoptr(GArray) segs = NULL;

      if (m->contour_levels != NULL)
        level = m->contour_levels[k];
      else if (m->log_color)
        level = pow (10.0, log10 (lo) + t * (log10 (hi) - log10 (lo)));
      else
        level = lo + t * (hi - lo);
      segs = lv_plot_contour_segments (m->values, m->nx, m->ny, m->x_min, m->x_max, m->y_min,
                                       m->y_max, level);
      for (guint s = 0; s + 3 < segs->len; s += 4)
        {
          const double *p = &g_array_index (segs, double, s);

          cairo_move_to (cr, lv_plot_frame_x (f, p[0]), lv_plot_frame_y (f, p[1]));
          cairo_line_to (cr, lv_plot_frame_x (f, p[2]), lv_plot_frame_y (f, p[3]));
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_path (LvPlotFrame              *f,
           const LvPlotHeatmapModel *m)
{
  cairo_t *cr = f->cr;
  gboolean pen = FALSE;

  if (m->path_x == NULL || m->path_y == NULL || m->n_path == 0)
    return;
  cairo_save (cr);
  lv_plot_frame_clip (f);
  cairo_new_path (cr);
  for (gsize i = 0; i < m->n_path; i++)
    {
      double x = m->path_x[i], y = m->path_y[i];

      if (!isfinite (x) || !isfinite (y))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, lv_plot_frame_x (f, x), lv_plot_frame_y (f, y));
      else
        cairo_move_to (cr, lv_plot_frame_x (f, x), lv_plot_frame_y (f, y));
      pen = TRUE;
    }
  /* A dark halo under a light line reads on every part of the colour map. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
  cairo_set_line_width (cr, 3.4 * f->lw);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_set_line_width (cr, 1.6 * f->lw);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_colorbar (LvPlotFrame              *f,
               const LvPlotHeatmapModel *m,
               const LvPlotAxis         *cbar)
{
  cairo_t *cr = f->cr;
  double x = f->area.x + f->area.width + COLORBAR_GAP (f), w = COLORBAR_WIDTH (f);
  double y0 = f->area.y, h = f->area.height, max_w = 0;
  cairo_pattern_t *grad = cairo_pattern_create_linear (0, y0 + h, 0, y0);

  for (guint k = 0; k <= 32; k++)
    {
      LvPlotRgba c = lv_plot_colormap_eval (m->colormap, k / 32.0);

      cairo_pattern_add_color_stop_rgb (grad, k / 32.0, c.r, c.g, c.b);
    }
  cairo_rectangle (cr, x, y0, w, h);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
  lv_plot_set_source (cr, f->theme->foreground);
  cairo_set_line_width (cr, 0.8 * f->lw);
  cairo_rectangle (cr, x, y0, w, h);
  cairo_stroke (cr);
  for (guint i = 0; i < cbar->n_ticks; i++)
    {
      double t = cbar->log ? (log10 (cbar->ticks[i]) - log10 (cbar->lo))
                             / (log10 (cbar->hi) - log10 (cbar->lo))
                           : (cbar->ticks[i] - cbar->lo) / (cbar->hi - cbar->lo);
      double y = y0 + h - t * h, tw;
      g_autofree char *label = lv_plot_axis_tick_label (cbar, i);

      if (!(t >= -1e-9 && t <= 1 + 1e-9))
        continue;
      cairo_move_to (cr, x + w, y);
      cairo_line_to (cr, x + w + 0.3 * f->fs, y);
      cairo_stroke (cr);
      lv_plot_text_extent (cr, f->theme, LV_PLOT_FS_TICK * f->fs, FALSE, label, &tw, NULL);
      max_w = MAX (max_w, tw);
      lv_plot_text_draw (cr, f->theme, LV_PLOT_FS_TICK * f->fs, FALSE, label,
                         x + w + 0.5 * f->fs, y, 0.0, 0.5, 0.0, f->theme->foreground);
    }
  if (m->colorbar_label != NULL)
    /* As long as the bar at most (it ran into the figure's title on a projector). */
    lv_plot_text_draw_fitted (cr, f->theme, LV_PLOT_FS_LABEL * f->fs, m->colorbar_label, h,
                              x + w + 0.6 * f->fs + max_w + 0.4 * f->fs, y0 + 0.5 * h, 0.5, 1.0,
                              G_PI / 2, f->theme->foreground);
}

/**
 * lv_plot_heatmap_draw:
 * @cr: the Cairo context
 * @model: the heatmap model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws a gridded scalar field: colour-mapped cells (linear or log colour), contour lines
 * (marching squares), a colour bar, a trajectory polyline and labelled markers.
 */
void
lv_plot_heatmap_draw (cairo_t                  *cr,
                      const LvPlotHeatmapModel *model,
                      double                    width,
                      double                    height)
{
  LvPlotFrame f;
  LvPlotAxis cbar;
  double lo, hi;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_size_ok (width, height))
    return;
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  if (!grid_ok (model) || !frame_setup (&f, model, &cbar, &lo, &hi))
    {
      lv_plot_frame_clear (&f);
      lv_plot_draw_empty (cr, &model->common, width, height);
      return;
    }
  cairo_save (cr);
  lv_plot_frame_draw_back (&f);
  draw_cells (&f, model, lo, hi);
  draw_contours (&f, model, lo, hi);
  draw_path (&f, model);
  lv_plot_frame_draw_points (&f, model->points, model->points != NULL ? model->n_points : 0);
  lv_plot_frame_draw_axes (&f);
  draw_colorbar (&f, model, &cbar);
  lv_plot_frame_clear (&f);
  cairo_restore (cr);
}

/**
 * lv_plot_heatmap_get_layout:
 * @model: the heatmap model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the grid went (cell (i, j) is centred on
 *   (x_i, y_j) mapped through @layout)
 *
 * Returns: %FALSE for an empty model
 */
gboolean
lv_plot_heatmap_get_layout (const LvPlotHeatmapModel *model,
                            double                    width,
                            double                    height,
                            LvPlotLayout             *layout)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  LvPlotAxis cbar;
  double lo, hi;
  gboolean ok;

  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  if (!lv_plot_size_ok (width, height) || !grid_ok (model))
    return FALSE;
  cr = lv_plot_measure_context ();
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  ok = frame_setup (&f, model, &cbar, &lo, &hi);
  if (ok)
    lv_plot_frame_get_layout (&f, layout);
  lv_plot_frame_clear (&f);
  return ok;
}

/**
 * lv_plot_heatmap_write_csv:
 * @model: the heatmap model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes one row per grid point: `i,j,x,y,value`.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_heatmap_write_csv (const LvPlotHeatmapModel *model,
                           const char               *path,
                           GError                  **error)
{
  g_autoptr(GString) out = g_string_new ("i,j,x,y,value\n");

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  if (grid_ok (model))
    for (guint j = 0; j < model->ny; j++)
      for (guint i = 0; i < model->nx; i++)
        {
          g_string_append_printf (out, "%u,%u,", i, j);
          lv_plot_csv_double (out, model->x_min + i * (model->x_max - model->x_min) / (model->nx - 1));
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, model->y_min + j * (model->y_max - model->y_min) / (model->ny - 1));
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, model->values[(gsize) j * model->nx + i]);
          g_string_append_c (out, '\n');
        }
  return lv_plot_csv_finish (out, path, error);
}
