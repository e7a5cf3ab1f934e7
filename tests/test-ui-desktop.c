/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-application.h"
#include "lv-figure.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-theory-view.h"

/*
 * Desktop conventions: settings restored in a new window, the app's accelerators, About and
 * icon, the French translation (LANGUAGE=fr, from the build's po/), and the guided tour from
 * start to end in presentation mode.
 */

static void
test_settings_restored (void)
{
  static const guint sizes[] = { 10, 50 };
  LvWindow *window = lv_test_ui_window (7, 3, sizes, G_N_ELEMENTS (sizes));
  const LvEnsembleConfig *config;
  int width = 0, height = 0;

  gtk_range_set_value (GTK_RANGE (lv_window_get_control (window, "degree")), 3.0);
  gtk_editable_set_text (GTK_EDITABLE (lv_window_get_control (window, "custom-sizes")), "777");
  g_assert_true (lv_window_apply_controls (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  lv_test_ui_close (window);

  window = lv_window_new (NULL);
  config = lv_experiment_get_config (lv_window_get_experiment (window));
  g_assert_cmpuint (config->runs, ==, 7);
  g_assert_cmpuint (config->train.epochs, ==, 3);
  g_assert_cmpuint (config->n_sizes, ==, 3);
  g_assert_cmpuint (config->sizes[0], ==, 10);
  g_assert_cmpuint (config->sizes[1], ==, 50);
  g_assert_cmpuint (config->sizes[2], ==, 777);
  g_assert_cmpfloat (config->train.reg.degree, ==, 3.0);
  g_assert_cmpfloat (config->train.reg.lambda, ==, 0.001);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);
  lv_test_ui_close (window);

  /* A broken stored configuration means the demo, not a crash. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_settings_set_string (settings, "last-configuration", "[experiment]\nsizes=abc\n");
  }
  window = lv_window_new (NULL);
  g_assert_cmpuint (lv_experiment_get_config (lv_window_get_experiment (window))->runs, ==, 40);
  lv_test_ui_close (window);
}

static void
test_application (void)
{
  static const char *actions[][2] = {
    { "app.quit", "<Control>q" }, { "win.start", "<Control>Return" },
    { "win.export", "<Control>e" }, { "win.save", "<Control>s" }, { "win.open", "<Control>o" },
    { "win.save-as", "<Shift><Control>s" }, { "win.presentation", "F11" },
  };
  g_autoptr(LvApplication) app = lv_application_new ();
  g_autoptr(GError) error = NULL;
  GtkIconTheme *icons;

  /* Not unique: no session bus needed; registering runs startup. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    actions[i][0]);
      g_assert_nonnull (accels[0]);
      g_assert_cmpstr (accels[0], ==, actions[i][1]);
    }
  /* The help overlay's Ctrl+? comes with GtkApplication when gtk/help-overlay.ui exists. */
  g_assert_true (g_resources_get_info (RESOURCE_PREFIX "/gtk/help-overlay.ui", 0, NULL, NULL,
                                       NULL));
  icons = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_assert_true (gtk_icon_theme_has_icon (icons, APPLICATION_ID));
  g_assert_true (gtk_icon_theme_has_icon (icons, APPLICATION_ID "-symbolic"));
  /* The theme action is stateful and restores from the settings. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "theme",
                                      g_variant_new_string ("dark"));
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_autofree char *theme = g_settings_get_string (settings, "theme");

    g_assert_cmpstr (theme, ==, "dark");
    /* libadwaita's style manager carries it (issue 15), and the figures follow. */
    g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
    g_assert_true (lv_figure_theme_for_settings (gtk_settings_get_default ())->background.r < 0.5);
  }
  g_action_group_change_action_state (G_ACTION_GROUP (app), "theme",
                                      g_variant_new_string ("system"));
  /* The palette action stores its choice and every figure's theme carries it. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "palette",
                                      g_variant_new_string ("cividis"));
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_autofree char *palette = g_settings_get_string (settings, "palette");

    g_assert_cmpstr (palette, ==, "cividis");
    g_assert_cmpint (lv_figure_theme_for_settings (gtk_settings_get_default ())->palette, ==,
                     LV_PLOT_PALETTE_CIVIDIS);
  }
  g_action_group_change_action_state (G_ACTION_GROUP (app), "palette",
                                      g_variant_new_string ("okabe-ito"));
  g_assert_cmpint (lv_figure_theme_for_settings (NULL)->palette, ==, LV_PLOT_PALETTE_OKABE_ITO);
}

static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_french (void)
{
  LvWindow *window;
  GtkStackPage *page;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  /* LANGUAGE is ignored in the plain C locale: C.UTF-8 is always there. */
  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpstr (_("Loss Distribution"), ==, "Distribution des pertes");

  window = lv_test_ui_window (2, 1, (const guint[]) { 5 }, 1);
  page = gtk_stack_get_page (window->stack, gtk_stack_get_child_by_name (window->stack, "loss"));
  g_assert_cmpstr (gtk_stack_page_get_title (page), ==, "Distribution des pertes");
  /* Strings of the .ui templates. */
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Réseaux"));
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Taille du lot"));
  g_assert_nonnull (find_label (GTK_WIDGET (window), "_Démarrer"));
  g_assert_null (find_label (GTK_WIDGET (window), "Networks"));
  /* And the progress line from C. */
  g_assert_nonnull (strstr (gtk_label_get_text (window->progress_label), "Démarrer"));
  lv_test_ui_close (window);
}

static void
test_tour (void)
{
  LvWindow *window = lv_test_ui_window (2, 1, (const guint[]) { 5 }, 1);
  LvExperiment *exp = lv_window_get_experiment (window);
  gboolean have_spinglass = gtk_stack_get_child_by_name (window->stack, "spinglass") != NULL;
  guint visited = 0;
  double q_seen[4] = { 0 };

  GtkWidget *theory = gtk_stack_get_child_by_name (window->stack, "theory");

  /* The user was last on the NN-LIFT panel: the Theory steps still show Haeffele–Vidal. */
  lv_theory_view_show_panel (LV_THEORY_VIEW (theory), "lift");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tour", NULL));
  g_assert_true (lv_window_get_presentation (window));
  g_assert_false (gtk_widget_get_visible (window->controls_pane));
  g_assert_false (gtk_widget_get_visible (gtk_window_get_titlebar (GTK_WINDOW (window))));
  g_assert_nonnull (window->presentation_keys);
  while (lv_window_get_tour_step (window) >= 0)
    {
      int step = lv_window_get_tour_step (window);

      g_assert_cmpint (step, <, 4);
      g_assert_cmpuint (strlen (lv_window_get_caption (window)), >, 40);
      q_seen[step] = lv_experiment_get_config (exp)->train.reg.degree;
      if (step == 0)
        g_assert_cmpuint (lv_experiment_get_config (exp)->n_sizes, ==, 4);
      if (step == 2 && !have_spinglass)
        g_assert_nonnull (strstr (lv_window_get_caption (window), "skipped"));
      if (step >= 2)
        {
          g_assert_cmpstr (gtk_stack_get_visible_child_name (window->stack), ==, "theory");
          g_assert_cmpstr (lv_theory_view_get_panel (LV_THEORY_VIEW (theory)), ==, "hv");
          /* The caption states the chain's measured numbers. */
          g_assert_nonnull (strstr (lv_window_get_caption (window), "On screen (q = "));
        }
      visited++;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.tour-next", NULL);
    }
  g_assert_cmpuint (visited + window->tour_steps_skipped, ==, 4);
  g_assert_cmpuint (window->tour_steps_skipped, ==, have_spinglass ? 0 : 1);
  g_assert_cmpfloat (q_seen[2], ==, 3.0);
  g_assert_cmpfloat (q_seen[3], ==, 2.0);
  g_assert_nonnull (strstr (lv_window_get_caption (window), "Esc"));
  /* The tour gave the user's settings back: one hidden layer, λ = 0.001 (the q slider alive
   * again), size 5 only, and the page and panel that were open. */
  g_assert_cmpuint (lv_experiment_get_config (exp)->depth, ==, 1);
  g_assert_cmpfloat (lv_experiment_get_config (exp)->train.reg.lambda, ==, 0.001);
  g_assert_cmpuint (lv_experiment_get_config (exp)->n_sizes, ==, 1);
  g_assert_true (gtk_widget_get_sensitive (lv_window_get_control (window, "degree")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->stack), ==, "loss");
  g_assert_cmpstr (lv_theory_view_get_panel (LV_THEORY_VIEW (theory)), ==, "lift");

  /* Keyboard-only control while presenting (the keys activate these actions); a q with
   * nothing cached starts training at once. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.degree-up", NULL);
  g_assert_cmpfloat (lv_experiment_get_config (exp)->train.reg.degree, ==, 2.5);
  g_assert_true (lv_experiment_get_running (exp));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sizes-up", NULL);
  g_assert_cmpuint (lv_experiment_get_config (exp)->sizes[0], ==, 10);
  {
    gboolean was_running = lv_experiment_get_running (exp);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-training", NULL);
    g_assert_true (lv_experiment_get_running (exp) == !was_running);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-training", NULL);
    g_assert_true (lv_experiment_get_running (exp) == was_running);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.leave-presentation", NULL);
  g_assert_false (lv_window_get_presentation (window));
  g_assert_true (gtk_widget_get_visible (window->controls_pane));
  g_assert_null (window->presentation_keys);
  /* F11's action toggles it back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.presentation", NULL);
  g_assert_true (lv_window_get_presentation (window));
  window->close_confirmed = TRUE;
  lv_test_ui_close (window);
}

/* Closing the window in the middle of the tour (λ = 0 on screen) keeps the user's settings as
 * the last configuration. */
static void
test_tour_never_saves_its_settings (void)
{
  LvWindow *window = lv_test_ui_window (2, 1, (const guint[]) { 5 }, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tour", NULL));
  g_assert_cmpint (lv_window_get_tour_step (window), ==, 0);
  g_assert_cmpfloat (lv_experiment_get_config (lv_window_get_experiment (window))
                       ->train.reg.lambda, ==, 0.0);
  window->close_confirmed = TRUE;
  lv_test_ui_close (window);
  window = lv_window_new (NULL);
  g_assert_cmpfloat (lv_experiment_get_config (lv_window_get_experiment (window))
                       ->train.reg.lambda, ==, 0.001);
  g_assert_cmpuint (lv_experiment_get_config (lv_window_get_experiment (window))->runs, ==, 2);
  lv_test_ui_close (window);
}

int
main (int argc, char *argv[])
{
  const char *localedir = g_getenv ("LOSSVIZ_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/desktop/settings-restored", test_settings_restored);
  g_test_add_func ("/lossviz/ui/desktop/application", test_application);
  g_test_add_func ("/lossviz/ui/desktop/french", test_french);
  g_test_add_func ("/lossviz/ui/desktop/tour", test_tour);
  g_test_add_func ("/lossviz/ui/desktop/tour-never-saves-its-settings",
                   test_tour_never_saves_its_settings);
  return g_test_run ();
}
