/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-theory-view.h"

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-view.h"

/*
 * LvTheoryView — the "Theory" page (issue 6): a switcher between the Haeffele–Vidal panel
 * (degree and width, live certificates) and the NN-LIFT panel (one tensor-method answer vs an
 * SGD ensemble). The regulariser degree q is not a control of this page: it is the sidebar's
 * slider, read from the experiment's configuration whenever the experiment reports a change, so
 * the loss histograms and the theory curves move together.
 */
struct _LvTheoryView
{
  GtkBox parent_instance;

  LvExperiment *experiment;
  GtkSettings *settings;
  LvPlotTheme theme;          /* the style's theme at the presentation scale */
  double font_scale, line_scale;
  GtkStack *stack;
  LvHvPanel *hv;
  LvLiftPanel *lift;
};

static void lv_theory_view_view_init (LvViewInterface *iface);

#define THEORY_SCALE_SHARE 0.4

G_DEFINE_FINAL_TYPE_WITH_CODE (LvTheoryView, lv_theory_view, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (LV_TYPE_VIEW, lv_theory_view_view_init))

enum {
  PROP_0,
  PROP_EXPERIMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_experiment_changed (LvTheoryView *self)
{
  const LvEnsembleConfig *config = lv_experiment_get_config (self->experiment);

  if (config != NULL)
    lv_hv_panel_set_q (self->hv, config->train.reg.degree);
}

static void
on_theme_changed (LvTheoryView *self)
{
  lv_plot_theme_scaled (lv_figure_theme_for_settings (self->settings), self->font_scale,
                        self->line_scale, &self->theme);
  lv_hv_panel_set_theme (self->hv, &self->theme);
  lv_lift_panel_set_theme (self->lift, &self->theme);
}

static gboolean
lv_theory_view_export_figure (LvView *view, const char *path, GError **error)
{
  LvTheoryView *self = LV_THEORY_VIEW (view);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "lift") == 0)
    return lv_lift_panel_export (self->lift, path, error);
  return lv_hv_panel_export (self->hv, path, error);
}

static char *
lv_theory_view_get_export_name (LvView *view)
{
  LvTheoryView *self = LV_THEORY_VIEW (view);

  /* Translators: default file names of exported figures, no extension. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "lift") == 0)
    return g_strdup (_("nn-lift-vs-sgd"));
  return g_strdup (_("haeffele-vidal"));
}

/* Presentation mode: large fonts and thick lines in both panels' figures (issue 15). */
static void
lv_theory_view_set_figure_scale (LvView *view, double font_scale, double line_scale)
{
  LvTheoryView *self = LV_THEORY_VIEW (view);

  /* Four figures share this page: a milder scale keeps their plots taller than their text. */
  self->font_scale = 1.0 + (font_scale - 1.0) * THEORY_SCALE_SHARE;
  self->line_scale = 1.0 + (line_scale - 1.0) * THEORY_SCALE_SHARE;
  on_theme_changed (self);
}

static void
lv_theory_view_view_init (LvViewInterface *iface)
{
  iface->export_figure = lv_theory_view_export_figure;
  iface->get_export_name = lv_theory_view_get_export_name;
  iface->set_figure_scale = lv_theory_view_set_figure_scale;
}

/* The page's own style sheet, added once per display. */
static void
load_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "lv-theory-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/lv-theory-view.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data (G_OBJECT (display), "lv-theory-css", GINT_TO_POINTER (1));
}

static void
lv_theory_view_root (GtkWidget *widget)
{
  LvTheoryView *self = LV_THEORY_VIEW (widget);

  GTK_WIDGET_CLASS (lv_theory_view_parent_class)->root (widget);
  load_css (widget);
  self->settings = lv_figure_watch_theme (widget, G_CALLBACK (on_theme_changed));
  on_theme_changed (self);
}

static void
lv_theory_view_unroot (GtkWidget *widget)
{
  LvTheoryView *self = LV_THEORY_VIEW (widget);

  lv_figure_unwatch_theme (widget, &self->settings);
  GTK_WIDGET_CLASS (lv_theory_view_parent_class)->unroot (widget);
}

static void
lv_theory_view_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  LvTheoryView *self = LV_THEORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      self->experiment = g_value_dup_object (value);
      if (self->experiment != NULL)
        {
          g_signal_connect_object (self->experiment, "changed",
                                   G_CALLBACK (on_experiment_changed), self, G_CONNECT_SWAPPED);
          on_experiment_changed (self);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_theory_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LvTheoryView *self = LV_THEORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_EXPERIMENT:
      g_value_set_object (value, self->experiment);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_theory_view_dispose (GObject *object)
{
  LvTheoryView *self = LV_THEORY_VIEW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_clear_object (&self->experiment);
  G_OBJECT_CLASS (lv_theory_view_parent_class)->dispose (object);
}

static void
lv_theory_view_class_init (LvTheoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lv_theory_view_dispose;
  object_class->set_property = lv_theory_view_set_property;
  object_class->get_property = lv_theory_view_get_property;
  widget_class->root = lv_theory_view_root;
  widget_class->unroot = lv_theory_view_unroot;

  properties[PROP_EXPERIMENT] =
    g_param_spec_object ("experiment", NULL, NULL, LV_TYPE_EXPERIMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lv_theory_view_init (LvTheoryView *self)
{
  self->font_scale = self->line_scale = 1.0;
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *hv = lv_hv_panel_new ();
  GtkWidget *lift = lv_lift_panel_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "theory-view");
  self->stack = GTK_STACK (stack);
  self->hv = LV_HV_PANEL (hv);
  self->lift = LV_LIFT_PANEL (lift);
  gtk_widget_set_vexpand (stack, TRUE);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_add_titled (self->stack, hv, "hv", _("Haeffele–Vidal: Degree and Width"));
  gtk_stack_add_titled (self->stack, lift, "lift", _("NN-LIFT vs SGD"));
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self), switcher);
  gtk_box_append (GTK_BOX (self), stack);
}

/**
 * lv_theory_view_new:
 * @experiment: the window's experiment (its configuration's q drives the chain)
 *
 * Returns: (transfer floating): the Theory view.
 */
GtkWidget *
lv_theory_view_new (LvExperiment *experiment)
{
  return g_object_new (LV_TYPE_THEORY_VIEW, "experiment", experiment, NULL);
}

/**
 * lv_theory_view_get_hv_panel:
 * @self: the view
 *
 * Returns: (transfer none): the Haeffele–Vidal panel.
 */
LvHvPanel *
lv_theory_view_get_hv_panel (LvTheoryView *self)
{
  return self->hv;
}

/**
 * lv_theory_view_get_lift_panel:
 * @self: the view
 *
 * Returns: (transfer none): the NN-LIFT panel.
 */
LvLiftPanel *
lv_theory_view_get_lift_panel (LvTheoryView *self)
{
  return self->lift;
}

/**
 * lv_theory_view_show_panel:
 * @self: the view
 * @name: "hv" or "lift"
 *
 * Switches the visible panel (export follows it).
 */
void
lv_theory_view_show_panel (LvTheoryView *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}

/**
 * lv_theory_view_get_panel:
 * @self: the view
 *
 * Returns: "hv" or "lift", the visible panel.
 */
const char *
lv_theory_view_get_panel (LvTheoryView *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
