/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

#define LV_TYPE_FIGURE (lv_figure_get_type ())
G_DECLARE_FINAL_TYPE (LvFigure, lv_figure, LV, FIGURE, GtkWidget)

/**
 * LvFigureTooltipFunc:
 * @figure: the figure
 * @x: pointer x in the figure's coordinates
 * @y: pointer y
 * @width: the figure's width
 * @height: the figure's height
 * @user_data: data given to lv_figure_set_tooltip_func()
 *
 * Describes what is under the pointer, usually through the renderer's hit test.
 *
 * Returns: (transfer full) (nullable): Pango markup for the tooltip, or %NULL for none.
 */
typedef char *(*LvFigureTooltipFunc) (LvFigure *figure,
                                      double    x,
                                      double    y,
                                      double    width,
                                      double    height,
                                      gpointer  user_data);

GtkWidget *lv_figure_new              (void);
void       lv_figure_set_draw_func    (LvFigure            *self,
                                       LvPlotDrawFunc       draw,
                                       gconstpointer        model);
void       lv_figure_set_tooltip_func (LvFigure            *self,
                                       LvFigureTooltipFunc  func,
                                       gpointer             user_data,
                                       GDestroyNotify       destroy);
void       lv_figure_changed          (LvFigure            *self);
GPtrArray *lv_figure_record_text      (LvFigure            *self);

void lv_figure_set_palette (LvPlotPalette palette);
void lv_figure_theme_changed (void);
const LvPlotTheme *lv_figure_theme_for_settings (GtkSettings *settings);
GtkSettings       *lv_figure_watch_theme        (GtkWidget   *widget,
                                                 GCallback    callback);
void               lv_figure_unwatch_theme      (GtkWidget   *widget,
                                                 GtkSettings **settings);

G_END_DECLS
