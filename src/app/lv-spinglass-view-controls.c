/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-figure.h"
#include "lv-spinglass-view-private.h"
#include "lv-wrap-layout.h"

#include <glib/gi18n.h>

/*
 * What the widgets of LvSpinGlassView do: its template (ui/lv-spinglass-view.ui: the toolbar,
 * the status line, the three figures) is bound here, with the handlers that turn control
 * changes into calls of the view's public API (which owns the state and the jobs,
 * lv-spinglass-view.c), the figures' theme and the histogram's tooltip.
 */

/* ---- Controls ------------------------------------------------------------------------------ */

void
lv_spin_glass_view_sync_controls (LvSpinGlassView *self)
{
  self->updating = TRUE;
  gtk_spin_button_set_value (self->p_spin, self->p);
  gtk_spin_button_set_value (self->runs_spin, self->runs);
  gtk_drop_down_set_selected (self->method_drop, self->method == LV_SPIN_GLASS_SGD);
  gtk_drop_down_set_selected (self->disorder_drop,
                              self->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN);
  for (guint b = 0; b < G_N_ELEMENTS (toggle_sizes); b++)
    {
      gboolean on = FALSE;

      for (guint i = 0; i < self->n_lambdas; i++)
        on = on || self->lambdas[i] == toggle_sizes[b];
      gtk_toggle_button_set_active (self->size_buttons[b], on);
    }
  gtk_toggle_button_set_active (self->side_button, self->side_by_side);
  self->updating = FALSE;
}

static void
on_control_changed (LvSpinGlassView *self)
{
  guint lambdas[LV_SPIN_GLASS_VIEW_MAX_SIZES], n = 0;

  if (self->updating)
    return;
  /* The toggles replace the sizes they stand for; sizes set through the API that have no
   * toggle (the tour's small Λ) stay. */
  for (guint i = 0; i < self->n_lambdas; i++)
    {
      gboolean has_toggle = FALSE;

      for (guint b = 0; b < G_N_ELEMENTS (toggle_sizes); b++)
        has_toggle = has_toggle || self->lambdas[i] == toggle_sizes[b];
      if (!has_toggle)
        lambdas[n++] = self->lambdas[i];
    }
  for (guint b = 0; b < G_N_ELEMENTS (toggle_sizes) && n < G_N_ELEMENTS (lambdas); b++)
    if (gtk_toggle_button_get_active (self->size_buttons[b]))
      lambdas[n++] = toggle_sizes[b];
  self->p = (guint) gtk_spin_button_get_value_as_int (self->p_spin);
  self->runs = (guint) gtk_spin_button_get_value_as_int (self->runs_spin);
  self->method = gtk_drop_down_get_selected (self->method_drop) == 1 ? LV_SPIN_GLASS_SGD
                                                                      : LV_SPIN_GLASS_GD;
  self->disorder = gtk_drop_down_get_selected (self->disorder_drop) == 1
                   ? LV_SPIN_GLASS_DISORDER_PER_RUN : LV_SPIN_GLASS_DISORDER_FIXED;
  lv_spin_glass_view_set_sizes (self, lambdas, n);
}

void
lv_spin_glass_view_apply_layout (LvSpinGlassView *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->network_figure), self->side_by_side);
  gtk_widget_set_visible (GTK_WIDGET (self->theta_figure), !self->side_by_side);
  /* Alone, the histogram gets the larger share (its caption is long); side by side, the two
   * histograms share the width equally. */
  gtk_widget_set_size_request (GTK_WIDGET (self->hist_figure),
                               self->side_by_side ? 0 : 360, 220);
  lv_spin_glass_view_update_network (self);
}

static void
on_side_toggled (LvSpinGlassView *self)
{
  if (self->updating)
    return;
  self->side_by_side = gtk_toggle_button_get_active (self->side_button);
  lv_spin_glass_view_apply_layout (self);
}

static void
on_start_clicked (LvSpinGlassView *self)
{
  if (self->job != NULL)
    lv_spin_glass_view_stop (self);
  else
    lv_spin_glass_view_start (self);
}

void
lv_spin_glass_view_theme_changed (LvSpinGlassView *self)
{
  const LvPlotTheme *theme = lv_view_get_theme (LV_VIEW (self));
  LvPlotSpinGlassOptions options;
  LvPlotEnsembleOptions net;

  lv_plot_spin_glass_get_options (self->figures, &options);
  options.theme = theme;
  lv_plot_spin_glass_set_options (self->figures, &options);
  lv_plot_ensemble_get_options (self->network, &net);
  net.theme = theme;
  net.mode = LV_PLOT_HIST_SMALL_MULTIPLES;
  net.n_bins = 18;
  lv_plot_ensemble_set_options (self->network, &net);
  lv_figure_changed (self->hist_figure);
  lv_figure_changed (self->theta_figure);
  lv_figure_changed (self->network_figure);
}

static char *
histogram_tooltip (LvFigure *figure, double x, double y, double width, double height,
                   gpointer user_data)
{
  LvSpinGlassView *self = user_data;
  LvPlotHistHit hit;

  if (!lv_plot_histogram_hit_test (lv_plot_spin_glass_get_histogram (self->figures), width,
                                   height, x, y, &hit))
    return NULL;
  /* Translators: tooltip of a spin-glass histogram bar: Λ, energy range, number of runs. */
  return g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                               "<b>Λ = %u</b>\nE/Λ %.4f – %.4f\n%u run",
                                               "<b>Λ = %u</b>\nE/Λ %.4f – %.4f\n%u runs",
                                               hit.count),
                                  lv_plot_spin_glass_get_lambda (self->figures, hit.series),
                                  hit.bin_lo, hit.bin_hi, hit.count);
}

/**
 * lv_spin_glass_view_class_init_template:
 * @widget_class: LvSpinGlassView's class
 *
 * Sets the page's template and binds its widgets and handlers.
 */
void
lv_spin_glass_view_class_init_template (GtkWidgetClass *widget_class)
{
  g_type_ensure (LV_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/lv-spinglass-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, p_spin);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, runs_spin);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, method_drop);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, disorder_drop);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, start_button);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, side_button);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, status);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, network_figure);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, hist_figure);
  gtk_widget_class_bind_template_child (widget_class, LvSpinGlassView, theta_figure);
  /* The Λ toggles are "size_button_<Λ>" in the template, in toggle_sizes' order. */
  for (guint b = 0; b < G_N_ELEMENTS (toggle_sizes); b++)
    {
      g_autofree char *id = g_strdup_printf ("size_button_%u", toggle_sizes[b]);

      gtk_widget_class_bind_template_child_full (
        widget_class, id, FALSE,
        G_STRUCT_OFFSET (LvSpinGlassView, size_buttons) + (gssize) (b * sizeof (gpointer)));
    }
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_side_toggled);
}

/**
 * lv_spin_glass_view_init_template:
 * @self: the view, its state initialised
 *
 * Builds the page from its template: the toolbar wraps on a narrow window, the histogram
 * has its tooltip.
 */
void
lv_spin_glass_view_init_template (LvSpinGlassView *self)
{
  /* Handlers stay quiet while the template sets the controls' first values. */
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->updating = FALSE;
  lv_wrap_layout_apply (GTK_WIDGET (self->toolbar), 12, 6);
  lv_figure_set_tooltip_func (self->hist_figure, histogram_tooltip, self, NULL);
}
