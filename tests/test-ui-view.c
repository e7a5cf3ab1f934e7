/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <adwaita.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-loss-view.h"
#include "lv-spinglass-view.h"
#include "lv-view.h"
#include "lv-window-private.h"
#include "lv-window.h"

/*
 * LvView, the pages' base class, under Xvfb: a minimal subclass defined here sees the
 * experiment's ::changed and every theme change (presentation scale; dark/light only while
 * rooted), keeps one theme at a fixed address, and has no export unless it implements one. Then
 * the window's four pages: each is an LvView holding the window's experiment, takes its share of
 * the presentation scale, and its figures draw with the base's theme.
 */

#define TEST_TYPE_VIEW (test_view_get_type ())
G_DECLARE_FINAL_TYPE (TestView, test_view, TEST, VIEW, LvView)

struct _TestView
{
  LvView parent_instance;

  guint n_theme;
  guint n_experiment;
};

G_DEFINE_FINAL_TYPE (TestView, test_view, LV_TYPE_VIEW)

static void
test_view_theme_changed (LvView *view)
{
  TEST_VIEW (view)->n_theme++;
}

static void
test_view_experiment_changed (LvView *view)
{
  TEST_VIEW (view)->n_experiment++;
}

static void
test_view_class_init (TestViewClass *klass)
{
  LV_VIEW_CLASS (klass)->theme_changed = test_view_theme_changed;
  LV_VIEW_CLASS (klass)->experiment_changed = test_view_experiment_changed;
}

static void
test_view_init (TestView *self)
{
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static gboolean
colours_equal (const LvPlotRgba *a, const LvPlotRgba *b)
{
  return a->r == b->r && a->g == b->g && a->b == b->b && a->a == b->a;
}

static void
test_base_class (void)
{
  g_autoptr(LvExperiment) exp = lv_experiment_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  TestView *view;
  LvExperiment *prop = NULL;
  const LvPlotTheme *theme;
  GtkWidget *window = gtk_window_new ();
  guint n;

  adw_init ();
  set_dark (FALSE);
  view = g_object_ref_sink (g_object_new (TEST_TYPE_VIEW, "experiment", exp, NULL));
  g_object_get (view, "experiment", &prop, NULL);
  g_assert_true (prop == exp);
  g_object_unref (prop);
  g_assert_true (lv_view_get_experiment (LV_VIEW (view)) == exp);

  /* The experiment's ::changed reaches the class method. */
  g_assert_cmpuint (view->n_experiment, ==, 0);
  g_signal_emit_by_name (exp, "changed");
  g_assert_cmpuint (view->n_experiment, ==, 1);

  /* Unrooted: the light theme at scale 1; a scale change recomputes it in place. */
  theme = lv_view_get_theme (LV_VIEW (view));
  g_assert_false (theme->dark);
  g_assert_cmpfloat (theme->font_scale, ==, 1.0);
  lv_view_set_figure_scale (LV_VIEW (view), 2.0, 1.5);
  g_assert_cmpuint (view->n_theme, ==, 1);
  g_assert_true (lv_view_get_theme (LV_VIEW (view)) == theme);
  g_assert_cmpfloat (theme->font_scale, ==, 2.0);
  g_assert_cmpfloat (theme->line_scale, ==, 1.5);

  /* No export_figure: a clear error, and the generic file name. */
  g_assert_false (lv_view_export_figure (LV_VIEW (view), "/nonexistent/x.png", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  name = lv_view_get_export_name (LV_VIEW (view));
  g_assert_cmpstr (name, ==, "figure");

  /* Rooted: it follows the style, and keeps the presentation scale across it. */
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  n = view->n_theme;
  g_assert_cmpuint (n, >, 1); /* rooting applies the current style */
  set_dark (TRUE);
  g_assert_cmpuint (view->n_theme, >, n);
  g_assert_true (theme->dark);
  g_assert_true (colours_equal (&theme->background, &lv_plot_theme_dark ()->background));
  g_assert_cmpfloat (theme->font_scale, ==, 2.0);
  set_dark (FALSE);
  g_assert_false (theme->dark);
  g_assert_true (colours_equal (&theme->background, &lv_plot_theme_light ()->background));

  /* Unrooted again: it stops following the style. */
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  n = view->n_theme;
  set_dark (TRUE);
  g_assert_cmpuint (view->n_theme, ==, n);
  set_dark (FALSE);

  g_assert_finalize_object (view);
  /* Its handler went with it. */
  g_signal_emit_by_name (exp, "changed");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_pages (void)
{
  static const struct { const char *name; double font_scale; } pages[] = {
    { "loss", 2.0 }, { "landscape", 2.0 }, { "spinglass", 2.0 },
    /* Four small figures: the Theory page takes 40 % of the enlargement, 1 + 0.4 · (2 − 1). */
    { "theory", 1.4 },
  };
  LvWindow *window = lv_window_new (NULL);
  LvPlotEnsembleOptions loss_options;
  LvPlotSpinGlassOptions sg_options;
  GtkWidget *loss, *sg;

  set_dark (FALSE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_mapped, window));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = gtk_stack_get_child_by_name (window->stack, pages[i].name);
      LvExperiment *exp = NULL;

      g_assert_true (LV_IS_VIEW (page));
      g_object_get (page, "experiment", &exp, NULL);
      g_assert_true (exp == lv_window_get_experiment (window));
      g_object_unref (exp);
      lv_view_set_figure_scale (LV_VIEW (page), 2.0, 2.0);
      g_assert_cmpfloat_with_epsilon (lv_view_get_theme (LV_VIEW (page))->font_scale,
                                      pages[i].font_scale, 1e-12);
    }

  /* The figures draw with the base's theme, dark when the style is. */
  loss = gtk_stack_get_child_by_name (window->stack, "loss");
  sg = gtk_stack_get_child_by_name (window->stack, "spinglass");
  set_dark (TRUE);
  lv_plot_ensemble_get_options (lv_loss_view_get_figures (LV_LOSS_VIEW (loss)), &loss_options);
  g_assert_true (loss_options.theme == lv_view_get_theme (LV_VIEW (loss)));
  g_assert_true (loss_options.theme->dark);
  g_assert_cmpfloat (loss_options.theme->font_scale, ==, 2.0);
  lv_plot_spin_glass_get_options (lv_spin_glass_view_get_figures (LV_SPIN_GLASS_VIEW (sg)),
                                  &sg_options);
  g_assert_true (sg_options.theme == lv_view_get_theme (LV_VIEW (sg)));
  g_assert_true (sg_options.theme->dark);
  set_dark (FALSE);
  g_assert_false (loss_options.theme->dark);
  lv_test_ui_close (window);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/view/base-class", test_base_class);
  g_test_add_func ("/lossviz/ui/view/pages", test_pages);
  return g_test_run ();
}
