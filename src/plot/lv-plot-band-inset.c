/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>

#include <lossviz/lv-plot.h>

#include "lv-plot-private.h"

/*
 * The band inset: when a shaded band (the spin glass's [−E₀, −E∞]) is only a sliver of the x
 * axis, a strip above the plot magnifies it — its own ruler from a little left of the band to
 * a little right of it, the band shaded, every reference line inside it drawn in its style and
 * the labelled lines named with their values ("−E₀ = −1.6570") — joined to the sliver by two
 * thin callout lines. Labels are placed greedily left to right in up to two rows and a label
 * that fits in neither is dropped, so labels never overlap.
 */

/* Room the strip takes above the plot, in user units. */
double
lv_plot_band_inset_height (const LvPlotFrame *frame)
{
  return 5.0 * frame->fs;
}

/* Whether @band is narrow enough on @frame's x axis to deserve an inset. */
gboolean
lv_plot_band_inset_wanted (const LvPlotFrame *frame, const LvPlotBand *band)
{
  double x0 = lv_plot_frame_x (frame, MIN (band->lo, band->hi));
  double x1 = lv_plot_frame_x (frame, MAX (band->lo, band->hi));

  return isfinite (x0) && isfinite (x1) && x1 - x0 < MAX (0.08 * frame->area.width,
                                                           4 * frame->fs);
}

typedef struct
{
  double lo, hi;   /* data range of the ruler */
  LvPlotRect r;    /* the ruler's box */
} Ruler;

static double
ruler_x (const Ruler *ru, double v)
{
  return ru->r.x + (v - ru->lo) / (ru->hi - ru->lo) * ru->r.width;
}

/* Draws @text centred at @x in the first of two rows above the ruler where it fits. */
static void
place_label (LvPlotFrame *frame, const Ruler *ru, double *row_end, const char *text, double x)
{
  double fs = 0.85 * frame->fs, w, h;

  lv_plot_text_extent (frame->cr, frame->theme, fs, FALSE, text, &w, &h);
  x = CLAMP (x - 0.5 * w, ru->r.x, ru->r.x + ru->r.width - w);
  for (guint row = 0; row < 2; row++)
    if (x > row_end[row] + 0.4 * fs)
      {
        lv_plot_text_draw (frame->cr, frame->theme, fs, FALSE, text, x,
                           ru->r.y - 0.15 * fs - row * h, 0.0, 1.0, 0.0, frame->theme->foreground);
        row_end[row] = x + w;
        return;
      }
}

/* The magnified band, its lines and the callouts to the sliver on the main axis. */
void
lv_plot_band_inset_draw (LvPlotFrame         *frame,
                         const LvPlotBand    *band,
                         const LvPlotRefLine *lines,
                         gsize                n_lines)
{
  cairo_t *cr = frame->cr;
  double lo = MIN (band->lo, band->hi), hi = MAX (band->lo, band->hi), pad = 0.2 * (hi - lo);
  double row_end[2] = { -INFINITY, -INFINITY }, fs = frame->fs;
  double centre = lv_plot_frame_x (frame, 0.5 * (lo + hi)), width = 0.55 * frame->area.width;
  /* Near the sliver, so the callouts stay short. */
  Ruler ru = { lo - pad, hi + pad,
               { CLAMP (centre - 0.5 * width, frame->area.x,
                        frame->area.x + frame->area.width - width),
                 frame->area.y - lv_plot_band_inset_height (frame) + 2.4 * fs,
                 width, 1.2 * fs } };

  cairo_save (cr);
  lv_plot_set_source (cr, frame->theme->band);
  cairo_rectangle (cr, ruler_x (&ru, lo), ru.r.y, ruler_x (&ru, hi) - ruler_x (&ru, lo),
                   ru.r.height);
  cairo_fill (cr);
  lv_plot_set_source (cr, frame->theme->muted);
  cairo_set_line_width (cr, 0.8 * frame->lw);
  cairo_rectangle (cr, ru.r.x, ru.r.y, ru.r.width, ru.r.height);
  cairo_stroke (cr);
  /* Callouts: from the sliver's edges on the plot's top to the band in the strip. */
  cairo_move_to (cr, lv_plot_frame_x (frame, lo), frame->area.y);
  cairo_line_to (cr, ruler_x (&ru, lo), ru.r.y + ru.r.height);
  cairo_move_to (cr, lv_plot_frame_x (frame, hi), frame->area.y);
  cairo_line_to (cr, ruler_x (&ru, hi), ru.r.y + ru.r.height);
  cairo_stroke (cr);
  for (gsize i = 0; i < n_lines; i++)
    {
      double x = ruler_x (&ru, lines[i].value);

      if (!isfinite (x) || x < ru.r.x || x > ru.r.x + ru.r.width)
        continue;
      lv_plot_set_source (cr, lv_plot_ref_color (frame->theme, lines[i].color));
      lv_plot_set_dash (cr, lines[i].style, 1.2 * frame->lw);
      cairo_move_to (cr, x, ru.r.y);
      cairo_line_to (cr, x, ru.r.y + ru.r.height);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (lines[i].label != NULL)
        {
          g_autoptr(GString) text = g_string_new (lines[i].label);

          g_string_append (text, " = ");
          if (lines[i].value < 0)
            g_string_append (text, "−");
          g_string_append_printf (text, "%.4f", fabs (lines[i].value));
          place_label (frame, &ru, row_end, text->str, x);
        }
    }
  cairo_restore (cr);
}
