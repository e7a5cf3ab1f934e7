/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>

#include "lv-spinglass-view.h"
#include "lv-theory-view.h"

/*
 * The guided tour (win.tour, Ctrl+T; Page Down / Page Up in presentation mode) walks through
 * the claims the app illustrates. Each step sets the parameters through the sidebar (so what
 * the audience sees is what a user could set), shows a page — the Theory steps its
 * Haeffele–Vidal panel, whichever panel was open — and a caption that ends with the numbers
 * measured on screen, re-measured every second. A step whose page this build does not have is
 * skipped, and the next caption says so.
 *
 * The tour borrows the sidebar: it keeps the user's settings, page and panel when it starts
 * and gives them back when it ends or presentation mode is left; meanwhile the settings saved
 * as the last configuration are the user's, never the tour's (λ = 0).
 */

#define TOUR_RUNS 40
#define TOUR_CHAIN_DEPTH 3 /* the chain's L matches the network of steps 3 and 4 */

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

/* The captions say what theory predicts and what to look at; the measured sentence that
 * follows (lv-window-tour-caption.c) says what the screen shows. */
static const TourStep tour_steps[] = {
  { "loss", NULL, N_("1 · Bigger networks, narrower losses?"),
    N_("Forty networks of each size learn the same digits from different random starts. "
       "Choromanska et al. (2015) predict that as the hidden layer grows, their test losses "
       "crowd together: watch the spread (bottom right)."),
    1, 2.0, 0.0, TRUE },
  { "spinglass", NULL, N_("2 · The spin-glass band"),
    N_("The same question in a spherical spin glass: theory says that as the system grows, "
       "the energies where descent stops crowd together in the shaded band [−E₀, −E∞], "
       "reached only in the limit of infinite size. Compare the histograms' widths per Λ."),
    1, 2.0, 0.0, FALSE },
  { "theory", "loss", N_("3 · Balanced degree: q = 3"),
    N_("Two hidden layers make the output a degree-3 function of the weights. A regularizer of "
       "the same degree (q = 3) is balanced: then a local minimum with an unused unit is a "
       "global minimum (Haeffele & Vidal, 2015). The chain below is the smallest case."),
    2, 3.0, 0.001, TRUE },
  { "theory", "loss", N_("4 · Unbalanced degree: q = 2"),
    N_("Weight decay (q = 2) has a lower degree than the network: zero weights can become a "
       "trap that plain descent does not leave. Press ← or → to move q and compare."),
    2, 2.0, 0.001, TRUE },
};

/* ---- the user's settings ---- */

static void
save_user_settings (LvWindow *self)
{
  const char *dataset;
  GtkWidget *theory = gtk_stack_get_child_by_name (self->stack, "theory");

  if (self->tour_saved || !lv_window_read_controls (self, &dataset, &self->tour_saved_config,
                                                    NULL))
    return;
  self->tour_saved = TRUE;
  g_free (self->tour_saved_dataset);
  self->tour_saved_dataset = g_strdup (dataset);
  g_free (self->tour_saved_page);
  self->tour_saved_page = g_strdup (gtk_stack_get_visible_child_name (self->stack));
  g_free (self->tour_saved_panel);
  self->tour_saved_panel = theory != NULL
                           ? g_strdup (lv_theory_view_get_panel (LV_THEORY_VIEW (theory))) : NULL;
}

static void
restore_user_settings (LvWindow *self)
{
  GtkWidget *theory = gtk_stack_get_child_by_name (self->stack, "theory");

  if (!self->tour_saved)
    return;
  self->tour_saved = FALSE;
  /* Writing the controls restores λ, and applying them the q slider's sensitivity. */
  lv_window_write_controls (self, self->tour_saved_dataset, &self->tour_saved_config);
  lv_window_apply_controls (self);
  if (self->tour_saved_page != NULL)
    gtk_stack_set_visible_child_name (self->stack, self->tour_saved_page);
  if (theory != NULL && self->tour_saved_panel != NULL)
    lv_theory_view_show_panel (LV_THEORY_VIEW (theory), self->tour_saved_panel);
}

/* ---- measured captions ---- */

static char *
measured_sentence (LvWindow *self, const TourStep *step)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "loss") == 0)
    {
      guint n = 0;
      const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (self->experiment, &n);
      char *spread = lv_tour_caption_spread (snaps, n);

      return spread != NULL ? spread : g_strdup (_("Training: the numbers follow."));
    }
  if (g_strcmp0 (page, "theory") == 0)
    {
      GtkWidget *theory = gtk_stack_get_child_by_name (self->stack, "theory");
      LvHvPanelState state;

      lv_hv_panel_get_state (lv_theory_view_get_hv_panel (LV_THEORY_VIEW (theory)), &state);
      return lv_tour_caption_chain (&state);
    }
  return NULL;
}

static void
show_step_caption (LvWindow *self)
{
  const TourStep *step = &tour_steps[self->tour_step];
  g_autofree char *measured = measured_sentence (self, step);
  g_autofree char *skipped = NULL;
  g_autoptr(GString) text = g_string_new (_(step->caption));

  if (measured != NULL)
    g_string_append_printf (text, "\n%s", measured);
  if (self->tour_steps_skipped > 0)
    {
      /* Translators: added to a tour caption when steps were skipped. */
      skipped = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "(%u step skipped: this version has no page "
                                              "for it yet.)",
                                              "(%u steps skipped: this version has no page "
                                              "for them yet.)", self->tour_steps_skipped),
                                 self->tour_steps_skipped);
      g_string_append_printf (text, "\n%s", skipped);
    }
  lv_window_show_caption (self, _(step->title), text->str);
}

static gboolean
refresh_caption (gpointer data)
{
  LvWindow *self = data;

  if (self->tour_step < 0)
    {
      self->tour_refresh_id = 0;
      return G_SOURCE_REMOVE;
    }
  show_step_caption (self);
  return G_SOURCE_CONTINUE;
}


static gboolean
has_page (LvWindow *self, const char *page)
{
  return page != NULL && gtk_stack_get_child_by_name (self->stack, page) != NULL;
}

static void
apply_step (LvWindow *self, const TourStep *step)
{
  const char *page = has_page (self, step->page) ? step->page : step->fallback;
  GtkWidget *view;

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
  view = gtk_stack_get_child_by_name (self->stack, page);
  if (LV_IS_THEORY_VIEW (view))
    {
      /* The Theory steps are about the Haeffele–Vidal panel, whichever panel was open. */
      lv_theory_view_show_panel (LV_THEORY_VIEW (view), "hv");
      lv_hv_panel_set_depth (lv_theory_view_get_hv_panel (LV_THEORY_VIEW (view)),
                             TOUR_CHAIN_DEPTH);
    }
  if (LV_IS_SPIN_GLASS_VIEW (view))
    {
      /* The spin-glass step runs its own simulation: p = 3, three sizes, enough starts to
       * show the histograms' widths (a few seconds on two cores). */
      static const guint lambdas[] = { 25, 50, 100 };
      LvSpinGlassView *sg = LV_SPIN_GLASS_VIEW (view);

      lv_spin_glass_view_set_p (sg, 3);
      lv_spin_glass_view_set_sizes (sg, lambdas, G_N_ELEMENTS (lambdas));
      lv_spin_glass_view_set_runs (sg, 200);
      lv_spin_glass_view_start (sg);
    }
  if (lv_window_apply_controls (self) && step->start &&
      !lv_experiment_is_finished (self->experiment))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.start", NULL);
}

/* Moves to the first step from @from on (in direction @dir) whose page exists. */
static void
go_to_step (LvWindow *self, int from, int dir)
{
  guint skipped = 0;
  int i = from;

  while (i >= 0 && i < (int) G_N_ELEMENTS (tour_steps) &&
         !has_page (self, tour_steps[i].page) && !has_page (self, tour_steps[i].fallback))
    {
      skipped++;
      i += dir;
    }
  self->tour_steps_skipped = skipped;
  if (i < 0 || i >= (int) G_N_ELEMENTS (tour_steps))
    {
      lv_window_tour_end (self);
      lv_window_show_caption (self, _("End of the tour"),
                              _("Your settings are back. Press Esc to leave presentation mode, "
                                "or Page Down to start again."));
      return;
    }
  self->tour_step = i;
  apply_step (self, &tour_steps[i]);
  show_step_caption (self);
  if (self->tour_refresh_id == 0)
    self->tour_refresh_id = g_timeout_add_seconds (1, refresh_caption, self);
}

static void
tour_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  save_user_settings (self);
  lv_window_set_presentation (self, TRUE);
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
 * lv_window_tour_end:
 * @self: the window
 *
 * Leaves the tour (if one is under way) and gives the user's settings, page and panel back.
 */
void
lv_window_tour_end (LvWindow *self)
{
  self->tour_step = -1;
  g_clear_handle_id (&self->tour_refresh_id, g_source_remove);
  restore_user_settings (self);
}

/**
 * lv_window_tour_class_init:
 * @widget_class: LvWindow's class
 *
 * Installs win.tour, win.tour-next and win.tour-previous.
 */
void
lv_window_tour_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.tour", NULL, tour_action);
  gtk_widget_class_install_action (widget_class, "win.tour-next", NULL, tour_next_action);
  gtk_widget_class_install_action (widget_class, "win.tour-previous", NULL,
                                   tour_previous_action);
}

/**
 * lv_window_tour_dispose:
 * @self: the window
 *
 * Stops re-measuring and frees the kept settings (without applying them).
 */
void
lv_window_tour_dispose (LvWindow *self)
{
  g_clear_handle_id (&self->tour_refresh_id, g_source_remove);
  g_clear_pointer (&self->tour_saved_dataset, g_free);
  g_clear_pointer (&self->tour_saved_page, g_free);
  g_clear_pointer (&self->tour_saved_panel, g_free);
}
