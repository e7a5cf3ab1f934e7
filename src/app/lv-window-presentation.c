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
 * The guided tour walks through the three claims the app illustrates. Each step sets the
 * parameters through the sidebar (so what the audience sees is what a user could set), shows
 * a page and a caption. A step whose page this build does not have is skipped, and the next
 * caption says so.
 */

#define PRESENTATION_FONT_SCALE 1.8
#define PRESENTATION_LINE_SCALE 2.2
#define Q_STEP 0.5
#define TOUR_RUNS 40

typedef struct
{
  const char *page;        /* view name in the stack; the step is skipped without it */
  const char *fallback;    /* or NULL: page to use when @page is absent, instead of skipping */
  const char *title;
  const char *caption;
  guint depth;
  double degree;
  double lambda;
  gboolean start;
} TourStep;

static const guint tour_sizes[] = { 5, 10, 25, 100 };

static const TourStep tour_steps[] = {
  { "loss", NULL, N_("1 · Bigger networks, narrower losses"),
    N_("Forty networks of each size learn the same digits from different random starts. As "
       "the hidden layer grows, their test losses crowd together: the spread (bottom right) "
       "falls with size. Choromanska et al. (2015) predict this concentration."),
    1, 2.0, 0.0, TRUE },
  { "spinglass", NULL, N_("2 · The spin-glass band"),
    N_("The same picture in a spherical spin glass: as the system grows, the energies where "
       "descent stops crowd together and drift left towards the shaded band [−E₀, −E∞], which "
       "theory says they reach only in the limit of infinite size."),
    1, 2.0, 0.0, FALSE },
  { "theory", "loss", N_("3 · Balanced degree: q = 3"),
    N_("Two hidden layers make the output a degree-3 function of the weights. A regularizer of "
       "the same degree (q = 3) is balanced: then a local minimum with an unused unit is a "
       "global minimum (Haeffele & Vidal, 2015)."),
    2, 3.0, 0.001, TRUE },
  { "theory", "loss", N_("4 · Unbalanced degree: q = 2"),
    N_("Weight decay (q = 2) has a lower degree than the network: zero weights become a trap "
       "that plain descent may not leave. Press ← or → to move q and compare."),
    2, 2.0, 0.001, TRUE },
};

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

static void
show_caption (LvWindow *self, const char *title, const char *text)
{
  gtk_label_set_text (self->caption_title, title != NULL ? title : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_title), title != NULL);
  gtk_label_set_text (self->caption_label, text);
  gtk_revealer_set_reveal_child (self->caption_revealer, TRUE);
}

static void
show_key_hint (LvWindow *self)
{
  show_caption (self, NULL,
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
      self->tour_step = -1;
    }
  lv_window_update_figure_scale (self);
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
  lv_window_apply_controls (self);
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

/* ---- the guided tour ---- */

static gboolean
has_page (LvWindow *self, const char *page)
{
  return page != NULL && gtk_stack_get_child_by_name (self->stack, page) != NULL;
}

static void
apply_step (LvWindow *self, const TourStep *step)
{
  const char *page = has_page (self, step->page) ? step->page : step->fallback;

  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    {
      gboolean on = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (tour_sizes); k++)
        on = on || tour_sizes[k] == lv_window_standard_sizes[i];
      gtk_toggle_button_set_active (self->size_toggles[i], on);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->custom_sizes_entry), "");
  gtk_spin_button_set_value (self->runs_spin, TOUR_RUNS);
  gtk_spin_button_set_value (self->depth_spin, step->depth);
  gtk_drop_down_set_selected (self->reg_kind_dropdown, 0);
  gtk_range_set_value (GTK_RANGE (self->degree_scale), step->degree);
  gtk_spin_button_set_value (self->lambda_spin, step->lambda);
  gtk_stack_set_visible_child_name (self->stack, page);
  if (g_strcmp0 (page, LV_SPIN_GLASS_VIEW_PAGE) == 0)
    {
      /* The spin-glass step runs its own simulation: p = 3, three sizes, enough starts to
       * show the histograms narrow (a few seconds on two cores). */
      static const guint lambdas[] = { 25, 50, 100 };
      LvSpinGlassView *sg = LV_SPIN_GLASS_VIEW (gtk_stack_get_child_by_name (self->stack, page));

      lv_spin_glass_view_set_p (sg, 3);
      lv_spin_glass_view_set_sizes (sg, lambdas, G_N_ELEMENTS (lambdas));
      lv_spin_glass_view_set_runs (sg, 200);
      lv_spin_glass_view_start (sg);
    }
  if (lv_window_apply_controls (self) && step->start)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.start", NULL);
}

/* Moves to the first step from @from on (in direction @dir) whose page exists. */
static void
go_to_step (LvWindow *self, int from, int dir)
{
  g_autofree char *caption = NULL;
  guint skipped = 0;
  int i = from;

  while (i >= 0 && i < (int) G_N_ELEMENTS (tour_steps) &&
         !has_page (self, tour_steps[i].page) && !has_page (self, tour_steps[i].fallback))
    {
      skipped++;
      i += dir;
    }
  self->tour_steps_skipped += skipped;
  if (i < 0 || i >= (int) G_N_ELEMENTS (tour_steps))
    {
      self->tour_step = -1;
      show_caption (self, _("End of the tour"),
                    _("Press Esc to leave presentation mode, or Page Down to start again."));
      return;
    }
  self->tour_step = i;
  apply_step (self, &tour_steps[i]);
  if (skipped > 0)
    /* Translators: added to a tour caption when steps were skipped. */
    caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s\n(%u step skipped: this version has no page "
                                            "for it yet.)",
                                            "%s\n(%u steps skipped: this version has no page "
                                            "for them yet.)", skipped),
                               _(tour_steps[i].caption), skipped);
  show_caption (self, _(tour_steps[i].title),
                caption != NULL ? caption : _(tour_steps[i].caption));
}

static void
tour_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  set_presentation (self, TRUE);
  self->tour_steps_skipped = 0;
  go_to_step (self, 0, 1);
}

static void
tour_next_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  if (self->tour_step < 0)
    {
      tour_action (widget, name, param);
      return;
    }
  go_to_step (self, self->tour_step + 1, 1);
}

static void
tour_previous_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  if (self->tour_step > 0)
    go_to_step (self, self->tour_step - 1, -1);
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
  gtk_widget_class_install_action (widget_class, "win.tour", NULL, tour_action);
  gtk_widget_class_install_action (widget_class, "win.tour-next", NULL, tour_next_action);
  gtk_widget_class_install_action (widget_class, "win.tour-previous", NULL,
                                   tour_previous_action);
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
