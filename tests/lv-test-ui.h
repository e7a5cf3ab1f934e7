/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Small helpers shared by the UI tests (test-ui-window.c, -session, -desktop, -theory,
 * -spinglass, -landscape): waiting on the main loop against a generous deadline, finding a
 * widget by type, and a window set to a small ensemble. Nothing here asserts on speed. */

#include <gtk/gtk.h>

#include "lv-figure.h"
#include "lv-loss-view.h"
#include "lv-window-private.h"

#define LV_TEST_UI_DEADLINE_S 120

typedef gboolean (*LvTestCondition) (gpointer data);

static gboolean
lv_test_ui_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @cond holds or @deadline_s seconds have passed. When @poll is set
 * it is polled each turn, as the window's frame clock would (for an experiment no window
 * shows). */
/* What AdwApplication does for the app: the app's style sheet (resource-base-path/style.css)
 * on the display, for tests that build windows without the application. */
static inline void
lv_test_ui_load_app_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline gboolean
lv_test_ui_wait_full (LvExperiment *poll, guint deadline_s, LvTestCondition cond, gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) deadline_s * G_USEC_PER_SEC;
  /* A ticking source so the loop wakes up even when nothing else happens. */
  guint id = g_timeout_add (10, lv_test_ui_tick, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    {
      if (poll != NULL)
        lv_experiment_poll (poll);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
  return ok;
}

static inline gboolean
lv_test_ui_wait_within (guint deadline_s, LvTestCondition cond, gpointer data)
{
  return lv_test_ui_wait_full (NULL, deadline_s, cond, data);
}

static inline gboolean
lv_test_ui_wait (LvTestCondition cond, gpointer data)
{
  return lv_test_ui_wait_within (LV_TEST_UI_DEADLINE_S, cond, data);
}

/* The first widget of @type in @w's subtree (depth first, @w included), or NULL. */
static inline GtkWidget *
lv_test_ui_find_widget (GtkWidget *w, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = lv_test_ui_find_widget (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
lv_test_ui_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* @data is an LvExperiment: it has ended and nothing of it is still running. */
static inline gboolean
lv_test_ui_experiment_finished (gpointer data)
{
  return lv_experiment_is_finished (data) && !lv_experiment_get_running (data);
}

/* Epochs trained so far, summed over every run of every size of @exp. */
static inline guint64
lv_test_ui_epochs_done (LvExperiment *exp)
{
  guint n = 0;
  const LvEnsembleSnapshot *const *snaps = lv_experiment_get_snapshots (exp, &n);
  guint64 sum = 0;

  for (guint s = 0; s < n; s++)
    for (guint i = 0; i < snaps[s]->n_runs; i++)
      sum += snaps[s]->runs[i].epochs_done;
  return sum;
}

static inline gboolean
lv_test_ui_is_finished (gpointer data)
{
  return lv_test_ui_experiment_finished (lv_window_get_experiment (data));
}

/* Sets the sidebar to @sizes, @runs runs, @epochs epochs, λ = 0.001 and applies it. */
static inline void
lv_test_ui_configure (LvWindow *window, guint runs, guint epochs, const guint *sizes,
                      guint n_sizes)
{
  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    {
      guint h = lv_window_standard_sizes[i];
      gboolean on = FALSE;
      for (guint k = 0; k < n_sizes; k++)
        on = on || sizes[k] == h;
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lv_window_get_size_toggle (window, h)), on);
    }
  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")), "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (lv_window_get_control (window, "dataset")), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "runs")), runs);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "depth")), 1);
  gtk_range_set_value (GTK_RANGE (lv_window_get_control (window, "degree")), 2.0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "epochs")), epochs);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lv_window_get_control (window, "lambda")), 0.001);
  g_assert_true (lv_window_apply_controls (window));
}

static inline LvWindow *
lv_test_ui_window (guint runs, guint epochs, const guint *sizes, guint n_sizes)
{
  LvWindow *window = lv_window_new (NULL);

  lv_test_ui_configure (window, runs, epochs, sizes, n_sizes);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_mapped, window));
  return window;
}

static inline void
lv_test_ui_close (LvWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static inline LvLossView *
lv_test_ui_loss_view (LvWindow *window)
{
  return LV_LOSS_VIEW (gtk_stack_get_child_by_name (window->stack, "loss"));
}

/* Appends to @problems every string cut short (ellipsized, or leaving its clip) in the figures
 * shown under @w, as the plot library reports it for each figure redrawn at its size; returns
 * how many (issue 15: nothing cut on a projector or a small screen). */
static inline guint
lv_test_ui_cut_figure_text (GtkWidget *w, GString *problems)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (w) || !gtk_widget_get_child_visible (w))
    return 0;
  if (LV_IS_FIGURE (w))
    {
      g_autoptr(GPtrArray) items = lv_figure_record_text (LV_FIGURE (w));

      for (guint i = 0; i < items->len; i++)
        {
          const LvPlotTextItem *item = g_ptr_array_index (items, i);

          if (!item->truncated)
            continue;
          n++;
          g_string_append_printf (problems, "  figure %d×%d: text cut “%s” at %.0f,%.0f %.0f×%.0f\n",
                                  gtk_widget_get_width (w), gtk_widget_get_height (w), item->text,
                                  item->extents.x, item->extents.y, item->extents.width,
                                  item->extents.height);
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += lv_test_ui_cut_figure_text (c, problems);
  return n;
}
