/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot.h>

#include "lv-plot-private.h"

/*
 * A "frame" is the part every x/y figure shares: background, title, the plot area with its two
 * axes (left and bottom spines only, outward ticks, faint grid), axis titles, a legend to the
 * right of the plot area, reference lines and bands, and a wrapped caption at the bottom.
 * A figure fills frame->x / frame->y and the legend entries, calls lv_plot_frame_layout(), and
 * then draws its data between lv_plot_frame_draw_grid() and lv_plot_frame_draw_axes().
 * Layout uses only text measurements, so a hit test can redo it on a measuring context.
 */

#define PAD(f)       (0.7 * (f)->fs)
#define TICK_LEN(f)  (0.35 * (f)->fs)
#define TICK_FS(f)   (LV_PLOT_FS_TICK * (f)->fs)
/* The legend's font: 0.9 of the figure's, shrunk (to 0.7 at most) when an entry would otherwise
 * be cut at legend_max_text, as "n = 100  r = −0.21" was in a narrow panel at projector scale. */
#define LEGEND_FS(f) (0.9 * (f)->fs * ((f)->legend_shrink > 0 ? (f)->legend_shrink : 1.0))
#define LEGEND_MIN_SHRINK 0.7
/* A legend under the plot takes at most this share of the figure's height (more, and the plot
 * itself became a sliver: the French scatter on a projector). */
#define LEGEND_UNDER_MAX 0.3
/* The caption keeps the theme's size even where a short panel's other text gives way (see
 * lv_plot_frame_init()): it wraps, and on a projector it is what the room reads (issue 15). */
#define CAPTION_FS(f) (LV_PLOT_FS_CAPTION * (f)->theme->font_size * (f)->theme->font_scale)
/* A long caption takes at most this share of the figure's height: past it, its font shrinks,
 * down to the unscaled size (the French spin-glass caption on a projector once left the
 * histogram 60 px). */
#define CAPTION_MAX_SHARE 0.3
/* The plot area keeps at least this share of a figure that has a caption: a panel too short
 * for both drops the caption (a 138 px Landscape panel on a projector had its caption over the
 * x title). */
#define PLOT_MIN_SHARE 0.25

static void
legend_entry_clear (gpointer data)
{
  LvPlotLegendEntry *e = data;

  g_free (e->text);
}

gboolean
lv_plot_size_ok (double width,
                 double height)
{
  return isfinite (width) && isfinite (height) && width >= 1 && height >= 1;
}

void
lv_plot_frame_init (LvPlotFrame        *frame,
                    cairo_t            *cr,
                    const LvPlotCommon *common,
                    double              width,
                    double              height)
{
  memset (frame, 0, sizeof *frame);
  frame->cr = cr;
  frame->common = common;
  frame->theme = common->theme != NULL ? common->theme : lv_plot_theme_light ();
  frame->width = width;
  frame->height = height;
  frame->fs = frame->theme->font_size * frame->theme->font_scale;
  /* A projector's large font (font_scale > 1) must leave a short or narrow panel room for its
   * plot and its labels: there the scale gives way, down to 1, to a ninth of the panel's
   * height and a twentieth of its width (issue 15: a 146 px Landscape panel at 1.8× had its
   * line labels cut). */
  if (frame->theme->font_scale > 1)
    frame->fs = MAX (frame->theme->font_size, MIN (frame->fs, MIN (height / 9.0, width / 20.0)));
  frame->lw = frame->theme->line_scale;
  frame->y_label = common->y_label;
  frame->caption_fs = common->caption != NULL && *common->caption != '\0' ? CAPTION_FS (frame) : 0;
  frame->legend_entries = g_array_new (FALSE, TRUE, sizeof (LvPlotLegendEntry));
  g_array_set_clear_func (frame->legend_entries, legend_entry_clear);
}

void
lv_plot_frame_clear (LvPlotFrame *frame)
{
  g_clear_pointer (&frame->legend_entries, g_array_unref);
}

/* Takes ownership of @text. */
void
lv_plot_frame_add_legend (LvPlotFrame     *frame,
                          char            *text,
                          LvPlotRgba       color,
                          LvPlotKeyKind    kind,
                          LvPlotLineStyle  style)
{
  LvPlotLegendEntry e = { text, color, kind, style };

  g_array_append_val (frame->legend_entries, e);
}

static double
legend_max_text (const LvPlotFrame *frame)
{
  return frame->legend_text_max > 0 ? frame->legend_text_max : 0.34 * frame->width;
}

/* A legend entry's width besides its text: the key, the gap, and room before the next column. */
#define LEGEND_KEY_W(f) (2.0 * (f)->fs)

/* The legend font factor (≥ LEGEND_MIN_SHRINK) at which @text, @width wide at full size, fits
 * @room. Text width follows the size only roughly (glyph positions are rounded to pixels: 10.8
 * and 10.4 px can measure alike), so the guess is checked and lowered until it fits. */
static double
legend_fit_shrink (LvPlotFrame *frame,
                   const char  *text,
                   double       width,
                   double       room)
{
  double shrink = CLAMP (room / width, LEGEND_MIN_SHRINK, 1.0);

  frame->legend_shrink = shrink;
  while (shrink > LEGEND_MIN_SHRINK)
    {
      double w;

      lv_plot_text_extent (frame->cr, frame->theme, LEGEND_FS (frame), FALSE, text, &w, NULL);
      if (w <= room)
        break;
      shrink = frame->legend_shrink = MAX (LEGEND_MIN_SHRINK, 0.96 * shrink);
    }
  return shrink;
}

/*
 * Where the legend goes and how big it is. Right of the plot when its widest entry fits 0.34 of
 * the figure's width, shrunk to 0.7 at most; otherwise (a narrow panel, a projector's large
 * font: "n = 100  r = −0.07" was cut) below the plot in full size, in as many columns as the
 * width holds, shrunk only if one column does not fit the whole width.
 */
static void
legend_size (LvPlotFrame *frame,
             double      *width,
             double      *height)
{
  guint n = frame->legend_entries->len, rows;
  double row_h = 0, widest = 0, room = frame->width - 2 * PAD (frame), col_w;
  const char *widest_text = NULL;

  frame->legend_shrink = 1.0;
  frame->legend_below = FALSE;
  frame->legend_columns = 1;
  frame->legend_text_max = 0;
  for (guint i = 0; i < n; i++)
    {
      LvPlotLegendEntry *e = &g_array_index (frame->legend_entries, LvPlotLegendEntry, i);
      double tw, th;

      lv_plot_text_extent (frame->cr, frame->theme, LEGEND_FS (frame), FALSE, e->text, &tw, &th);
      if (tw > widest)
        widest_text = e->text;
      widest = MAX (widest, tw);
      row_h = MAX (row_h, th);
    }
  *width = *height = 0;
  if (n == 0)
    return;
  if (widest <= legend_max_text (frame) || LEGEND_MIN_SHRINK * widest <= legend_max_text (frame))
    {
      /* Shrink so the widest entry fits. */
      frame->legend_shrink = legend_fit_shrink (frame, widest_text, widest,
                                                legend_max_text (frame));
      *width = MIN (widest * frame->legend_shrink, legend_max_text (frame)) + LEGEND_KEY_W (frame);
      *height = n * row_h * frame->legend_shrink * 1.15;
      return;
    }
  frame->legend_below = TRUE;
  if (widest + LEGEND_KEY_W (frame) > room)
    frame->legend_shrink = legend_fit_shrink (frame, widest_text, widest,
                                              room - LEGEND_KEY_W (frame));
  frame->legend_text_max = MAX (room - LEGEND_KEY_W (frame), 1.0);
  col_w = MIN (widest * frame->legend_shrink, frame->legend_text_max) + LEGEND_KEY_W (frame)
          + 0.8 * frame->fs;
  frame->legend_columns = CLAMP ((guint) floor ((room + 0.8 * frame->fs) / col_w), 1, n);
  rows = (n + frame->legend_columns - 1) / frame->legend_columns;
  *width = frame->legend_columns * col_w;
  *height = rows * row_h * frame->legend_shrink * 1.15;
  if (*height > LEGEND_UNDER_MAX * frame->height)
    {
      /* No room under the plot either: beside it at the smallest size, the longest entries
       * ellipsized (reported as cut). */
      frame->legend_below = FALSE;
      frame->legend_columns = 1;
      frame->legend_text_max = 0;
      frame->legend_shrink = LEGEND_MIN_SHRINK;
      *width = MIN (widest * LEGEND_MIN_SHRINK, legend_max_text (frame)) + LEGEND_KEY_W (frame);
      *height = n * row_h * LEGEND_MIN_SHRINK * 1.15;
    }
}

/* The caption wrapped to the figure's width at frame->caption_fs (which must be > 0). */
static PangoLayout *
caption_layout (LvPlotFrame *frame)
{
  return lv_plot_text_layout_boxed (frame->cr, frame->theme, frame->caption_fs, FALSE,
                                    frame->common->caption, frame->width - 2 * PAD (frame),
                                    PANGO_WRAP_WORD_CHAR, PANGO_ELLIPSIZE_NONE);
}

static double
caption_height (LvPlotFrame *frame)
{
  PangoLayout *layout;
  int h;

  if (frame->caption_fs <= 0)
    return 0;
  layout = caption_layout (frame);
  pango_layout_get_size (layout, NULL, &h);
  g_object_unref (layout);
  return (double) h / PANGO_SCALE;
}

/* Shrinks the caption's font, down to the unscaled caption size, until the caption takes at
 * most CAPTION_MAX_SHARE of the figure's height. */
static void
caption_fit (LvPlotFrame *frame)
{
  double min_fs = LV_PLOT_FS_CAPTION * frame->theme->font_size;

  while (frame->caption_fs > min_fs && caption_height (frame) > CAPTION_MAX_SHARE * frame->height)
    frame->caption_fs = MAX (min_fs, 0.92 * frame->caption_fs);
}

/* What the caption and a legend under the plot take at the bottom of the figure. */
static double
bottom_band (LvPlotFrame *frame)
{
  double band = 0;

  if (frame->caption_fs > 0)
    band += caption_height (frame) + 0.6 * frame->fs;
  if (frame->legend_below)
    band += frame->legend.height + 0.4 * frame->fs;
  return band;
}

/* The y title may run from the top padding down to the caption (its centre follows the plot
 * area's where it can): left of the y tick labels, it meets nothing but the x title's far end.
 * Needs the legend's size (legend_size()). */
static double
y_title_room (LvPlotFrame *frame)
{
  return frame->height - 2 * PAD (frame) - bottom_band (frame);
}

/* The width left of the plot area: pad, the widest y tick label, the ticks and the y title.
 * Needs the bottom band (y_title_room()). */
static double
left_band (LvPlotFrame *frame)
{
  double tw = 0, max_w = 0, left;

  if (!frame->y.hide_labels)
    for (guint i = 0; i < frame->y.n_ticks; i++)
      {
        g_autofree char *label = lv_plot_axis_tick_label (&frame->y, i);

        lv_plot_text_extent (frame->cr, frame->theme, TICK_FS (frame), FALSE, label, &tw, NULL);
        max_w = MAX (max_w, tw);
      }
  left = PAD (frame) + max_w + TICK_LEN (frame) + 0.3 * frame->fs;
  if (frame->y_label != NULL && *frame->y_label != '\0')
    left += lv_plot_text_fitted_height (frame->cr, frame->theme, LV_PLOT_FS_LABEL * frame->fs,
                                        FALSE, frame->y_label, y_title_room (frame))
            + 0.4 * frame->fs;
  return left;
}

/* Computes frame->area from the axes (already initialised), the titles and the legend. */
void
lv_plot_frame_layout (LvPlotFrame *frame,
                      double       extra_right)
{
  const LvPlotCommon *c = frame->common;
  double pad = PAD (frame), top, bottom, left, right;
  double th = 0, lab_h = 0, last_w = 0, leg_w, leg_h;

  caption_fit (frame);
  lv_plot_text_extent (frame->cr, frame->theme, TICK_FS (frame), FALSE, "0", NULL, &th);
  lv_plot_text_extent (frame->cr, frame->theme, LV_PLOT_FS_LABEL * frame->fs, FALSE, "Ag", NULL,
                       &lab_h);

  top = pad + 0.5 * th;
  if (c->title != NULL && *c->title != '\0')
    {
      double title_h;

      title_h = lv_plot_text_fitted_height (frame->cr, frame->theme, LV_PLOT_FS_TITLE * frame->fs,
                                            TRUE, c->title, frame->width - 2 * pad);
      top = pad + title_h + 0.6 * frame->fs;
    }

  bottom = pad + TICK_LEN (frame) + 0.25 * frame->fs + th;
  if (c->x_label != NULL && *c->x_label != '\0')
    bottom += lv_plot_text_fitted_height (frame->cr, frame->theme, LV_PLOT_FS_LABEL * frame->fs,
                                          FALSE, c->x_label, frame->width - 2 * pad)
              + 0.3 * frame->fs;
  if (frame->caption_fs > 0)
    bottom += caption_height (frame) + 0.6 * frame->fs;
  legend_size (frame, &leg_w, &leg_h);
  frame->legend.height = leg_h; /* for y_title_room(); the rectangle is placed below */
  if (frame->legend_below)
    bottom += leg_h + 0.4 * frame->fs;

  left = left_band (frame);

  if (frame->x.n_ticks > 0 && !frame->x.hide_labels)
    {
      g_autofree char *label = lv_plot_axis_tick_label (&frame->x, frame->x.n_ticks - 1);

      lv_plot_text_extent (frame->cr, frame->theme, TICK_FS (frame), FALSE, label, &last_w, NULL);
    }
  right = pad + MAX (extra_right, 0.5 * last_w);
  if (leg_w > 0 && !frame->legend_below)
    right = pad + extra_right + leg_w + 0.8 * frame->fs;

  if (frame->caption_fs > 0 && frame->height - top - bottom < PLOT_MIN_SHARE * frame->height)
    {
      frame->caption_fs = 0; /* too short for both: the plot stays, the caption goes */
      lv_plot_frame_layout (frame, extra_right);
      return;
    }
  frame->area.x = left;
  frame->area.y = top;
  frame->area.width = MAX (frame->width - left - right, 10.0);
  frame->area.height = MAX (frame->height - top - bottom, 10.0);
  /* Tick labels at least 1.5 label heights apart. */
  if (!frame->y.hide_labels)
    lv_plot_axis_thin (&frame->y, (guint) floor (frame->area.height / (1.5 * th)) + 1);
  if (frame->legend_below)
    frame->legend = (LvPlotRect) {
      MAX (pad, MIN (frame->area.x, frame->width - pad - leg_w)),
      frame->height - pad - leg_h - 0.2 * frame->fs
        - (frame->caption_fs > 0 ? caption_height (frame) + 0.6 * frame->fs : 0),
      leg_w, leg_h };
  else
    frame->legend = (LvPlotRect) { frame->area.x + frame->area.width + extra_right
                                     + 0.8 * frame->fs, frame->area.y, leg_w, leg_h };
}

static double
axis_fraction (const LvPlotAxis *axis,
               double            v)
{
  if (axis->log)
    return v > 0 ? (log10 (v) - log10 (axis->lo)) / (log10 (axis->hi) - log10 (axis->lo)) : NAN;
  return (v - axis->lo) / (axis->hi - axis->lo);
}

double
lv_plot_frame_x (const LvPlotFrame *frame,
                 double             value)
{
  return frame->area.x + axis_fraction (&frame->x, value) * frame->area.width;
}

double
lv_plot_frame_y (const LvPlotFrame *frame,
                 double             value)
{
  return frame->area.y + frame->area.height
         - axis_fraction (&frame->y, value) * frame->area.height;
}

void
lv_plot_frame_clip (LvPlotFrame *frame)
{
  cairo_rectangle (frame->cr, frame->area.x, frame->area.y, frame->area.width,
                   frame->area.height);
  cairo_clip (frame->cr);
}

void
lv_plot_frame_get_layout (const LvPlotFrame *frame,
                          LvPlotLayout      *layout)
{
  layout->area = frame->area;
  layout->x_min = frame->x.lo;
  layout->x_max = frame->x.hi;
  layout->y_min = frame->y.lo;
  layout->y_max = frame->y.hi;
  layout->x_log = frame->x.log;
  layout->y_log = frame->y.log;
}

/*
 * The life of a figure that sits in one frame (lines, bars, scatter): set the frame up from the
 * model, draw background and grid, draw the data clipped to the plot area, then what goes over
 * the data, then axes and legend. lv_plot_frame_begin() and lv_plot_frame_end() are the shared
 * first and last steps; lv_plot_frame_measure() runs only the set-up, for hit tests and layouts.
 */
gboolean
lv_plot_frame_begin (LvPlotFrame        *frame,
                     cairo_t            *cr,
                     const LvPlotCommon *common,
                     double              width,
                     double              height,
                     LvPlotFrameSetup    setup,
                     gconstpointer       model)
{
  if (!lv_plot_size_ok (width, height))
    return FALSE;
  lv_plot_frame_init (frame, cr, common, width, height);
  if (!setup (frame, model))
    {
      lv_plot_frame_clear (frame);
      lv_plot_draw_empty (cr, common, width, height);
      return FALSE;
    }
  cairo_save (cr);
  lv_plot_frame_draw_back (frame);
  lv_plot_frame_draw_grid (frame);
  cairo_save (cr);
  lv_plot_frame_clip (frame);
  return TRUE;
}

void
lv_plot_frame_end (LvPlotFrame *frame)
{
  lv_plot_frame_draw_axes (frame);
  lv_plot_frame_draw_legend (frame);
  lv_plot_frame_clear (frame);
  cairo_restore (frame->cr);
}

gboolean
lv_plot_frame_measure (const LvPlotCommon *common,
                       double              width,
                       double              height,
                       LvPlotFrameSetup    setup,
                       gconstpointer       model,
                       LvPlotLayout       *layout)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  gboolean ok;

  if (!lv_plot_size_ok (width, height))
    return FALSE;
  cr = lv_plot_measure_context ();
  lv_plot_frame_init (&f, cr, common, width, height);
  ok = setup (&f, model);
  if (ok)
    lv_plot_frame_get_layout (&f, layout);
  lv_plot_frame_clear (&f);
  return ok;
}

void
lv_plot_frame_draw_back (LvPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  const LvPlotCommon *c = frame->common;

  lv_plot_set_source (cr, frame->theme->background);
  cairo_rectangle (cr, 0, 0, frame->width, frame->height);
  cairo_fill (cr);
  if (c->title != NULL && *c->title != '\0')
    {
      /* Over the plot area, moved left (or shrunk, wrapped) to stay in the figure. */
      double fs;
      int w;
      PangoLayout *layout = lv_plot_text_fitted_layout (cr, frame->theme,
                                                        LV_PLOT_FS_TITLE * frame->fs, TRUE,
                                                        c->title, frame->width - 2 * PAD (frame),
                                                        &fs);

      pango_layout_get_size (layout, &w, NULL);
      lv_plot_layout_draw (cr, layout, fs,
                           MAX (PAD (frame), MIN (frame->area.x, frame->width - PAD (frame)
                                                                  - (double) w / PANGO_SCALE)),
                           PAD (frame), 0.0, 0.0, 0.0, frame->theme->foreground);
      g_object_unref (layout);
    }
  if (frame->caption_fs > 0)
    {
      PangoLayout *layout = caption_layout (frame);

      lv_plot_layout_draw (cr, layout, frame->caption_fs, PAD (frame),
                           frame->height - PAD (frame), 0.0, 1.0, 0.0, frame->theme->muted);
      g_object_unref (layout);
    }
}

void
lv_plot_frame_draw_grid (LvPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  const LvPlotRect *a = &frame->area;

  cairo_save (cr);
  lv_plot_set_source (cr, frame->theme->grid);
  cairo_set_line_width (cr, 0.8 * frame->lw);
  for (guint i = 0; i < frame->y.n_ticks; i++)
    {
      double y = round (lv_plot_frame_y (frame, frame->y.ticks[i])) + 0.5;

      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->width, y);
    }
  if (!frame->x.categorical)
    for (guint i = 0; i < frame->x.n_ticks; i++)
      {
        double x = round (lv_plot_frame_x (frame, frame->x.ticks[i])) + 0.5;

        cairo_move_to (cr, x, a->y);
        cairo_line_to (cr, x, a->y + a->height);
      }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Draws the x tick labels, skipping every other one while neighbours would overlap. */
static void
draw_x_tick_labels (LvPlotFrame *frame,
                    double       y)
{
  double widths[LV_PLOT_MAX_TICKS];
  char *labels[LV_PLOT_MAX_TICKS];
  guint every = 1, n = frame->x.n_ticks;

  for (guint i = 0; i < n; i++)
    {
      labels[i] = lv_plot_axis_tick_label (&frame->x, i);
      lv_plot_text_extent (frame->cr, frame->theme, TICK_FS (frame), FALSE, labels[i], &widths[i],
                           NULL);
    }
  for (gboolean overlap = TRUE; overlap && every < n; )
    {
      overlap = FALSE;
      for (guint i = every; i < n; i += every)
        {
          double gap = lv_plot_frame_x (frame, frame->x.ticks[i])
                       - lv_plot_frame_x (frame, frame->x.ticks[i - every]);

          if (gap < 0.5 * (widths[i] + widths[i - every]) + 0.6 * frame->fs)
            overlap = TRUE;
        }
      if (overlap)
        every++;
    }
  for (guint i = 0; i < n; i += every)
    lv_plot_text_draw (frame->cr, frame->theme, TICK_FS (frame), FALSE, labels[i],
                       lv_plot_frame_x (frame, frame->x.ticks[i]), y, 0.5, 0.0, 0.0,
                       frame->theme->foreground);
  for (guint i = 0; i < n; i++)
    g_free (labels[i]);
}

/* An axis title of at most @room along its axis, centred at @centre but kept in [@lo, @hi];
 * @across is its top edge (x title) or its bottom edge as read (y title, turned). */
static void
draw_axis_title (LvPlotFrame *frame,
                 const char  *text,
                 double       room,
                 double       centre,
                 double       lo,
                 double       hi,
                 double       across,
                 gboolean     vertical)
{
  double fs, half;
  int w;
  PangoLayout *layout = lv_plot_text_fitted_layout (frame->cr, frame->theme,
                                                    LV_PLOT_FS_LABEL * frame->fs, FALSE, text,
                                                    room, &fs);

  pango_layout_get_size (layout, &w, NULL);
  half = 0.5 * w / PANGO_SCALE;
  if (half <= 0.5 * (hi - lo))
    centre = CLAMP (centre, lo + half, hi - half);
  if (vertical)
    lv_plot_layout_draw (frame->cr, layout, fs, across, centre, 0.5, 1.0, -G_PI / 2,
                         frame->theme->foreground);
  else
    lv_plot_layout_draw (frame->cr, layout, fs, centre, across, 0.5, 0.0, 0.0,
                         frame->theme->foreground);
  g_object_unref (layout);
}

void
lv_plot_frame_draw_axes (LvPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  const LvPlotRect *a = &frame->area;
  const LvPlotTheme *t = frame->theme;
  double tl = TICK_LEN (frame), x0 = round (a->x) - 0.5, y0 = round (a->y + a->height) + 0.5;
  double lab_h, max_w = 0;

  cairo_save (cr);
  lv_plot_set_source (cr, t->foreground);
  cairo_set_line_width (cr, 1.0 * frame->lw);
  cairo_move_to (cr, x0, a->y);
  cairo_line_to (cr, x0, y0);
  cairo_line_to (cr, a->x + a->width, y0);
  for (guint i = 0; i < frame->x.n_ticks; i++)
    {
      double x = round (lv_plot_frame_x (frame, frame->x.ticks[i])) + 0.5;

      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y0 + tl);
    }
  for (guint i = 0; i < frame->y.n_ticks && !frame->y.hide_labels; i++)
    {
      double y = round (lv_plot_frame_y (frame, frame->y.ticks[i])) + 0.5;

      cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x0 - tl, y);
    }
  cairo_stroke (cr);

  if (!frame->x.hide_labels)
    draw_x_tick_labels (frame, y0 + tl + 0.15 * frame->fs);
  for (guint i = 0; i < frame->y.n_ticks && !frame->y.hide_labels; i++)
    {
      g_autofree char *label = lv_plot_axis_tick_label (&frame->y, i);
      double w;

      lv_plot_text_extent (cr, t, TICK_FS (frame), FALSE, label, &w, NULL);
      max_w = MAX (max_w, w);
      lv_plot_text_draw (cr, t, TICK_FS (frame), FALSE, label, x0 - tl - 0.3 * frame->fs,
                         lv_plot_frame_y (frame, frame->y.ticks[i]), 1.0, 0.5, 0.0, t->foreground);
    }

  lv_plot_text_extent (cr, t, TICK_FS (frame), FALSE, "0", NULL, &lab_h);
  /* Axis titles fit the panel: centred on the plot area where they can, moved along their
   * axis to stay in the panel, shrunk or wrapped (lv_plot_text_fitted_layout()) when longer;
   * lv_plot_frame_layout() measured the same layouts. */
  if (frame->common->x_label != NULL && *frame->common->x_label != '\0')
    draw_axis_title (frame, frame->common->x_label, frame->width - 2 * PAD (frame),
                     a->x + 0.5 * a->width, PAD (frame), frame->width - PAD (frame),
                     y0 + tl + 0.25 * frame->fs + lab_h + 0.3 * frame->fs, FALSE);
  if (frame->y_label != NULL && *frame->y_label != '\0')
    draw_axis_title (frame, frame->y_label,
                     y_title_room (frame), a->y + 0.5 * a->height, PAD (frame),
                     frame->height - PAD (frame) - bottom_band (frame),
                     x0 - tl - 0.3 * frame->fs - max_w - 0.4 * frame->fs, TRUE);
  cairo_restore (cr);
}

void
lv_plot_frame_draw_legend (LvPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  guint columns = MAX (frame->legend_columns, 1);
  guint rows = (frame->legend_entries->len + columns - 1) / columns;
  double row_h = rows > 0 ? frame->legend.height / rows : 0;
  double sw = 1.3 * frame->fs;

  for (guint i = 0; i < frame->legend_entries->len; i++)
    {
      LvPlotLegendEntry *e = &g_array_index (frame->legend_entries, LvPlotLegendEntry, i);
      double x = frame->legend.x + (i % columns) * frame->legend.width / columns;
      double yc = frame->legend.y + (i / columns + 0.5) * row_h;
      PangoLayout *layout;

      cairo_save (cr);
      lv_plot_set_source (cr, e->color);
      switch (e->kind)
        {
        case LV_PLOT_KEY_BOX:
          cairo_rectangle (cr, x, yc - 0.3 * frame->fs, sw, 0.6 * frame->fs);
          cairo_fill (cr);
          break;
        case LV_PLOT_KEY_POINT:
          cairo_new_path (cr);
          /* Points grow with the font, the line scale capped (as in scatter): projector keys
           * stay points, not blobs (issue 15). */
          cairo_arc (cr, x + 0.5 * sw, yc, 0.3 * frame->fs * MIN (frame->lw, 1.5), 0, 2 * G_PI);
          cairo_fill (cr);
          break;
        case LV_PLOT_KEY_LINE:
        default:
          lv_plot_set_dash (cr, e->style, 1.8 * frame->lw);
          cairo_move_to (cr, x, yc);
          cairo_line_to (cr, x + sw, yc);
          cairo_stroke (cr);
          break;
        }
      cairo_restore (cr);
      layout = lv_plot_text_layout_boxed (cr, frame->theme, LEGEND_FS (frame), FALSE, e->text,
                                          legend_max_text (frame), PANGO_WRAP_WORD,
                                          PANGO_ELLIPSIZE_END);
      lv_plot_layout_draw (cr, layout, LEGEND_FS (frame), x + sw + 0.5 * frame->fs, yc, 0.0, 0.5,
                           0.0, frame->theme->foreground);
      g_object_unref (layout);
    }
}

typedef struct
{
  const char *text;
  double x0, x1;   /* label extent along x */
} RefLabel;

static int
compare_ref_labels (const void *a,
                    const void *b)
{
  const RefLabel *p = a, *q = b;

  return (p->x0 > q->x0) - (p->x0 < q->x0);
}

/*
 * Labels of vertical lines and bands sit at the top of the plot area. Lines can be closer than
 * their labels are wide (the −E_k of the spin glass are a few hundredths apart), so labels are
 * placed greedily in "lanes": each goes into the highest lane where it does not collide.
 */
static void
draw_ref_labels (LvPlotFrame *frame,
                 RefLabel    *labels,
                 guint        n)
{
  double lane_end[16], th, fs = 0.85 * frame->fs;
  LvPlotRgba halo = lv_plot_rgba_with_alpha (frame->theme->background, 0.75);

  qsort (labels, n, sizeof *labels, compare_ref_labels);
  lv_plot_text_extent (frame->cr, frame->theme, fs, FALSE, "Ag", NULL, &th);
  for (guint l = 0; l < G_N_ELEMENTS (lane_end); l++)
    lane_end[l] = -INFINITY;
  for (guint i = 0; i < n; i++)
    {
      guint lane = 0;
      double y;

      while (lane + 1 < G_N_ELEMENTS (lane_end) && labels[i].x0 < lane_end[lane] + 0.3 * fs)
        lane++;
      y = frame->area.y + 0.2 * fs + lane * th;
      /* A label the plot area cannot hold whole (a short panel, a crowded lane stack or a
       * label wider than the panel) is dropped rather than drawn cut by the clip. */
      if (y + th > frame->area.y + frame->area.height || labels[i].x0 < frame->area.x - 0.5 ||
          labels[i].x1 > frame->area.x + frame->area.width + 0.5)
        continue;
      lane_end[lane] = labels[i].x1;
      lv_plot_set_source (frame->cr, halo);
      cairo_rectangle (frame->cr, labels[i].x0 - 1, y, labels[i].x1 - labels[i].x0 + 2, th);
      cairo_fill (frame->cr);
      lv_plot_text_draw (frame->cr, frame->theme, fs, FALSE, labels[i].text, labels[i].x0, y, 0.0,
                         0.0, 0.0, frame->theme->muted);
    }
}

/* Band fills go behind the data; their labels come with lv_plot_frame_draw_refs(). */
void
lv_plot_frame_draw_bands (LvPlotFrame      *frame,
                          const LvPlotBand *bands,
                          gsize             n_bands)
{
  cairo_t *cr = frame->cr;

  cairo_save (cr);
  lv_plot_frame_clip (frame);
  lv_plot_set_source (cr, frame->theme->band);
  for (gsize i = 0; i < n_bands; i++)
    {
      double x0 = lv_plot_frame_x (frame, MIN (bands[i].lo, bands[i].hi));
      double x1 = lv_plot_frame_x (frame, MAX (bands[i].lo, bands[i].hi));

      if (!isfinite (x0) || !isfinite (x1))
        continue;
      cairo_rectangle (cr, x0, frame->area.y, MAX (x1 - x0, 1.0), frame->area.height);
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Reference lines in front of the data, with the labels of lines and bands in shared lanes. */
void
lv_plot_frame_draw_refs (LvPlotFrame         *frame,
                         const LvPlotBand    *bands,
                         gsize                n_bands,
                         const LvPlotRefLine *vlines,
                         gsize                n_vlines,
                         const LvPlotRefLine *hlines,
                         gsize                n_hlines)
{
  cairo_t *cr = frame->cr;
  const LvPlotRect *a = &frame->area;
  g_autofree RefLabel *labels = g_new0 (RefLabel, n_bands + n_vlines + 1);
  guint n_labels = 0;
  double fs = 0.85 * frame->fs;

  cairo_save (cr);
  lv_plot_frame_clip (frame);
  for (gsize i = 0; i < n_bands; i++)
    {
      double x0 = lv_plot_frame_x (frame, MIN (bands[i].lo, bands[i].hi));
      double x1 = lv_plot_frame_x (frame, MAX (bands[i].lo, bands[i].hi));

      if (!isfinite (x0) || !isfinite (x1))
        continue;
      if (bands[i].label != NULL)
        {
          double w;

          lv_plot_text_extent (cr, frame->theme, fs, FALSE, bands[i].label, &w, NULL);
          labels[n_labels].text = bands[i].label;
          labels[n_labels].x0 = CLAMP (0.5 * (x0 + x1) - 0.5 * w, a->x, a->x + a->width - w);
          labels[n_labels].x1 = labels[n_labels].x0 + w;
          n_labels++;
        }
    }
  for (gsize i = 0; i < n_vlines; i++)
    {
      double x = lv_plot_frame_x (frame, vlines[i].value);

      if (!isfinite (x) || x < a->x - 1 || x > a->x + a->width + 1)
        continue;
      lv_plot_set_source (cr, lv_plot_ref_color (frame->theme, vlines[i].color));
      lv_plot_set_dash (cr, vlines[i].style, 1.3 * frame->lw);
      cairo_move_to (cr, x, a->y);
      cairo_line_to (cr, x, a->y + a->height);
      cairo_stroke (cr);
      if (vlines[i].label != NULL)
        {
          double w;

          lv_plot_text_extent (cr, frame->theme, fs, FALSE, vlines[i].label, &w, NULL);
          /* Right of the line, or left of it near the right edge. */
          labels[n_labels].x0 = x + w + 0.3 * fs < a->x + a->width ? x + 0.25 * fs
                                                                    : x - 0.25 * fs - w;
          labels[n_labels].x1 = labels[n_labels].x0 + w;
          labels[n_labels].text = vlines[i].label;
          n_labels++;
        }
    }
  for (gsize i = 0; i < n_hlines; i++)
    {
      double y = lv_plot_frame_y (frame, hlines[i].value);

      if (!isfinite (y) || y < a->y - 1 || y > a->y + a->height + 1)
        continue;
      lv_plot_set_source (cr, lv_plot_ref_color (frame->theme, hlines[i].color));
      lv_plot_set_dash (cr, hlines[i].style, 1.2 * frame->lw);
      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->width, y);
      cairo_stroke (cr);
      if (hlines[i].label != NULL)
        lv_plot_text_draw (cr, frame->theme, fs, FALSE, hlines[i].label,
                           a->x + a->width - 0.3 * fs, y - 0.15 * fs, 1.0, 1.0, 0.0,
                           frame->theme->muted);
    }
  draw_ref_labels (frame, labels, n_labels);
  cairo_restore (cr);
}

static gboolean
rects_overlap (const LvPlotRect *a,
               const LvPlotRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
         b->y < a->y + a->height;
}

/* The top of a point label @th high spanning [@tx, @tx + @w]: above the point; below it when
 * that would leave the plot area (a point near the top of a short panel had its label
 * clipped), never outside the area; and clear of the labels already @placed (the Landscape
 * heatmap's "trained" and "grid min" once overlapped on a projector) where the area allows. */
static double
point_label_y (LvPlotFrame  *frame,
               double        y,
               double        r,
               double        tx,
               double        w,
               double        th,
               const GArray *placed)
{
  double top = frame->area.y, bottom = frame->area.y + frame->area.height - th;
  double tries[2 + 2 * 8];
  guint n = 0;

  tries[n++] = y - r - th;
  tries[n++] = y + r;
  for (guint i = 0; i < placed->len && n + 2 <= G_N_ELEMENTS (tries); i++)
    {
      const LvPlotRect *p = &g_array_index (placed, LvPlotRect, i);

      tries[n++] = p->y - th;
      tries[n++] = p->y + p->height;
    }
  for (guint k = 0; k < n; k++)
    {
      LvPlotRect rect = { tx - 1, tries[k], w + 2, th };
      gboolean clear = tries[k] >= top && tries[k] <= bottom;

      for (guint i = 0; clear && i < placed->len; i++)
        clear = !rects_overlap (&rect, &g_array_index (placed, LvPlotRect, i));
      if (clear)
        return tries[k];
    }
  /* No clear place: the old rule (above, else below, inside the area). */
  return MAX (y - r - th >= top ? y - r - th : MIN (y + r, bottom), top);
}

void
lv_plot_frame_draw_points (LvPlotFrame       *frame,
                           const LvPlotPoint *points,
                           gsize              n_points)
{
  cairo_t *cr = frame->cr;
  double r = 0.32 * frame->fs * MIN (frame->lw, 1.5); /* error bars stay visible (issue 15) */
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (LvPlotRect));

  for (gsize i = 0; i < n_points; i++)
    {
      double x = lv_plot_frame_x (frame, points[i].x), y = lv_plot_frame_y (frame, points[i].y);

      if (!isfinite (x) || !isfinite (y) || x < frame->area.x - r || y < frame->area.y - r
          || x > frame->area.x + frame->area.width + r
          || y > frame->area.y + frame->area.height + r)
        continue;
      cairo_new_path (cr); /* a label drawn before leaves a current point */
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      lv_plot_set_source (cr, lv_plot_ref_color (frame->theme, points[i].color));
      cairo_fill_preserve (cr);
      lv_plot_set_source (cr, frame->theme->background);
      cairo_set_line_width (cr, 1.2 * frame->lw);
      cairo_stroke (cr);
      if (points[i].label != NULL)
        {
          double w, th, tx, ty, fs = 0.85 * frame->fs;
          gboolean left;

          lv_plot_text_extent (cr, frame->theme, fs, FALSE, points[i].label, &w, &th);
          if (w > frame->area.width && w > 0)
            {
              /* Wider than the plot (a long French label on a projector): smaller, to fit. */
              fs *= MAX (0.6, 0.98 * frame->area.width / w);
              lv_plot_text_extent (cr, frame->theme, fs, FALSE, points[i].label, &w, &th);
            }
          left = x + r + 0.3 * frame->fs + w > frame->area.x + frame->area.width;
          tx = left ? x - r - 0.25 * frame->fs - w : x + r + 0.25 * frame->fs;
          /* Beside the point, but inside the plot area even when neither side has the room. */
          tx = MAX (frame->area.x, MIN (tx, frame->area.x + frame->area.width - w));
          ty = point_label_y (frame, y, r, tx, w, th, placed);
          g_array_append_val (placed, ((LvPlotRect) { tx - 1, ty, w + 2, th }));
          /* A translucent halo keeps the label readable over a heatmap or a curve. */
          lv_plot_set_source (cr, lv_plot_rgba_with_alpha (frame->theme->background, 0.7));
          cairo_rectangle (cr, tx - 1, ty, w + 2, th);
          cairo_fill (cr);
          lv_plot_text_draw (cr, frame->theme, fs, FALSE, points[i].label, tx, ty, 0.0, 0.0, 0.0,
                             frame->theme->foreground);
        }
    }
}

/**
 * lv_plot_draw_empty: (skip)
 *
 * The "No data yet" state: background, title and a centred message.
 */
void
lv_plot_draw_empty (cairo_t            *cr,
                    const LvPlotCommon *common,
                    double              width,
                    double              height)
{
  LvPlotFrame frame;
  const char *text = common->empty_text != NULL ? common->empty_text : "No data yet";

  lv_plot_frame_init (&frame, cr, common, width, height);
  lv_plot_axis_init (&frame.x, 0, 1, FALSE, 0, 4);
  lv_plot_axis_init (&frame.y, 0, 1, FALSE, 0, 4);
  lv_plot_frame_layout (&frame, 0);
  cairo_save (cr);
  lv_plot_frame_draw_back (&frame);
  /* Shrunk or wrapped to the panel like a title: a French message in a narrow panel was cut. */
  lv_plot_text_draw_fitted (cr, frame.theme, 1.1 * frame.fs, text, 0.9 * width, 0.5 * width,
                            0.5 * height, 0.5, 0.5, 0.0, frame.theme->muted);
  cairo_restore (cr);
  lv_plot_frame_clear (&frame);
}
