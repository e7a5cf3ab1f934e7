/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot.h>

#include "lv-plot-private.h"

/*
 * All text goes through here, for two reasons:
 *
 * 1. Layout must not depend on the target surface. Hinted font metrics differ between an image
 *    surface, a PDF surface and GTK's snapshot, which would move the plot area by a pixel or two
 *    between drawing and hit-testing. Metrics hinting is therefore turned off for every layout,
 *    so lv_plot_measure_context() measures exactly what the renderer draws.
 * 2. A "text record" can be attached to a cairo_t: every string drawn is then appended with its
 *    device-space extents and whether it was cut (ellipsized, or leaving the clip). Tests use
 *    it to check that the legend is really drawn where expected and that no text is cut,
 *    and SVG export uses it to add an invisible, searchable text layer (Cairo draws SVG text as
 *    glyph outlines, which no search or screen reader can read).
 */

static cairo_user_data_key_t text_record_key;

static void
text_item_free (gpointer data)
{
  LvPlotTextItem *item = data;

  g_free (item->text);
  g_free (item);
}

/**
 * lv_plot_text_record_begin:
 * @cr: a Cairo context
 *
 * Starts recording every string the plot library draws on @cr, with its extents in device
 * space. Stop with lv_plot_text_record_end().
 */
void
lv_plot_text_record_begin (cairo_t *cr)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (text_item_free);

  g_return_if_fail (cr != NULL);
  cairo_set_user_data (cr, &text_record_key, items, (cairo_destroy_func_t) g_ptr_array_unref);
}

/**
 * lv_plot_text_record_end:
 * @cr: a Cairo context on which lv_plot_text_record_begin() was called
 *
 * Stops recording.
 *
 * Returns: (transfer full) (element-type LvPlotTextItem): the recorded strings in drawing order,
 *   or an empty array if nothing was recording
 */
GPtrArray *
lv_plot_text_record_end (cairo_t *cr)
{
  GPtrArray *items;

  g_return_val_if_fail (cr != NULL, NULL);
  items = cairo_get_user_data (cr, &text_record_key);
  if (items == NULL)
    return g_ptr_array_new_with_free_func (text_item_free);
  g_ptr_array_ref (items);
  cairo_set_user_data (cr, &text_record_key, NULL, NULL);
  return items;
}

/* Whether the device-space box [x0, x1] × [y0, y1] leaves @cr's clip (by more than half a
 * pixel: anti-aliasing and rounding). */
static gboolean
outside_clip (cairo_t *cr,
              double   x0,
              double   y0,
              double   x1,
              double   y1)
{
  double cx0, cy0, cx1, cy1;

  cairo_save (cr);
  cairo_identity_matrix (cr); /* clip extents in device space */
  cairo_clip_extents (cr, &cx0, &cy0, &cx1, &cy1);
  cairo_restore (cr);
  return x0 < cx0 - 0.5 || y0 < cy0 - 0.5 || x1 > cx1 + 0.5 || y1 > cy1 + 0.5;
}

static void
record_text (cairo_t     *cr,
             const char  *text,
             double       width,
             double       height,
             double       font_size,
             gboolean     ellipsized)
{
  GPtrArray *items = cairo_get_user_data (cr, &text_record_key);
  double xs[4] = { 0, width, 0, width }, ys[4] = { 0, 0, height, height };
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  LvPlotTextItem *item;

  if (items == NULL)
    return;
  for (guint i = 0; i < 4; i++)
    {
      cairo_user_to_device (cr, &xs[i], &ys[i]);
      x0 = MIN (x0, xs[i]);
      x1 = MAX (x1, xs[i]);
      y0 = MIN (y0, ys[i]);
      y1 = MAX (y1, ys[i]);
    }
  item = g_new0 (LvPlotTextItem, 1);
  item->text = g_strdup (text);
  item->extents = (LvPlotRect) { x0, y0, x1 - x0, y1 - y0 };
  item->font_size = font_size;
  item->truncated = ellipsized || outside_clip (cr, x0, y0, x1, y1);
  g_ptr_array_add (items, item);
}

/* A context on a 1×1 image surface, for measuring text outside a draw call (hit tests). */
cairo_t *
lv_plot_measure_context (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

/* The layout of @text, shared between frames (lv-plot-text-cache.c): do not change it. */
PangoLayout *
lv_plot_text_layout (cairo_t           *cr,
                     const LvPlotTheme *theme,
                     double             size,
                     gboolean           bold,
                     const char        *text)
{
  return lv_plot_text_layout_boxed (cr, theme, size, bold, text, -1, PANGO_WRAP_WORD,
                                    PANGO_ELLIPSIZE_NONE);
}

/* Extents do not depend on the target (see 1. above); the cached layout keeps its size. */
void
lv_plot_text_extent (cairo_t           *cr,
                     const LvPlotTheme *theme,
                     double             size,
                     gboolean           bold,
                     const char        *text,
                     double            *width,
                     double            *height)
{
  PangoLayout *layout = lv_plot_text_layout (cr, theme, size, bold, text);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  g_object_unref (layout);
  if (width != NULL)
    *width = (double) w / PANGO_SCALE;
  if (height != NULL)
    *height = (double) h / PANGO_SCALE;
}

/**
 * lv_plot_layout_draw: (skip)
 *
 * Draws @layout with its logical box anchored at (@x, @y): @ax/@ay are the anchor as fractions
 * of the box (0 = left/top, 1 = right/bottom); @angle rotates around the anchor.
 */
void
lv_plot_layout_draw (cairo_t     *cr,
                     PangoLayout *layout,
                     double       font_size,
                     double       x,
                     double       y,
                     double       ax,
                     double       ay,
                     double       angle,
                     LvPlotRgba   color)
{
  int w, h;
  double fw, fh;

  pango_layout_get_size (layout, &w, &h);
  fw = (double) w / PANGO_SCALE;
  fh = (double) h / PANGO_SCALE;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_translate (cr, -ax * fw, -ay * fh);
  lv_plot_set_source (cr, color);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);
  record_text (cr, pango_layout_get_text (layout), fw, fh, font_size,
               pango_layout_is_ellipsized (layout));
  cairo_restore (cr);
}

void
lv_plot_text_draw (cairo_t           *cr,
                   const LvPlotTheme *theme,
                   double             size,
                   gboolean           bold,
                   const char        *text,
                   double             x,
                   double             y,
                   double             ax,
                   double             ay,
                   double             angle,
                   LvPlotRgba         color)
{
  PangoLayout *layout;

  if (text == NULL || *text == '\0')
    return;
  layout = lv_plot_text_layout (cr, theme, size, bold, text);
  lv_plot_layout_draw (cr, layout, size, x, y, ax, ay, angle, color);
  g_object_unref (layout);
}

/* How small a fitted title may get before it wraps, then before it is ellipsized. */
#define FITTED_MIN_SHRINK 0.75
#define FITTED_MAX_LINES 2

/**
 * lv_plot_text_fitted_layout: (skip)
 * @max_width: the room along the text's direction (≤ 0: unlimited)
 * @font_size: (out): the size the text is set in
 *
 * The layout of a title that must fit @max_width: drawn smaller (down to 0.75 of @size) and,
 * if that is not enough, wrapped onto two centred lines; only a title too long even for two
 * lines is ellipsized at the end of the second (which a text record reports as cut).
 * The layout is shared between frames: do not change it.
 */
PangoLayout *
lv_plot_text_fitted_layout (cairo_t           *cr,
                            const LvPlotTheme *theme,
                            double             size,
                            gboolean           bold,
                            const char        *text,
                            double             max_width,
                            double            *font_size)
{
  PangoLayout *layout;
  double w = 0, asked = size;

  layout = lv_plot_text_fitted_lookup (cr, theme, asked, bold, text, max_width, font_size);
  if (layout != NULL)
    return layout;
  lv_plot_text_extent (cr, theme, size, bold, text, &w, NULL);
  if (w > max_width && max_width > 0)
    size *= MAX (FITTED_MIN_SHRINK, 0.99 * max_width / w);
  lv_plot_text_extent (cr, theme, size, bold, text, &w, NULL);
  if (max_width > 0 && w > max_width)
    {
      PangoRectangle logical;

      layout = lv_plot_text_layout_new (cr, theme, size, bold, text);
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      pango_layout_set_height (layout, -FITTED_MAX_LINES);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      /* Narrowed to its widest line (the same breaks: greedy wrapping), the box is the ink's
       * and centred lines sit where lv_plot_layout_draw() anchors them. */
      pango_layout_get_extents (layout, NULL, &logical);
      if (logical.width > 0 && logical.width < max_width * PANGO_SCALE)
        pango_layout_set_width (layout, logical.width);
    }
  else
    layout = lv_plot_text_layout (cr, theme, size, bold, text);
  lv_plot_text_fitted_store (cr, theme, asked, bold, text, max_width, layout, size);
  *font_size = size;
  return layout;
}

/* The height of lv_plot_text_fitted_layout()'s box: one line, or two when the title wraps. */
double
lv_plot_text_fitted_height (cairo_t           *cr,
                            const LvPlotTheme *theme,
                            double             size,
                            gboolean           bold,
                            const char        *text,
                            double             max_width)
{
  double fs;
  int h;
  PangoLayout *layout;

  if (text == NULL || *text == '\0')
    return 0;
  layout = lv_plot_text_fitted_layout (cr, theme, size, bold, text, max_width, &fs);
  pango_layout_get_size (layout, NULL, &h);
  g_object_unref (layout);
  return (double) h / PANGO_SCALE;
}

/**
 * lv_plot_text_draw_fitted:
 * @max_width: the room along the text's direction
 *
 * Like lv_plot_text_draw(), for axis titles, set by lv_plot_text_fitted_layout() so a long
 * title is never clipped by the panel's edge.
 */
void
lv_plot_text_draw_fitted (cairo_t           *cr,
                          const LvPlotTheme *theme,
                          double             size,
                          const char        *text,
                          double             max_width,
                          double             x,
                          double             y,
                          double             ax,
                          double             ay,
                          double             angle,
                          LvPlotRgba         color)
{
  PangoLayout *layout;

  if (text == NULL || *text == '\0')
    return;
  layout = lv_plot_text_fitted_layout (cr, theme, size, FALSE, text, max_width, &size);
  lv_plot_layout_draw (cr, layout, size, x, y, ax, ay, angle, color);
  g_object_unref (layout);
}

void
lv_plot_set_source (cairo_t    *cr,
                    LvPlotRgba  color)
{
  cairo_set_source_rgba (cr, color.r, color.g, color.b, color.a);
}

void
lv_plot_set_dash (cairo_t         *cr,
                  LvPlotLineStyle  style,
                  double           line_width)
{
  double dashed[2] = { 5.0 * line_width, 3.0 * line_width };
  double dotted[2] = { 0.01, 2.5 * line_width };

  cairo_set_line_width (cr, line_width);
  switch (style)
    {
    case LV_PLOT_LINE_DASHED:
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      cairo_set_dash (cr, dashed, 2, 0);
      break;
    case LV_PLOT_LINE_DOTTED:
      /* Near-zero dashes with round caps give round dots. */
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_dash (cr, dotted, 2, 0);
      break;
    case LV_PLOT_LINE_SOLID:
    default:
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    }
}
