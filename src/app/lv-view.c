/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-view.h"

G_DEFINE_INTERFACE (LvView, lv_view, GTK_TYPE_WIDGET)

static void
lv_view_default_init (LvViewInterface *iface)
{
}

/**
 * lv_view_export_figure:
 * @self: the view
 * @path: the figure file; PNG, SVG or PDF by extension
 * @error: return location for an error
 *
 * Exports the view's current figure and a CSV of its raw data next to it.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_view_export_figure (LvView      *self,
                       const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (LV_IS_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return LV_VIEW_GET_IFACE (self)->export_figure (self, path, error);
}

/**
 * lv_view_get_export_name:
 * @self: the view
 *
 * Returns: (transfer full): a file name stem for the save dialog.
 */
char *
lv_view_get_export_name (LvView *self)
{
  LvViewInterface *iface;

  g_return_val_if_fail (LV_IS_VIEW (self), NULL);
  iface = LV_VIEW_GET_IFACE (self);
  if (iface->get_export_name == NULL)
    return g_strdup ("figure");
  return iface->get_export_name (self);
}

/**
 * lv_view_set_figure_scale:
 * @self: the view
 * @font_scale: multiplies every font size of its figures (1 = normal)
 * @line_scale: multiplies every line width and marker size
 *
 * Asks the view to draw its figures larger, e.g. for a projector. Views that do not
 * implement it keep their normal look.
 */
void
lv_view_set_figure_scale (LvView *self,
                          double  font_scale,
                          double  line_scale)
{
  LvViewInterface *iface;

  g_return_if_fail (LV_IS_VIEW (self));
  iface = LV_VIEW_GET_IFACE (self);
  if (iface->set_figure_scale != NULL)
    iface->set_figure_scale (self, font_scale, line_scale);
}
