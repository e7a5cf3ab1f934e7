/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal helpers shared by the figure renderers: text, axes, frames, legends, CSV. */

#include <pango/pangocairo.h>

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

#define LV_PLOT_MAX_TICKS 32

/* Font size roles, as multiples of the theme's base size. */
#define LV_PLOT_FS_TICK    0.85
#define LV_PLOT_FS_LABEL   1.0
#define LV_PLOT_FS_TITLE   1.15
#define LV_PLOT_FS_CAPTION 0.85

/* ---- text (lv-plot-text.c) ---- */
cairo_t     *lv_plot_measure_context (void);
PangoLayout *lv_plot_text_layout     (cairo_t           *cr,
                                      const LvPlotTheme *theme,
                                      double             size,
                                      gboolean           bold,
                                      const char        *text);
/* Shared layouts kept between frames (lv-plot-text-cache.c): callers must not change them. */
PangoLayout *lv_plot_text_layout_boxed (cairo_t            *cr,
                                        const LvPlotTheme  *theme,
                                        double              size,
                                        gboolean            bold,
                                        const char         *text,
                                        double              width,
                                        PangoWrapMode       wrap,
                                        PangoEllipsizeMode  ellipsize);
PangoLayout *lv_plot_text_layout_new   (cairo_t            *cr,
                                        const LvPlotTheme  *theme,
                                        double              size,
                                        gboolean            bold,
                                        const char         *text);
PangoLayout *lv_plot_text_fitted_lookup (cairo_t           *cr,
                                         const LvPlotTheme *theme,
                                         double             size,
                                         gboolean           bold,
                                         const char        *text,
                                         double             room,
                                         double            *font_size);
void         lv_plot_text_fitted_store  (cairo_t           *cr,
                                         const LvPlotTheme *theme,
                                         double             size,
                                         gboolean           bold,
                                         const char        *text,
                                         double             room,
                                         PangoLayout       *layout,
                                         double             font_size);
void         lv_plot_text_extent     (cairo_t           *cr,
                                      const LvPlotTheme *theme,
                                      double             size,
                                      gboolean           bold,
                                      const char        *text,
                                      double            *width,
                                      double            *height);
PangoLayout *lv_plot_text_fitted_layout (cairo_t         *cr,
                                        const LvPlotTheme *theme,
                                        double           size,
                                        gboolean         bold,
                                        const char      *text,
                                        double           max_width,
                                        double          *font_size);
double       lv_plot_text_fitted_height (cairo_t         *cr,
                                        const LvPlotTheme *theme,
                                        double           size,
                                        gboolean         bold,
                                        const char      *text,
                                        double           max_width);
void         lv_plot_text_draw_fitted (cairo_t          *cr,
                                      const LvPlotTheme *theme,
                                      double             size,
                                      const char        *text,
                                      double             max_width,
                                      double             x,
                                      double             y,
                                      double             ax,
                                      double             ay,
                                      double             angle,
                                      LvPlotRgba         color);
void         lv_plot_text_draw       (cairo_t           *cr,
                                      const LvPlotTheme *theme,
                                      double             size,
                                      gboolean           bold,
                                      const char        *text,
                                      double             x,
                                      double             y,
                                      double             ax,
                                      double             ay,
                                      double             angle,
                                      LvPlotRgba         color);
void         lv_plot_layout_draw     (cairo_t           *cr,
                                      PangoLayout       *layout,
                                      double             font_size,
                                      double             x,
                                      double             y,
                                      double             ax,
                                      double             ay,
                                      double             angle,
                                      LvPlotRgba         color);
void         lv_plot_set_source      (cairo_t           *cr,
                                      LvPlotRgba         color);
void         lv_plot_set_dash        (cairo_t           *cr,
                                      LvPlotLineStyle    style,
                                      double             line_width);
LvPlotRgba   lv_plot_rgba_with_alpha (LvPlotRgba         color,
                                      double             alpha);
LvPlotRgba   lv_plot_series_color    (const LvPlotTheme *theme,
                                      int                color,
                                      guint              position);
LvPlotRgba   lv_plot_ref_color       (const LvPlotTheme *theme,
                                      int                color);

/* ---- axes (lv-plot-axis.c) ---- */
typedef struct
{
  double lo, hi;
  gboolean log;
  /* Categorical axes: ticks at 0 … n_cat − 1 labelled with cat_labels (or 1 … n). */
  gboolean categorical;
  const char *const *cat_labels;
  guint n_cat;
  double ticks[LV_PLOT_MAX_TICKS];
  guint n_ticks;
  double step;
  gboolean hide_labels;
} LvPlotAxis;

void  lv_plot_axis_init             (LvPlotAxis *axis,
                                     double      lo,
                                     double      hi,
                                     gboolean    log_scale,
                                     double      pad_fraction,
                                     guint       target_ticks);
void  lv_plot_axis_make_integer     (LvPlotAxis *axis,
                                    guint       target_ticks);
void  lv_plot_axis_thin             (LvPlotAxis        *axis,
                                     guint              max_ticks);
void  lv_plot_axis_init_categorical (LvPlotAxis        *axis,
                                     const char *const *labels,
                                     guint              n);
char *lv_plot_axis_tick_label       (const LvPlotAxis *axis,
                                     guint             i);
void  lv_plot_finite_range          (const double *values,
                                     gsize         n,
                                     gboolean      positive_only,
                                     double       *lo,
                                     double       *hi);

/* ---- frames, legends, reference lines (lv-plot-frame.c) ---- */
typedef enum {
  LV_PLOT_KEY_BOX,
  LV_PLOT_KEY_LINE,
  LV_PLOT_KEY_POINT,
} LvPlotKeyKind;

typedef struct
{
  char *text;
  LvPlotRgba color;
  LvPlotKeyKind kind;
  LvPlotLineStyle style;
} LvPlotLegendEntry;

typedef struct
{
  cairo_t *cr;
  const LvPlotTheme *theme;
  const LvPlotCommon *common;
  double width, height;
  double fs;      /* base font size in user units, font scale applied */
  double lw;      /* base line width, line scale applied */
  LvPlotRect area;
  LvPlotAxis x, y;
  LvPlotRect legend;
  const char *y_label;  /* the y title actually used (figure default when common has none) */
  GArray *legend_entries;  /* of LvPlotLegendEntry, texts owned */
  double legend_shrink;    /* legend font factor (≤ 1) so entries fit; set by the layout */
  gboolean legend_below;   /* the legend sits under the plot, in legend_columns columns */
  guint legend_columns;
  double legend_text_max;  /* an entry's room (0: the default, right of the plot) */
  double caption_fs;       /* the caption's font size, 0 when none is drawn; set by the layout */
} LvPlotFrame;

void   lv_plot_frame_init        (LvPlotFrame        *frame,
                                  cairo_t            *cr,
                                  const LvPlotCommon *common,
                                  double              width,
                                  double              height);
void   lv_plot_frame_clear       (LvPlotFrame        *frame);
void   lv_plot_frame_add_legend  (LvPlotFrame        *frame,
                                  char               *text,
                                  LvPlotRgba          color,
                                  LvPlotKeyKind       kind,
                                  LvPlotLineStyle     style);
void   lv_plot_frame_layout      (LvPlotFrame        *frame,
                                  double              extra_right);
void   lv_plot_frame_draw_back   (LvPlotFrame        *frame);
void   lv_plot_frame_draw_grid   (LvPlotFrame        *frame);
void   lv_plot_frame_draw_axes   (LvPlotFrame        *frame);
void   lv_plot_frame_draw_legend (LvPlotFrame        *frame);
void   lv_plot_frame_draw_bands  (LvPlotFrame        *frame,
                                  const LvPlotBand   *bands,
                                  gsize               n_bands);
void   lv_plot_frame_draw_refs   (LvPlotFrame        *frame,
                                  const LvPlotBand   *bands,
                                  gsize               n_bands,
                                  const LvPlotRefLine *vlines,
                                  gsize               n_vlines,
                                  const LvPlotRefLine *hlines,
                                  gsize               n_hlines);
void   lv_plot_frame_draw_points (LvPlotFrame        *frame,
                                  const LvPlotPoint  *points,
                                  gsize               n_points);
/* lv-plot-band-inset.c: a magnified strip for a band that is a sliver of the axis. */
double   lv_plot_band_inset_height (const LvPlotFrame   *frame);
gboolean lv_plot_band_inset_wanted (const LvPlotFrame   *frame,
                                    const LvPlotBand    *band);
void     lv_plot_band_inset_draw   (LvPlotFrame         *frame,
                                    const LvPlotBand    *band,
                                    const LvPlotRefLine *lines,
                                    gsize                n_lines);
double lv_plot_frame_x           (const LvPlotFrame  *frame,
                                  double              value);
double lv_plot_frame_y           (const LvPlotFrame  *frame,
                                  double              value);
void   lv_plot_frame_clip        (LvPlotFrame        *frame);
void   lv_plot_frame_get_layout  (const LvPlotFrame  *frame,
                                  LvPlotLayout       *layout);
void   lv_plot_draw_empty        (cairo_t            *cr,
                                  const LvPlotCommon *common,
                                  double              width,
                                  double              height);
gboolean lv_plot_size_ok         (double              width,
                                  double              height);

/* Fills @frame's axes and legend from a figure's @model and lays it out; FALSE when the model
 * has nothing to draw. */
typedef gboolean (*LvPlotFrameSetup) (LvPlotFrame *frame,
                                      gconstpointer model);

/* FALSE when nothing is to be drawn (an unusable size, or @setup failed: then the empty figure
 * is drawn). TRUE: background and grid are drawn and the plot area is clipped, the Cairo state
 * saved twice; draw the data, cairo_restore() the clip, draw what goes over the data, then call
 * lv_plot_frame_end(). */
gboolean lv_plot_frame_begin     (LvPlotFrame        *frame,
                                  cairo_t            *cr,
                                  const LvPlotCommon *common,
                                  double              width,
                                  double              height,
                                  LvPlotFrameSetup    setup,
                                  gconstpointer       model);
/* Draws axes and legend, frees the frame and restores the state lv_plot_frame_begin() saved. */
void     lv_plot_frame_end       (LvPlotFrame        *frame);
/* Where @setup puts the data at this size, without drawing; FALSE when it has nothing. */
gboolean lv_plot_frame_measure   (const LvPlotCommon *common,
                                  double              width,
                                  double              height,
                                  LvPlotFrameSetup    setup,
                                  gconstpointer       model,
                                  LvPlotLayout       *layout);

/* ---- CSV (lv-plot-export.c) ---- */
void     lv_plot_csv_field       (GString            *out,
                                  const char         *text);
void     lv_plot_csv_double      (GString            *out,
                                  double              value);
gboolean lv_plot_csv_finish      (GString            *out,
                                  const char         *path,
                                  GError            **error);

/* Writes the CSV behind a figure builder's figures (lv_plot_…_write_csv). */
typedef gboolean (*LvPlotCsvWriter) (gpointer     figures,
                                     const char  *path,
                                     GError     **error);

gboolean lv_plot_export_grid_with_csv (const LvPlotGridModel *grid,
                                       const char            *path,
                                       double                 width,
                                       double                 height,
                                       LvPlotCsvWriter        write_csv,
                                       gpointer               figures,
                                       GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

G_END_DECLS
