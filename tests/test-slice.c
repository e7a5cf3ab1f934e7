/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

/* A trained network on overlapping blobs (not separable, so cross-entropy has a minimum). */
typedef struct
{
  LvDataset *ds;
  LvMlpShape shape;
  float *params;
  gsize np;
} Trained;

static void
trained_clear (Trained *t)
{
  g_clear_pointer (&t->ds, lv_dataset_unref);
  g_clear_pointer (&t->params, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Trained, trained_clear)

static void
train (Trained *t, guint n_train, guint n_test, guint dims, guint hidden, LvActivation act,
       guint epochs, guint batch, double lr, guint64 seed)
{
  LvTrainConfig config;

  t->ds = lv_test_blobs (n_train, n_test, dims, 1.0, 42);
  g_assert_true (lv_mlp_shape_init (&t->shape, dims, 1, hidden, 2, act, LV_LOSS_CROSS_ENTROPY,
                                    TRUE, NULL));
  t->np = lv_mlp_n_params (&t->shape);
  t->params = g_new (float, t->np);
  lv_train_config_init (&config);
  config.epochs = epochs;
  config.batch = batch;
  config.lr = lr;
  config.lr_decay = lr < 0.1 ? 0.05 : 0;
  g_assert_cmpint (lv_train_run (&t->shape, &config, t->ds, seed, t->params, NULL, NULL, NULL),
                   ==, LV_RUN_FINISHED);
}

/* The independent reference: lv_mlp_evaluate with LV_SLICE_CHUNK-sample batches. */
static double
model_loss (const Trained *t, const float *params, gboolean test)
{
  g_autoptr(LvMlpWorkspace) ws = lv_mlp_workspace_new (&t->shape, LV_SLICE_CHUNK);

  return test ? lv_mlp_evaluate (&t->shape, params, t->ds->x_test, t->ds->y_test, NULL,
                                 t->ds->n_test, NULL, ws)
              : lv_mlp_evaluate (&t->shape, params, t->ds->x_train, t->ds->y_train, NULL,
                                 t->ds->n_train, NULL, ws);
}

/* The centre of a slice is the trained model's own loss, bit for bit, with both evaluators. */
static void
test_center (void)
{
  g_auto(Trained) t = { 0 };
  g_autofree float *d1 = NULL, *d2 = NULL;
  g_autoptr(GError) error = NULL;
  LvSliceConfig config;

  train (&t, 700, 300, 10, 8, LV_ACTIVATION_TANH, 3, 32, 0.05, 1);
  d1 = g_new (float, t.np);
  d2 = g_new (float, t.np);
  g_assert_true (lv_slice_direction_filter (&t.shape, t.params, 1, FALSE, d1, NULL));
  g_assert_true (lv_slice_direction_filter (&t.shape, t.params, 2, FALSE, d2, NULL));
  lv_slice_config_init (&config);
  config.grid = 5;
  for (int naive = 0; naive <= 1; naive++)
    {
      g_autoptr(LvSliceGrid) g = NULL;
      config.naive = naive;
      g = lv_slice_grid_compute (&t.shape, t.params, d1, d2, t.ds, &config, NULL, NULL, NULL,
                                 NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (lv_slice_grid_coord (g, 2), ==, 0.0);
      g_assert_true (g->train_loss[2 * 5 + 2] == model_loss (&t, t.params, FALSE));
      g_assert_true (g->test_loss[2 * 5 + 2] == model_loss (&t, t.params, TRUE));
    }
}

/*
 * The linearity trick against the naive evaluator on a 2-layer net with biases: equal to float
 * rounding everywhere; and the same grid (bit for bit) with a 2-thread pool as without.
 */
static void
test_trick_equals_naive (void)
{
  g_auto(Trained) t = { 0 };
  g_autoptr(LvDataset) ds = lv_test_blobs (600, 0, 12, 1.0, 3);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvSliceGrid) fast = NULL, slow = NULL, pooled = NULL;
  g_autofree float *d1 = NULL, *d2 = NULL;
  g_autoptr(GError) error = NULL;
  LvSliceConfig config;
  LvRng rng;

  g_assert_true (lv_mlp_shape_init (&t.shape, 12, 2, 7, 2, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  t.np = lv_mlp_n_params (&t.shape);
  t.params = g_new (float, t.np);
  lv_rng_init (&rng, 5);
  lv_mlp_init_params (&t.shape, LV_INIT_HE, &rng, t.params);
  for (gsize i = 0; i < t.np; i++)
    t.params[i] += 0.1f * (float) lv_rng_gaussian (&rng); /* non-zero biases too */
  d1 = g_new (float, t.np);
  d2 = g_new (float, t.np);
  g_assert_true (lv_slice_direction_filter (&t.shape, t.params, 7, TRUE, d1, NULL));
  g_assert_true (lv_slice_direction_filter (&t.shape, t.params, 8, TRUE, d2, NULL));

  lv_slice_config_init (&config);
  config.grid = 9;
  config.span = 1.5;
  fast = lv_slice_grid_compute (&t.shape, t.params, d1, d2, ds, &config, NULL, NULL, NULL, NULL,
                                &error);
  g_assert_no_error (error);
  pooled = lv_slice_grid_compute (&t.shape, t.params, d1, d2, ds, &config, pool, NULL, NULL,
                                  NULL, &error);
  g_assert_no_error (error);
  config.naive = TRUE;
  slow = lv_slice_grid_compute (&t.shape, t.params, d1, d2, ds, &config, pool, NULL, NULL, NULL,
                                &error);
  g_assert_no_error (error);
  g_assert_null (fast->test_loss);
  for (guint k = 0; k < 81; k++)
    {
      g_assert_true (isfinite (fast->train_loss[k]));
      g_assert_true (fast->train_loss[k] == pooled->train_loss[k]);
      g_assert_cmpfloat_with_epsilon (fast->train_loss[k], slow->train_loss[k],
                                      1e-4 * (1 + slow->train_loss[k]));
      g_assert_cmpfloat_with_epsilon (fast->train_accuracy[k], slow->train_accuracy[k], 0.01);
    }
}

/*
 * Filter normalisation: every unit's incoming row has the norm of the trained row; biases are
 * zero unless kept (then row + bias together match). Rows shared by two network widths are
 * identical up to their scale (directions do not depend on the size).
 */
static void
test_filter_normalisation (void)
{
  LvMlpShape shape, wider;
  g_autofree float *p = NULL, *d = NULL, *pw = NULL, *dw = NULL;
  LvRng rng;

  g_assert_true (lv_mlp_shape_init (&shape, 6, 2, 5, 3, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  p = g_new (float, lv_mlp_n_params (&shape));
  d = g_new (float, lv_mlp_n_params (&shape));
  lv_rng_init (&rng, 1);
  for (gsize i = 0; i < lv_mlp_n_params (&shape); i++)
    p[i] = (float) lv_rng_gaussian (&rng);
  for (int keep = 0; keep <= 1; keep++)
    {
      g_assert_true (lv_slice_direction_filter (&shape, p, 3, keep, d, NULL));
      for (guint l = 0; l < shape.n_layers; l++)
        for (guint j = 0; j < shape.widths[l + 1]; j++)
          {
            gsize row = lv_mlp_weight_offset (&shape, l) + (gsize) j * shape.widths[l];
            gsize b = lv_mlp_bias_offset (&shape, l) + j;
            double nw = 0, nd = 0;
            for (guint i = 0; i < shape.widths[l]; i++)
              {
                nw += (double) p[row + i] * p[row + i];
                nd += (double) d[row + i] * d[row + i];
              }
            if (keep)
              {
                nw += (double) p[b] * p[b];
                nd += (double) d[b] * d[b];
              }
            else
              g_assert_cmpfloat (d[b], ==, 0.0f);
            g_assert_cmpfloat_with_epsilon (sqrt (nd), sqrt (nw), 1e-5 * sqrt (nw));
          }
    }

  /* A wider network: its first five first-layer rows point the same way. */
  g_assert_true (lv_mlp_shape_init (&wider, 6, 2, 9, 3, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  pw = g_new (float, lv_mlp_n_params (&wider));
  dw = g_new (float, lv_mlp_n_params (&wider));
  for (gsize i = 0; i < lv_mlp_n_params (&wider); i++)
    pw[i] = 1.0f;
  g_assert_true (lv_slice_direction_filter (&shape, p, 3, FALSE, d, NULL));
  g_assert_true (lv_slice_direction_filter (&wider, pw, 3, FALSE, dw, NULL));
  for (guint j = 0; j < 5; j++)
    {
      double dot = 0, na = 0, nb = 0;
      for (guint i = 0; i < 6; i++)
        {
          dot += (double) d[j * 6 + i] * dw[j * 6 + i];
          na += (double) d[j * 6 + i] * d[j * 6 + i];
          nb += (double) dw[j * 6 + i] * dw[j * 6 + i];
        }
      g_assert_cmpfloat_with_epsilon (dot / sqrt (na * nb), 1.0, 1e-6);
    }
}

/*
 * Along filter-normalised directions through a well-trained minimum (full-batch descent on a
 * small non-separable problem), the loss rises on both sides for a small span.
 */
static void
test_minimum_rises (void)
{
  g_auto(Trained) t = { 0 };
  g_autofree float *d = NULL;
  g_autoptr(GError) error = NULL;
  const double alphas[] = { -0.1, -0.05, 0.0, 0.05, 0.1 };

  train (&t, 200, 0, 3, 4, LV_ACTIVATION_TANH, 3000, 200, 0.3, 2);
  d = g_new (float, t.np);
  for (guint64 seed = 1; seed <= 4; seed++)
    {
      LvSliceValues v[5];
      g_assert_true (lv_slice_direction_filter (&t.shape, t.params, seed, FALSE, d, NULL));
      g_assert_true (lv_slice_evaluate_points (&t.shape, t.params, d, NULL, t.ds, alphas, NULL,
                                               5, FALSE, FALSE, NULL, v, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (v[0].train_loss, >, v[1].train_loss);
      g_assert_cmpfloat (v[1].train_loss, >, v[2].train_loss);
      g_assert_cmpfloat (v[3].train_loss, >, v[2].train_loss);
      g_assert_cmpfloat (v[4].train_loss, >, v[3].train_loss);
    }
}

/*
 * Interpolation: from a run to itself the line is flat (exactly the run's loss); between two
 * runs, t = 0 and t = 1 reproduce each run's own loss (to float rounding of θ_A + (θ_B − θ_A)).
 */
static void
test_interpolation (void)
{
  g_auto(Trained) a = { 0 };
  g_auto(Trained) b = { 0 };
  g_autofree float *d = NULL;
  g_autoptr(GError) error = NULL;
  const double ts[] = { -0.5, 0.0, 0.25, 0.5, 1.0, 1.5 };
  LvSliceValues v[6];
  double self;

  train (&a, 300, 100, 4, 6, LV_ACTIVATION_RELU, 5, 32, 0.05, 1);
  train (&b, 300, 100, 4, 6, LV_ACTIVATION_RELU, 5, 32, 0.05, 2);
  d = g_new (float, a.np);
  lv_slice_directions_between (a.np, a.params, a.params, NULL, d, NULL);
  g_assert_true (lv_slice_evaluate_points (&a.shape, a.params, d, NULL, a.ds, ts, NULL, 6, FALSE,
                                           TRUE, NULL, v, NULL, &error));
  g_assert_no_error (error);
  self = model_loss (&a, a.params, FALSE);
  for (guint k = 0; k < 6; k++)
    {
      g_assert_true (v[k].train_loss == self);
      g_assert_true (v[k].test_loss == model_loss (&a, a.params, TRUE));
    }

  lv_slice_directions_between (a.np, a.params, b.params, NULL, d, NULL);
  g_assert_true (lv_slice_evaluate_points (&a.shape, a.params, d, NULL, a.ds, ts, NULL, 6, FALSE,
                                           TRUE, NULL, v, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (v[1].train_loss == self);
  g_assert_cmpfloat_with_epsilon (v[4].train_loss, model_loss (&a, b.params, FALSE), 1e-4);
}

/*
 * PCA of a synthetic trajectory that moves along two known orthogonal directions u (large
 * variance) and w (small), with uncorrelated coordinates (Σ a_k b_k = 0): the directions span them in that order, the projections recover the
 * coordinates, and a one-dimensional trajectory is refused.
 */
static void
test_pca (void)
{
  LvMlpShape shape;
  const guint m = 6;
  gsize np;
  g_autofree float *center = NULL, *u = NULL, *w = NULL, *cp = NULL, *d1 = NULL, *d2 = NULL;
  g_autoptr(GError) error = NULL;
  const double a[] = { 3, -2, 1.5, -1, 0.5, 0 }, b[] = { 0.2, 0.3, 0, 0, 0, 0 };
  double explained[2], cu = 0, cw = 0, nu = 0, nd = 0, nw = 0, nd2 = 0;

  g_assert_true (lv_mlp_shape_init (&shape, 4, 1, 3, 2, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  np = lv_mlp_n_params (&shape);
  center = g_new (float, np);
  u = g_new0 (float, np);
  w = g_new0 (float, np);
  cp = g_new (float, m * np);
  d1 = g_new (float, np);
  d2 = g_new (float, np);
  for (gsize i = 0; i < np; i++)
    {
      center[i] = (float) i * 0.1f;
      if (i % 2 == 0)
        u[i] = 1;
      else
        w[i] = 1;
    }
  for (guint k = 0; k < m; k++)
    for (gsize i = 0; i < np; i++)
      cp[k * np + i] = center[i] + (float) (a[k] * u[i] + b[k] * w[i]);
  g_assert_true (lv_slice_directions_pca (&shape, center, cp, m, d1, d2, explained, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (explained[0], >, explained[1]);
  g_assert_cmpfloat_with_epsilon (explained[0] + explained[1], 1.0, 1e-9);
  for (gsize i = 0; i < np; i++)
    {
      cu += (double) d1[i] * u[i];
      cw += (double) d2[i] * w[i];
      nu += (double) u[i] * u[i];
      nw += (double) w[i] * w[i];
      nd += (double) d1[i] * d1[i];
      nd2 += (double) d2[i] * d2[i];
    }
  g_assert_cmpfloat_with_epsilon (fabs (cu) / sqrt (nu * nd), 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fabs (cw) / sqrt (nw * nd2), 1.0, 1e-6);
  /* Scaled so the farthest checkpoint sits at |α| = 1 and |β| = 1. */
  for (guint k = 0; k < m; k++)
    {
      double alpha, beta;
      g_assert_true (lv_slice_project (np, center, d1, d2, cp + k * np, &alpha, &beta));
      g_assert_cmpfloat_with_epsilon (fabs (alpha), fabs (a[k]) / 3.0, 1e-5);
      g_assert_cmpfloat_with_epsilon (fabs (beta), fabs (b[k]) / 0.3, 1e-5);
    }

  for (guint k = 0; k < m; k++)
    for (gsize i = 0; i < np; i++)
      cp[k * np + i] = center[i] + (float) (a[k] * u[i]);
  g_assert_false (lv_slice_directions_pca (&shape, center, cp, m, d1, d2, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
}

typedef struct
{
  guint calls;
  guint last_level;
  guint n_levels;
  GCancellable *cancel_after_first;
} Progress;

static void
on_progress (const LvSliceGrid *grid, guint level, guint n_levels, gpointer user_data)
{
  Progress *p = user_data;
  guint computed = 0;

  p->calls++;
  g_assert_cmpuint (level, ==, p->last_level + 1);
  p->last_level = level;
  p->n_levels = n_levels;
  for (guint k = 0; k < grid->grid * grid->grid; k++)
    computed += isfinite (grid->train_loss[k]);
  /* Exactly the points on the current stride's sub-grid are known. */
  g_assert_cmpuint (computed, ==, ((grid->grid - 1) / grid->stride + 1) *
                                  ((grid->grid - 1) / grid->stride + 1));
  if (p->cancel_after_first != NULL)
    g_cancellable_cancel (p->cancel_after_first);
}

/* Progressive refinement (coarse 6 × 6 first on a 41-grid), then cancellation. */
static void
test_progressive_and_cancel (void)
{
  g_auto(Trained) t = { 0 };
  g_autoptr(LvSliceGrid) g = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree float *d1 = NULL, *d2 = NULL;
  g_autoptr(GError) error = NULL;
  LvSliceConfig config;
  Progress p = { 0 };

  train (&t, 100, 0, 3, 3, LV_ACTIVATION_RELU, 1, 32, 0.05, 1);
  d1 = g_new (float, t.np);
  d2 = g_new (float, t.np);
  lv_slice_direction_filter (&t.shape, t.params, 1, FALSE, d1, NULL);
  lv_slice_direction_filter (&t.shape, t.params, 2, FALSE, d2, NULL);
  lv_slice_config_init (&config);
  config.grid = 41;
  g = lv_slice_grid_compute (&t.shape, t.params, d1, d2, t.ds, &config, NULL, on_progress, &p,
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p.calls, ==, 4); /* strides 8, 4, 2, 1 */
  g_assert_cmpuint (p.n_levels, ==, 4);
  g_assert_cmpuint (g->stride, ==, 1);

  memset (&p, 0, sizeof p);
  p.cancel_after_first = cancellable;
  g_clear_pointer (&g, lv_slice_grid_free);
  g = lv_slice_grid_compute (&t.shape, t.params, d1, d2, t.ds, &config, NULL, on_progress, &p,
                             cancellable, &error);
  g_assert_null (g);
  g_assert_error (error, LV_ERROR, LV_ERROR_CANCELLED);
  g_assert_cmpuint (p.calls, ==, 1);
}

/* Bad parameters are refused with LV_ERROR_INVALID_INPUT. */
static void
test_bad_input (void)
{
  g_auto(Trained) t = { 0 };
  g_autofree float *d = NULL;
  LvSliceConfig config;
  const guint grids[] = { 0, 1, LV_SLICE_MAX_GRID + 1 };
  const double spans[] = { 0, -1, NAN, INFINITY };

  train (&t, 50, 0, 3, 3, LV_ACTIVATION_RELU, 1, 32, 0.05, 1);
  d = g_new (float, t.np);
  lv_slice_direction_filter (&t.shape, t.params, 1, FALSE, d, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (grids) + G_N_ELEMENTS (spans) + 1; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LvSliceGrid) g = NULL;
      lv_slice_config_init (&config);
      if (k < G_N_ELEMENTS (grids))
        config.grid = grids[k];
      else if (k < G_N_ELEMENTS (grids) + G_N_ELEMENTS (spans))
        config.span = spans[k - G_N_ELEMENTS (grids)];
      else
        d[0] = NAN;
      g = lv_slice_grid_compute (&t.shape, t.params, d, d, t.ds, &config, NULL, NULL, NULL, NULL,
                                 &error);
      g_assert_null (g);
      g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
    }
}

/* lv_slice_grid_new_nan (the MPI ranks' empty grid): the size and span checks of
 * lv_slice_grid_compute(), then G × G NaNs at stride 1, test arrays only when asked. */
static void
test_new_nan (void)
{
  LvSliceConfig config;
  g_autoptr(LvSliceGrid) grid = NULL;
  g_autoptr(GError) error = NULL;

  lv_slice_config_init (&config);
  config.grid = 1;
  g_assert_null (lv_slice_grid_new_nan (&config, TRUE, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  config.grid = 5;
  config.span = 0.0;
  g_assert_null (lv_slice_grid_new_nan (&config, TRUE, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  config.span = 1.5;
  grid = lv_slice_grid_new_nan (&config, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grid->grid, ==, 5);
  g_assert_cmpuint (grid->stride, ==, 1);
  g_assert_cmpfloat (grid->span, ==, 1.5);
  g_assert_null (grid->test_loss);
  g_assert_null (grid->test_accuracy);
  for (guint i = 0; i < 25; i++)
    g_assert_true (isnan (grid->train_loss[i]) && isnan (grid->train_accuracy[i]));
  g_clear_pointer (&grid, lv_slice_grid_free);
  grid = lv_slice_grid_new_nan (&config, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (grid->test_loss[24]) && isnan (grid->test_accuracy[0]));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/slice/center", test_center);
  g_test_add_func ("/lossviz/slice/trick-equals-naive", test_trick_equals_naive);
  g_test_add_func ("/lossviz/slice/filter-normalisation", test_filter_normalisation);
  g_test_add_func ("/lossviz/slice/minimum-rises", test_minimum_rises);
  g_test_add_func ("/lossviz/slice/interpolation", test_interpolation);
  g_test_add_func ("/lossviz/slice/pca", test_pca);
  g_test_add_func ("/lossviz/slice/progressive-and-cancel", test_progressive_and_cancel);
  g_test_add_func ("/lossviz/slice/bad-input", test_bad_input);
  g_test_add_func ("/lossviz/slice/new-nan", test_new_nan);
  return g_test_run ();
}
