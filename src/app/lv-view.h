/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lv-plot.h>

#include "lv-experiment.h"

G_BEGIN_DECLS

#define LV_TYPE_VIEW (lv_view_get_type ())
G_DECLARE_DERIVABLE_TYPE (LvView, lv_view, LV, VIEW, GtkBox)

/**
 * LvViewClass:
 * @export_figure: writes the view's figure to a PNG, SVG or PDF file (by extension) and the
 *   raw data behind it to a CSV next to it
 * @get_export_name: a file name stem for the save dialog, e.g. "loss-distribution"
 * @experiment_changed: optional; the experiment emitted ::changed (its snapshots, its
 *   configuration or its dataset changed)
 * @theme_changed: optional; the figure theme (lv_view_get_theme()) changed: the style turned
 *   dark or light, the palette changed or the presentation scale changed. Redraw the figures.
 * @figure_scale_share: how much of the presentation scale the view's figures take, 1 by
 *   default (a page with four small figures takes less so its plots stay taller than text)
 *
 * The base of every page of the window's view stack. It owns the #LvView:experiment
 * property, follows the app's style (dark or light, lv_figure_watch_theme()) and the
 * presentation mode's figure scale, and keeps one scaled #LvPlotTheme the view's figures
 * borrow. win.export works on any page that implements @export_figure.
 */
struct _LvViewClass
{
  GtkBoxClass parent_class;

  gboolean (*export_figure)      (LvView      *self,
                                  const char  *path,
                                  GError     **error);
  char    *(*get_export_name)    (LvView      *self);
  void     (*experiment_changed) (LvView      *self);
  void     (*theme_changed)      (LvView      *self);

  double figure_scale_share;

  /*< private >*/
  gpointer padding[4];
};

LvExperiment      *lv_view_get_experiment   (LvView      *self);
const LvPlotTheme *lv_view_get_theme        (LvView      *self);
gboolean           lv_view_export_figure    (LvView      *self,
                                             const char  *path,
                                             GError     **error);
char              *lv_view_get_export_name  (LvView      *self);
void               lv_view_set_figure_scale (LvView      *self,
                                             double       font_scale,
                                             double       line_scale);

G_END_DECLS
