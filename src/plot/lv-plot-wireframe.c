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

/* The grid projected to the screen, one entry per grid point (index j · nx + i). */
typedef struct
{
  guint nx, ny;
  double *sx, *sy;  /* screen position */
  double *sd;       /* depth: larger is farther */
  double *t;        /* colour position in [0, 1]; NAN where the value is not drawable */
} Projection;

static void
projection_clear (Projection *p)
{
  g_free (p->sx);
  g_free (p->sy);
  g_free (p->sd);
  g_free (p->t);
}

/* Background, title and the rotate hint; FALSE (after the empty text) when there is no
 * surface to draw. */
static gboolean
draw_frame (cairo_t *cr, const LvPlotHeatmapModel *m, const LvPlotTheme *theme, double width,
            double height)
{
  double fs = theme->font_size;

  cairo_set_source_rgba (cr, theme->background.r, theme->background.g, theme->background.b,
                         theme->background.a);
  cairo_paint (cr);
  if (m->common.title != NULL)
    draw_text (cr, theme, m->common.title, 12, 8, fs * 1.15, TRUE);
  draw_text (cr, theme, _("Drag to rotate"), 12, height - fs * 1.8, fs * 0.9, FALSE);
  if (m->values == NULL || m->nx < 2 || m->ny < 2)
    {
      if (m->common.empty_text != NULL)
        draw_text (cr, theme, m->common.empty_text, width / 2 - 80, height / 2, fs, FALSE);
      return FALSE;
    }
  return TRUE;
}

/* Range of the finite shown values; a flat or empty surface gets a range of 1. */
static void
shown_range (const LvPlotHeatmapModel *m, double *lo_out, double *hi_out)
{
  double lo = INFINITY, hi = -INFINITY;

  for (guint j = 0; j < m->ny; j++)
    for (guint i = 0; i < m->nx; i++)
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
  *lo_out = lo;
  *hi_out = hi;
}

/* Project every grid point once; the box's projection (radius √2 · 1 plus height) fits. */
static void
project_grid (const LvPlotWireframe *model, const LvPlotTheme *theme, double width,
              double height, Projection *p)
{
  const LvPlotHeatmapModel *m = model->heatmap;
  double ca = cos (model->azimuth), sa = sin (model->azimuth);
  double ce = cos (model->elevation), se = sin (model->elevation);
  double fs = theme->font_size, lo, hi, scale, cx, cy;
  guint nx = m->nx, ny = m->ny;

  shown_range (m, &lo, &hi);
  p->nx = nx;
  p->ny = ny;
  p->sx = g_new (double, (gsize) nx * ny);
  p->sy = g_new (double, (gsize) nx * ny);
  p->sd = g_new (double, (gsize) nx * ny);
  p->t = g_new (double, (gsize) nx * ny);
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

        p->t[k] = isfinite (v) ? (v - lo) / (hi - lo) : NAN;
        p->sx[k] = cx + scale * xr;
        p->sy[k] = cy - scale * (z * ce + yr * se);
        p->sd[k] = yr * ce - z * se;
      }
}

/* Centre the drawn surface vertically in the space below the title (its extent changes as
 * it turns; the scale does not, so rotating never zooms). */
static void
centre_vertically (Projection *p, double height, double fs)
{
  gsize n = (gsize) p->nx * p->ny;
  double top = INFINITY, bottom = -INFINITY, cy;

  for (gsize k = 0; k < n; k++)
    if (isfinite (p->sy[k]))
      {
        top = MIN (top, p->sy[k]);
        bottom = MAX (bottom, p->sy[k]);
      }
  cy = (height + fs) / 2 - (top + bottom) / 2;
  for (gsize k = 0; k < n; k++)
    p->sy[k] += cy;
}

/* The quads with four drawable corners, farthest first; returns how many. */
static guint
sorted_quads (const Projection *p, Quad *quads)
{
  guint nx = p->nx, nq = 0;

  for (guint j = 0; j + 1 < p->ny; j++)
    for (guint i = 0; i + 1 < nx; i++)
      {
        gsize k = (gsize) j * nx + i;
        double d = p->sd[k] + p->sd[k + 1] + p->sd[k + nx] + p->sd[k + nx + 1];
        if (isfinite (d))
          quads[nq++] = (Quad) { d, i, j };
      }
  qsort (quads, nq, sizeof (Quad), compare_quads);
  return nq;
}

static void
draw_quads (cairo_t *cr, const LvPlotHeatmapModel *m, const LvPlotTheme *theme,
            const Projection *p, const Quad *quads, guint nq)
{
  guint nx = p->nx;

  cairo_set_line_width (cr, 0.6 * theme->line_scale);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint q = 0; q < nq; q++)
    {
      gsize k = (gsize) quads[q].j * nx + quads[q].i;
      gsize c[4] = { k, k + 1, k + nx + 1, k + nx };
      LvPlotRgba col = lv_plot_colormap_eval (m->colormap,
                                              (p->t[c[0]] + p->t[c[1]] + p->t[c[2]] +
                                               p->t[c[3]]) / 4);

      cairo_move_to (cr, p->sx[c[0]], p->sy[c[0]]);
      for (guint e = 1; e < 4; e++)
        cairo_line_to (cr, p->sx[c[e]], p->sy[c[e]]);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, col.r, col.g, col.b, 1);
      cairo_fill_preserve (cr);
      /* Grid lines a shade darker than the face: the mesh reads as a wireframe. */
      cairo_set_source_rgba (cr, col.r * 0.55, col.g * 0.55, col.b * 0.55, 1);
      cairo_stroke (cr);
    }
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
  Projection p = { 0 };
  g_autofree Quad *quads = NULL;
  guint nq;

  cairo_save (cr);
  if (draw_frame (cr, m, theme, width, height))
    {
      project_grid (model, theme, width, height, &p);
      centre_vertically (&p, height, theme->font_size);
      quads = g_new (Quad, (gsize) (m->nx - 1) * (m->ny - 1));
      nq = sorted_quads (&p, quads);
      draw_quads (cr, m, theme, &p, quads, nq);
      projection_clear (&p);
    }
  cairo_restore (cr);
}
