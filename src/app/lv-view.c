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
