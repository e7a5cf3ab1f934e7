/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-view.h"

#include "lv-figure.h"

/*
 * LvView — the base class of the window's pages (loss, landscape, spin glass, theory). What
 * every page needs and used to copy lives here once: the experiment it shows (a construct
 * property whose ::changed reaches the experiment_changed vfunc), the figure theme that follows
 * the app's style (AdwStyleManager dark/light, the GTK theme, the palette: lv_figure_watch_theme()
 * while rooted) and the presentation mode's figure scale. The scaled theme is kept here, at a
 * fixed address, so the pages' plot options can point at it; theme_changed says when to redraw.
 */
typedef struct
{
  LvExperiment *experiment;
  GtkSettings *settings;      /* while rooted: the theme watch's settings */
  double font_scale;          /* lv_view_set_figure_scale(), before the class's share */
  double line_scale;
  LvPlotTheme theme;          /* the style's theme at the scale */
} LvViewPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (LvView, lv_view, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_EXPERIMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Recomputes the scaled theme and tells the page. */
static void
update_theme (LvView *self)
{
  LvViewPrivate *priv = lv_view_get_instance_private (self);
  LvViewClass *klass = LV_VIEW_GET_CLASS (self);
  double share = klass->figure_scale_share;

  lv_plot_theme_scaled (lv_figure_theme_for_settings (priv->settings),
                        1.0 + (priv->font_scale - 1.0) * share,
                        1.0 + (priv->line_scale - 1.0) * share, &priv->theme);
  if (klass->theme_changed != NULL)
    klass->theme_changed (self);
}

static void
on_experiment_changed (LvView *self)
{
  LvViewClass *klass = LV_VIEW_GET_CLASS (self);

  if (klass->experiment_changed != NULL)
    klass->experiment_changed (self);
}

static void
lv_view_root (GtkWidget *widget)
{
  LvView *self = LV_VIEW (widget);
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  GTK_WIDGET_CLASS (lv_view_parent_class)->root (widget);
  priv->settings = lv_figure_watch_theme (widget, G_CALLBACK (update_theme));
  update_theme (self);
}

static void
lv_view_unroot (GtkWidget *widget)
{
  LvViewPrivate *priv = lv_view_get_instance_private (LV_VIEW (widget));

  lv_figure_unwatch_theme (widget, &priv->settings);
  GTK_WIDGET_CLASS (lv_view_parent_class)->unroot (widget);
}

static void
lv_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  LvView *self = LV_VIEW (object);
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      priv->experiment = g_value_dup_object (value);
      if (priv->experiment != NULL)
        g_signal_connect_object (priv->experiment, "changed", G_CALLBACK (on_experiment_changed),
                                 self, G_CONNECT_SWAPPED);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LvViewPrivate *priv = lv_view_get_instance_private (LV_VIEW (object));

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      g_value_set_object (value, priv->experiment);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_view_dispose (GObject *object)
{
  LvViewPrivate *priv = lv_view_get_instance_private (LV_VIEW (object));

  if (priv->experiment != NULL)
    g_signal_handlers_disconnect_by_func (priv->experiment, on_experiment_changed, object);
  g_clear_object (&priv->experiment);
  G_OBJECT_CLASS (lv_view_parent_class)->dispose (object);
}

static void
lv_view_class_init (LvViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lv_view_dispose;
  object_class->set_property = lv_view_set_property;
  object_class->get_property = lv_view_get_property;
  widget_class->root = lv_view_root;
  widget_class->unroot = lv_view_unroot;
  klass->figure_scale_share = 1.0;

  /**
   * LvView:experiment:
   *
   * The experiment the page shows (may be %NULL for a page that does not need one).
   */
  properties[PROP_EXPERIMENT] =
    g_param_spec_object ("experiment", NULL, NULL, LV_TYPE_EXPERIMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lv_view_init (LvView *self)
{
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  priv->font_scale = priv->line_scale = 1.0;
  /* Light until rooted: the widget has no settings yet. */
  lv_plot_theme_scaled (lv_figure_theme_for_settings (NULL), 1.0, 1.0, &priv->theme);
}

/**
 * lv_view_get_experiment:
 * @self: the view
 *
 * Returns: (transfer none) (nullable): the experiment the page shows.
 */
LvExperiment *
lv_view_get_experiment (LvView *self)
{
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  g_return_val_if_fail (LV_IS_VIEW (self), NULL);
  return priv->experiment;
}

/**
 * lv_view_get_theme:
 * @self: the view
 *
 * The theme the page's figures draw with: the app's style (light or dark) at the presentation
 * scale. Its address stays the same for the view's lifetime, so plot options may keep it.
 *
 * Returns: (transfer none): the theme.
 */
const LvPlotTheme *
lv_view_get_theme (LvView *self)
{
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  g_return_val_if_fail (LV_IS_VIEW (self), NULL);
  return &priv->theme;
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
  LvViewClass *klass;

  g_return_val_if_fail (LV_IS_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  klass = LV_VIEW_GET_CLASS (self);
  if (klass->export_figure == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "This page has no figure to export");
      return FALSE;
    }
  return klass->export_figure (self, path, error);
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
  LvViewClass *klass;

  g_return_val_if_fail (LV_IS_VIEW (self), NULL);
  klass = LV_VIEW_GET_CLASS (self);
  if (klass->get_export_name == NULL)
    return g_strdup ("figure");
  return klass->get_export_name (self);
}

/**
 * lv_view_set_figure_scale:
 * @self: the view
 * @font_scale: multiplies every font size of its figures (1 = normal)
 * @line_scale: multiplies every line width and marker size
 *
 * Asks the view to draw its figures larger, e.g. for a projector (the class's
 * figure_scale_share of it).
 */
void
lv_view_set_figure_scale (LvView *self,
                          double  font_scale,
                          double  line_scale)
{
  LvViewPrivate *priv = lv_view_get_instance_private (self);

  g_return_if_fail (LV_IS_VIEW (self));
  priv->font_scale = font_scale;
  priv->line_scale = line_scale;
  update_theme (self);
}
