/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-theory-view.h"

#include <glib/gi18n.h>

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
  LvView parent_instance;

  GtkStack *stack;
  LvHvPanel *hv;
  LvLiftPanel *lift;
};

/* Four figures share this page: a milder presentation scale keeps their plots taller than
 * their text. */
#define THEORY_SCALE_SHARE 0.4

G_DEFINE_FINAL_TYPE (LvTheoryView, lv_theory_view, LV_TYPE_VIEW)

static void
lv_theory_view_experiment_changed (LvView *view)
{
  LvTheoryView *self = LV_THEORY_VIEW (view);
  LvExperiment *experiment = lv_view_get_experiment (view);
  const LvEnsembleConfig *config = experiment != NULL ? lv_experiment_get_config (experiment)
                                                      : NULL;

  if (config != NULL)
    lv_hv_panel_set_q (self->hv, config->train.reg.degree);
}

static void
lv_theory_view_theme_changed (LvView *view)
{
  LvTheoryView *self = LV_THEORY_VIEW (view);

  lv_hv_panel_set_theme (self->hv, lv_view_get_theme (view));
  lv_lift_panel_set_theme (self->lift, lv_view_get_theme (view));
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

/* The chain starts at the sidebar's q as soon as the experiment is known. */
static void
lv_theory_view_constructed (GObject *object)
{
  G_OBJECT_CLASS (lv_theory_view_parent_class)->constructed (object);
  lv_theory_view_experiment_changed (LV_VIEW (object));
}

static void
lv_theory_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_THEORY_VIEW);
  G_OBJECT_CLASS (lv_theory_view_parent_class)->dispose (object);
}

static void
lv_theory_view_class_init (LvTheoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LvViewClass *view_class = LV_VIEW_CLASS (klass);

  object_class->constructed = lv_theory_view_constructed;
  object_class->dispose = lv_theory_view_dispose;
  view_class->export_figure = lv_theory_view_export_figure;
  view_class->get_export_name = lv_theory_view_get_export_name;
  view_class->experiment_changed = lv_theory_view_experiment_changed;
  view_class->theme_changed = lv_theory_view_theme_changed;
  view_class->figure_scale_share = THEORY_SCALE_SHARE;

  g_type_ensure (LV_TYPE_HV_PANEL);
  g_type_ensure (LV_TYPE_LIFT_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/lv-theory-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LvTheoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, LvTheoryView, hv);
  gtk_widget_class_bind_template_child (widget_class, LvTheoryView, lift);
}

static void
lv_theory_view_init (LvTheoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
