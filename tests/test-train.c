/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

typedef struct
{
  guint epochs;
  LvEpochStats last;
  LvEpochStats first;
} Progress;

static void
record_epoch (guint epoch, const LvEpochStats *stats, gpointer data)
{
  Progress *p = data;

  if (epoch == 0)
    p->first = *stats;
  p->last = *stats;
  p->epochs = epoch + 1;
}

static void
make_shape (LvMlpShape *shape, const LvDataset *ds, guint hidden, LvLoss loss)
{
  g_assert_true (lv_mlp_shape_init (shape, ds->n_inputs, 1, hidden, ds->n_classes,
                                    LV_ACTIVATION_RELU, loss, TRUE, NULL));
}

/* Separable blobs: training must reach high test accuracy and lower its loss. */
static void
test_learns_blobs (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (400, 200, 5, 2.0, 3);
  LvMlpShape shape;
  LvTrainConfig config;
  Progress p = { 0 };
  g_autofree float *params = NULL;

  make_shape (&shape, ds, 16, LV_LOSS_CROSS_ENTROPY);
  lv_train_config_init (&config);
  config.epochs = 15;
  params = g_new (float, lv_mlp_n_params (&shape));
  g_assert_cmpint (lv_train_run (&shape, &config, ds, 9, params, record_epoch, &p, NULL), ==,
                   LV_RUN_FINISHED);
  g_assert_cmpuint (p.epochs, ==, 15);
  g_assert_cmpfloat (p.last.train_loss, <, p.first.train_loss);
  /* Bayes accuracy of two unit Gaussians 4 apart is Phi(2) = 0.977. */
  g_assert_cmpfloat (p.last.test_accuracy, >, 0.93);
  g_assert_true (isfinite (p.last.grad_norm));
}

/*
 * One epoch, one minibatch covering the whole set, no momentum: the reported train loss must be
 * the loss at the initial parameters (it comes from the minibatch before the step), which we
 * recompute independently in double from the same initialisation.
 */
static void
test_epoch_loss_is_pre_step_minibatch_loss (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (64, 0, 3, 1.0, 5);
  LvMlpShape shape;
  LvTrainConfig config;
  Progress p = { 0 };
  gsize np;
  g_autofree float *params = NULL, *init = NULL;
  g_autofree double *pd = NULL, *xd = NULL;
  g_autoptr(LvMlpWorkspaceD) ws = NULL;
  LvRng rng;
  double expected;

  make_shape (&shape, ds, 4, LV_LOSS_CROSS_ENTROPY);
  lv_train_config_init (&config);
  config.epochs = 1;
  config.batch = 64;
  config.momentum = 0;
  np = lv_mlp_n_params (&shape);
  params = g_new (float, np);
  init = g_new (float, np);
  g_assert_cmpint (lv_train_run (&shape, &config, ds, 77, params, record_epoch, &p, NULL), ==,
                   LV_RUN_FINISHED);
  g_assert_true (isnan (p.last.test_loss));

  lv_rng_init (&rng, 77);
  lv_mlp_init_params (&shape, config.init, &rng, init);
  pd = g_new (double, np);
  xd = g_new (double, 64 * 3);
  for (gsize i = 0; i < np; i++)
    pd[i] = init[i];
  for (guint i = 0; i < 64 * 3; i++)
    xd[i] = ds->x_train[i];
  ws = lv_mlp_workspace_new_d (&shape, 64);
  /* The set is shuffled, but the mean over all 64 samples does not depend on order. */
  expected = lv_mlp_loss_grad_d (&shape, pd, xd, ds->y_train, NULL, 64, NULL, NULL, ws);
  g_assert_cmpfloat (fabs (p.last.train_loss - expected), <, 1e-5 * expected);
}

/* An absurd learning rate diverges: the run ends in state diverged, never crashes. */
static void
test_divergence_is_a_state (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 50, 4, 1.0, 8);
  LvMlpShape shape;
  LvTrainConfig config;
  g_autofree float *params = NULL;

  g_assert_true (lv_mlp_shape_init (&shape, 4, 2, 32, 2, LV_ACTIVATION_LINEAR, LV_LOSS_MSE, TRUE,
                                    NULL));
  lv_train_config_init (&config);
  config.lr = 1e5;
  config.epochs = 50;
  params = g_new (float, lv_mlp_n_params (&shape));
  g_assert_cmpint (lv_train_run (&shape, &config, ds, 1, params, NULL, NULL, NULL), ==,
                   LV_RUN_DIVERGED);
}

static void
test_cancellation (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 0, 4, 1.0, 8);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LvMlpShape shape;
  LvTrainConfig config;
  g_autofree float *params = NULL;

  make_shape (&shape, ds, 8, LV_LOSS_HINGE);
  lv_train_config_init (&config);
  params = g_new (float, lv_mlp_n_params (&shape));
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (lv_train_run (&shape, &config, ds, 1, params, NULL, NULL, cancellable), ==,
                   LV_RUN_CANCELLED);
}

/* Same seed, same parameters to the bit; another seed, other parameters. */
static void
test_reproducible (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (100, 0, 4, 1.0, 8);
  LvMlpShape shape;
  LvTrainConfig config;
  gsize np;
  g_autofree float *a = NULL, *b = NULL, *c = NULL;

  make_shape (&shape, ds, 8, LV_LOSS_CROSS_ENTROPY);
  lv_train_config_init (&config);
  config.epochs = 3;
  config.reg.lambda = 1e-3;
  config.reg.degree = 3;
  np = lv_mlp_n_params (&shape);
  a = g_new (float, np);
  b = g_new (float, np);
  c = g_new (float, np);
  lv_train_run (&shape, &config, ds, 4, a, NULL, NULL, NULL);
  lv_train_run (&shape, &config, ds, 4, b, NULL, NULL, NULL);
  lv_train_run (&shape, &config, ds, 5, c, NULL, NULL, NULL);
  g_assert_cmpmem (a, np * sizeof (float), b, np * sizeof (float));
  g_assert_true (memcmp (a, c, np * sizeof (float)) != 0);
}

static void
test_config_validation (void)
{
  LvTrainConfig config;
  g_autoptr(GError) error = NULL;

  lv_train_config_init (&config);
  g_assert_true (lv_train_config_validate (&config, NULL));
  config.lr = NAN;
  g_assert_false (lv_train_config_validate (&config, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  lv_train_config_init (&config);
  config.momentum = 1.0;
  g_assert_false (lv_train_config_validate (&config, &error));
  g_assert_nonnull (strstr (error->message, "momentum"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/train/learns-blobs", test_learns_blobs);
  g_test_add_func ("/lossviz/train/epoch-loss-is-pre-step", test_epoch_loss_is_pre_step_minibatch_loss);
  g_test_add_func ("/lossviz/train/divergence-is-a-state", test_divergence_is_a_state);
  g_test_add_func ("/lossviz/train/cancellation", test_cancellation);
  g_test_add_func ("/lossviz/train/reproducible", test_reproducible);
  g_test_add_func ("/lossviz/train/config-validation", test_config_validation);
  return g_test_run ();
}
