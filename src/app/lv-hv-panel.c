/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-hv-panel.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-hv-job.h"

/*
 * LvHvPanel — Haeffele–Vidal, live (THEORY.md §4). Two rows:
 *
 *  - Degree: the depth-L scalar chain. g(z) = ½(y − z)² + λL|z|^{q/L} for the sidebar's q
 *    (reference q values dotted) with its local minima, and gradient descent on the weights
 *    (w₁ … w_L) from w = 0.05: it stalls at the spurious minimum z = 0 when q < L and is
 *    certified global when q = L (lv_chain_certify()).
 *  - Width: matrix factorisation with a fixed 8 × 6 matrix Y whose SVT optimum has rank 3.
 *    Gradient descent on (U, V) of width r; the objective approaches F* (closed form) and
 *    ‖Y − UVᵀ‖₂ approaches the level λ only when r ≥ rank(Z*). When the certificate fails at
 *    a stationary point, "Add the unit" appends the residual's top singular pair and descent
 *    continues from there.
 *
 * Each descent is an LvHvJob (a GTask thread); its results reach this widget through a
 * coalesced idle. Any change of q, L or r abandons (cancels) the affected job and starts anew.
 */

#define MF_M 8
#define MF_N 6
#define MF_LAMBDA 1.0
#define MF_MAX_WIDTH 6
#define MF_SEED 20160607
#define MF_INIT_SCALE 0.1
#define CHAIN_Y 1.0
#define CHAIN_LAMBDA 0.1
#define CHAIN_START 0.05
#define G_POINTS 281
#define G_Z_MIN -0.4
#define G_Z_MAX 1.4
#define DEFAULT_PACE_US 8000

static const double mf_singular_values[MF_N] = { 4.0, 3.0, 2.2, 0.7, 0.5, 0.3 };

struct _LvHvPanel
{
  GtkBox parent_instance;

  double q;
  guint depth;
  guint width;
  guint pace_us;
  const LvPlotTheme *theme;

  /* matrix factorisation */
  double y[MF_M * MF_N];
  double optimum;
  guint solution_rank;
  LvHvJob *mf_job;
  GArray *mf_x, *mf_obj, *mf_res;  /* history, including earlier jobs before an added unit */
  guint mf_base;                   /* history points from earlier jobs */
  LvMfCertificate mf_cert;
  double *mf_u, *mf_v;             /* current factors, width r */
  gboolean mf_done;

  /* chain */
  LvHvJob *chain_job;
  GArray *ch_x, *ch_z, *ch_f;
  double ch_w[16];
  gboolean ch_done;
  double g_z[G_POINTS];
  double g_val[4][G_POINTS];
  double ref_q[4];
  guint n_curves;
  double minima_z[2], minima_g[2];
  guint n_minima;

  /* figure models and their strings */
  LvPlotLinesModel g_model, chain_model, obj_model, res_model;
  LvPlotCurve g_curves[4], chain_curve, obj_curve, res_curve;
  LvPlotPoint g_points[3];
  LvPlotRefLine chain_lines[2], obj_line, res_line;
  char curve_labels[4][32];
  char point_labels[3][48];
  char line_labels[4][64];
  char *g_title;

  GtkSpinButton *depth_spin;
  GtkScale *width_scale;
  GtkLabel *q_label;
  GtkLabel *badge;
  GtkLabel *chain_status;
  GtkLabel *mf_status;
  GtkButton *add_button;
  LvFigure *figures[4];
};

G_DEFINE_FINAL_TYPE (LvHvPanel, lv_hv_panel, GTK_TYPE_BOX)

/* ---- the data ---- */

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

static void
build_matrix (LvHvPanel *self)
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

static void
update_status (LvHvPanel *self)
{
  LvHvPanelState st;
  g_autofree char *q_text = NULL, *chain = NULL, *mf = NULL;
  const char *chain_class, *mf_class;

  lv_hv_panel_get_state (self, &st);
  /* Translators: the regulariser's degree q, read from the sidebar. */
  q_text = g_strdup_printf (_("q = %.1f (sidebar slider)"), st.q);
  gtk_label_set_text (self->q_label, q_text);
  gtk_label_set_text (self->badge, st.balanced ? _("✓ balanced: q = L") :
                      st.q < st.depth ? _("q < L: unbalanced") : _("q > L: unbalanced"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), st.balanced ? "success" : "warning");

  switch (st.chain_state)
    {
    case LV_CHAIN_CERT_HOLDS:
      chain = g_strdup_printf (_("Certificate holds ✓  q = L, stationary, |y − z| / (λL) = %.3f ≤ 1:"
                                 " z = %.3f is the global minimum"),
                               fabs (CHAIN_Y - st.chain_z) / (CHAIN_LAMBDA * st.depth), st.chain_z);
      chain_class = "success";
      break;
    case LV_CHAIN_CERT_FAILS:
      chain = g_strdup_printf (_("Certificate fails ✗  stationary at the zero slice, |y| / (λL) = %.2f > 1:"
                                 " grow every factor equally along sign(y)"),
                               fabs (CHAIN_Y) / (CHAIN_LAMBDA * st.depth));
      chain_class = "error";
      break;
    case LV_CHAIN_CERT_UNBALANCED_LOW:
      chain = g_strdup_printf (st.chain_done && fabs (st.chain_z) < 1e-6
                               ? _("No certificate ✗  q < L: descent from w = 0.05 is stuck at the"
                                   " spurious local minimum z = 0 (g = 0.5; the global minimum is"
                                   " at z = %.3f)")
                               : _("No certificate ✗  q < L: zero is a spurious local minimum;"
                                   " the degrees do not match (global minimum at z = %.3f)"),
                               st.n_minima > 1 ? st.minima_z[1] : 0.0);
      chain_class = "error";
      break;
    case LV_CHAIN_CERT_UNBALANCED_HIGH:
      chain = g_strdup (_("No certificate  q > L: one minimum, but the induced regulariser"
                          " degenerates (λ drops out of the first-order test)"));
      chain_class = "warning";
      break;
    case LV_CHAIN_CERT_NOT_STATIONARY:
    default:
      chain = g_strdup (_("Descending…  (the certificate is checked at a stationary point)"));
      chain_class = "dim-label";
      break;
    }
  gtk_label_set_text (self->chain_status, chain);

  switch (st.mf_state)
    {
    case LV_MF_CERT_HOLDS:
      mf = g_strdup_printf (_("Certificate holds ✓  r = %u ≥ rank(Z*) = %u: ‖Y − UVᵀ‖₂ = %.4f ≤ λ,"
                              " F = %.4f = F*: global minimum"),
                            st.width, st.solution_rank, st.mf_residual_norm, st.mf_objective);
      mf_class = "success";
      break;
    case LV_MF_CERT_FAILS:
      mf = g_strdup_printf (_("Certificate fails ✗  r = %u < rank(Z*) = %u: ‖Y − UVᵀ‖₂ = %.3f > λ ="
                              " %.0f. Descent direction: add the residual's top singular pair"
                              " (F drops by up to (s₁ − λ)²/2 = %.3f)"),
                            st.width, st.solution_rank, st.mf_residual_norm, st.mf_lambda,
                            0.5 * (st.mf_top_singular - st.mf_lambda) *
                            (st.mf_top_singular - st.mf_lambda));
      mf_class = "error";
      break;
    case LV_MF_CERT_RUNNING:
    default:
      mf = g_strdup_printf (_("Descending…  step %u, ‖Y − UVᵀ‖₂ = %.3f (certificate needs a"
                              " stationary point)"), st.mf_iterations, st.mf_residual_norm);
      mf_class = "dim-label";
      break;
    }
  gtk_label_set_text (self->mf_status, mf);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *label = GTK_WIDGET (i == 0 ? self->chain_status : self->mf_status);
      const char *cls = i == 0 ? chain_class : mf_class;
      static const char *const classes[] = { "success", "error", "warning", "dim-label" };

      for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
        gtk_widget_remove_css_class (label, classes[c]);
      gtk_widget_add_css_class (label, cls);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            st.mf_state == LV_MF_CERT_FAILS && st.width < MF_MAX_WIDTH);
}

static void
queue_figures (LvHvPanel *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->figures); i++)
    lv_figure_changed (self->figures[i]);
  update_status (self);
}

static void
set_common (LvHvPanel *self, LvPlotLinesModel *model)
{
  model->common.theme = self->theme;
}

/* The chain's curves and minima for the current q and L; reference q values dotted. */
static void
update_chain_curves (LvHvPanel *self)
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
static void
update_chain_marker (LvHvPanel *self)
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

static void
update_mf_curves (LvHvPanel *self)
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

/* ---- jobs ---- */

static void
on_chain_job (LvHvJob *job, gpointer data)
{
  LvHvPanel *self = data;
  LvHvJobView v;

  lv_hv_job_read (job, &v);
  g_array_set_size (self->ch_x, 0);
  g_array_set_size (self->ch_z, 0);
  g_array_set_size (self->ch_f, 0);
  g_array_append_vals (self->ch_x, v.xs, v.n);
  g_array_append_vals (self->ch_z, v.a, v.n);
  g_array_append_vals (self->ch_f, v.b, v.n);
  memcpy (self->ch_w, v.w, sizeof (double) * self->depth);
  self->ch_done = v.done;
  update_chain_marker (self);
  queue_figures (self);
}

static void
start_chain (LvHvPanel *self)
{
  double w[16];

  g_clear_pointer (&self->chain_job, lv_hv_job_abandon);
  for (guint l = 0; l < self->depth; l++)
    w[l] = self->ch_w[l] = CHAIN_START;
  g_array_set_size (self->ch_x, 0);
  g_array_set_size (self->ch_z, 0);
  g_array_set_size (self->ch_f, 0);
  self->ch_done = FALSE;
  update_chain_curves (self);
  update_chain_marker (self);
  self->chain_job = lv_hv_job_new_chain (self->depth, CHAIN_Y, CHAIN_LAMBDA, self->q, w,
                                         self->pace_us);
  lv_hv_job_start (self->chain_job, on_chain_job, self);
  queue_figures (self);
}

static void
on_mf_job (LvHvJob *job, gpointer data)
{
  LvHvPanel *self = data;
  LvHvJobView v;
  const LvMfCertificate *c;

  lv_hv_job_read (job, &v);
  c = v.mf_cert;
  g_array_set_size (self->mf_x, self->mf_base);
  g_array_set_size (self->mf_obj, self->mf_base);
  g_array_set_size (self->mf_res, self->mf_base);
  g_array_append_vals (self->mf_x, v.xs, v.n);
  g_array_append_vals (self->mf_obj, v.a, v.n);
  g_array_append_vals (self->mf_res, v.b, v.n);
  lv_mf_certificate_clear (&self->mf_cert);
  self->mf_cert = *c;
  self->mf_cert.top_left = g_memdup2 (c->top_left, sizeof (double) * MF_M);
  self->mf_cert.top_right = g_memdup2 (c->top_right, sizeof (double) * MF_N);
  memcpy (self->mf_u, v.u, sizeof (double) * MF_M * self->width);
  memcpy (self->mf_v, v.v, sizeof (double) * MF_N * self->width);
  self->mf_done = v.done;
  update_mf_curves (self);
  queue_figures (self);
}

/* Starts descent from the current factors; @keep_history continues the plotted curves. */
static void
start_mf (LvHvPanel *self, gboolean keep_history)
{
  guint first = 0;

  g_clear_pointer (&self->mf_job, lv_hv_job_abandon);
  if (!keep_history)
    {
      g_array_set_size (self->mf_x, 0);
      g_array_set_size (self->mf_obj, 0);
      g_array_set_size (self->mf_res, 0);
    }
  else if (self->mf_x->len > 0)
    first = (guint) g_array_index (self->mf_x, double, self->mf_x->len - 1);
  self->mf_base = self->mf_x->len;
  self->mf_done = FALSE;
  lv_mf_certificate_clear (&self->mf_cert);
  memset (&self->mf_cert, 0, sizeof self->mf_cert);
  self->mf_cert.residual_norm = NAN;
  self->mf_job = lv_hv_job_new_mf (self->y, MF_M, MF_N, MF_LAMBDA, self->width, self->mf_u,
                                   self->mf_v, first, self->pace_us);
  lv_hv_job_start (self->mf_job, on_mf_job, self);
  update_mf_curves (self);
  queue_figures (self);
}

static void
restart_mf (LvHvPanel *self)
{
  LvRng rng;

  lv_rng_init (&rng, lv_seed_mix (MF_SEED, self->width, 1));
  self->mf_u = g_renew (double, self->mf_u, MF_M * self->width);
  self->mf_v = g_renew (double, self->mf_v, MF_N * self->width);
  lv_mf_init_random (&rng, MF_M, MF_N, self->width, MF_INIT_SCALE, self->mf_u, self->mf_v);
  start_mf (self, FALSE);
}

/* ---- controls ---- */

static void
on_depth_changed (LvHvPanel *self)
{
  lv_hv_panel_set_depth (self, gtk_spin_button_get_value_as_int (self->depth_spin));
}

static void
on_width_changed (LvHvPanel *self)
{
  lv_hv_panel_set_width (self, (guint) lround (gtk_range_get_value (GTK_RANGE (self->width_scale))));
}

static void
on_restart (LvHvPanel *self)
{
  start_chain (self);
  restart_mf (self);
}

static void
on_add_unit (LvHvPanel *self)
{
  lv_hv_panel_add_unit (self);
}

/* ---- public ---- */

/**
 * lv_hv_panel_set_q:
 * @self: the panel
 * @q: the regulariser's degree (> 0), normally the sidebar's slider
 *
 * Redraws the chain for @q and restarts its descent (cancelling the running one).
 */
void
lv_hv_panel_set_q (LvHvPanel *self, double q)
{
  if (!(q > 0) || !isfinite (q) || q == self->q)
    return;
  self->q = q;
  start_chain (self);
}

/**
 * lv_hv_panel_set_depth:
 * @self: the panel
 * @depth: L in 2..4
 *
 * Sets the chain's depth (the mapping degree q must match to be balanced).
 */
void
lv_hv_panel_set_depth (LvHvPanel *self, guint depth)
{
  depth = CLAMP (depth, 2, 4);
  if ((guint) gtk_spin_button_get_value_as_int (self->depth_spin) != depth)
    gtk_spin_button_set_value (self->depth_spin, depth); /* comes back here */
  if (depth == self->depth)
    return;
  self->depth = depth;
  start_chain (self);
}

/**
 * lv_hv_panel_set_width:
 * @self: the panel
 * @width: r in 1..6
 *
 * Restarts matrix-factorisation descent with @width columns from a fresh random start.
 */
void
lv_hv_panel_set_width (LvHvPanel *self, guint width)
{
  width = CLAMP (width, 1, MF_MAX_WIDTH);
  if ((guint) lround (gtk_range_get_value (GTK_RANGE (self->width_scale))) != width)
    gtk_range_set_value (GTK_RANGE (self->width_scale), width);
  if (width == self->width && self->mf_job != NULL)
    return;
  self->width = width;
  restart_mf (self);
}

/**
 * lv_hv_panel_add_unit:
 * @self: the panel
 *
 * Follows a failed certificate's descent direction: appends the residual's top singular pair
 * scaled by √(s₁ − λ) (the best step along it) as a new column of U and V and continues descent.
 *
 * Returns: %FALSE when the certificate does not currently fail or r is at its maximum.
 */
gboolean
lv_hv_panel_add_unit (LvHvPanel *self)
{
  LvHvPanelState st;
  g_autofree double *u = NULL, *v = NULL;

  lv_hv_panel_get_state (self, &st);
  if (st.mf_state != LV_MF_CERT_FAILS || self->width >= MF_MAX_WIDTH)
    return FALSE;
  u = g_new (double, MF_M * (self->width + 1));
  v = g_new (double, MF_N * (self->width + 1));
  lv_mf_add_unit (&self->mf_cert, self->mf_u, self->mf_v, self->width,
                  MAX (self->mf_cert.residual_norm - MF_LAMBDA, 1e-3), u, v);
  g_free (self->mf_u);
  g_free (self->mf_v);
  self->mf_u = g_steal_pointer (&u);
  self->mf_v = g_steal_pointer (&v);
  self->width++;
  g_signal_handlers_block_by_func (self->width_scale, on_width_changed, self);
  gtk_range_set_value (GTK_RANGE (self->width_scale), self->width);
  g_signal_handlers_unblock_by_func (self->width_scale, on_width_changed, self);
  start_mf (self, TRUE);
  return TRUE;
}

/**
 * lv_hv_panel_restart:
 * @self: the panel
 *
 * Restarts both descents from their starting points (with the current pace).
 */
void
lv_hv_panel_restart (LvHvPanel *self)
{
  on_restart (self);
}

/**
 * lv_hv_panel_set_pace:
 * @self: the panel
 * @microseconds: pause between descent batches (0: full speed, for tests)
 *
 * Applies to descents started afterwards.
 */
void
lv_hv_panel_set_pace (LvHvPanel *self, guint microseconds)
{
  self->pace_us = microseconds;
}

/**
 * lv_hv_panel_set_theme:
 * @self: the panel
 * @theme: the plot theme (static, e.g. lv_plot_theme_dark())
 *
 * Sets the figures' look.
 */
void
lv_hv_panel_set_theme (LvHvPanel *self, const LvPlotTheme *theme)
{
  self->theme = theme;
  set_common (self, &self->g_model);
  set_common (self, &self->chain_model);
  set_common (self, &self->obj_model);
  set_common (self, &self->res_model);
  queue_figures (self);
}

/**
 * lv_hv_panel_get_state:
 * @self: the panel
 * @state: (out caller-allocates): the model's state
 *
 * What the panel shows, as numbers.
 */
void
lv_hv_panel_get_state (LvHvPanel *self, LvHvPanelState *state)
{
  memset (state, 0, sizeof *state);
  state->q = self->q;
  state->depth = self->depth;
  state->balanced = lv_degree_is_balanced (self->q, self->depth);
  state->n_minima = self->n_minima;
  memcpy (state->minima_z, self->minima_z, sizeof state->minima_z);
  state->zero_is_spurious = self->n_minima == 2 && self->minima_g[1] < self->minima_g[0];
  state->chain_state = lv_chain_certify (self->ch_w, self->depth, CHAIN_Y, CHAIN_LAMBDA, self->q,
                                         1e-7, NULL);
  if (state->chain_state == LV_CHAIN_CERT_HOLDS || state->chain_state == LV_CHAIN_CERT_FAILS)
    {
      /* A balanced certificate is only shown once descent has stopped there. */
      if (!self->ch_done)
        state->chain_state = LV_CHAIN_CERT_NOT_STATIONARY;
    }
  state->chain_z = lv_chain_product (self->ch_w, self->depth);
  state->chain_done = self->ch_done;
  state->width = self->width;
  state->solution_rank = self->solution_rank;
  state->mf_state = !self->mf_cert.stationary && !self->mf_done ? LV_MF_CERT_RUNNING
                  : self->mf_cert.certified ? LV_MF_CERT_HOLDS
                  : self->mf_cert.stationary ? LV_MF_CERT_FAILS : LV_MF_CERT_RUNNING;
  state->mf_objective = self->mf_cert.objective;
  state->mf_optimum = self->optimum;
  state->mf_residual_norm = self->mf_cert.residual_norm;
  state->mf_lambda = MF_LAMBDA;
  state->mf_top_singular = self->mf_cert.residual_norm;
  state->mf_iterations = self->mf_x->len > 0
                         ? (guint) g_array_index (self->mf_x, double, self->mf_x->len - 1) - 1 : 0;
  state->mf_done = self->mf_done;
}

static void
csv_lines (GString *out, const char *figure, const LvPlotLinesModel *m)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  for (gsize c = 0; c < m->n_curves; c++)
    for (gsize i = 0; i < m->curves[c].n; i++)
      {
        g_string_append_printf (out, "%s,\"%s\",", figure, m->curves[c].label);
        g_string_append (out, g_ascii_formatd (num, sizeof num, "%.17g", m->curves[c].x[i]));
        g_string_append_c (out, ',');
        g_string_append (out, g_ascii_formatd (num, sizeof num, "%.17g", m->curves[c].y[i]));
        g_string_append_c (out, '\n');
      }
  for (gsize i = 0; i < m->n_points; i++)
    {
      g_string_append_printf (out, "%s,\"point: %s\",", figure,
                              m->points[i].label != NULL ? m->points[i].label : "descent");
      g_string_append (out, g_ascii_formatd (num, sizeof num, "%.17g", m->points[i].x));
      g_string_append_c (out, ',');
      g_string_append (out, g_ascii_formatd (num, sizeof num, "%.17g", m->points[i].y));
      g_string_append_c (out, '\n');
    }
  for (gsize i = 0; i < m->n_hlines; i++)
    {
      g_string_append_printf (out, "%s,\"level: %s\",,", figure, m->hlines[i].label);
      g_string_append (out, g_ascii_formatd (num, sizeof num, "%.17g", m->hlines[i].value));
      g_string_append_c (out, '\n');
    }
}

/**
 * lv_hv_panel_export:
 * @self: the panel
 * @path: a PNG, SVG or PDF file
 * @error: return location for an error
 *
 * Writes the four figures as one 2 × 2 figure, and next to it (extension replaced by .csv)
 * every curve point, marker and level as `figure,series,x,y`.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_hv_panel_export (LvHvPanel *self, const char *path, GError **error)
{
  const LvPlotPanel panels[] = {
    { (LvPlotDrawFunc) lv_plot_lines_draw, &self->g_model },
    { (LvPlotDrawFunc) lv_plot_lines_draw, &self->chain_model },
    { (LvPlotDrawFunc) lv_plot_lines_draw, &self->obj_model },
    { (LvPlotDrawFunc) lv_plot_lines_draw, &self->res_model },
  };
  g_autofree char *caption = g_strdup_printf ("%s\n%s", gtk_label_get_text (self->chain_status),
                                              gtk_label_get_text (self->mf_status));
  LvPlotGridModel grid = { self->theme, _("Haeffele–Vidal: degree and width"), caption, panels,
                           G_N_ELEMENTS (panels), 2 };
  g_autoptr(GString) csv = g_string_new ("figure,series,x,y\n");
  g_autofree char *csv_path = NULL;
  const char *dot = strrchr (path, '.');

  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, &grid, path, 1600, 1100, 96, error))
    return FALSE;
  csv_lines (csv, "chain-g", &self->g_model);
  csv_lines (csv, "chain-descent", &self->chain_model);
  csv_lines (csv, "mf-objective", &self->obj_model);
  csv_lines (csv, "mf-residual", &self->res_model);
  csv_path = dot != NULL && strchr (dot, '/') == NULL
             ? g_strdup_printf ("%.*s.csv", (int) (dot - path), path)
             : g_strconcat (path, ".csv", NULL);
  return lv_plot_write_text_file (csv_path, csv->str, csv->len, error);
}

/* ---- construction ---- */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
status_label (GtkLabel **out)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "theory-status");
  *out = GTK_LABEL (label);
  return label;
}

static GtkWidget *
figure_row (LvHvPanel *self, guint first)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
  gtk_widget_set_vexpand (row, TRUE);
  for (guint i = first; i < first + 2; i++)
    {
      GtkWidget *fig = lv_figure_new ();

      gtk_widget_set_hexpand (fig, TRUE);
      gtk_widget_set_vexpand (fig, TRUE);
      self->figures[i] = LV_FIGURE (fig);
      gtk_box_append (GTK_BOX (row), fig);
    }
  return row;
}

static void
build_ui (LvHvPanel *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *w;

  gtk_widget_add_css_class (bar, "view-toolbar");
  gtk_widget_set_margin_start (bar, 4);
  gtk_widget_set_margin_end (bar, 4);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Depth L")));
  w = gtk_spin_button_new_with_range (2, 4, 1);
  gtk_widget_set_tooltip_text (w, _("Number of factors of the chain: its mapping degree"));
  self->depth_spin = GTK_SPIN_BUTTON (w);
  gtk_spin_button_set_value (self->depth_spin, self->depth);
  gtk_box_append (GTK_BOX (bar), w);
  w = gtk_label_new (NULL);
  self->q_label = GTK_LABEL (w);
  gtk_widget_set_tooltip_text (w, _("The regulariser's degree is the sidebar's q slider"));
  gtk_box_append (GTK_BOX (bar), w);
  w = gtk_label_new (NULL);
  gtk_widget_add_css_class (w, "theory-badge");
  self->badge = GTK_LABEL (w);
  gtk_box_append (GTK_BOX (bar), w);
  w = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_margin_start (w, 12);
  gtk_widget_set_margin_end (w, 12);
  gtk_box_append (GTK_BOX (bar), w);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Width r")));
  w = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 1, MF_MAX_WIDTH, 1);
  gtk_scale_set_digits (GTK_SCALE (w), 0);
  gtk_scale_set_draw_value (GTK_SCALE (w), TRUE);
  gtk_range_set_round_digits (GTK_RANGE (w), 0);
  gtk_widget_set_size_request (w, 180, -1);
  for (guint r = 1; r <= MF_MAX_WIDTH; r++)
    gtk_scale_add_mark (GTK_SCALE (w), r, GTK_POS_BOTTOM, NULL);
  gtk_widget_set_tooltip_text (w, _("Columns of U and V in the matrix factorisation"));
  self->width_scale = GTK_SCALE (w);
  gtk_range_set_value (GTK_RANGE (w), self->width);
  gtk_box_append (GTK_BOX (bar), w);
  w = gtk_button_new_with_mnemonic (_("_Add the Suggested Unit"));
  gtk_widget_set_tooltip_text (w, _("Append the residual's top singular pair as a new column"
                                    " (the descent direction of a failed certificate)"));
  self->add_button = GTK_BUTTON (w);
  gtk_box_append (GTK_BOX (bar), w);
  w = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (w, _("Restart both descents"));
  g_signal_connect_swapped (w, "clicked", G_CALLBACK (on_restart), self);
  gtk_box_append (GTK_BOX (bar), w);
  gtk_box_append (GTK_BOX (self), bar);

  gtk_box_append (GTK_BOX (self), heading (_("Degree — gradient descent on w₁ ⋯ w_L with"
                                             " regulariser λ Σ |w_l|^q (y = 1, λ = 0.1)")));
  gtk_box_append (GTK_BOX (self), status_label (&self->chain_status));
  gtk_box_append (GTK_BOX (self), figure_row (self, 0));
  gtk_box_append (GTK_BOX (self), heading (_("Width — matrix factorisation ½‖Y − UVᵀ‖²_F +"
                                             " λ/2 (‖U‖²_F + ‖V‖²_F), Y 8 × 6, λ = 1")));
  gtk_box_append (GTK_BOX (self), status_label (&self->mf_status));
  gtk_box_append (GTK_BOX (self), figure_row (self, 2));

  g_signal_connect_swapped (self->depth_spin, "value-changed", G_CALLBACK (on_depth_changed),
                            self);
  g_signal_connect_swapped (self->width_scale, "value-changed", G_CALLBACK (on_width_changed),
                            self);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (on_add_unit), self);
}

static void
init_models (LvHvPanel *self)
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
  set_common (self, g);
  set_common (self, c);
  set_common (self, o);
  set_common (self, r);
  lv_figure_set_draw_func (self->figures[0], (LvPlotDrawFunc) lv_plot_lines_draw, g);
  lv_figure_set_draw_func (self->figures[1], (LvPlotDrawFunc) lv_plot_lines_draw, c);
  lv_figure_set_draw_func (self->figures[2], (LvPlotDrawFunc) lv_plot_lines_draw, o);
  lv_figure_set_draw_func (self->figures[3], (LvPlotDrawFunc) lv_plot_lines_draw, r);
}

static void
lv_hv_panel_dispose (GObject *object)
{
  LvHvPanel *self = LV_HV_PANEL (object);

  g_clear_pointer (&self->chain_job, lv_hv_job_abandon);
  g_clear_pointer (&self->mf_job, lv_hv_job_abandon);
  lv_hv_job_join_all ();
  G_OBJECT_CLASS (lv_hv_panel_parent_class)->dispose (object);
}

static void
lv_hv_panel_finalize (GObject *object)
{
  LvHvPanel *self = LV_HV_PANEL (object);

  lv_mf_certificate_clear (&self->mf_cert);
  g_free (self->mf_u);
  g_free (self->mf_v);
  g_free (self->g_title);
  g_array_unref (self->mf_x);
  g_array_unref (self->mf_obj);
  g_array_unref (self->mf_res);
  g_array_unref (self->ch_x);
  g_array_unref (self->ch_z);
  g_array_unref (self->ch_f);
  G_OBJECT_CLASS (lv_hv_panel_parent_class)->finalize (object);
}

static void
lv_hv_panel_class_init (LvHvPanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lv_hv_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = lv_hv_panel_finalize;
}

static void
lv_hv_panel_init (LvHvPanel *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  self->q = 2.0;
  self->depth = 3;
  self->width = 1;
  self->pace_us = DEFAULT_PACE_US;
  self->mf_x = g_array_new (FALSE, FALSE, sizeof (double));
  self->mf_obj = g_array_new (FALSE, FALSE, sizeof (double));
  self->mf_res = g_array_new (FALSE, FALSE, sizeof (double));
  self->ch_x = g_array_new (FALSE, FALSE, sizeof (double));
  self->ch_z = g_array_new (FALSE, FALSE, sizeof (double));
  self->ch_f = g_array_new (FALSE, FALSE, sizeof (double));
  self->mf_cert.residual_norm = NAN;
  build_matrix (self);
  build_ui (self);
  init_models (self);
  start_chain (self);
  restart_mf (self);
}

/**
 * lv_hv_panel_new:
 *
 * Returns: (transfer floating): the Haeffele–Vidal panel; both descents start at once.
 */
GtkWidget *
lv_hv_panel_new (void)
{
  return g_object_new (LV_TYPE_HV_PANEL, NULL);
}
