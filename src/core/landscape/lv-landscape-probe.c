/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The landscape probe (see lv-landscape-probe.h, docs/DESIGN.md "Probes and jobs"). */
#include "config.h"

#include <math.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-landscape-probe.h>

#include "lv-probe-finish-private.h"

/**
 * lv_landscape_input_init:
 * @input: (out): defaults: filter directions with seed 1, a 21 × 21 grid over [−1, 1]² with
 *   the test split, no interpolation, no Hessian
 */
void
lv_landscape_input_init (LvLandscapeInput *input)
{
  *input = (LvLandscapeInput) { 0 };
  input->kind = LV_SLICE_DIRECTIONS_FILTER;
  input->direction_seed = 1;
  lv_slice_config_init (&input->slice);
  input->slice.test = TRUE;
  lv_train_config_init (&input->train);
}

/**
 * lv_landscape_input_check:
 * @input: the input
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Returns: whether the probe can run on @input
 */
gboolean
lv_landscape_input_check (const LvLandscapeInput *input, GError **error)
{
  const char *problem = NULL;

  if (input->center == NULL || input->dataset == NULL)
    problem = "The landscape needs a network and a dataset";
  else if (input->slice.grid < 2 || input->slice.grid > LV_SLICE_MAX_GRID ||
           !(input->slice.span > 0) || !isfinite (input->slice.span))
    problem = "The slice needs 2 … 1001 points per axis and a positive span";
  else if (input->kind == LV_SLICE_DIRECTIONS_INTERPOLATE &&
           (input->partner == NULL || input->partner2 == NULL))
    problem = "The plane through three minima needs three trained networks of this size";
  else if (input->kind == LV_SLICE_DIRECTIONS_PCA && input->trajectory != NULL &&
           input->n_trajectory < 2)
    problem = "PCA directions need a trajectory of at least two checkpoints";
  else if (input->n_interp > 0 && (input->partner == NULL || input->n_interp < 3))
    problem = "The interpolation needs a partner network and at least three points";
  if (problem == NULL)
    return TRUE;
  g_set_error_literal (error, LV_ERROR, LV_ERROR_INVALID_INPUT, problem);
  return FALSE;
}

/**
 * lv_landscape_result_init:
 * @result: (out caller-allocates): an empty result
 */
void
lv_landscape_result_init (LvLandscapeResult *result)
{
  *result = (LvLandscapeResult) { 0 };
  result->path_x = g_array_new (FALSE, FALSE, sizeof (double));
  result->path_y = g_array_new (FALSE, FALSE, sizeof (double));
  result->center_train = result->center_test = NAN;
}

/**
 * lv_landscape_result_clear:
 * @result: a result from lv_landscape_result_init()
 */
void
lv_landscape_result_clear (LvLandscapeResult *result)
{
  g_free (result->d1);
  g_free (result->d2);
  g_clear_pointer (&result->grid, lv_slice_grid_free);
  g_clear_pointer (&result->path_x, g_array_unref);
  g_clear_pointer (&result->path_y, g_array_unref);
  g_free (result->interp_t);
  g_free (result->interp_train);
  g_free (result->interp_test);
  g_clear_pointer (&result->spectrum, lv_hessian_spectrum_free);
  *result = (LvLandscapeResult) { 0 };
}

/**
 * lv_landscape_split_loss:
 * @shape: the network
 * @params: its parameters
 * @dataset: the data
 * @test: the test split instead of the train split
 *
 * The network's own mean loss over a whole split, by lv_mlp_evaluate() in chunks of
 * %LV_SLICE_CHUNK (the chunks slices use, so a slice's centre reproduces it bit for bit).
 *
 * Returns: the loss, NAN for an empty split
 */
double
lv_landscape_split_loss (const LvMlpShape *shape, const float *params, const LvDataset *dataset,
                         gboolean test)
{
  gboolean targets = shape->loss == LV_LOSS_MSE && dataset->t_train != NULL;
  g_autoptr(LvMlpWorkspace) ws = lv_mlp_workspace_new (shape, LV_SLICE_CHUNK);

  if (test)
    return dataset->n_test > 0
             ? lv_mlp_evaluate (shape, params, dataset->x_test, dataset->y_test,
                                targets ? dataset->t_test : NULL, dataset->n_test, NULL, ws)
             : NAN;
  return lv_mlp_evaluate (shape, params, dataset->x_train, dataset->y_train,
                          targets ? dataset->t_train : NULL, dataset->n_train, NULL, ws);
}

/**
 * lv_landscape_grid_extremes:
 * @grid: a slice, complete or progressive
 * @argmin: (out): index (j · grid + i) of the smallest finite train loss among the computed
 *   points, -1 when none
 * @max: (out): the largest finite train loss, NAN when none
 *
 * The plane's landmarks, shared by the CLI's report and the app's markers.
 */
void
lv_landscape_grid_extremes (const LvSliceGrid *grid, gssize *argmin, double *max)
{
  guint s = MAX (grid->stride, 1);
  gssize best = -1;

  *max = NAN;
  for (guint j = 0; j < grid->grid; j += s)
    for (guint i = 0; i < grid->grid; i += s)
      {
        gsize k = (gsize) j * grid->grid + i;
        double v = grid->train_loss[k];

        if (!isfinite (v))
          continue;
        if (best < 0 || v < grid->train_loss[best])
          best = (gssize) k;
        if (!(v <= *max))
          *max = v;
      }
  *argmin = best;
}

static void
set_stage (LvLandscapeResult *result, LvLandscapeStage stage, LvProbeContext *context,
           double fraction)
{
  lv_probe_context_publish_begin (context);
  result->stage = stage;
  lv_probe_context_publish_end (context, fraction);
}

typedef struct
{
  LvLandscapeResult *result;
  LvProbeContext *context;
} SliceProgress;

/* Each refinement level replaces the published grid by a copy of the finer one. */
static void
on_slice_level (const LvSliceGrid *grid, guint level, guint n_levels, gpointer user_data)
{
  SliceProgress *p = user_data;
  LvSliceGrid *copy = lv_slice_grid_copy (grid);

  lv_probe_context_publish_begin (p->context);
  g_clear_pointer (&p->result->grid, lv_slice_grid_free);
  p->result->grid = copy;
  p->result->level = level;
  p->result->n_levels = n_levels;
  lv_probe_context_publish_end (p->context, 0.1 + 0.7 * level / MAX (n_levels, 1));
}

static gboolean
compute_slice (const LvLandscapeInput *in, LvLandscapeResult *result, LvProbeContext *context,
               GError **error)
{
  SliceProgress progress = { result, context };
  LvSliceGrid *grid;
  double train, test;

  if (in->grid_func != NULL)
    grid = in->grid_func (&in->shape, in->center, result->d1, result->d2, in->dataset,
                          &in->slice, in->pool, error);
  else
    grid = lv_slice_grid_compute (&in->shape, in->center, result->d1, result->d2, in->dataset,
                                  &in->slice, in->pool, on_slice_level, &progress,
                                  lv_probe_context_get_cancellable (context), error);
  if (grid == NULL)
    return FALSE;
  /* The complete grid replaces the last progressive copy. */
  lv_probe_context_publish_begin (context);
  g_clear_pointer (&result->grid, lv_slice_grid_free);
  result->grid = grid;
  result->n_levels = MAX (result->n_levels, 1);
  result->level = result->n_levels;
  lv_probe_context_publish_end (context, 0.8);
  /* The run's own losses, by the evaluation the slice's centre reproduces exactly. */
  train = lv_landscape_split_loss (&in->shape, in->center, in->dataset, FALSE);
  test = lv_landscape_split_loss (&in->shape, in->center, in->dataset, TRUE);
  lv_probe_context_publish_begin (context);
  result->center_train = train;
  result->center_test = test;
  lv_probe_context_publish_end (context, 0.8);
  return TRUE;
}

/* Train and test loss on θ + t (θ_partner − θ), t ∈ [−0.25, 1.25]: t = 0 is the network, t = 1
 * the partner. */
static gboolean
compute_interpolation (const LvLandscapeInput *in, LvLandscapeResult *result,
                       LvProbeContext *context, GError **error)
{
  guint n = in->n_interp;
  gsize np = result->n_params;
  g_autofree float *d1 = g_new (float, np);
  g_autofree float *d2 = g_new0 (float, np);
  g_autofree double *t = g_new (double, n), *zeros = g_new0 (double, n);
  g_autofree double *train = g_new (double, n), *test = g_new (double, n);
  g_autofree LvSliceValues *values = g_new (LvSliceValues, n);

  for (gsize i = 0; i < np; i++)
    d1[i] = in->partner[i] - in->center[i];
  for (guint k = 0; k < n; k++)
    t[k] = -0.25 + 1.5 * k / (n - 1);
  if (!lv_slice_evaluate_points (&in->shape, in->center, d1, d2, in->dataset, t, zeros, n,
                                 in->slice.naive, in->slice.test, in->pool, values,
                                 lv_probe_context_get_cancellable (context), error))
    return FALSE;
  for (guint k = 0; k < n; k++)
    {
      train[k] = values[k].train_loss;
      test[k] = values[k].test_loss;
    }
  lv_probe_context_publish_begin (context);
  result->interp_t = g_steal_pointer (&t);
  result->interp_train = g_steal_pointer (&train);
  result->interp_test = g_steal_pointer (&test);
  result->n_interp = n;
  lv_probe_context_publish_end (context, 0.9);
  return TRUE;
}

/* The Hessian summary: every eigenvalue of a small network, the Lanczos extremes otherwise. */
static gboolean
compute_hessian (const LvLandscapeInput *in, LvLandscapeResult *result, LvProbeContext *context,
                 GError **error)
{
  LvHessianInput h;
  LvHessianResult hr = { 0 };
  /* The summary publishes itself below, under the landscape's stage; no nested progress. */
  LvProbeContext quiet = LV_PROBE_CONTEXT_INIT (lv_probe_context_get_cancellable (context));

  lv_hessian_input_init (&h);
  h.shape = in->shape;
  h.params = in->center;
  h.dataset = in->dataset;
  h.method = result->n_params <= LV_LANDSCAPE_FULL_SPECTRUM_MAX_PARAMS ? LV_HESSIAN_PROBE_FULL
                                                                       : LV_HESSIAN_PROBE_LANCZOS;
  h.seed = in->run_seed;
  h.pool = in->pool;
  if (!lv_hessian_probe_run (&h, &hr, &quiet, error))
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->spectrum = g_steal_pointer (&hr.spectrum);
  lv_probe_context_publish_end (context, 1.0);
  lv_hessian_result_clear (&hr);
  return TRUE;
}

static gboolean
run_stages (const LvLandscapeInput *input, LvLandscapeResult *result, LvProbeContext *context,
            GError **error)
{
  set_stage (result, LV_LANDSCAPE_STAGE_DIRECTIONS, context, 0);
  if (!lv_landscape_directions (input, result, context, error) ||
      !lv_probe_context_check (context, error))
    return FALSE;
  set_stage (result, LV_LANDSCAPE_STAGE_SLICE, context, 0.1);
  if (!compute_slice (input, result, context, error) || !lv_probe_context_check (context, error))
    return FALSE;
  if (input->n_interp > 0)
    {
      set_stage (result, LV_LANDSCAPE_STAGE_INTERPOLATION, context, 0.8);
      if (!compute_interpolation (input, result, context, error) ||
          !lv_probe_context_check (context, error))
        return FALSE;
    }
  if (input->hessian)
    {
      set_stage (result, LV_LANDSCAPE_STAGE_HESSIAN, context, 0.9);
      if (!compute_hessian (input, result, context, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * lv_landscape_probe_run:
 * @input: what to compute
 * @result: (out caller-allocates): from lv_landscape_result_init(); filled stage by stage
 * @context: (nullable): lock, progress, cancellation
 * @error: return location for an error (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Runs the stages in order (directions, slice and the centre's losses, interpolation, Hessian).
 * A cancelled probe keeps what it finished (the grid of its last refinement level, …) and ends
 * in %LV_LANDSCAPE_STAGE_FAILED.
 *
 * Returns: %TRUE when every stage asked for finished
 */
gboolean
lv_landscape_probe_run (const LvLandscapeInput *input, LvLandscapeResult *result,
                        LvProbeContext *context, GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ok;

  if (!lv_landscape_input_check (input, error))
    return FALSE;
  ok = run_stages (input, result, context, &local);
  set_stage (result, ok ? LV_LANDSCAPE_STAGE_DONE : LV_LANDSCAPE_STAGE_FAILED, context,
             ok ? 1.0 : -1);
  if (ok)
    return TRUE;
  return lv_probe_fail (context, g_steal_pointer (&local), error);
}
