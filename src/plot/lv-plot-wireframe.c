/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <lossviz/lv-plot-wireframe.h>

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

/*
 * The surface lives in a unit box: α and β map to [−1, 1], the (log) loss to [0, HEIGHT].
 * A point (x, y, z) is rotated by the azimuth about z, then seen from an elevation: the
 * screen's horizontal axis is the rotated x, its vertical axis z cos e + y' sin e, and the
 * depth y' cos e − z sin e orders the quads, farthest first, so nearer ones cover them.
 */

#define HEIGHT 1.2

typedef struct
{
  double depth;
  guint i, j;
} Quad;

static int
compare_quads (const void *a, const void *b)
{
  const Quad *p = a, *q = b;

  return p->depth < q->depth ? 1 : p->depth > q->depth ? -1 : 0;
}

static void
draw_text (cairo_t *cr, const LvPlotTheme *theme, const char *text, double x, double y,
           double size, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, theme->font_family);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgba (cr, theme->foreground.r, theme->foreground.g, theme->foreground.b,
                         theme->foreground.a);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

/* The value shown at grid point (i, j): log10 with log colour; NAN when not drawable. */
static double
shown (const LvPlotHeatmapModel *m, guint i, guint j)
{
  double v = m->values[(gsize) j * m->nx + i];

  if (m->log_color)
    return v > 0 ? log10 (v) : NAN;
  return v;
}

/**
 * lv_plot_wireframe_draw:
 * @cr: the Cairo context
 * @model: the surface and the view angles
 * @width: figure width
 * @height: figure height
 *
 * Draws the slice as a shaded surface with its grid lines, coloured like the heatmap.
 */
void
lv_plot_wireframe_draw (cairo_t *cr, const LvPlotWireframe *model, double width,
                             double height)
{
  const LvPlotHeatmapModel *m = model->heatmap;
  const LvPlotTheme *theme = m->common.theme != NULL ? m->common.theme : lv_plot_theme_light ();
  double ca = cos (model->azimuth), sa = sin (model->azimuth);
  double ce = cos (model->elevation), se = sin (model->elevation);
  double lo = INFINITY, hi = -INFINITY, scale, cx, cy, fs = theme->font_size;
  guint nx = m->nx, ny = m->ny, nq = 0;
  g_autofree double *sx = NULL, *sy = NULL, *sd = NULL, *t = NULL;
  g_autofree Quad *quads = NULL;

  cairo_save (cr);
  cairo_set_source_rgba (cr, theme->background.r, theme->background.g, theme->background.b,
                         theme->background.a);
  cairo_paint (cr);
  if (m->common.title != NULL)
    draw_text (cr, theme, m->common.title, 12, 8, fs * 1.15, TRUE);
  draw_text (cr, theme, _("Drag to rotate"), 12, height - fs * 1.8, fs * 0.9, FALSE);
  if (m->values == NULL || nx < 2 || ny < 2)
    {
      if (m->common.empty_text != NULL)
        draw_text (cr, theme, m->common.empty_text, width / 2 - 80, height / 2, fs, FALSE);
      cairo_restore (cr);
      return;
    }

  for (guint j = 0; j < ny; j++)
    for (guint i = 0; i < nx; i++)
      {
        double v = shown (m, i, j);
        if (isfinite (v))
          {
            lo = MIN (lo, v);
            hi = MAX (hi, v);
          }
      }
  if (!(hi > lo))
    hi = lo + 1;

  /* Project every grid point once; the box's projection (radius √2 · 1 plus height) fits. */
  sx = g_new (double, (gsize) nx * ny);
  sy = g_new (double, (gsize) nx * ny);
  sd = g_new (double, (gsize) nx * ny);
  t = g_new (double, (gsize) nx * ny);
  scale = MIN (width / (2 * G_SQRT2 + 0.3), (height - 4 * fs) / (2 * G_SQRT2 * se + HEIGHT * ce));
  cx = width / 2;
  cy = 0;
  for (guint j = 0; j < ny; j++)
    for (guint i = 0; i < nx; i++)
      {
        gsize k = (gsize) j * nx + i;
        double x = -1 + 2.0 * i / (nx - 1), y = -1 + 2.0 * j / (ny - 1);
        double v = shown (m, i, j);
        double z = isfinite (v) ? HEIGHT * (v - lo) / (hi - lo) : NAN;
        double xr = x * ca - y * sa, yr = x * sa + y * ca;

        t[k] = isfinite (v) ? (v - lo) / (hi - lo) : NAN;
        sx[k] = cx + scale * xr;
        sy[k] = cy - scale * (z * ce + yr * se);
        sd[k] = yr * ce - z * se;
      }

  /* Centre the drawn surface vertically in the space below the title (its extent changes as
   * it turns; the scale does not, so rotating never zooms). */
  {
    double top = INFINITY, bottom = -INFINITY;
    for (gsize k = 0; k < (gsize) nx * ny; k++)
      if (isfinite (sy[k]))
        {
          top = MIN (top, sy[k]);
          bottom = MAX (bottom, sy[k]);
        }
    cy = (height + fs) / 2 - (top + bottom) / 2;
    for (gsize k = 0; k < (gsize) nx * ny; k++)
      sy[k] += cy;
  }

  quads = g_new (Quad, (gsize) (nx - 1) * (ny - 1));
  for (guint j = 0; j + 1 < ny; j++)
    for (guint i = 0; i + 1 < nx; i++)
      {
        gsize k = (gsize) j * nx + i;
        double d = sd[k] + sd[k + 1] + sd[k + nx] + sd[k + nx + 1];
        if (isfinite (d))
          quads[nq++] = (Quad) { d, i, j };
      }
  qsort (quads, nq, sizeof (Quad), compare_quads);

  cairo_set_line_width (cr, 0.6 * theme->line_scale);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint q = 0; q < nq; q++)
    {
      gsize k = (gsize) quads[q].j * nx + quads[q].i;
      gsize c[4] = { k, k + 1, k + nx + 1, k + nx };
      LvPlotRgba col = lv_plot_colormap_eval (m->colormap,
                                              (t[c[0]] + t[c[1]] + t[c[2]] + t[c[3]]) / 4);

      cairo_move_to (cr, sx[c[0]], sy[c[0]]);
      for (guint e = 1; e < 4; e++)
        cairo_line_to (cr, sx[c[e]], sy[c[e]]);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, col.r, col.g, col.b, 1);
      cairo_fill_preserve (cr);
      /* Grid lines a shade darker than the face: the mesh reads as a wireframe. */
      cairo_set_source_rgba (cr, col.r * 0.55, col.g * 0.55, col.b * 0.55, 1);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}
