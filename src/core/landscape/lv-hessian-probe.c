/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The curvature probe (see lv-hessian-probe.h, docs/DESIGN.md "Probes and jobs"). */
#include "config.h"

#include <math.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-hessian-probe.h>
#include <lossviz/lv-rng.h>

#include "lv-probe-finish-private.h"

/**
 * lv_hessian_probe_seed:
 * @seed: the run's seed
 * @kind: which draw
 *
 * The one place the CLI and the app derive the Hessian's random draws from a run's seed, so
 * that both report the same Ritz values for the same run.
 *
 * Returns: the draw's seed
 */
guint64
lv_hessian_probe_seed (guint64 seed, LvHessianSeedKind kind)
{
  static const guint64 tags[] = { 0x1a2c, 0x51c, 0x7ace };

  return lv_seed_mix (seed, tags[kind], 0);
}

/**
 * lv_hessian_input_init:
 * @input: (out): the CLI's defaults (Lanczos, 5 extremes, tolerance 1e-6, 8 SLQ probes,
 *   100 trace probes)
 */
void
lv_hessian_input_init (LvHessianInput *input)
{
  *input = (LvHessianInput) { 0 };
  input->method = LV_HESSIAN_PROBE_LANCZOS;
  input->extremes = 5;
  input->tolerance = 1e-6;
  input->probes = 8;
  input->trace_probes = 100;
}

/**
 * lv_hessian_input_check:
 * @input: the input
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Returns: whether the probe can run on @input
 */
gboolean
lv_hessian_input_check (const LvHessianInput *input, GError **error)
{
  gsize n = lv_mlp_n_params (&input->shape);

  if (input->params == NULL || input->dataset == NULL)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "The Hessian needs parameters and a dataset");
  else if (input->method == LV_HESSIAN_PROBE_FULL && n > LV_HESSIAN_FULL_MAX_PARAMS)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "The full Hessian is limited to %u parameters (this network has %"
                 G_GSIZE_FORMAT ")", LV_HESSIAN_FULL_MAX_PARAMS, n);
  else if (input->steps > n)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "%u Lanczos steps are more than the %" G_GSIZE_FORMAT " parameters",
                 input->steps, n);
  else if ((input->method == LV_HESSIAN_PROBE_SLQ && input->probes == 0) ||
           (input->trace && input->trace_probes == 0) ||
           (input->method == LV_HESSIAN_PROBE_LANCZOS && input->extremes == 0))
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "The Hessian needs at least one probe");
  else
    return TRUE;
  return FALSE;
}

/**
 * lv_hessian_result_clear:
 * @result: a result, zero-initialised or filled by lv_hessian_probe_run()
 */
void
lv_hessian_result_clear (LvHessianResult *result)
{
  g_clear_pointer (&result->spectrum, lv_hessian_spectrum_free);
  g_clear_pointer (&result->slq, lv_hessian_slq_free);
  *result = (LvHessianResult) { 0 };
}

/* SLQ reports the loss and gradient norm at the point itself (the spectra carry theirs). */
static void
gradient_at (const LvHessian *hessian, double *loss, double *norm)
{
  gsize n = lv_hessian_get_n_params (hessian);
  g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (hessian);
  g_autofree double *grad = g_new (double, n);
  double norm2 = 0.0;

  *loss = lv_hessian_gradient (hessian, ws, grad);
  for (gsize i = 0; i < n; i++)
    norm2 += grad[i] * grad[i];
  *norm = sqrt (norm2);
}

static gboolean
compute_main (const LvHessianInput *in, const LvHessian *hessian, LvHessianResult *result,
              LvProbeContext *context, GError **error)
{
  GCancellable *cancellable = lv_probe_context_get_cancellable (context);
  gsize n = lv_hessian_get_n_params (hessian);
  LvHessianSpectrum *spectrum = NULL;
  LvHessianSlq *slq = NULL;
  double loss = NAN, norm = NAN;

  switch (in->method)
    {
    case LV_HESSIAN_PROBE_FULL:
      spectrum = lv_hessian_spectrum_full (hessian, in->pool, in->tolerance, cancellable, error);
      break;
    case LV_HESSIAN_PROBE_LANCZOS:
      spectrum = lv_hessian_spectrum_lanczos (hessian, in->steps, in->extremes,
                                              lv_hessian_probe_seed (in->seed,
                                                                     LV_HESSIAN_SEED_LANCZOS),
                                              in->tolerance, cancellable, error);
      break;
    case LV_HESSIAN_PROBE_SLQ:
    default:
      slq = lv_hessian_slq (hessian, in->pool, in->probes,
                            in->steps > 0 ? in->steps : (guint) MIN (n, 80),
                            lv_hessian_probe_seed (in->seed, LV_HESSIAN_SEED_SLQ), cancellable,
                            error);
      if (slq != NULL)
        gradient_at (hessian, &loss, &norm);
      break;
    }
  if (spectrum == NULL && slq == NULL)
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->spectrum = spectrum;
  result->slq = slq;
  result->loss = spectrum != NULL ? spectrum->loss : loss;
  result->gradient_norm = spectrum != NULL ? spectrum->gradient_norm : norm;
  lv_probe_context_publish_end (context, in->trace ? 0.5 : 1.0);
  return TRUE;
}

static gboolean
compute_trace (const LvHessianInput *in, const LvHessian *hessian, LvHessianResult *result,
               LvProbeContext *context, GError **error)
{
  LvHessianTrace trace;

  if (!lv_hessian_trace_hutchinson (hessian, in->pool, in->trace_probes,
                                    lv_hessian_probe_seed (in->seed, LV_HESSIAN_SEED_TRACE),
                                    &trace, lv_probe_context_get_cancellable (context), error))
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->trace = trace;
  result->has_trace = TRUE;
  lv_probe_context_publish_end (context, 1.0);
  return TRUE;
}

/**
 * lv_hessian_probe_run:
 * @input: what to compute
 * @result: (out caller-allocates): zero-initialised; filled as parts finish
 * @context: (nullable): lock, progress, cancellation
 * @error: return location for an error (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Returns: %TRUE when every part asked for was computed
 */
gboolean
lv_hessian_probe_run (const LvHessianInput *input, LvHessianResult *result,
                      LvProbeContext *context, GError **error)
{
  gsize n = lv_mlp_n_params (&input->shape);
  g_autofree double *pd = NULL;
  g_autoptr(LvHessian) hessian = NULL;
  g_autoptr(GError) local = NULL;
  gboolean ok;

  if (!lv_hessian_input_check (input, error))
    return FALSE;
  /* No lv_probe_context_check() here: it waits while paused, and the index survey runs this
   * probe on pool threads, which must never park. */
  if (g_cancellable_is_cancelled (lv_probe_context_get_cancellable (context)))
    return lv_probe_fail (context, NULL, error);
  /* Hessian–vector products run in double at the float parameters. */
  pd = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    pd[i] = input->params[i];
  hessian = lv_hessian_new (&input->shape, pd, input->dataset, error);
  if (hessian == NULL)
    return FALSE;
  ok = compute_main (input, hessian, result, context, &local) &&
       (!input->trace || compute_trace (input, hessian, result, context, &local));
  if (ok)
    return TRUE;
  return lv_probe_fail (context, g_steal_pointer (&local), error);
}

/**
 * lv_hessian_slq_default_sigma:
 * @slq: a quadrature
 *
 * Returns: 1 % of the spread of its nodes (of |λ_max| when they coincide)
 */
double
lv_hessian_slq_default_sigma (const LvHessianSlq *slq)
{
  double spread = slq->max_eigenvalue - slq->min_eigenvalue;

  if (!(spread > 0))
    spread = MAX (fabs (slq->max_eigenvalue), 1e-12);
  return 0.01 * spread;
}
