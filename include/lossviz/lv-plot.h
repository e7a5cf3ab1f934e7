/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * liblossviz-plot: Cairo + Pango figure renderers. No GTK.
 *
 * A figure is a plain C *model* struct that the consumer fills (pointers inside it are borrowed
 * for the duration of a call) and a renderer
 *
 *   void lv_plot_<figure>_draw (cairo_t *cr, const Lv…Model *model, double width, double height);
 *
 * that draws the whole figure (background, axes, ticks, labels, legend, caption) into
 * [0, width] × [0, height] of @cr's user space. The same renderer serves the GTK widget, file
 * export (lv_plot_export()) and the CLI. This header holds what all figures share: colours,
 * themes, palettes, reference lines, ticks, layouts, export, multi-panel grids and the text
 * record used by tests and by searchable SVG export. Each figure has its own header, all
 * included at the end of this one.
 */

#include <glib.h>
#include <cairo.h>

G_BEGIN_DECLS

/**
 * LvPlotRgba:
 * @r: red in [0, 1]
 * @g: green in [0, 1]
 * @b: blue in [0, 1]
 * @a: alpha in [0, 1]
 *
 * A colour with alpha.
 */
typedef struct
{
  double r, g, b, a;
} LvPlotRgba;

/**
 * LvPlotTheme:
 * @background: figure background
 * @foreground: axes, tick labels, titles
 * @muted: secondary text (captions, reference-line labels)
 * @grid: grid lines
 * @band: fill of shaded bands
 * @font_family: Pango family list, e.g. "DejaVu Sans, Sans"
 * @font_size: base font size in user units (px on screen/PNG at 96 DPI, pt in SVG/PDF)
 * @font_scale: multiplies every font size (the "presentation" factor for projectors)
 * @line_scale: multiplies every line width and marker size
 * @fill_alpha: opacity of translucent overlaid histogram bars
 * @dark: whether this is a dark theme (picks contrasting series colours)
 * @palette: the category colours (zero, the default, is Okabe–Ito)
 * @n_categories: how many categories the figure colours (0: unknown). The ordered palettes
 *   (viridis, cividis) then spread exactly that many colours over their whole usable range,
 *   so two or five sizes never get neighbouring, near-identical shades.
 *
 * Everything a figure needs to know about its look. Use lv_plot_theme_light() /
 * lv_plot_theme_dark() or copy one and change fields; lv_plot_theme_scaled() makes a
 * presentation variant.
 */
/**
 * LvPlotPalette:
 * @LV_PLOT_PALETTE_OKABE_ITO: Okabe and Ito's eight colour-blind-safe colours
 * @LV_PLOT_PALETTE_VIRIDIS: six colours spaced along viridis (ordered, print-safe)
 * @LV_PLOT_PALETTE_CIVIDIS: six colours spaced along cividis (ordered, for colour-vision deficiency)
 *
 * Category palettes: which colour the i-th network size or Λ gets.
 */
typedef enum {
  LV_PLOT_PALETTE_OKABE_ITO,
  LV_PLOT_PALETTE_VIRIDIS,
  LV_PLOT_PALETTE_CIVIDIS,
} LvPlotPalette;

typedef struct
{
  LvPlotRgba background;
  LvPlotRgba foreground;
  LvPlotRgba muted;
  LvPlotRgba grid;
  LvPlotRgba band;
  const char *font_family;
  double font_size;
  double font_scale;
  double line_scale;
  double fill_alpha;
  gboolean dark;
  LvPlotPalette palette;
  guint n_categories;
} LvPlotTheme;

const LvPlotTheme *lv_plot_theme_light (void);
const LvPlotTheme *lv_plot_theme_dark (void);
void               lv_plot_theme_scaled (const LvPlotTheme *base,
                                         double             font_scale,
                                         double             line_scale,
                                         LvPlotTheme       *out);

/**
 * LvPlotColormap:
 * @LV_PLOT_COLORMAP_VIRIDIS: perceptually uniform viridis
 * @LV_PLOT_COLORMAP_CIVIDIS: cividis, uniform and readable with colour-vision deficiency
 *
 * Sequential colour maps for scalar fields.
 */
typedef enum {
  LV_PLOT_COLORMAP_VIRIDIS,
  LV_PLOT_COLORMAP_CIVIDIS,
} LvPlotColormap;

LvPlotRgba lv_plot_palette_category (const LvPlotTheme *theme,
                                     guint              index);
guint      lv_plot_palette_size     (void);
LvPlotRgba lv_plot_colormap_eval    (LvPlotColormap map,
                                     double         t);

/**
 * LvPlotLineStyle:
 * @LV_PLOT_LINE_SOLID: solid
 * @LV_PLOT_LINE_DASHED: dashed
 * @LV_PLOT_LINE_DOTTED: dotted
 *
 * Stroke styles for curves and reference lines.
 */
typedef enum {
  LV_PLOT_LINE_SOLID,
  LV_PLOT_LINE_DASHED,
  LV_PLOT_LINE_DOTTED,
} LvPlotLineStyle;

/**
 * LV_PLOT_COLOR_AUTO:
 *
 * Colour index meaning "pick automatically": the series' position for series, the theme
 * foreground for reference lines and markers.
 */
#define LV_PLOT_COLOR_AUTO (-1)

/**
 * LvPlotRefLine:
 * @value: position in data coordinates (x for vertical lines, y for horizontal ones)
 * @label: (nullable): text drawn next to the line, e.g. "−E₀"
 * @style: stroke style
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the theme foreground
 *
 * A labelled reference or marker line. Non-finite values are skipped.
 */
typedef struct
{
  double value;
  const char *label;
  LvPlotLineStyle style;
  int color;
} LvPlotRefLine;

/**
 * LvPlotBand:
 * @lo: lower edge in data coordinates
 * @hi: upper edge
 * @label: (nullable): text, e.g. "band [−E₀, −E∞]"
 *
 * A shaded interval along the x axis (or y for horizontal bands where a figure supports them).
 */
typedef struct
{
  double lo, hi;
  const char *label;
} LvPlotBand;

/**
 * LvPlotPoint:
 * @x: x in data coordinates
 * @y: y in data coordinates
 * @label: (nullable): text next to the marker
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the theme foreground
 *
 * A labelled point marker (a local minimum, the trained point, the grid minimum, …).
 */
typedef struct
{
  double x, y;
  const char *label;
  int color;
} LvPlotPoint;

/**
 * LvPlotCommon:
 * @theme: (nullable): look; %NULL means lv_plot_theme_light()
 * @title: (nullable): title above the plot
 * @caption: (nullable): wrapped caption below the plot (what is asymptotic, what is shown)
 * @x_label: (nullable): x-axis title, units included, e.g. "test loss"
 * @y_label: (nullable): y-axis title; figures pick a default when %NULL
 * @empty_text: (nullable): what an empty figure says; %NULL means "No data yet"
 *
 * Fields every figure model starts with.
 */
typedef struct
{
  const LvPlotTheme *theme;
  const char *title;
  const char *caption;
  const char *x_label;
  const char *y_label;
  const char *empty_text;
} LvPlotCommon;

/**
 * LvPlotRect:
 * @x: left
 * @y: top
 * @width: width
 * @height: height
 *
 * A rectangle in user space.
 */
typedef struct
{
  double x, y, width, height;
} LvPlotRect;

/**
 * LvPlotLayout:
 * @area: the plot area (inside the axes)
 * @x_min: data value at the left edge of @area
 * @x_max: data value at the right edge
 * @y_min: data value at the bottom edge
 * @y_max: data value at the top edge
 * @x_log: whether x is log10-scaled
 * @y_log: whether y is log10-scaled
 *
 * Where a figure put its data, for hover, crosshairs and tests. Fill it with the figure's
 * `_get_layout()` function; map with lv_plot_layout_x_to_px() and friends.
 */
typedef struct
{
  LvPlotRect area;
  double x_min, x_max, y_min, y_max;
  gboolean x_log, y_log;
} LvPlotLayout;

double lv_plot_layout_x_to_px (const LvPlotLayout *layout,
                               double              x);
double lv_plot_layout_y_to_px (const LvPlotLayout *layout,
                               double              y);
double lv_plot_layout_px_to_x (const LvPlotLayout *layout,
                               double              px);
double lv_plot_layout_px_to_y (const LvPlotLayout *layout,
                               double              py);

guint lv_plot_ticks (double   lo,
                     double   hi,
                     gboolean log_scale,
                     guint    target,
                     double  *ticks,
                     guint    max_ticks);
char *lv_plot_format_tick (double   value,
                           double   step,
                           gboolean log_scale);

double lv_plot_pearson (const double *x,
                        const double *y,
                        gsize         n);

/**
 * LvPlotDrawFunc:
 * @cr: the Cairo context
 * @model: the figure model
 * @width: width of the figure in user units
 * @height: height of the figure in user units
 *
 * The shape every renderer has once its model is seen as a pointer; cast
 * `lv_plot_histogram_draw` etc. with `(LvPlotDrawFunc)`.
 */
typedef void (*LvPlotDrawFunc) (cairo_t      *cr,
                                gconstpointer model,
                                double        width,
                                double        height);

/**
 * LvPlotFormat:
 * @LV_PLOT_FORMAT_PNG: raster PNG (size in px)
 * @LV_PLOT_FORMAT_SVG: SVG (size in pt)
 * @LV_PLOT_FORMAT_PDF: PDF (size in pt)
 *
 * Export formats, picked from the file extension.
 */
typedef enum {
  LV_PLOT_FORMAT_PNG,
  LV_PLOT_FORMAT_SVG,
  LV_PLOT_FORMAT_PDF,
} LvPlotFormat;

gboolean lv_plot_format_from_path (const char   *path,
                                   LvPlotFormat *format,
                                   GError      **error);
gboolean lv_plot_export           (LvPlotDrawFunc draw,
                                   gconstpointer  model,
                                   const char    *path,
                                   double         width,
                                   double         height,
                                   double         dpi,
                                   GError       **error);
char    *lv_plot_sibling_path     (const char    *path,
                                   const char    *suffix);
void     lv_plot_export_set_metadata (const char *title,
                                      const char *description);
gboolean lv_plot_write_text_file  (const char    *path,
                                   const char    *contents,
                                   gsize          length,
                                   GError       **error);

/**
 * LvPlotPanel:
 * @draw: the panel's renderer
 * @model: the panel's model
 *
 * One cell of a multi-panel figure.
 */
typedef struct
{
  LvPlotDrawFunc draw;
  gconstpointer model;
} LvPlotPanel;

/**
 * LvPlotGridModel:
 * @theme: (nullable): look of the outer background, title and caption
 * @title: (nullable): title over all panels
 * @caption: (nullable): caption under all panels
 * @panels: the panels, row by row
 * @n_panels: number of panels
 * @columns: panels per row; 0 puts all panels in one row
 *
 * Several figures side by side or in a grid, drawn into one context.
 */
typedef struct
{
  const LvPlotTheme *theme;
  const char *title;
  const char *caption;
  const LvPlotPanel *panels;
  gsize n_panels;
  guint columns;
} LvPlotGridModel;

void     lv_plot_grid_draw     (cairo_t               *cr,
                                const LvPlotGridModel *model,
                                double                 width,
                                double                 height);
gboolean lv_plot_grid_panel_at (const LvPlotGridModel *model,
                                double                 width,
                                double                 height,
                                double                 x,
                                double                 y,
                                guint                 *panel,
                                LvPlotRect            *rect);

/**
 * LvPlotTextItem:
 * @text: the string drawn
 * @extents: its logical extents in device space
 * @font_size: its font size in user units
 * @truncated: the reader does not see all of it: it was ellipsized, or part of it lies
 *   outside the clip (the figure's edge or a panel's area) it was drawn under
 *
 * One piece of text a renderer drew while a text record was active.
 */
typedef struct
{
  char *text;
  LvPlotRect extents;
  double font_size;
  gboolean truncated;
} LvPlotTextItem;

void       lv_plot_text_record_begin (cairo_t *cr);
GPtrArray *lv_plot_text_record_end   (cairo_t *cr);

G_END_DECLS

#include <lossviz/lv-plot-histogram.h>
#include <lossviz/lv-plot-summary.h>
#include <lossviz/lv-plot-scatter.h>
#include <lossviz/lv-plot-lines.h>
#include <lossviz/lv-plot-heatmap.h>
#include <lossviz/lv-plot-bars.h>
