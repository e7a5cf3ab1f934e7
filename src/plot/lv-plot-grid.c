/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot.h>

#include "lv-plot-private.h"

typedef struct
{
  double top, bottom, fs;
  guint columns, rows;
  LvPlotRect inner;
} GridGeometry;

static void
grid_geometry (cairo_t               *cr,
               const LvPlotGridModel *model,
               double                 width,
               double                 height,
               GridGeometry          *g)
{
  const LvPlotTheme *theme = model->theme != NULL ? model->theme : lv_plot_theme_light ();
  double pad;

  g->fs = theme->font_size * theme->font_scale;
  pad = 0.5 * g->fs;
  g->top = 0;
  g->bottom = 0;
  if (model->title != NULL && *model->title != '\0')
    {
      double h;

      lv_plot_text_extent (cr, theme, 1.25 * g->fs, TRUE, model->title, NULL, &h);
      g->top = pad + h;
    }
  if (model->caption != NULL && *model->caption != '\0')
    {
      PangoLayout *layout = lv_plot_text_layout_boxed (cr, theme, LV_PLOT_FS_CAPTION * g->fs,
                                                       FALSE, model->caption, width - 2 * pad,
                                                       PANGO_WRAP_WORD_CHAR,
                                                       PANGO_ELLIPSIZE_NONE);
      int h;

      pango_layout_get_size (layout, NULL, &h);
      g->bottom = pad + (double) h / PANGO_SCALE;
      g_object_unref (layout);
    }
  g->columns = model->columns > 0 ? model->columns : (guint) MAX (model->n_panels, 1);
  g->rows = (guint) ((MAX (model->n_panels, 1) + g->columns - 1) / g->columns);
  g->inner = (LvPlotRect) { 0, g->top, width, MAX (height - g->top - g->bottom, 1.0) };
}

static LvPlotRect
cell_rect (const GridGeometry *g,
           guint               index)
{
  double cw = g->inner.width / g->columns, ch = g->inner.height / g->rows;

  return (LvPlotRect) { g->inner.x + (index % g->columns) * cw,
                        g->inner.y + (index / g->columns) * ch, cw, ch };
}

/**
 * lv_plot_grid_draw:
 * @cr: the Cairo context
 * @model: the panels
 * @width: width in user units
 * @height: height in user units
 *
 * Draws several figures side by side (or @columns per row) with an overall title and caption,
 * each panel in its own equal cell, clipped to it.
 */
void
lv_plot_grid_draw (cairo_t               *cr,
                   const LvPlotGridModel *model,
                   double                 width,
                   double                 height)
{
  const LvPlotTheme *theme;
  GridGeometry g;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_size_ok (width, height))
    return;
  theme = model->theme != NULL ? model->theme : lv_plot_theme_light ();
  if (model->n_panels == 0 || model->panels == NULL)
    {
      LvPlotCommon common = { .theme = model->theme, .title = model->title,
                              .caption = model->caption };

      lv_plot_draw_empty (cr, &common, width, height);
      return;
    }
  grid_geometry (cr, model, width, height, &g);
  cairo_save (cr);
  lv_plot_set_source (cr, theme->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  if (g.top > 0)
    lv_plot_text_draw (cr, theme, 1.25 * g.fs, TRUE, model->title, 0.5 * width, 0.5 * g.fs, 0.5,
                       0.0, 0.0, theme->foreground);
  if (g.bottom > 0)
    {
      PangoLayout *layout = lv_plot_text_layout_boxed (cr, theme, LV_PLOT_FS_CAPTION * g.fs,
                                                       FALSE, model->caption, width - g.fs,
                                                       PANGO_WRAP_WORD_CHAR,
                                                       PANGO_ELLIPSIZE_NONE);

      lv_plot_layout_draw (cr, layout, LV_PLOT_FS_CAPTION * g.fs, 0.5 * g.fs, height, 0.0, 1.0,
                           0.0, theme->muted);
      g_object_unref (layout);
    }
  for (gsize i = 0; i < model->n_panels; i++)
    {
      LvPlotRect r = cell_rect (&g, (guint) i);

      if (model->panels[i].draw == NULL)
        continue;
      cairo_save (cr);
      cairo_rectangle (cr, r.x, r.y, r.width, r.height);
      cairo_clip (cr);
      cairo_translate (cr, r.x, r.y);
      model->panels[i].draw (cr, model->panels[i].model, r.width, r.height);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

/**
 * lv_plot_grid_panel_at:
 * @model: the panels
 * @width: width the grid is drawn at
 * @height: height the grid is drawn at
 * @x: pointer x
 * @y: pointer y
 * @panel: (out) (optional): index of the panel under (@x, @y)
 * @rect: (out) (optional): that panel's cell; subtract its origin before calling the panel's
 *   own hit test with the cell's size
 *
 * Finds the panel under a point, to route hover and clicks.
 *
 * Returns: %TRUE if (@x, @y) is inside a panel
 */
gboolean
lv_plot_grid_panel_at (const LvPlotGridModel *model,
                       double                 width,
                       double                 height,
                       double                 x,
                       double                 y,
                       guint                 *panel,
                       LvPlotRect            *rect)
{
  g_autoptr(cairo_t) cr = NULL;
  GridGeometry g;

  g_return_val_if_fail (model != NULL, FALSE);
  if (model->n_panels == 0 || !lv_plot_size_ok (width, height))
    return FALSE;
  cr = lv_plot_measure_context ();
  grid_geometry (cr, model, width, height, &g);
  for (gsize i = 0; i < model->n_panels; i++)
    {
      LvPlotRect r = cell_rect (&g, (guint) i);

      if (x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
        {
          if (panel != NULL)
            *panel = (guint) i;
          if (rect != NULL)
            *rect = r;
          return TRUE;
        }
    }
  return FALSE;
}
