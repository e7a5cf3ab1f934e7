/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lv-spinglass-view.h"

/*
 * What the window says about its settings (issue 15):
 *
 *   - the state bar above the figures: in presentation mode always q, λ, depth, the sizes and a
 *     "balanced q = L" / "unbalanced" badge; in any mode the "settings changed — press Start"
 *     note while the figures still show the previous settings;
 *   - next to the sidebar's q slider the same badge, and under "Hidden layers" how they make
 *     the network's degree L (the Theory page's "Depth L" is its own toy chain);
 *   - the sidebar shows only what applies to the page: the Spin glass page has its own
 *     settings in its toolbar, so the network controls give way to a note there.
 *
 * The network is balanced when the regulariser's degree q equals its number of weight layers
 * L = hidden layers + 1 (the output is a degree-L function of the weights).
 */

#define BALANCE_TOLERANCE 1e-6

static guint
weight_layers (const LvEnsembleConfig *config)
{
  return config->depth + 1;
}

/**
 * lv_window_balance_text:
 * @config: a configuration
 *
 * Returns: (transfer full): the translated badge, e.g. "balanced q = L = 2" or
 *   "unbalanced: q = 3.0 ≠ L = 2"; what the regulariser does when it does not act.
 */
char *
lv_window_balance_text (const LvEnsembleConfig *config)
{
  double q = config->train.reg.degree;
  guint L = weight_layers (config);

  if (config->train.reg.lambda <= 0)
    return g_strdup (_("λ = 0: no regulariser"));
  if (config->train.reg.kind != LV_REG_LAYER)
    return g_strdup (_("per-unit regulariser: balanced by construction"));
  if (fabs (q - L) < BALANCE_TOLERANCE)
    /* Translators: badge; L is the number of weight layers of the network. */
    return g_strdup_printf (_("balanced q = L = %u"), L);
  /* Translators: badge; q is the regulariser's degree, L the number of weight layers. */
  return g_strdup_printf (_("unbalanced: q = %.1f ≠ L = %u"), q, L);
}

static gboolean
is_balanced (const LvEnsembleConfig *config)
{
  return config->train.reg.lambda > 0 && config->train.reg.kind == LV_REG_LAYER &&
         fabs (config->train.reg.degree - weight_layers (config)) < BALANCE_TOLERANCE;
}

static void
style_badge (GtkWidget *badge, const LvEnsembleConfig *config)
{
  gboolean acts = config->train.reg.lambda > 0 && config->train.reg.kind == LV_REG_LAYER;

  gtk_widget_remove_css_class (badge, "success");
  gtk_widget_remove_css_class (badge, "warning");
  if (acts)
    gtk_widget_add_css_class (badge, is_balanced (config) ? "success" : "warning");
}

static char *
sizes_text (const LvEnsembleConfig *config)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < config->n_sizes; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? ", " : "", config->sizes[i]);
  return g_string_free (text, FALSE);
}

/* The state bar: what the figures show (the experiment's configuration). */
static void
update_state_bar (LvWindow *self)
{
  const LvEnsembleConfig *config = lv_experiment_get_config (self->experiment);
  g_autofree char *badge = lv_window_balance_text (config);
  g_autofree char *sizes = sizes_text (config);
  g_autofree char *text = NULL;
  g_autofree char *speed = lv_window_speed_text (config);
  g_autofree char *line = NULL;

  /* Translators: presentation state bar; q, λ, hidden layers, weight layers L, the sizes. */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "q = %.1f   λ = %g   %u hidden layer (L = %u)   "
                                       "sizes %s",
                                       "q = %.1f   λ = %g   %u hidden layers (L = %u)   "
                                       "sizes %s", config->depth),
                          config->train.reg.degree, config->train.reg.lambda, config->depth,
                          weight_layers (config), sizes);
  line = g_strconcat (text, "   ", speed, NULL);
  gtk_label_set_text (self->state_label, line);
  gtk_label_set_text (self->state_badge, badge);
  style_badge (GTK_WIDGET (self->state_badge), config);
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), self->presentation);
  gtk_widget_set_visible (GTK_WIDGET (self->state_badge), self->presentation);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), self->settings_pending);
  gtk_widget_set_visible (GTK_WIDGET (self->state_bar),
                          self->presentation || self->settings_pending);
}

/* The sidebar's badge and depth note: what the controls say (maybe not trained yet). */
static void
update_sidebar (LvWindow *self)
{
  LvEnsembleConfig config = self->base_config;
  g_autofree char *badge = NULL;
  g_autofree char *note = NULL;

  config.depth = gtk_spin_button_get_value_as_int (self->depth_spin);
  config.train.reg.degree = gtk_range_get_value (GTK_RANGE (self->degree_scale));
  config.train.reg.lambda = gtk_spin_button_get_value (self->lambda_spin);
  config.train.reg.kind = gtk_drop_down_get_selected (self->reg_kind_dropdown) == 0
                          ? LV_REG_LAYER : LV_REG_UNIT;
  badge = lv_window_balance_text (&config);
  gtk_label_set_text (self->degree_badge, badge);
  style_badge (GTK_WIDGET (self->degree_badge), &config);
  /* Translators: under the sidebar's "Hidden layers"; %u is L = hidden layers + 1. */
  note = g_strdup_printf (_("The network has L = %u weight layers: balanced at q = %u. The "
                            "Theory page’s “Depth L” is the depth of its own toy chain; both "
                            "read this q slider."), weight_layers (&config),
                          weight_layers (&config));
  gtk_label_set_text (self->depth_note, note);
}

/**
 * lv_window_state_update:
 * @self: the window
 *
 * Refreshes the state bar, the sidebar's badge and notes. Cheap: call it on every change.
 */
void
lv_window_state_update (LvWindow *self)
{
  if (self->state_label == NULL)
    return; /* still building */
  update_state_bar (self);
  update_sidebar (self);
}

/**
 * lv_window_state_set_pending:
 * @self: the window
 * @pending: whether the sidebar holds settings the figures do not show yet
 *
 * Shows or hides the "settings changed — press Start" note.
 */
void
lv_window_state_set_pending (LvWindow *self,
                             gboolean  pending)
{
  self->settings_pending = pending;
  lv_window_state_update (self);
}

/* A GtkStack that had the focus in its old page moves it to the new page's first focusable
 * widget as a Tab would, and a text field reached by Tab selects all its text: the Spin glass
 * page opened with its p field selected (issue 15), one keystroke from being overwritten.
 * The focus stays (keyboard users are where the stack put them); the selection goes. */
static void
unselect_focused_field (LvWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  int start, end;

  if (focus != NULL && GTK_IS_EDITABLE (focus) &&
      gtk_editable_get_selection_bounds (GTK_EDITABLE (focus), &start, &end))
    gtk_editable_select_region (GTK_EDITABLE (focus), end, end);
}

/**
 * lv_window_state_page_changed:
 * @self: the window
 *
 * The sidebar shows what applies to the visible page.
 */
void
lv_window_state_page_changed (LvWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean own_settings = g_strcmp0 (page, LV_SPIN_GLASS_VIEW_PAGE) == 0;

  gtk_widget_set_visible (self->controls_scroller, !own_settings);
  gtk_widget_set_visible (GTK_WIDGET (self->page_note), own_settings);
  /* The Spin glass page has its own "Simulate": one start button per page, never two. */
  gtk_widget_set_visible (self->start_button, !own_settings);
  unselect_focused_field (self);
}

/**
 * lv_window_state_init:
 * @self: the window, its template built
 *
 * Starts following the experiment (the state bar, the page note, the degree badge and the
 * depth note are in lv-window.ui).
 */
void
lv_window_state_init (LvWindow *self)
{
  g_signal_connect_swapped (self->experiment, "changed", G_CALLBACK (lv_window_state_update),
                            self);
  lv_window_state_update (self);
}
