/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Stamped scatter markers (src/plot/lv-plot-scatter-stamp.c): points of one series that land
 * on one pixel are stamped once with a stacked disc. Checked against the compositing formula
 * (k translucent stamps of colour C over background B leave C + (B − C)·(1 − a)^k at a fully
 * covered pixel), and the two routes (straight into an image surface; through a layer, as on
 * GTK's recording surface) against each other.
 */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-scatter.h>

#define W 420
#define H 360
#define MARKER_ALPHA 0.75   /* the scatter's marker opacity */

/* Channel @c (0 = blue, 1 = green, 2 = red: Cairo's ARGB32 in memory) of pixel (x, y). */
static int
channel (cairo_surface_t *surface, int x, int y, int c)
{
  const guint8 *data = cairo_image_surface_get_data (surface);

  return data[y * cairo_image_surface_get_stride (surface) + 4 * x + c];
}

/* A figure of one series: @k copies of (0.37, 0.61) plus two corner points that set the axes. */
static cairo_surface_t *
draw_copies (guint k, LvPlotLayout *layout)
{
  g_autofree double *x = g_new (double, k + 2), *y = g_new (double, k + 2);
  LvPlotScatterSeries series = { "s", x, y, k + 2, 0 };
  LvPlotScatterModel model = { 0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < k; i++)
    {
      x[i] = 0.37;
      y[i] = 0.61;
    }
  x[k] = y[k] = 0;
  x[k + 1] = y[k + 1] = 1;
  model.series = &series;
  model.n_series = 1;
  lv_plot_scatter_draw (cr, &model, W, H);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_true (lv_plot_scatter_get_layout (&model, W, H, layout));
  return surface;
}

static void
test_stacked_copies (void)
{
  const LvPlotTheme *theme = lv_plot_theme_light ();
  LvPlotRgba c = lv_plot_palette_category (theme, 0), bg = theme->background;
  static const guint copies[] = { 1, 2, 3, 7, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
    {
      LvPlotLayout layout;
      cairo_surface_t *surface = draw_copies (copies[i], &layout);
      int px = (int) floor (lv_plot_layout_x_to_px (&layout, 0.37));
      int py = (int) floor (lv_plot_layout_y_to_px (&layout, 0.61));
      double keep = pow (1 - MARKER_ALPHA, copies[i]);   /* what the background keeps */
      double want[3] = { c.b + (bg.b - c.b) * keep, c.g + (bg.g - c.g) * keep,
                         c.r + (bg.r - c.r) * keep };

      for (int ch = 0; ch < 3; ch++)
        {
          double got = channel (surface, px, py, ch);

          if (fabs (got - 255 * want[ch]) > 3)
            g_error ("%u copies: channel %d is %.0f, the compositing formula gives %.1f",
                     copies[i], ch, got, 255 * want[ch]);
        }
      cairo_surface_destroy (surface);
    }
}

/* Clustered runs: 5 series × 1000 points, many on the same pixels. */
static void
clustered_model (LvPlotScatterModel *model, LvPlotScatterSeries *series, double *x, double *y)
{
  LvRng rng;

  lv_rng_init (&rng, 3);
  for (guint s = 0; s < 5; s++)
    {
      for (guint i = 0; i < 1000; i++)
        {
          double t = 0.3 / (1 + s) + 0.02 * lv_rng_gaussian (&rng);

          x[s * 1000 + i] = round (t * 400) / 400;   /* clusters: repeated values */
          y[s * 1000 + i] = 1.2 * x[s * 1000 + i] + 0.01 * lv_rng_gaussian (&rng);
        }
      series[s] = (LvPlotScatterSeries) { "s", x + s * 1000, y + s * 1000, 1000, -1 };
    }
  *model = (LvPlotScatterModel) { 0 };
  model->series = series;
  model->n_series = 5;
}

static void
test_layer_route_matches_direct (void)
{
  g_autofree double *x = g_new (double, 5000), *y = g_new (double, 5000);
  LvPlotScatterSeries series[5];
  LvPlotScatterModel model;
  cairo_surface_t *direct = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_t *replayed = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr;
  int worst = 0, marked = 0;

  clustered_model (&model, series, x, y);
  cr = cairo_create (direct);
  lv_plot_scatter_draw (cr, &model, W, H);
  cairo_destroy (cr);
  cr = cairo_create (recording);
  lv_plot_scatter_draw (cr, &model, W, H);
  cairo_destroy (cr);
  cr = cairo_create (replayed);
  cairo_set_source_surface (cr, recording, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (direct);
  cairo_surface_flush (replayed);
  for (int py = 0; py < H; py++)
    for (int px = 0; px < W; px++)
      {
        int d = 0;

        for (int ch = 0; ch < 3; ch++)
          d = MAX (d, abs (channel (direct, px, py, ch) - channel (replayed, px, py, ch)));
        worst = MAX (worst, d);
        /* Marker pixels: strongly coloured (not grey like axes, text and grid). */
        marked += abs (channel (direct, px, py, 2) - channel (direct, px, py, 0)) > 60;
      }
  g_assert_cmpint (marked, >, 500);
  /* The plot area's edges are fractional: the layer is clipped there with coverage, the
   * direct route to whole pixels; marker pixels must agree. */
  g_assert_cmpint (worst, <=, 2);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (replayed);
  cairo_surface_destroy (recording);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/scatter-stamp/stacked-copies", test_stacked_copies);
  g_test_add_func ("/plot/scatter-stamp/layer-route", test_layer_route_matches_direct);
  return g_test_run ();
}
