/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LV_TYPE_VIEW (lv_view_get_type ())
G_DECLARE_INTERFACE (LvView, lv_view, LV, VIEW, GtkWidget)

/**
 * LvViewInterface:
 * @export_figure: writes the view's figure to a PNG, SVG or PDF file (by extension) and the
 *   raw data behind it to a CSV next to it
 * @get_export_name: a file name stem for the save dialog, e.g. "loss-distribution"
 * @set_figure_scale: optional; draw the view's figures with fonts and lines scaled (the
 *   window's presentation mode passes factors > 1, see lv_plot_theme_scaled())
 *
 * What a page of the window's view stack may implement so that win.export works on it. Views
 * added with lv_window_add_view() that do not implement it just disable the export action.
 */
struct _LvViewInterface
{
  GTypeInterface parent_iface;

  gboolean (*export_figure)   (LvView      *self,
                               const char  *path,
                               GError     **error);
  char    *(*get_export_name) (LvView      *self);
  void     (*set_figure_scale) (LvView     *self,
                                double      font_scale,
                                double      line_scale);
};

gboolean lv_view_export_figure   (LvView      *self,
                                  const char  *path,
                                  GError     **error);
char    *lv_view_get_export_name (LvView      *self);
void     lv_view_set_figure_scale (LvView     *self,
                                   double      font_scale,
                                   double      line_scale);

G_END_DECLS
