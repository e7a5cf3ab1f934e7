/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-job.h"
#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-theory-view.h"
#include "lv-view.h"
#include "lv-window-private.h"
#include "lv-window.h"

/*
 * The Theory view under Xvfb: it is a page of the window, follows the sidebar's q, reaches the
 * balanced single-minimum state at q = L, its matrix-factorisation certificate fails for r = 1
 * and holds for r >= rank(Z*) (= 3 by construction), "add the unit" follows a failed
 * certificate, NN-LIFT runs next to an SGD ensemble, and export writes valid files. Assertions
 * are on the view's model; waits poll the main loop against a generous deadline.
 */

#define DEADLINE_S 120

static gboolean
both_done (gpointer data)
{
  LvHvPanelState st;

  lv_hv_panel_get_state (data, &st);
  return st.mf_done && st.chain_done;
}

typedef struct
{
  LvHvPanel *panel;
  double q;
} QWait;

static gboolean
q_applied_and_done (gpointer data)
{
  QWait *w = data;
  LvHvPanelState st;

  lv_hv_panel_get_state (w->panel, &st);
  return st.q == w->q && st.chain_done;
}

static gboolean
lift_finished (gpointer data)
{
  LvLiftStage stage = lv_lift_panel_get_stage (data);

  return stage == LV_LIFT_STAGE_DONE || stage == LV_LIFT_STAGE_FAILED;
}

static LvWindow *
theory_window (LvTheoryView **view)
{
  LvWindow *window = lv_window_new (NULL);
  GtkWidget *page;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, window));
  page = lv_test_ui_find_widget (GTK_WIDGET (window), LV_TYPE_THEORY_VIEW);
  g_assert_nonnull (page);
  g_assert_true (LV_IS_VIEW (page));
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (page)), page);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lv_test_ui_is_mapped, page));
  *view = LV_THEORY_VIEW (page);
  return window;
}

static void
set_sidebar_q (LvWindow *window, double q)
{
  gtk_range_set_value (GTK_RANGE (lv_window_get_control (window, "degree")), q);
  g_assert_true (lv_window_apply_controls (window));
}

/* The sidebar's q drives the chain: q = 2 < L = 3 has two minima with a spurious zero and
 * descent from w = 0.05 stalls at z = 0; q = L = 3 is balanced, has the one minimum
 * z* = y − λL = 0.7 (lasso) and the certificate holds there. */
static void
test_q_follows_sidebar (void)
{
  LvTheoryView *view;
  LvWindow *window = theory_window (&view);
  LvHvPanel *hv = lv_theory_view_get_hv_panel (view);
  QWait w = { hv, 2.0 };
  LvHvPanelState st;

  lv_hv_panel_set_pace (hv, 0);
  lv_hv_panel_set_depth (hv, 3);
  set_sidebar_q (window, 2.0);
  lv_hv_panel_restart (hv);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, q_applied_and_done, &w));
  lv_hv_panel_get_state (hv, &st);
  g_assert_cmpuint (st.depth, ==, 3);
  g_assert_false (st.balanced);
  g_assert_cmpuint (st.n_minima, ==, 2);
  g_assert_true (st.zero_is_spurious);
  g_assert_cmpint (st.chain_state, ==, LV_CHAIN_CERT_UNBALANCED_LOW);
  g_assert_cmpfloat (fabs (st.chain_z), <, 1e-9);

  w.q = 3.0;
  set_sidebar_q (window, 3.0);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, q_applied_and_done, &w));
  lv_hv_panel_get_state (hv, &st);
  g_assert_true (st.balanced);
  g_assert_cmpuint (st.n_minima, ==, 1);
  g_assert_false (st.zero_is_spurious);
  g_assert_cmpfloat_with_epsilon (st.minima_z[0], 1.0 - 0.1 * 3, 1e-12);
  g_assert_cmpint (st.chain_state, ==, LV_CHAIN_CERT_HOLDS);
  g_assert_cmpfloat_with_epsilon (st.chain_z, 0.7, 1e-5);

  /* L = 2 with q = 3 > L: one minimum, no certificate. */
  lv_hv_panel_set_depth (hv, 2);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, q_applied_and_done, &w));
  lv_hv_panel_get_state (hv, &st);
  g_assert_false (st.balanced);
  g_assert_cmpuint (st.n_minima, ==, 1);
  g_assert_cmpint (st.chain_state, ==, LV_CHAIN_CERT_UNBALANCED_HIGH);
  lv_test_ui_close (window);
}

/* rank(Z*) = 3 (three singular values of Y exceed λ = 1). Width 1: stationary with
 * ‖Y − UVᵀ‖₂ = s₂ = 3 > λ, fails; adding the suggested unit lowers F; width 3: holds at F*. */
static void
test_mf_certificate (void)
{
  LvTheoryView *view;
  LvWindow *window = theory_window (&view);
  LvHvPanel *hv = lv_theory_view_get_hv_panel (view);
  LvHvPanelState st;
  double before;

  lv_hv_panel_set_pace (hv, 0);
  lv_hv_panel_set_width (hv, 1);
  lv_hv_panel_restart (hv);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, both_done, hv));
  lv_hv_panel_get_state (hv, &st);
  g_assert_cmpuint (st.solution_rank, ==, 3);
  /* F* from the singular values 4, 3, 2.2, 0.7, 0.5, 0.3 and λ = 1 (docs/THEORY.md §4.3). */
  g_assert_cmpfloat_with_epsilon (st.mf_optimum,
                                  3 + 2 + 1.2 + 3 * 0.5 + 0.5 * (0.49 + 0.25 + 0.09), 1e-9);
  g_assert_cmpint (st.mf_state, ==, LV_MF_CERT_FAILS);
  g_assert_cmpfloat_with_epsilon (st.mf_residual_norm, 3.0, 1e-3);
  before = st.mf_objective;

  g_assert_true (lv_hv_panel_add_unit (hv));
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, both_done, hv));
  lv_hv_panel_get_state (hv, &st);
  g_assert_cmpuint (st.width, ==, 2);
  g_assert_cmpfloat (st.mf_objective, <, before);
  g_assert_cmpint (st.mf_state, ==, LV_MF_CERT_FAILS);
  g_assert_cmpfloat_with_epsilon (st.mf_residual_norm, 2.2, 1e-3);

  for (guint r = 3; r <= 4; r++)
    {
      lv_hv_panel_set_width (hv, r);
      g_assert_true (lv_test_ui_wait_within (DEADLINE_S, both_done, hv));
      lv_hv_panel_get_state (hv, &st);
      g_assert_cmpuint (st.width, ==, r);
      g_assert_cmpint (st.mf_state, ==, LV_MF_CERT_HOLDS);
      g_assert_cmpfloat (st.mf_residual_norm, <=, 1.0 + 1e-3);
      g_assert_cmpfloat_with_epsilon (st.mf_objective, st.mf_optimum, 1e-5);
    }
  lv_test_ui_close (window);
}

static void
assert_png (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpint (memcmp (data, "\x89PNG\r\n\x1a\n", 8), ==, 0);
}

static void
assert_csv (const char *path, const char *header, const char *needle)
{
  g_autofree char *data = NULL;

  const char *body;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  /* The window's exports record their settings in a first comment line (issue 15). */
  g_assert_true (g_str_has_prefix (data, "# LossViz "));
  body = strchr (data, '\n') + 1;
  g_assert_true (g_str_has_prefix (body, header));
  g_assert_nonnull (strstr (data, needle));
}

/* NN-LIFT next to SGD on a small teacher, then export of both panels (PNG, SVG, PDF + CSV). */
static void
test_lift_and_export (void)
{
  LvTheoryView *view;
  LvWindow *window = theory_window (&view);
  LvLiftPanel *lift = lv_theory_view_get_lift_panel (view);
  LvHvPanel *hv = lv_theory_view_get_hv_panel (view);
  LvLiftPanelSettings settings = { 4, 2, 20000, 6, 2, 3, LV_LIFT_METHOD_POWER };
  const LvPlotHistogramModel *hist;
  const LvLiftEvaluation *ev;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "hv.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "hv.csv", NULL);
  g_autofree char *svg = g_build_filename (dir, "lift.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "lift.pdf", NULL);
  g_autofree char *lift_csv = g_build_filename (dir, "lift.csv", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  lv_hv_panel_set_pace (hv, 0);
  lv_hv_panel_restart (hv);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, both_done, hv));
  name = lv_view_get_export_name (LV_VIEW (view));
  g_assert_cmpstr (name, ==, "haeffele-vidal");
  g_assert_true (lv_window_export (window, png, &error));
  g_assert_no_error (error);
  assert_png (png);
  assert_csv (csv, "figure,series,x,y\n", "mf-residual,");

  lv_theory_view_show_panel (view, "lift");
  lv_lift_panel_set_settings (lift, &settings);
  lv_lift_panel_run (lift);
  g_assert_true (lv_test_ui_wait_within (DEADLINE_S, lift_finished, lift));
  g_assert_cmpint (lv_lift_panel_get_stage (lift), ==, LV_LIFT_STAGE_DONE);
  ev = lv_lift_panel_get_evaluation (lift);
  g_assert_nonnull (ev);
  g_assert_cmpuint (ev->k, ==, 2);
  hist = lv_lift_panel_get_histogram (lift);
  g_assert_cmpuint (hist->n_series, ==, 1);
  g_assert_cmpuint (hist->series[0].n_values, ==, 6);
  g_assert_cmpuint (hist->n_ref_lines, ==, 1);
  g_assert_cmpfloat (hist->ref_lines[0].value, ==, ev->test_mse);
  g_assert_cmpuint (lv_lift_panel_get_bars (lift)->series[0].n, ==, 2);
  for (guint j = 0; j < 2; j++)
    g_assert_cmpfloat (ev->cosines[j], <=, 1.0 + 1e-12);

  g_clear_pointer (&name, g_free);
  name = lv_view_get_export_name (LV_VIEW (view));
  g_assert_cmpstr (name, ==, "nn-lift-vs-sgd");
  g_assert_true (lv_window_export (window, svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &data, NULL, NULL));
  g_assert_nonnull (strstr (data, "<svg"));
  g_clear_pointer (&data, g_free);
  g_assert_true (lv_window_export (window, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &data, NULL, NULL));
  g_assert_true (g_str_has_prefix (data, "%PDF"));
  assert_csv (lift_csv, "quantity,index,value\n", "sgd_test_mse,5,");
  lv_test_ui_close (window);
}

/* The first drop-down under @w that shows its items through an expression. */
static GtkDropDown *
find_expression_drop_down (GtkWidget *w)
{
  if (GTK_IS_DROP_DOWN (w) && gtk_drop_down_get_expression (GTK_DROP_DOWN (w)) != NULL)
    return GTK_DROP_DOWN (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkDropDown *found = find_expression_drop_down (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The samples drop-down (items in lv-lift-panel.ui): a setting snaps to the nearest of
 * 20 000, 50 000, 100 000, 200 000 and 500 000, and the choice reads in the locale's digit
 * grouping (what printf's ' flag gives here). */
static void
test_lift_samples (void)
{
  static const struct { guint asked, got; } cases[] = {
    { 48000, 50000 }, { 0, 20000 }, { 140000, 100000 }, { 160000, 200000 },
    { 4000000, 500000 }, { 100000, 100000 },
  };
  LvTheoryView *view;
  LvWindow *window = theory_window (&view);
  LvLiftPanel *lift = lv_theory_view_get_lift_panel (view);
  GtkDropDown *drop = find_expression_drop_down (GTK_WIDGET (lift));
  LvLiftPanelSettings settings = { 4, 2, 0, 6, 2, 3, LV_LIFT_METHOD_POWER };

  g_assert_nonnull (drop);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LvLiftPanelSettings read;
      g_auto(GValue) shown = G_VALUE_INIT;
      g_autofree char *expected = g_strdup_printf ("%'u", cases[i].got);

      settings.samples = cases[i].asked;
      lv_lift_panel_set_settings (lift, &settings);
      lv_lift_panel_get_settings (lift, &read);
      g_assert_cmpuint (read.samples, ==, cases[i].got);
      g_assert_true (gtk_expression_evaluate (gtk_drop_down_get_expression (drop),
                                              gtk_drop_down_get_selected_item (drop), &shown));
      g_assert_cmpstr (g_value_get_string (&shown), ==, expected);
    }
  lv_test_ui_close (window);
}

/* Closing while both descents and an SGD ensemble run cancels them without waiting long. */
static void
test_close_while_running (void)
{
  LvTheoryView *view;
  LvWindow *window = theory_window (&view);
  LvLiftPanelSettings settings = { 6, 3, 50000, 16, 50, 1, LV_LIFT_METHOD_POWER };
  LvLiftPanel *lift = lv_theory_view_get_lift_panel (view);

  lv_hv_panel_set_width (lv_theory_view_get_hv_panel (view), 5);
  lv_lift_panel_set_settings (lift, &settings);
  lv_lift_panel_run (lift);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  lv_test_ui_close (window);
  /* What the app's shutdown does: the cancelled jobs' threads return (the NN-LIFT fit runs to
   * its end, a second or two; SGD stops at its next minibatch). */
  lv_job_join_all ();
  g_assert_cmpuint (lv_job_count_running (), ==, 0);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ui/theory/q-follows-sidebar", test_q_follows_sidebar);
  g_test_add_func ("/lossviz/ui/theory/mf-certificate", test_mf_certificate);
  g_test_add_func ("/lossviz/ui/theory/lift-and-export", test_lift_and_export);
  g_test_add_func ("/lossviz/ui/theory/close-while-running", test_close_while_running);
  g_test_add_func ("/lossviz/ui/theory/lift-samples", test_lift_samples);
  return g_test_run ();
}
