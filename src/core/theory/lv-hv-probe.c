/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Haeffele–Vidal descent probe: paced batches of lv_mf_descend / lv_chain_descend, one
 * published point (and, for MF, certificate) per batch. See lv-hv-probe.h. */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-chain-descent.h>
#include <lossviz/lv-error.h>
#include <lossviz/lv-hv-probe.h>

/**
 * lv_hv_descent_input_init:
 * @input: (out caller-allocates): the input
 * @kind: which descent
 *
 * Sets the step cap and tolerances of @kind, no pacing and no data.
 */
void
lv_hv_descent_input_init (LvHvDescentInput *input, LvHvDescentKind kind)
{
  memset (input, 0, sizeof *input);
  input->kind = kind;
  input->max_steps = 6000;
  input->grad_tol = kind == LV_HV_DESCENT_MF ? 1e-6 : 1e-10;
  input->cert_grad_tol = 1e-4;
  input->q = 2.0;
  input->depth = 1;
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "Haeffele–Vidal descent: %s", what);
  return FALSE;
}

static gboolean
all_finite (const double *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

/**
 * lv_hv_descent_input_check:
 * @input: the input
 * @error: return location for %LV_ERROR_INVALID_INPUT
 *
 * Returns: %TRUE when the descent can run
 */
gboolean
lv_hv_descent_input_check (const LvHvDescentInput *input, GError **error)
{
  if (!isfinite (input->lambda) || input->lambda < 0)
    return fail (error, "λ must be finite and non-negative");
  if (!(input->grad_tol >= 0) || !(input->cert_grad_tol >= 0))
    return fail (error, "the tolerances must be non-negative");
  if (input->kind == LV_HV_DESCENT_CHAIN)
    {
      if (input->depth < 1 || input->depth > LV_HV_CHAIN_MAX_DEPTH)
        return fail (error, "the depth L must be 1 to 16");
      if (!isfinite (input->target) || !isfinite (input->q) || input->q <= 0 ||
          !all_finite (input->w, input->depth))
        return fail (error, "y, q > 0 and the start must be finite");
      return TRUE;
    }
  if (input->kind != LV_HV_DESCENT_MF)
    return fail (error, "unknown kind");
  if (input->y == NULL || input->u == NULL || input->v == NULL || input->m == 0 ||
      input->n == 0 || input->r == 0)
    return fail (error, "Y, U and V must be given with m, n, r ≥ 1");
  if (!all_finite (input->y, (gsize) input->m * input->n) ||
      !all_finite (input->u, (gsize) input->m * input->r) ||
      !all_finite (input->v, (gsize) input->n * input->r))
    return fail (error, "Y, U and V must be finite");
  return TRUE;
}

/* Appends a point; for MF also takes @cert over and copies the factors. Under the lock. */
static void
publish (LvProbeContext *context, LvHvDescentResult *result, const LvHvDescentInput *in,
         double x, double a, double b, LvMfCertificate *cert, const double *u, const double *v,
         const double *w)
{
  lv_probe_context_publish_begin (context);
  g_array_append_val (result->xs, x);
  g_array_append_val (result->a, a);
  g_array_append_val (result->b, b);
  if (cert != NULL)
    {
      lv_mf_certificate_clear (&result->cert);
      result->cert = *cert;
      memset (cert, 0, sizeof *cert);
      memcpy (result->u, u, sizeof (double) * in->m * in->r);
      memcpy (result->v, v, sizeof (double) * in->n * in->r);
    }
  if (w != NULL)
    memcpy (result->w, w, sizeof (double) * in->depth);
  lv_probe_context_publish_end (context, result->done ? 1.0
                                : MIN (1.0, (double) result->steps / MAX (in->max_steps, 1)));
}

/* Between batches: waits while paused, sleeps @pace_us; FALSE when cancelled. */
static gboolean
between_batches (const LvHvDescentInput *in, LvProbeContext *context, GError **error)
{
  if (in->pace_us > 0)
    g_usleep (in->pace_us);
  return lv_probe_context_check (context, error);
}

static gboolean
run_mf (const LvHvDescentInput *in, LvHvDescentResult *result, LvProbeContext *context,
        GError **error)
{
  g_autofree double *u = g_memdup2 (in->u, sizeof (double) * in->m * in->r);
  g_autofree double *v = g_memdup2 (in->v, sizeof (double) * in->n * in->r);
  guint steps = 0;
  double step = 0;
  gboolean done = FALSE, first = TRUE;

  while (!done)
    {
      LvMfCertificate cert;
      guint batch = in->single_batch ? in->max_steps : first ? 0 : 1 + steps / 40, did = 0;

      if (!first && !between_batches (in, context, error))
        return FALSE;
      if (batch > 0)
        did = lv_mf_descend (in->y, in->m, in->n, u, v, in->r, in->lambda, batch, in->grad_tol,
                             &step);
      steps += did;
      if (!lv_mf_certify (in->y, in->m, in->n, u, v, in->r, in->lambda, in->cert_grad_tol, &cert,
                          error))
        return FALSE;
      /* lv_mf_descend stops early only at the tolerance or when no step decreases F. */
      done = in->single_batch || (batch > 0 && did < batch) || steps >= in->max_steps;
      result->steps = steps;
      result->done = done;
      publish (context, result, in, in->first_step + steps + 1.0, cert.objective,
               cert.residual_norm, &cert, u, v, NULL);
      lv_mf_certificate_clear (&cert);
      first = FALSE;
    }
  return TRUE;
}

static gboolean
run_chain (const LvHvDescentInput *in, LvHvDescentResult *result, LvProbeContext *context,
           GError **error)
{
  double w[LV_HV_CHAIN_MAX_DEPTH];
  guint steps = 0;
  double step = 0;
  gboolean done = FALSE, first = TRUE;

  memcpy (w, in->w, sizeof (double) * in->depth);
  while (!done)
    {
      guint batch = first ? 0 : 1 + steps / 40, did = 0;
      double f;

      if (!first && !between_batches (in, context, error))
        return FALSE;
      if (batch > 0)
        did = lv_chain_descend (w, in->depth, in->target, in->lambda, in->q, batch,
                                in->grad_tol, &step);
      steps += did;
      f = lv_chain_objective (w, in->depth, in->target, in->lambda, in->q, NULL);
      done = (batch > 0 && did < batch) || steps >= in->max_steps || !isfinite (f);
      result->steps = steps;
      result->done = done;
      publish (context, result, in, steps + 1.0, lv_chain_product (w, in->depth), f, NULL,
               NULL, NULL, w);
      first = FALSE;
    }
  return TRUE;
}

/* Allocates the result's history and factors (the start), in one publish. */
static void
result_start (const LvHvDescentInput *in, LvHvDescentResult *result, LvProbeContext *context)
{
  lv_probe_context_publish_begin (context);
  lv_hv_descent_result_clear (result);
  result->xs = g_array_new (FALSE, FALSE, sizeof (double));
  result->a = g_array_new (FALSE, FALSE, sizeof (double));
  result->b = g_array_new (FALSE, FALSE, sizeof (double));
  result->cert.residual_norm = NAN;
  if (in->kind == LV_HV_DESCENT_MF)
    {
      result->u = g_memdup2 (in->u, sizeof (double) * in->m * in->r);
      result->v = g_memdup2 (in->v, sizeof (double) * in->n * in->r);
    }
  else
    memcpy (result->w, in->w, sizeof (double) * in->depth);
  lv_probe_context_publish_end (context, 0.0);
}

/**
 * lv_hv_descent_probe_run:
 * @input: the descent
 * @result: (out caller-allocates): zero-initialised (or cleared); a point per batch; clear with
 *   lv_hv_descent_result_clear()
 * @context: (nullable): lock, progress, pause and cancellation (checked between batches)
 * @error: return location for an error
 *
 * Returns: %TRUE when the descent stopped by itself; %FALSE with %G_IO_ERROR_CANCELLED when
 *   cancelled (the points so far stay), or the certificate's error
 */
gboolean
lv_hv_descent_probe_run (const LvHvDescentInput *input, LvHvDescentResult *result,
                         LvProbeContext *context, GError **error)
{
  if (!lv_hv_descent_input_check (input, error))
    return FALSE;
  result_start (input, result, context);
  if (input->kind == LV_HV_DESCENT_MF)
    return run_mf (input, result, context, error);
  return run_chain (input, result, context, error);
}

/**
 * lv_hv_descent_result_clear:
 * @result: a result
 *
 * Frees what it holds and zeroes it.
 */
void
lv_hv_descent_result_clear (LvHvDescentResult *result)
{
  g_clear_pointer (&result->xs, g_array_unref);
  g_clear_pointer (&result->a, g_array_unref);
  g_clear_pointer (&result->b, g_array_unref);
  lv_mf_certificate_clear (&result->cert);
  g_free (result->u);
  g_free (result->v);
  memset (result, 0, sizeof *result);
}
