/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lv-spinglass-view.h"
#include "lv-view.h"

/*
 * Presentation mode (F11 or the main menu): full screen, the sidebar and header bar hidden,
 * figures drawn with large fonts and thick lines for a projector, and keyboard-only control
 * through one capture-phase shortcut controller: Space starts or pauses, ←/→ move the degree
 * q, ↑/↓ shift the set of network sizes, Page Down / Page Up walk the guided tour, Escape
 * leaves. The controller exists only while presenting, so the same keys keep their usual
 * meaning (typing, moving a focused slider) in the normal window.
 *
 * The guided tour is in lv-window-tour.c.
 */

#define PRESENTATION_FONT_SCALE 1.8
#define PRESENTATION_LINE_SCALE 2.2
#define Q_STEP 0.5

/* ---- figure scale ---- */

/**
 * lv_window_update_figure_scale:
 * @self: the window
 *
 * Tells every view of the stack the font and line scale of the current mode.
 */
void
lv_window_update_figure_scale (LvWindow *self)
{
  double font = self->presentation ? PRESENTATION_FONT_SCALE : 1.0;
  double line = self->presentation ? PRESENTATION_LINE_SCALE : 1.0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (LV_IS_VIEW (child))
      lv_view_set_figure_scale (LV_VIEW (child), font, line);
}

/* ---- captions ---- */

/**
 * lv_window_show_caption:
 * @self: the window
 * @title: (nullable): a tour step's title; without one, @text is a key hint (smaller)
 * @text: the caption
 *
 * Shows the presentation caption under the figures.
 */
void
lv_window_show_caption (LvWindow *self, const char *title, const char *text)
{
  /* A bare key hint is smaller than a tour step's caption: the figures keep the room. */
  if (title != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->caption_label), "key-hint");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->caption_label), "key-hint");
  gtk_label_set_text (self->caption_title, title != NULL ? title : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_title), title != NULL);
  gtk_label_set_text (self->caption_label, text);
  gtk_revealer_set_reveal_child (self->caption_revealer, TRUE);
}

static void
show_key_hint (LvWindow *self)
{
  lv_window_show_caption (self, NULL,
                _("Space: start or pause · ← →: degree q · ↑ ↓: network sizes · "
                  "Page Down: guided tour · Esc: leave presentation"));
}

/* ---- presentation mode ---- */

static void
add_shortcut (GtkShortcutController *controller, guint key, GdkModifierType mods,
              const char *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, mods),
                                                          gtk_named_action_new (action)));
}

static GtkEventController *
presentation_keys_new (void)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *sc = GTK_SHORTCUT_CONTROLLER (controller);

  /* Capture phase: before a focused spin button or slider would take the key. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  add_shortcut (sc, GDK_KEY_space, 0, "win.toggle-training");
  add_shortcut (sc, GDK_KEY_Left, 0, "win.degree-down");
  add_shortcut (sc, GDK_KEY_Right, 0, "win.degree-up");
  add_shortcut (sc, GDK_KEY_Up, 0, "win.sizes-up");
  add_shortcut (sc, GDK_KEY_Down, 0, "win.sizes-down");
  add_shortcut (sc, GDK_KEY_Page_Down, 0, "win.tour-next");
  add_shortcut (sc, GDK_KEY_Page_Up, 0, "win.tour-previous");
  add_shortcut (sc, GDK_KEY_Escape, 0, "win.leave-presentation");
  return controller;
}

static void
set_presentation (LvWindow *self, gboolean on)
{
  on = !!on;
  if (self->presentation == on)
    return;
  self->presentation = on;
  gtk_widget_set_visible (self->controls_pane, !on);
  /* The titlebar is not a template child: GtkWindow owns and unparents it. */
  gtk_widget_set_visible (gtk_window_get_titlebar (GTK_WINDOW (self)), !on);
  if (on)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      self->presentation_keys = presentation_keys_new ();
      gtk_widget_add_controller (GTK_WIDGET (self), self->presentation_keys);
      gtk_window_fullscreen (GTK_WINDOW (self));
      if (self->tour_step < 0)
        show_key_hint (self);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      if (self->presentation_keys != NULL)
        gtk_widget_remove_controller (GTK_WIDGET (self), self->presentation_keys);
      self->presentation_keys = NULL;
      gtk_window_unfullscreen (GTK_WINDOW (self));
      gtk_revealer_set_reveal_child (self->caption_revealer, FALSE);
      lv_window_tour_end (self);
    }
  lv_window_update_figure_scale (self);
  lv_window_state_update (self);
  g_object_notify (G_OBJECT (self), "presentation");
}

static void
leave_presentation_action (GtkWidget *widget, const char *name, GVariant *param)
{
  set_presentation (LV_WINDOW (widget), FALSE);
}

static void
toggle_training_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  gtk_widget_activate_action (widget, lv_experiment_get_running (self->experiment)
                                      ? "win.pause" : "win.start", NULL);
}

static void
degree_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  GtkRange *range = GTK_RANGE (self->degree_scale);
  double q = gtk_range_get_value (range) + (g_str_equal (name, "win.degree-up") ? Q_STEP
                                                                                : -Q_STEP);

  /* The degree only acts with λ > 0 and the per-layer kind: switch it on, so the key always
   * does something visible. */
  if (gtk_spin_button_get_value (self->lambda_spin) == 0)
    gtk_spin_button_set_value (self->lambda_spin, 0.001);
  gtk_drop_down_set_selected (self->reg_kind_dropdown, 0);
  gtk_range_set_value (range, round (q / Q_STEP) * Q_STEP);
  /* The audience sees the cached result for this q at once, or its training starting: no
   * further key to press (issue 15). */
  if (lv_window_apply_controls (self) && !lv_experiment_is_finished (self->experiment) &&
      !lv_experiment_get_running (self->experiment))
    gtk_widget_activate_action (widget, "win.start", NULL);
}

/* Shifts every chosen standard size one step along the standard list (5, 10, 25 → 10, 25, 50),
 * as long as the whole set fits. */
static void
sizes_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  int delta = g_str_equal (name, "win.sizes-up") ? 1 : -1;
  gboolean on[LV_WINDOW_N_SIZES];
  guint n_on = 0;

  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    n_on += on[i] = gtk_toggle_button_get_active (self->size_toggles[i]);
  if (n_on == 0 || (delta > 0 && on[LV_WINDOW_N_SIZES - 1]) || (delta < 0 && on[0]))
    return;
  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    {
      int from = (int) i - delta;
      gtk_toggle_button_set_active (self->size_toggles[i],
                                    from >= 0 && from < LV_WINDOW_N_SIZES && on[from]);
    }
  lv_window_apply_controls (self);
}

/**
 * lv_window_presentation_class_init:
 * @widget_class: LvWindow's class
 *
 * Installs the presentation and tour actions.
 */
void
lv_window_presentation_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_property_action (widget_class, "win.presentation", "presentation");
  gtk_widget_class_install_action (widget_class, "win.leave-presentation", NULL,
                                   leave_presentation_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-training", NULL,
                                   toggle_training_action);
  gtk_widget_class_install_action (widget_class, "win.degree-up", NULL, degree_action);
  gtk_widget_class_install_action (widget_class, "win.degree-down", NULL, degree_action);
  gtk_widget_class_install_action (widget_class, "win.sizes-up", NULL, sizes_action);
  gtk_widget_class_install_action (widget_class, "win.sizes-down", NULL, sizes_action);
  lv_window_tour_class_init (widget_class);
}

/**
 * lv_window_set_presentation:
 * @self: the window
 * @presentation: whether to present
 *
 * Enters or leaves presentation mode (also the win.presentation action and F11).
 */
void
lv_window_set_presentation (LvWindow *self,
                            gboolean  presentation)
{
  g_return_if_fail (LV_IS_WINDOW (self));
  set_presentation (self, presentation);
}

/**
 * lv_window_get_presentation:
 * @self: the window
 *
 * Returns: whether the window is in presentation mode.
 */
gboolean
lv_window_get_presentation (LvWindow *self)
{
  return self->presentation;
}

/**
 * lv_window_get_tour_step:
 * @self: the window
 *
 * Returns: the index of the tour step shown, −1 outside the tour.
 */
int
lv_window_get_tour_step (LvWindow *self)
{
  return self->tour_step;
}

/**
 * lv_window_get_caption:
 * @self: the window
 *
 * Returns: the presentation caption's text ("" when none), for tests.
 */
const char *
lv_window_get_caption (LvWindow *self)
{
  return gtk_revealer_get_reveal_child (self->caption_revealer)
         ? gtk_label_get_text (self->caption_label) : "";
}

/**
 * lv_window_presentation_dispose:
 * @self: the window
 *
 * Drops the presentation key controller (the window owns it while presenting).
 */
void
lv_window_presentation_dispose (LvWindow *self)
{
  self->presentation_keys = NULL;
}
