/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-figure.h"

#include <adwaita.h>

/*
 * LvFigure — a thin widget around one plot-library renderer. It keeps no numerics: it holds a
 * borrowed model pointer and the renderer that draws it, and its snapshot hands a Cairo node
 * of its size to that renderer: the same code that draws exports and the CLI's figures.
 * Whoever owns the model calls lv_figure_changed() after changing it (at most once a frame).
 */
struct _LvFigure
{
  GtkWidget parent_instance;

  LvPlotDrawFunc draw;
  gconstpointer model;
  LvFigureTooltipFunc tooltip_func;
  gpointer tooltip_data;
  GDestroyNotify tooltip_destroy;
};

G_DEFINE_FINAL_TYPE (LvFigure, lv_figure, GTK_TYPE_WIDGET)

static void
lv_figure_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LvFigure *self = LV_FIGURE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->draw == NULL || self->model == NULL || width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  self->draw (cr, self->model, width, height);
  cairo_destroy (cr);
}

static gboolean
lv_figure_query_tooltip (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip)
{
  LvFigure *self = LV_FIGURE (widget);
  g_autofree char *markup = NULL;

  if (self->tooltip_func == NULL || keyboard || self->model == NULL)
    return FALSE;
  markup = self->tooltip_func (self, x, y, gtk_widget_get_width (widget),
                               gtk_widget_get_height (widget), self->tooltip_data);
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
lv_figure_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  /* Figures stretch; below this they cannot fit axes and labels. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 110;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 320;
}

static void
lv_figure_dispose (GObject *object)
{
  LvFigure *self = LV_FIGURE (object);

  lv_figure_set_tooltip_func (self, NULL, NULL, NULL);
  G_OBJECT_CLASS (lv_figure_parent_class)->dispose (object);
}

static void
lv_figure_class_init (LvFigureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lv_figure_dispose;
  widget_class->snapshot = lv_figure_snapshot;
  widget_class->query_tooltip = lv_figure_query_tooltip;
  widget_class->measure = lv_figure_measure;
  gtk_widget_class_set_css_name (widget_class, "figure");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lv_figure_init (LvFigure *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

/**
 * lv_figure_new:
 *
 * Returns: (transfer floating): a figure that draws nothing until given a renderer.
 */
GtkWidget *
lv_figure_new (void)
{
  return g_object_new (LV_TYPE_FIGURE, NULL);
}

/**
 * lv_figure_set_draw_func:
 * @self: the figure
 * @draw: (nullable): the renderer, e.g. `(LvPlotDrawFunc) lv_plot_histogram_draw`
 * @model: (nullable): its model, borrowed: it must stay valid while set
 *
 * Chooses what the figure draws and queues a redraw.
 */
void
lv_figure_set_draw_func (LvFigure       *self,
                         LvPlotDrawFunc  draw,
                         gconstpointer   model)
{
  g_return_if_fail (LV_IS_FIGURE (self));

  self->draw = draw;
  self->model = model;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lv_figure_set_tooltip_func:
 * @self: the figure
 * @func: (nullable): describes what is under the pointer
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data
 *
 * Enables hover tooltips through @func.
 */
void
lv_figure_set_tooltip_func (LvFigure            *self,
                            LvFigureTooltipFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  g_return_if_fail (LV_IS_FIGURE (self));

  if (self->tooltip_destroy != NULL)
    self->tooltip_destroy (self->tooltip_data);
  self->tooltip_func = func;
  self->tooltip_data = user_data;
  self->tooltip_destroy = destroy;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), func != NULL);
}

/**
 * lv_figure_changed:
 * @self: the figure
 *
 * Tells the figure its model changed; it redraws at the next frame.
 */
void
lv_figure_changed (LvFigure *self)
{
  g_return_if_fail (LV_IS_FIGURE (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lv_figure_record_text:
 * @self: the figure
 *
 * Draws the figure once more, off screen at its current size with the same renderer and
 * model, recording its text: how tests see which strings the screen shows cut.
 *
 * Returns: (transfer full) (element-type LvPlotTextItem): the strings drawn (empty when the
 *   figure draws nothing)
 */
GPtrArray *
lv_figure_record_text (LvFigure *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  cairo_surface_t *surface;
  cairo_t *cr;
  GPtrArray *items;

  g_return_val_if_fail (LV_IS_FIGURE (self), NULL);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1), MAX (height, 1));
  cr = cairo_create (surface);
  lv_plot_text_record_begin (cr);
  if (self->draw != NULL && self->model != NULL && width > 0 && height > 0)
    self->draw (cr, self->model, width, height);
  items = lv_plot_text_record_end (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return items;
}

/* The palette chosen in the settings, and the light/dark themes carrying each palette
 * (main thread only: figures are drawn there). */
static LvPlotPalette figure_palette = LV_PLOT_PALETTE_OKABE_ITO;

static const LvPlotTheme *
themed (gboolean dark, LvPlotPalette palette)
{
  static LvPlotTheme variants[2][LV_PLOT_PALETTE_CIVIDIS + 1];
  static gboolean ready = FALSE;

  if (!ready)
    {
      for (guint p = 0; p <= LV_PLOT_PALETTE_CIVIDIS; p++)
        {
          variants[0][p] = *lv_plot_theme_light ();
          variants[1][p] = *lv_plot_theme_dark ();
          variants[0][p].palette = variants[1][p].palette = (LvPlotPalette) p;
        }
      ready = TRUE;
    }
  return &variants[dark ? 1 : 0][MIN (palette, LV_PLOT_PALETTE_CIVIDIS)];
}

/* The widgets following the theme (lv_figure_watch_theme()), each with its callback, so a
 * palette change reaches them all (lv_figure_theme_changed()). */
static GHashTable *theme_watchers;

/* libadwaita's style manager knows whether the app is dark (forced, or the desktop's scheme). */
static gboolean
style_is_dark (void)
{
  adw_init (); /* idempotent; tests build windows without an AdwApplication */
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

/**
 * lv_figure_theme_for_settings:
 * @settings: (nullable): a widget's settings, %NULL before it is rooted
 *
 * The plot theme that matches the app's style: dark when libadwaita's style manager is dark
 * or the GTK theme's name ends in "-dark", light otherwise (and without settings).
 *
 * Returns: (transfer none): a static light or dark theme with the palette of
 *   lv_figure_set_palette().
 */
const LvPlotTheme *
lv_figure_theme_for_settings (GtkSettings *settings)
{
  gboolean dark = FALSE;
  g_autofree char *theme = NULL;

  if (settings != NULL)
    {
      g_object_get (settings, "gtk-theme-name", &theme, NULL);
      dark = style_is_dark () || (theme != NULL && g_str_has_suffix (theme, "-dark"));
    }
  return themed (dark, figure_palette);
}

/**
 * lv_figure_set_palette:
 * @palette: the category palette every figure of the process uses from now on
 *
 * Views pick it up the next time they ask lv_figure_theme_for_settings(); call
 * lv_figure_theme_changed() to make them ask now.
 */
void
lv_figure_set_palette (LvPlotPalette palette)
{
  figure_palette = palette;
}

/**
 * lv_figure_theme_changed:
 *
 * Calls every watcher's callback (see lv_figure_watch_theme()), e.g. after a palette change.
 */
void
lv_figure_theme_changed (void)
{
  GHashTableIter iter;
  gpointer widget, callback;
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();
  g_autoptr(GPtrArray) callbacks = g_ptr_array_new ();

  if (theme_watchers == NULL)
    return;
  /* Copied first: a callback may (un)root widgets. */
  g_hash_table_iter_init (&iter, theme_watchers);
  while (g_hash_table_iter_next (&iter, &widget, &callback))
    {
      g_ptr_array_add (widgets, widget);
      g_ptr_array_add (callbacks, callback);
    }
  for (guint i = 0; i < widgets->len; i++)
    ((void (*) (gpointer)) callbacks->pdata[i]) (widgets->pdata[i]);
}

/**
 * lv_figure_watch_theme:
 * @widget: a view whose figures follow the app's style, being rooted
 * @callback: called as `callback (widget)` whenever the style turns dark or light, the GTK
 *   theme or the palette changes (not now: the caller applies the current theme itself)
 *
 * For a view's root vfunc; undo it with lv_figure_unwatch_theme() in unroot.
 *
 * Returns: (transfer none): @widget's settings, to keep for lv_figure_theme_for_settings().
 */
GtkSettings *
lv_figure_watch_theme (GtkWidget *widget,
                       GCallback  callback)
{
  GtkSettings *settings = gtk_widget_get_settings (widget);

  adw_init ();
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", callback, widget,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::gtk-theme-name", callback, widget,
                           G_CONNECT_SWAPPED);
  if (theme_watchers == NULL)
    theme_watchers = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (theme_watchers, widget, (gpointer) callback);
  return settings;
}

/**
 * lv_figure_unwatch_theme:
 * @widget: the view given to lv_figure_watch_theme()
 * @settings: (inout) (nullable): the settings it returned; set to %NULL
 *
 * For a view's unroot vfunc: stops following the theme.
 */
void
lv_figure_unwatch_theme (GtkWidget    *widget,
                         GtkSettings **settings)
{
  if (*settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (*settings, widget);
      g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), widget);
    }
  if (theme_watchers != NULL)
    g_hash_table_remove (theme_watchers, widget);
  *settings = NULL;
}
