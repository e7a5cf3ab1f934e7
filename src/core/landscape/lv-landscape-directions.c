/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The landscape probe's first stage: the plane's two directions (see lv-landscape-probe.h). */
#include "config.h"

#include <lossviz/lv-error.h>
#include <lossviz/lv-landscape-probe.h>
#include <lossviz/lv-rng.h>

/* The CLI's seeds: independent of the run and of the size, so every slice uses the same
 * draws and pictures of different sizes are comparable. */
static gboolean
filter_directions (const LvLandscapeInput *in, float *d1, float *d2, GError **error)
{
  return lv_slice_direction_filter (&in->shape, in->center, lv_seed_mix (in->direction_seed, 1, 0),
                                    in->keep_bias, d1, error) &&
         lv_slice_direction_filter (&in->shape, in->center, lv_seed_mix (in->direction_seed, 2, 0),
                                    in->keep_bias, d2, error);
}

/* An ensemble keeps only final weights: without a saved trajectory, train the run again with
 * its own seeds, recording every epoch (small networks train in well under a second). */
static gboolean
retrain_trajectory (const LvLandscapeInput *in, GArray *checkpoints, LvProbeContext *context,
                    GError **error)
{
  LvTrajectoryRun run = { &in->shape, &in->train, in->dataset, in->run_seed, in->shared_order,
                          in->order_seed };
  g_autofree float *params = g_new (float, lv_mlp_n_params (&in->shape));
  LvRunState state = lv_trajectory_record (&run, params, checkpoints,
                                           lv_probe_context_get_cancellable (context));

  if (state == LV_RUN_CANCELLED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  if (state != LV_RUN_FINISHED)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "Retraining the run for its trajectory ended %s", lv_run_state_to_string (state));
      return FALSE;
    }
  return TRUE;
}

/* PCA of the trajectory; the trajectory's projection is the plane's path. */
static gboolean
pca_directions (const LvLandscapeInput *in, LvLandscapeResult *result, float *d1, float *d2,
                LvProbeContext *context, GError **error)
{
  gsize np = result->n_params;
  g_autoptr(GArray) recorded = NULL;
  const float *checkpoints = in->trajectory;
  guint m = in->n_trajectory;
  double explained[2];

  if (checkpoints == NULL)
    {
      recorded = g_array_new (FALSE, FALSE, sizeof (float));
      if (!retrain_trajectory (in, recorded, context, error))
        return FALSE;
      checkpoints = (const float *) recorded->data;
      m = recorded->len / (guint) np;
    }
  if (!lv_slice_directions_pca (&in->shape, in->center, checkpoints, m, d1, d2, explained, error))
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->explained[0] = explained[0];
  result->explained[1] = explained[1];
  for (guint k = 0; k < m; k++)
    {
      double a, b;

      if (lv_slice_project (np, in->center, d1, d2, checkpoints + (gsize) k * np, &a, &b))
        {
          g_array_append_val (result->path_x, a);
          g_array_append_val (result->path_y, b);
        }
    }
  lv_probe_context_publish_end (context, -1);
  return TRUE;
}

/**
 * lv_landscape_directions:
 * @input: the probe's input
 * @result: the probe's result: receives d1, d2 (and the PCA path and explained variance)
 * @context: (nullable): lock, progress, cancellation
 * @error: return location for an error
 *
 * Returns: %TRUE when both directions are set
 */
gboolean
lv_landscape_directions (const LvLandscapeInput *input, LvLandscapeResult *result,
                         LvProbeContext *context, GError **error)
{
  gsize np = lv_mlp_n_params (&input->shape);
  g_autofree float *d1 = g_new (float, np);
  g_autofree float *d2 = g_new (float, np);
  gboolean ok;

  result->n_params = np;
  switch (input->kind)
    {
    case LV_SLICE_DIRECTIONS_FILTER:
      ok = filter_directions (input, d1, d2, error);
      break;
    case LV_SLICE_DIRECTIONS_PCA:
      ok = pca_directions (input, result, d1, d2, context, error);
      break;
    case LV_SLICE_DIRECTIONS_INTERPOLATE:
    default:
      lv_slice_directions_between (np, input->center, input->partner, input->partner2, d1, d2);
      ok = TRUE;
      break;
    }
  if (!ok)
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->d1 = g_steal_pointer (&d1);
  result->d2 = g_steal_pointer (&d2);
  lv_probe_context_publish_end (context, -1);
  return TRUE;
}
