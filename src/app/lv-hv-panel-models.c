/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-hv-panel-private.h"

#include <math.h>

#include <glib/gi18n.h>

/*
 * What the Haeffele–Vidal panel shows (the panel itself is in lv-hv-panel.c): the fixed matrix
 * Y of the width row, the four figure models filled from the descents' histories, and the
 * status texts that say what each certificate currently concludes.
 */

/* ---- the data ---- */

static const double mf_singular_values[MF_N] = { 4.0, 3.0, 2.2, 0.7, 0.5, 0.3 };

/* Y = A diag(s) Bᵀ with orthonormal A (8 × 6) and B (6 × 6) from Gram–Schmidt on Gaussian
 * columns: singular values chosen so that exactly three exceed λ = 1. */
static void
orthonormal_columns (LvRng *rng, guint rows, guint cols, double *q)
{
  for (guint j = 0; j < cols; j++)
    {
      double nrm = 0;

      for (guint i = 0; i < rows; i++)
        q[i * cols + j] = lv_rng_gaussian (rng);
      for (guint k = 0; k < j; k++)
        {
          double dot = 0;

          for (guint i = 0; i < rows; i++)
            dot += q[i * cols + j] * q[i * cols + k];
          for (guint i = 0; i < rows; i++)
            q[i * cols + j] -= dot * q[i * cols + k];
        }
      for (guint i = 0; i < rows; i++)
        nrm += q[i * cols + j] * q[i * cols + j];
      nrm = sqrt (nrm);
      for (guint i = 0; i < rows; i++)
        q[i * cols + j] /= nrm;
    }
}

void
lv_hv_panel_build_matrix (LvHvPanel *self)
{
  double a[MF_M * MF_N], b[MF_N * MF_N];
  LvRng rng;

  lv_rng_init (&rng, MF_SEED);
  orthonormal_columns (&rng, MF_M, MF_N, a);
  orthonormal_columns (&rng, MF_N, MF_N, b);
  for (guint i = 0; i < MF_M; i++)
    for (guint j = 0; j < MF_N; j++)
      {
        double s = 0;

        for (guint l = 0; l < MF_N; l++)
          s += a[i * MF_N + l] * mf_singular_values[l] * b[j * MF_N + l];
        self->y[i * MF_N + j] = s;
      }
  if (!lv_mf_closed_form (self->y, MF_M, MF_N, MF_LAMBDA, NULL, &self->optimum,
                          &self->solution_rank, NULL))
    {
      self->optimum = NAN;
      self->solution_rank = 0;
    }
}

/* ---- models ---- */

/* The q label and the balanced / unbalanced badge. */
static void
update_q_badge (LvHvPanel *self, const LvHvPanelState *st)
{
  g_autofree char *q_text = NULL;

  /* Translators: the regulariser's degree q, read from the sidebar. */
  q_text = g_strdup_printf (_("q = %.1f (sidebar slider)"), st->q);
  gtk_label_set_text (self->q_label, q_text);
  gtk_label_set_text (self->badge, st->balanced ? _("✓ balanced: q = L") :
                      st->q < st->depth ? _("q < L: unbalanced") : _("q > L: unbalanced"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), st->balanced ? "success" : "warning");
}

/* What the chain's certificate concludes; its style class in @css_class. */
static char *
chain_status_text (const LvHvPanelState *st, const char **css_class)
{
  switch (st->chain_state)
    {
    case LV_CHAIN_CERT_HOLDS:
      *css_class = "success";
      return g_strdup_printf (_("Certificate holds ✓  q = L, stationary, |y − z| / (λL) = %.3f ≤ 1:"
                                " z = %.3f is the global minimum"),
                              fabs (CHAIN_Y - st->chain_z) / (CHAIN_LAMBDA * st->depth),
                              st->chain_z);
    case LV_CHAIN_CERT_FAILS:
      *css_class = "error";
      return g_strdup_printf (_("Certificate fails ✗  stationary at the zero slice, |y| / (λL) = %.2f > 1:"
                                " grow every factor equally along sign(y)"),
                              fabs (CHAIN_Y) / (CHAIN_LAMBDA * st->depth));
    case LV_CHAIN_CERT_UNBALANCED_LOW:
      *css_class = "error";
      return g_strdup_printf (st->chain_done && fabs (st->chain_z) < 1e-6
                              ? _("No certificate ✗  q < L: descent from w = 0.05 is stuck at the"
                                  " spurious local minimum z = 0 (g = 0.5; the global minimum is"
                                  " at z = %.3f)")
                              : _("No certificate ✗  q < L: zero is a spurious local minimum;"
                                  " the degrees do not match (global minimum at z = %.3f)"),
                              st->n_minima > 1 ? st->minima_z[1] : 0.0);
    case LV_CHAIN_CERT_UNBALANCED_HIGH:
      *css_class = "warning";
      return g_strdup (_("No certificate  q > L: one minimum, but the induced regulariser"
                         " degenerates (λ drops out of the first-order test)"));
    case LV_CHAIN_CERT_NOT_STATIONARY:
    default:
      *css_class = "dim-label";
      return g_strdup (_("Descending…  (the certificate is checked at a stationary point)"));
    }
}

/* What the matrix factorisation's certificate concludes; its style class in @css_class. */
static char *
mf_status_text (const LvHvPanelState *st, const char **css_class)
{
  switch (st->mf_state)
    {
    case LV_MF_CERT_HOLDS:
      *css_class = "success";
      return g_strdup_printf (_("Certificate holds ✓  r = %u ≥ rank(Z*) = %u: ‖Y − UVᵀ‖₂ = %.4f ≤ λ,"
                                " F = %.4f = F*: global minimum"),
                              st->width, st->solution_rank, st->mf_residual_norm,
                              st->mf_objective);
    case LV_MF_CERT_FAILS:
      *css_class = "error";
      return g_strdup_printf (_("Certificate fails ✗  r = %u < rank(Z*) = %u: ‖Y − UVᵀ‖₂ = %.3f > λ ="
                                " %.0f. Descent direction: add the residual's top singular pair"
                                " (F drops by up to (s₁ − λ)²/2 = %.3f)"),
                              st->width, st->solution_rank, st->mf_residual_norm, st->mf_lambda,
                              0.5 * (st->mf_top_singular - st->mf_lambda) *
                              (st->mf_top_singular - st->mf_lambda));
    case LV_MF_CERT_RUNNING:
    default:
      *css_class = "dim-label";
      return g_strdup_printf (_("Descending…  step %u, ‖Y − UVᵀ‖₂ = %.3f (certificate needs a"
                                " stationary point)"), st->mf_iterations, st->mf_residual_norm);
    }
}

/* Sets a status label's text and makes @css_class its only status style class. */
static void
set_status (GtkLabel *label, const char *text, const char *css_class)
{
  static const char *const classes[] = { "success", "error", "warning", "dim-label" };

  gtk_label_set_text (label, text);
  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), classes[c]);
  gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
}

void
lv_hv_panel_update_status (LvHvPanel *self)
{
  LvHvPanelState st;
  g_autofree char *chain = NULL, *mf = NULL;
  const char *chain_class, *mf_class;

  lv_hv_panel_get_state (self, &st);
  update_q_badge (self, &st);
  chain = chain_status_text (&st, &chain_class);
  set_status (self->chain_status, chain, chain_class);
  mf = mf_status_text (&st, &mf_class);
  set_status (self->mf_status, mf, mf_class);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            st.mf_state == LV_MF_CERT_FAILS && st.width < MF_MAX_WIDTH);
}

/* The chain's curves and minima for the current q and L; reference q values dotted. */
void
lv_hv_panel_update_chain_curves (LvHvPanel *self)
{
  const double refs[] = { 1.0, 2.0, (double) self->depth, 2.0 * self->depth };
  LvPlotLinesModel *m = &self->g_model;

  self->ref_q[0] = self->q;
  self->n_curves = 1;
  for (guint i = 0; i < G_N_ELEMENTS (refs) && self->n_curves < 4; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < self->n_curves; j++)
        seen |= fabs (self->ref_q[j] - refs[i]) < 1e-9;
      if (!seen)
        self->ref_q[self->n_curves++] = refs[i];
    }
  for (guint c = 0; c < self->n_curves; c++)
    {
      for (guint i = 0; i < G_POINTS; i++)
        self->g_val[c][i] = lv_chain_g (self->g_z[i], CHAIN_Y, CHAIN_LAMBDA, self->depth,
                                        self->ref_q[c]);
      g_snprintf (self->curve_labels[c], sizeof self->curve_labels[c],
                  c == 0 ? _("q = %.1f (sidebar)") : _("q = %.0f"), self->ref_q[c]);
      self->g_curves[c] = (LvPlotCurve) { self->curve_labels[c], self->g_z, self->g_val[c],
                                          G_POINTS, c == 0 ? 0 : 7, c == 0 ? LV_PLOT_LINE_SOLID
                                          : LV_PLOT_LINE_DOTTED, FALSE };
    }
  self->n_minima = lv_chain_local_minima (CHAIN_Y, CHAIN_LAMBDA, self->depth, self->q,
                                          self->minima_z, self->minima_g);
  for (guint i = 0; i < self->n_minima; i++)
    {
      gboolean global = self->n_minima == 1 || self->minima_g[i] <= self->minima_g[1 - i];

      g_snprintf (self->point_labels[i], sizeof self->point_labels[i], "%s",
                  global ? _("global min") : _("spurious local min"));
      self->g_points[i] = (LvPlotPoint) { self->minima_z[i], self->minima_g[i],
                                          self->point_labels[i], global ? 2 : 5 };
    }
  g_free (self->g_title);
  /* Translators: title of the chain plot; L is the depth. */
  self->g_title = g_strdup_printf (_("Depth-%u chain: g(z) = ½(y − z)² + λL·|z|^(q/L)"),
                                   self->depth);
  m->common.title = self->g_title;
  m->curves = self->g_curves;
  m->n_curves = self->n_curves;
  m->points = self->g_points;
  m->n_points = self->n_minima;
  for (guint i = 0; i < self->n_minima && i < 2; i++)
    {
      g_snprintf (self->line_labels[i], sizeof self->line_labels[i], "%s",
                  self->point_labels[i]);
      self->chain_lines[i] = (LvPlotRefLine) { self->minima_z[i], self->line_labels[i],
                                               LV_PLOT_LINE_DASHED, self->g_points[i].color };
    }
  self->chain_model.hlines = self->chain_lines;
  self->chain_model.n_hlines = self->n_minima;
}

/* The descent's current point on the g(z) plot: (z, F(w)) sits above g until w is balanced. */
void
lv_hv_panel_update_chain_marker (LvHvPanel *self)
{
  guint n = self->ch_x->len;

  self->chain_curve = (LvPlotCurve) { _("z = w₁⋯w_L"), (const double *) self->ch_x->data,
                                      (const double *) self->ch_z->data, n, 0,
                                      LV_PLOT_LINE_SOLID, FALSE };
  self->chain_model.curves = &self->chain_curve;
  self->chain_model.n_curves = 1;
  if (n > 0)
    {
      guint last = n - 1;

      /* Unlabelled (it sits on a minimum at the end); the y-axis title explains the dot. */
      self->g_points[self->n_minima] = (LvPlotPoint) {
        g_array_index (self->ch_z, double, last), g_array_index (self->ch_f, double, last),
        NULL, 0 };
      self->g_model.n_points = self->n_minima + 1;
    }
}

void
lv_hv_panel_update_mf_curves (LvHvPanel *self)
{
  guint n = self->mf_x->len;

  self->obj_curve = (LvPlotCurve) { _("F(U, V)"), (const double *) self->mf_x->data,
                                    (const double *) self->mf_obj->data, n, 0,
                                    LV_PLOT_LINE_SOLID, FALSE };
  self->res_curve = (LvPlotCurve) { _("‖Y − UVᵀ‖₂"), (const double *) self->mf_x->data,
                                    (const double *) self->mf_res->data, n, 4,
                                    LV_PLOT_LINE_SOLID, FALSE };
  self->obj_model.curves = &self->obj_curve;
  self->obj_model.n_curves = 1;
  self->res_model.curves = &self->res_curve;
  self->res_model.n_curves = 1;
}

void
lv_hv_panel_init_models (LvHvPanel *self)
{
  LvPlotLinesModel *g = &self->g_model, *c = &self->chain_model;
  LvPlotLinesModel *o = &self->obj_model, *r = &self->res_model;

  for (guint i = 0; i < G_POINTS; i++)
    self->g_z[i] = G_Z_MIN + (G_Z_MAX - G_Z_MIN) * i / (G_POINTS - 1.0);
  g->common.x_label = _("z = w₁ ⋯ w_L");
  g->common.y_label = _("g(z)   (dot: F(w) of the descent)");
  g->x_fixed = TRUE;
  g->x_min = G_Z_MIN;
  g->x_max = G_Z_MAX;
  g->y_fixed = TRUE;
  g->y_min = 0.0;
  g->y_max = 1.0;
  c->common.title = _("Descent from w = 0.05: the product z");
  c->common.x_label = _("gradient step + 1");
  c->common.y_label = _("z");
  c->x_log = TRUE;
  c->y_fixed = TRUE;
  c->y_min = -0.05;
  c->y_max = 1.0;
  o->common.title = _("Objective vs the closed-form optimum F*");
  o->common.x_label = _("gradient step + 1");
  o->common.y_label = _("F(U, V)");
  g_snprintf (self->line_labels[2], sizeof self->line_labels[2], _("F* = %.4f (SVT closed form)"),
              self->optimum);
  self->obj_line = (LvPlotRefLine) { self->optimum, self->line_labels[2], LV_PLOT_LINE_DASHED, 2 };
  o->hlines = &self->obj_line;
  o->n_hlines = 1;
  r->common.title = _("Certificate: ‖Y − UVᵀ‖₂ against the level λ");
  r->common.x_label = _("gradient step + 1");
  r->common.y_label = _("spectral norm of the residual");
  r->y_fixed = TRUE;
  r->y_min = 0.0;
  r->y_max = mf_singular_values[0] * 1.1;
  g_snprintf (self->line_labels[3], sizeof self->line_labels[3],
              _("λ = %.0f: holds below, fails above"), MF_LAMBDA);
  self->res_line = (LvPlotRefLine) { MF_LAMBDA, self->line_labels[3], LV_PLOT_LINE_DASHED, 2 };
  r->hlines = &self->res_line;
  r->n_hlines = 1;
  self->theme = lv_plot_theme_light ();
  lv_hv_panel_apply_theme (self);
  lv_figure_set_draw_func (self->figures[0], (LvPlotDrawFunc) lv_plot_lines_draw, g);
  lv_figure_set_draw_func (self->figures[1], (LvPlotDrawFunc) lv_plot_lines_draw, c);
  lv_figure_set_draw_func (self->figures[2], (LvPlotDrawFunc) lv_plot_lines_draw, o);
  lv_figure_set_draw_func (self->figures[3], (LvPlotDrawFunc) lv_plot_lines_draw, r);
}

/* Every figure model draws with the panel's theme. */
void
lv_hv_panel_apply_theme (LvHvPanel *self)
{
  self->g_model.common.theme = self->theme;
  self->chain_model.common.theme = self->theme;
  self->obj_model.common.theme = self->theme;
  self->res_model.common.theme = self->theme;
}
