/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-figure.h"
#include "lv-spinglass-view-private.h"
#include "lv-wrap-layout.h"

#include <string.h>

#include <glib/gi18n.h>

/*
 * The widgets of LvSpinGlassView: the toolbar (p, Λ toggles, runs, method, disorder, Start/Stop,
 * side-by-side), the three figures, and the handlers that turn control changes into calls of
 * the view's public API (which owns the state and the jobs, lv-spinglass-view.c).
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
  const LvPlotTheme *theme = &self->theme;
  LvPlotSpinGlassOptions options;
  LvPlotEnsembleOptions net;

  lv_plot_theme_scaled (lv_figure_theme_for_settings (self->settings), self->font_scale,
                        self->line_scale, &self->theme);

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

static GtkWidget *
labelled (const char *text, GtkWidget *control)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  if (strchr (text, '_') != NULL)
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), control);
  return box;
}

static LvFigure *
add_figure (GtkBox *box)
{
  GtkWidget *figure = lv_figure_new ();

  gtk_widget_set_hexpand (figure, TRUE);
  gtk_widget_set_vexpand (figure, TRUE);
  gtk_box_append (box, figure);
  return LV_FIGURE (figure);
}

void
lv_spin_glass_view_build_ui (LvSpinGlassView *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *sizes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *figures = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* Translators: short names of the descent methods (toolbar drop-down). */
  const char *methods[] = { _("GD"), _("SGD"), NULL };
  /* Translators: disorder modes: one coupling draw for all runs of a size, or one per run. */
  const char *disorders[] = { _("fixed draw"), _("draw per run"), NULL };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  lv_wrap_layout_apply (bar, 12, 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "spinglass-view");
  gtk_widget_add_css_class (bar, "view-toolbar");
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 8);
  gtk_widget_set_margin_bottom (bar, 4);

  self->p_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (LV_SPIN_GLASS_P_MIN,
                                                                  LV_SPIN_GLASS_P_MAX, 1));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->p_spin),
                               _("Order of the interaction (the network's depth H in the paper)"));
  gtk_box_append (GTK_BOX (bar), labelled (_("_p"), GTK_WIDGET (self->p_spin)));

  gtk_widget_add_css_class (sizes, "linked");
  for (guint b = 0; b < G_N_ELEMENTS (toggle_sizes); b++)
    {
      g_autofree char *text = g_strdup_printf ("%u", toggle_sizes[b]);

      self->size_buttons[b] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (text));
      gtk_box_append (GTK_BOX (sizes), GTK_WIDGET (self->size_buttons[b]));
      g_signal_connect_swapped (self->size_buttons[b], "toggled",
                                G_CALLBACK (on_control_changed), self);
    }
  gtk_widget_set_tooltip_text (sizes, _("Number of spins Λ: one histogram row per size"));
  gtk_box_append (GTK_BOX (bar), labelled (_("Λ"), sizes));

  self->runs_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 2000, 10));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->runs_spin),
                               _("Random starts per size, each descended to a critical point"));
  gtk_box_append (GTK_BOX (bar), labelled (_("_Runs"), GTK_WIDGET (self->runs_spin)));

  self->method_drop = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (methods));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->method_drop),
                               _("GD: projected gradient descent. SGD: the couplings split into "
                                 "parts, one part per step, then full-gradient polishing (the "
                                 "paper's variant)"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->method_drop));
  self->disorder_drop = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (disorders));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->disorder_drop),
                               _("Couplings: one draw shared by every start (as in the paper), "
                                 "or a new draw for each start"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->disorder_drop));

  self->start_button = GTK_BUTTON (gtk_button_new_with_label (_("Simulate")));
  gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->start_button));
  self->side_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (
                                           _("Compare with the _network")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->side_button),
                               _("Network test-loss histograms per size next to the spin-glass "
                                 "histograms per Λ, each on its own axis"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->side_button));
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0.0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->status), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->status), 12);
  gtk_box_append (GTK_BOX (self), bar);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status));

  gtk_widget_set_margin_start (figures, 6);
  gtk_widget_set_margin_end (figures, 6);
  gtk_widget_set_margin_bottom (figures, 6);
  self->network_figure = add_figure (GTK_BOX (figures));
  self->hist_figure = add_figure (GTK_BOX (figures));
  self->theta_figure = add_figure (GTK_BOX (figures));
  gtk_box_append (GTK_BOX (self), figures);

  g_signal_connect_swapped (self->p_spin, "value-changed", G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->runs_spin, "value-changed", G_CALLBACK (on_control_changed),
                            self);
  g_signal_connect_swapped (self->method_drop, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->disorder_drop, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (on_start_clicked), self);
  g_signal_connect_swapped (self->side_button, "toggled", G_CALLBACK (on_side_toggled), self);
  lv_figure_set_tooltip_func (self->hist_figure, histogram_tooltip, self, NULL);
}

