/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-hv-panel.h"
#include "lv-hv-panel-private.h"
#include "lv-wrap-layout.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

/*
 * LvHvPanel — Haeffele–Vidal, live (docs/THEORY.md §4). Two rows:
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
 * Each descent is the core's Haeffele–Vidal probe (lv_hv_descent_probe_run) in an LvJob; its
 * results reach this widget through the job's coalesced `updated`. Any change of q, L or r
 * abandons (cancels) the affected job and starts anew; the app joins at shutdown.
 *
 * The instance struct is in lv-hv-panel-private.h; the matrix, the figure models and the
 * status texts in lv-hv-panel-models.c.
 */

G_DEFINE_FINAL_TYPE (LvHvPanel, lv_hv_panel, GTK_TYPE_BOX)

static void
queue_figures (LvHvPanel *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->figures); i++)
    lv_figure_changed (self->figures[i]);
  lv_hv_panel_update_status (self);
}

/* ---- jobs ---- */

/* A job's data: the probe's input, its result and the copies the input borrows. */
typedef struct
{
  LvHvDescentInput input;
  LvHvDescentResult result;
  double *y, *u, *v;
} Descent;

static void
descent_free (gpointer data)
{
  Descent *d = data;

  lv_hv_descent_result_clear (&d->result);
  g_free (d->y);
  g_free (d->u);
  g_free (d->v);
  g_free (d);
}

static gboolean
descent_run (LvProbeContext *context, gpointer data, GError **error)
{
  Descent *d = data;

  return lv_hv_descent_probe_run (&d->input, &d->result, context, error);
}

/* Runs @d in a new job whose `updated` calls @on_updated (self). */
static LvJob *
descent_start (LvHvPanel *self, Descent *d, GCallback on_updated)
{
  LvJob *job = lv_job_new ("Haeffele–Vidal descent", descent_run, d, descent_free);

  d->input.pace_us = self->pace_us;
  g_signal_connect_swapped (job, "updated", on_updated, self);
  lv_job_start (job);
  return job;
}

static void
on_chain_job (LvHvPanel *self)
{
  const Descent *d = lv_job_lock (self->chain_job);
  const LvHvDescentResult *v = &d->result;

  g_array_set_size (self->ch_x, 0);
  g_array_set_size (self->ch_z, 0);
  g_array_set_size (self->ch_f, 0);
  g_array_append_vals (self->ch_x, v->xs->data, v->xs->len);
  g_array_append_vals (self->ch_z, v->a->data, v->a->len);
  g_array_append_vals (self->ch_f, v->b->data, v->b->len);
  memcpy (self->ch_w, v->w, sizeof (double) * self->depth);
  self->ch_done = v->done;
  lv_job_unlock (self->chain_job);
  lv_hv_panel_update_chain_marker (self);
  queue_figures (self);
}

static void
start_chain (LvHvPanel *self)
{
  Descent *d = g_new0 (Descent, 1);

  lv_job_abandon (&self->chain_job, self);
  lv_hv_descent_input_init (&d->input, LV_HV_DESCENT_CHAIN);
  d->input.depth = MIN (self->depth, LV_HV_CHAIN_MAX_DEPTH);
  d->input.target = CHAIN_Y;
  d->input.lambda = CHAIN_LAMBDA;
  d->input.q = self->q;
  for (guint l = 0; l < self->depth; l++)
    d->input.w[l] = self->ch_w[l] = CHAIN_START;
  g_array_set_size (self->ch_x, 0);
  g_array_set_size (self->ch_z, 0);
  g_array_set_size (self->ch_f, 0);
  self->ch_done = FALSE;
  lv_hv_panel_update_chain_curves (self);
  lv_hv_panel_update_chain_marker (self);
  self->chain_job = descent_start (self, d, G_CALLBACK (on_chain_job));
  queue_figures (self);
}

static void
on_mf_job (LvHvPanel *self)
{
  const Descent *d = lv_job_lock (self->mf_job);
  const LvHvDescentResult *v = &d->result;
  const LvMfCertificate *c = &v->cert;

  g_array_set_size (self->mf_x, self->mf_base);
  g_array_set_size (self->mf_obj, self->mf_base);
  g_array_set_size (self->mf_res, self->mf_base);
  g_array_append_vals (self->mf_x, v->xs->data, v->xs->len);
  g_array_append_vals (self->mf_obj, v->a->data, v->a->len);
  g_array_append_vals (self->mf_res, v->b->data, v->b->len);
  lv_mf_certificate_clear (&self->mf_cert);
  self->mf_cert = *c;
  self->mf_cert.top_left = g_memdup2 (c->top_left, sizeof (double) * MF_M);
  self->mf_cert.top_right = g_memdup2 (c->top_right, sizeof (double) * MF_N);
  memcpy (self->mf_u, v->u, sizeof (double) * MF_M * self->width);
  memcpy (self->mf_v, v->v, sizeof (double) * MF_N * self->width);
  self->mf_done = v->done;
  lv_job_unlock (self->mf_job);
  lv_hv_panel_update_mf_curves (self);
  queue_figures (self);
}

/* Starts descent from the current factors; @keep_history continues the plotted curves. */
static void
start_mf (LvHvPanel *self, gboolean keep_history)
{
  Descent *d = g_new0 (Descent, 1);
  guint first = 0;

  lv_job_abandon (&self->mf_job, self);
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
  lv_hv_descent_input_init (&d->input, LV_HV_DESCENT_MF);
  d->input.y = d->y = g_memdup2 (self->y, sizeof self->y);
  d->input.u = d->u = g_memdup2 (self->mf_u, sizeof (double) * MF_M * self->width);
  d->input.v = d->v = g_memdup2 (self->mf_v, sizeof (double) * MF_N * self->width);
  d->input.m = MF_M;
  d->input.n = MF_N;
  d->input.r = self->width;
  d->input.lambda = MF_LAMBDA;
  d->input.first_step = first;
  self->mf_job = descent_start (self, d, G_CALLBACK (on_mf_job));
  lv_hv_panel_update_mf_curves (self);
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
  lv_hv_panel_apply_theme (self);
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

  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, &grid, path, 1600, 1100, 96, error))
    return FALSE;
  csv_lines (csv, "chain-g", &self->g_model);
  csv_lines (csv, "chain-descent", &self->chain_model);
  csv_lines (csv, "mf-objective", &self->obj_model);
  csv_lines (csv, "mf-residual", &self->res_model);
  csv_path = lv_plot_sibling_path (path, ".csv");
  return lv_plot_write_text_file (csv_path, csv->str, csv->len, error);
}

static void
lv_hv_panel_dispose (GObject *object)
{
  LvHvPanel *self = LV_HV_PANEL (object);

  lv_job_abandon (&self->chain_job, self);
  lv_job_abandon (&self->mf_job, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_HV_PANEL);
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
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lv_hv_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = lv_hv_panel_finalize;

  g_type_ensure (LV_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lv-hv-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, toolbar);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, width_scale);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, q_label);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, badge);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, chain_status);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, mf_status);
  gtk_widget_class_bind_template_child (widget_class, LvHvPanel, add_button);
  /* figure0…figure3 in the template are figures[0…3]. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("figure%u", i);

      gtk_widget_class_bind_template_child_full (
        widget_class, id, FALSE,
        G_STRUCT_OFFSET (LvHvPanel, figures) + (gssize) (i * sizeof (gpointer)));
    }
  gtk_widget_class_bind_template_callback (widget_class, on_depth_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_width_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_unit);
  gtk_widget_class_bind_template_callback (widget_class, on_restart);
}

static void
lv_hv_panel_init (LvHvPanel *self)
{
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
  lv_hv_panel_build_matrix (self);
  gtk_widget_init_template (GTK_WIDGET (self));
  lv_wrap_layout_apply (GTK_WIDGET (self->toolbar), 10, 6);
  /* set_depth() and set_width() see these values as theirs already: nothing restarts here. */
  gtk_spin_button_set_value (self->depth_spin, self->depth);
  gtk_range_set_value (GTK_RANGE (self->width_scale), self->width);
  lv_hv_panel_init_models (self);
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
