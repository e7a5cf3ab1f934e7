/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot.h>

/*
 * Nothing cut (issue 15): the text record reports text that is ellipsized or leaves the
 * figure; a legend too wide to sit beside a narrow plot goes under it; long titles and axis
 * titles on small panels at projector scale shrink and wrap instead of being ellipsized.
 * Geometry is checked on the recorded extents (device space), not on the code's own layout
 * numbers alone.
 */

static GPtrArray *
record (LvPlotDrawFunc draw, gconstpointer model, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  GPtrArray *items;

  lv_plot_text_record_begin (cr);
  draw (cr, model, width, height);
  items = lv_plot_text_record_end (cr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS); /* no drawing error */
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return items;
}

static const LvPlotTextItem *
find_text (GPtrArray *items, const char *text)
{
  for (guint i = 0; i < items->len; i++)
    {
      const LvPlotTextItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->text, text))
        return item;
    }
  return NULL;
}

/* Every recorded string is uncut and inside the @width × @height figure. */
static void
assert_nothing_cut (GPtrArray *items, int width, int height)
{
  for (guint i = 0; i < items->len; i++)
    {
      const LvPlotTextItem *item = g_ptr_array_index (items, i);

      if (item->truncated)
        g_error ("cut: “%s”", item->text);
      g_assert_cmpfloat (item->extents.x, >=, -0.5);
      g_assert_cmpfloat (item->extents.y, >=, -0.5);
      g_assert_cmpfloat (item->extents.x + item->extents.width, <=, width + 0.5);
      g_assert_cmpfloat (item->extents.y + item->extents.height, <=, height + 0.5);
    }
}

/* The record's flag itself: text running off the figure is reported, text inside is not. */
static void
draw_edge_text (cairo_t *cr, gconstpointer model, double width, double height)
{
  LvPlotHistogramModel m = { .common = { .title = model } };

  /* An empty histogram draws its title through the frame: too long for 120 px even wrapped
   * onto two lines at the smallest size, so the second line ends in an ellipsis. */
  lv_plot_histogram_draw (cr, &m, width, height);
}

static void
test_record_flags (void)
{
  g_autoptr(GPtrArray) fits = record (draw_edge_text, "Short", 400, 300);
  g_autoptr(GPtrArray) cut = record (draw_edge_text,
                                     "A very long title that cannot possibly fit into a narrow "
                                     "figure, not even on two lines, whatever its size", 120, 300);
  gboolean any_cut = FALSE;

  g_assert_nonnull (find_text (fits, "Short"));
  g_assert_false (find_text (fits, "Short")->truncated);
  for (guint i = 0; i < cut->len; i++)
    any_cut = any_cut || ((LvPlotTextItem *) g_ptr_array_index (cut, i))->truncated;
  g_assert_true (any_cut);
}

/* The loss view's scatter with "n = 100  r = −0.07" entries (cut on a projector before):
 * on a projector (1.8 × fonts, 380 × 300) nothing is cut; in a panel too narrow for the legend
 * beside the plot even shrunk (170 px at 1 ×), the legend goes under the plot area, every
 * entry whole, and the plot keeps most of the width. */
static void
test_legend_under_narrow_plot (void)
{
  static const double x[] = { 0.1, 0.2, 0.3, 0.4 }, y[] = { 0.3, 0.1, 0.4, 0.2 };
  static const struct { int width; double scale; gboolean under; } cases[] = {
    { 380, 1.8, FALSE }, { 170, 1.0, TRUE },
  };
  LvPlotScatterSeries series[] = {
    { "n = 5", x, y, 4, LV_PLOT_COLOR_AUTO }, { "n = 10", x, y, 4, LV_PLOT_COLOR_AUTO },
    { "n = 25", x, y, 4, LV_PLOT_COLOR_AUTO }, { "n = 100", x, y, 4, LV_PLOT_COLOR_AUTO },
  };
  LvPlotTheme theme;
  LvPlotScatterModel m = { .common = { .title = "Training vs test",
                                       .x_label = "training loss", .y_label = "test loss",
                                       .theme = &theme },
                           .series = series, .n_series = 4, .show_pearson = TRUE };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      int w = cases[c].width, h = 300;
      g_autoptr(GPtrArray) items = NULL;
      LvPlotLayout layout;
      guint legend = 0;

      lv_plot_theme_scaled (lv_plot_theme_light (), cases[c].scale, cases[c].scale, &theme);
      items = record ((LvPlotDrawFunc) lv_plot_scatter_draw, &m, w, h);
      g_assert_true (lv_plot_scatter_get_layout (&m, w, h, &layout));
      assert_nothing_cut (items, w, h);
      for (guint i = 0; i < items->len; i++)
        {
          const LvPlotTextItem *item = g_ptr_array_index (items, i);

          if (!g_str_has_prefix (item->text, "n = "))
            continue;
          legend++;
          g_assert_nonnull (strstr (item->text, "r = "));
          if (cases[c].under) /* under the plot and its x axis title */
            g_assert_cmpfloat (item->extents.y, >, layout.area.y + layout.area.height);
          else /* beside the plot */
            g_assert_cmpfloat (item->extents.x, >, layout.area.x + layout.area.width);
        }
      g_assert_cmpuint (legend, ==, 4);
      if (cases[c].under)
        g_assert_cmpfloat (layout.area.width, >, 0.55 * w);
    }

  /* Too short for the legend under it too (170 × 120): the plot keeps its height, the legend
   * stays beside at the smallest size (the French scatter on a projector became a sliver). */
  {
    LvPlotLayout layout;

    lv_plot_theme_scaled (lv_plot_theme_light (), 1.0, 1.0, &theme);
    g_assert_true (lv_plot_scatter_get_layout (&m, 170, 120, &layout));
    g_assert_cmpfloat (layout.area.height, >, 0.3 * 120);
  }
}

/* Short panels at projector scale: a long y title (the spread panel's, in French) and a title
 * wider than the panel shrink and wrap, nothing ellipsized or outside, nothing on the caption. */
static void
test_titles_wrap (void)
{
  static const double x[] = { 5, 10, 25, 100 }, y[] = { 0.05, 0.03, 0.02, 0.015 };
  LvPlotCurve curve = { NULL, x, y, 4, LV_PLOT_COLOR_AUTO, LV_PLOT_LINE_SOLID, TRUE };
  LvPlotTheme theme;
  LvPlotLinesModel m = {
    .common = { .title = "Sphérique à 3 spins : E/Λ là où la descente s’arrête, par taille",
                .x_label = "unités cachées (échelle logarithmique)",
                .y_label = "écart type de la perte de test",
                .caption = "Lanczos sur chaque exécution terminée",
                .theme = &theme },
    .curves = &curve, .n_curves = 1,
  };
  g_autoptr(GPtrArray) items = NULL;
  const LvPlotTextItem *title, *y_title, *caption;

  lv_plot_theme_scaled (lv_plot_theme_light (), 1.8, 2.2, &theme);
  items = record ((LvPlotDrawFunc) lv_plot_lines_draw, &m, 600, 260);
  assert_nothing_cut (items, 600, 260);
  y_title = find_text (items, m.common.y_label);
  caption = find_text (items, m.common.caption);
  g_assert_nonnull (y_title);
  g_assert_nonnull (caption);
  /* The y title runs down to the caption, never into it (the index panel's did). */
  g_assert_cmpfloat (y_title->extents.y + y_title->extents.height, <=, caption->extents.y + 0.5);
  title = find_text (items, m.common.title);
  g_assert_nonnull (title);
  /* Wrapped: two lines tall, within the figure's width. */
  g_assert_cmpfloat (title->extents.height, >, 1.5 * title->font_size);

  /* Shorter (600 × 200): title, ticks, x title and caption would leave the plot under a quarter
   * of the height, the caption over the x title (the Landscape index panel on a projector):
   * the caption gives way, and the plot keeps a fifth of the height (with the caption it had
   * under a quarter). */
  {
    LvPlotLayout layout;
    const LvPlotTextItem *x_title;

    g_clear_pointer (&items, g_ptr_array_unref);
    items = record ((LvPlotDrawFunc) lv_plot_lines_draw, &m, 600, 200);
    assert_nothing_cut (items, 600, 200);
    g_assert_null (find_text (items, m.common.caption));
    x_title = find_text (items, m.common.x_label);
    g_assert_nonnull (x_title);
    g_assert_cmpfloat (x_title->extents.y + x_title->extents.height, <=, 200);
    g_assert_true (lv_plot_lines_get_layout (&m, 600, 200, &layout));
    g_assert_cmpfloat (layout.area.height, >=, 0.2 * 200);
  }

  /* A long caption (the French spin-glass one on a projector) shrinks, down to the unscaled
   * caption size, so it takes at most 30 % of the figure. */
  {
    g_autoptr(GString) text = g_string_new (NULL);

    for (guint i = 0; i < 30; i++)
      g_string_append (text, "la bande d’énergie entre le seuil et le fond ");
    m.common.caption = text->str;
    g_clear_pointer (&items, g_ptr_array_unref);
    items = record ((LvPlotDrawFunc) lv_plot_lines_draw, &m, 600, 600);
    caption = find_text (items, text->str);
    g_assert_nonnull (caption);
    g_assert_cmpfloat (caption->extents.height, <=, 0.3 * 600 + 1);
    /* Captions are 0.85 of the theme's font (lv-plot-private.h, LV_PLOT_FS_CAPTION). */
    g_assert_cmpfloat (caption->font_size, <, 0.85 * theme.font_size * theme.font_scale);
    g_assert_cmpfloat (caption->font_size, >=, 0.85 * theme.font_size - 1e-9);
  }
}

/* A point label wider than either side of its point (the Landscape heatmap's "entraîné = min.
 * de la grille" on a projector ran off the figure's left edge) stays inside the plot area,
 * whole, at the top, the bottom and the middle of the plot. */
static void
test_point_label_inside (void)
{
  static const double x[] = { 0, 1 }, y[] = { 0, 1 };
  static const double where[][2] = { { 0.5, 0.5 }, { 0.45, 1.0 }, { 0.55, 0.0 } };
  LvPlotCurve curve = { NULL, x, y, 2, LV_PLOT_COLOR_AUTO, LV_PLOT_LINE_SOLID, FALSE };
  LvPlotTheme theme;

  lv_plot_theme_scaled (lv_plot_theme_light (), 1.8, 2.2, &theme);
  for (guint k = 0; k < G_N_ELEMENTS (where); k++)
    {
      LvPlotPoint point = { where[k][0], where[k][1], "entraîné = min. de la grille", 0 };
      LvPlotLinesModel m = { .common = { .title = "α", .theme = &theme }, .curves = &curve,
                             .n_curves = 1, .points = &point, .n_points = 1 };
      g_autoptr(GPtrArray) items = record ((LvPlotDrawFunc) lv_plot_lines_draw, &m, 300, 240);
      const LvPlotTextItem *label = find_text (items, point.label);
      LvPlotLayout layout;

      g_assert_true (lv_plot_lines_get_layout (&m, 300, 240, &layout));
      assert_nothing_cut (items, 300, 240);
      g_assert_nonnull (label);
      g_assert_cmpfloat (label->extents.x, >=, layout.area.x - 0.5);
      g_assert_cmpfloat (label->extents.x + label->extents.width, <=,
                         layout.area.x + layout.area.width + 0.5);
      g_assert_cmpfloat (label->extents.y, >=, layout.area.y - 0.5);
      g_assert_cmpfloat (label->extents.y + label->extents.height, <=,
                         layout.area.y + layout.area.height + 0.5);
    }
}

static gboolean
boxes_meet (const LvPlotRect *a, const LvPlotRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
         b->y < a->y + a->height;
}

/* The Landscape heatmap on a projector, in French: the colour bar's title is no longer than
 * the bar (it ran up into the figure's title), the title wraps, nothing is cut. */
/* An empty figure's message in a narrow panel (the French scatter at 1280×720 was cut on both
 * sides) is shrunk or wrapped, never cut, and stays inside the figure. */
static void
test_empty_message_fits (void)
{
  LvPlotScatterModel m = { .common = { .title = "Perte d’entraînement et perte de test",
                                       .empty_text = "Aucune exécution avec des pertes pour "
                                                     "l’instant",
                                       .theme = lv_plot_theme_light () } };
  g_autoptr(GPtrArray) items = record ((LvPlotDrawFunc) lv_plot_scatter_draw, &m, 260, 300);

  g_assert_nonnull (find_text (items, m.common.empty_text));
  assert_nothing_cut (items, 260, 300);
}

static void
test_colorbar_title (void)
{
  double values[16];
  LvPlotTheme theme;
  LvPlotHeatmapModel m = {
    .common = { .title = "Perte d’entraînement autour de l’exécution 0 (n = 100)",
                .x_label = "α", .y_label = "β", .theme = &theme },
    .values = values, .nx = 4, .ny = 4, .x_min = -1, .x_max = 1, .y_min = -1, .y_max = 1,
    .colormap = LV_PLOT_COLORMAP_VIRIDIS, .log_color = TRUE,
    .colorbar_label = "perte d’entraînement (échelle log)",
  };
  g_autoptr(GPtrArray) items = NULL;
  const LvPlotTextItem *title, *bar;

  for (guint i = 0; i < 16; i++)
    values[i] = 0.02 * pow (60.0, i / 15.0);
  lv_plot_theme_scaled (lv_plot_theme_light (), 1.8, 2.2, &theme);
  items = record ((LvPlotDrawFunc) lv_plot_heatmap_draw, &m, 540, 330);
  assert_nothing_cut (items, 540, 330);
  title = find_text (items, m.common.title);
  bar = find_text (items, m.colorbar_label);
  g_assert_nonnull (title);
  g_assert_nonnull (bar);
  g_assert_false (boxes_meet (&title->extents, &bar->extents));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/plot-fit/record-flags", test_record_flags);
  g_test_add_func ("/lossviz/plot-fit/legend-under-narrow-plot", test_legend_under_narrow_plot);
  g_test_add_func ("/lossviz/plot-fit/titles-wrap", test_titles_wrap);
  g_test_add_func ("/lossviz/plot-fit/point-label-inside", test_point_label_inside);
  g_test_add_func ("/lossviz/plot-fit/colorbar-title", test_colorbar_title);
  g_test_add_func ("/lossviz/plot-fit/empty-message-fits", test_empty_message_fits);
  return g_test_run ();
}
