/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"
#include "lv-test-util.h"

/*
 * The fused trainer (K networks sharing a minibatch order, one GEMM for all their first
 * layers) against the one-network reference lv_train_run_ordered(), which runs lv_mlp's own
 * forward/backward: the same seeds must give the same losses and parameters within float
 * rounding, for every activation, loss, depth, momentum and regulariser.
 */

#define MAX_NETS 8
#define MAX_EPOCHS 4

typedef struct
{
  LvEpochStats stats[MAX_NETS][MAX_EPOCHS];
  guint epochs[MAX_NETS];
  guint ended[MAX_NETS];
  LvRunState end_state[MAX_NETS];
} Record;

static void
fused_epoch (guint net, guint epoch, const LvEpochStats *stats, gpointer data)
{
  Record *rec = data;

  g_assert_cmpuint (net, <, MAX_NETS);
  g_assert_cmpuint (epoch, ==, rec->epochs[net]);
  rec->stats[net][epoch] = *stats;
  rec->epochs[net] = epoch + 1;
}

static void
fused_end (guint net, LvRunState state, gpointer data)
{
  Record *rec = data;

  rec->ended[net]++;
  rec->end_state[net] = state;
}

typedef struct
{
  LvEpochStats stats[MAX_EPOCHS];
  guint epochs;
} Single;

static void
single_epoch (guint epoch, const LvEpochStats *stats, gpointer data)
{
  Single *s = data;

  s->stats[epoch] = *stats;
  s->epochs = epoch + 1;
}

static void
assert_close (double a, double b, double rel, const char *what)
{
  if (isnan (a) && isnan (b))
    return;
  if (!(fabs (a - b) <= rel * MAX (fabs (b), 1e-3)))
    g_error ("%s: fused %.9g vs reference %.9g (tolerance %g relative)", what, a, b, rel);
}

typedef struct
{
  const char *name;
  guint depth, hidden;
  LvActivation activation;
  LvLoss loss;
  gboolean bias;
  double momentum, lr_decay;
  LvRegKind reg_kind;
  double lambda;
  gboolean targets; /* MSE on real targets (one output) */
} Case;

static LvDataset *
case_dataset (const Case *c)
{
  g_autoptr(LvDataset) blobs = lv_test_blobs (230, 70, 6, 1.0, 11);
  g_autofree float *t = NULL;

  if (!c->targets)
    return g_steal_pointer (&blobs);
  /* Real targets: a smooth function of the inputs. */
  t = g_new (float, 300);
  for (guint i = 0; i < 300; i++)
    {
      const float *x = i < 230 ? blobs->x_train + i * 6 : blobs->x_test + (i - 230) * 6;
      t[i] = sinf (x[0]) + 0.5f * x[1];
    }
  return lv_dataset_new_from_arrays ("targets", 6, 2, 230, blobs->x_train, blobs->y_train, t, 70,
                                     blobs->x_test, blobs->y_test, t + 230);
}

/* Shared order: net k against lv_train_run_ordered (seeds[k], order_seed). Independent orders
 * (the ensemble's per-run mode): net k against lv_train_run (seeds[k]). */
static void
check_fused_equals_reference (const Case *c, gboolean independent)
{
  const guint K = 5, epochs = 3;
  g_autoptr(LvDataset) ds = case_dataset (c);
  guint64 seeds[MAX_NETS], order_seed = 0xfeedULL;
  float *fused[MAX_NETS];
  LvRunState states[MAX_NETS];
  LvMlpShape shape;
  LvTrainConfig config;
  Record rec = { 0 };
  gsize np;

  g_assert_true (lv_mlp_shape_init (&shape, ds->n_inputs, c->depth, c->hidden,
                                    c->targets ? 1 : ds->n_classes, c->activation, c->loss,
                                    c->bias, NULL));
  lv_train_config_init (&config);
  config.epochs = epochs;
  config.batch = 32; /* 230 = 7·32 + 6: a short last minibatch */
  config.lr = 0.05;
  config.momentum = c->momentum;
  config.lr_decay = c->lr_decay;
  config.reg.kind = c->reg_kind;
  config.reg.lambda = c->lambda;
  np = lv_mlp_n_params (&shape);
  for (guint k = 0; k < K; k++)
    {
      seeds[k] = 1000 + 17 * k;
      fused[k] = g_new (float, np);
    }
  if (independent)
    lv_train_run_fused_independent (&shape, &config, ds, K, seeds, fused, states, fused_epoch,
                                    fused_end, &rec, NULL);
  else
    lv_train_run_fused (&shape, &config, ds, K, seeds, order_seed, fused, states, fused_epoch,
                        fused_end, &rec, NULL);

  for (guint k = 0; k < K; k++)
    {
      g_autofree float *ref = g_new (float, np);
      Single single = { 0 };
      double scale = 0, worst = 0;
      LvRunState state;

      if (independent)
        state = lv_train_run (&shape, &config, ds, seeds[k], ref, single_epoch, &single, NULL);
      else
        state = lv_train_run_ordered (&shape, &config, ds, seeds[k], order_seed, ref,
                                      single_epoch, &single, NULL);
      g_assert_cmpint (state, ==, LV_RUN_FINISHED);
      g_assert_cmpint (states[k], ==, state);
      g_assert_cmpuint (rec.ended[k], ==, 1);
      g_assert_cmpint (rec.end_state[k], ==, state);
      g_assert_cmpuint (rec.epochs[k], ==, epochs);
      for (guint e = 0; e < epochs; e++)
        {
          const LvEpochStats *a = &rec.stats[k][e], *b = &single.stats[e];
          /* Losses are logsumexp of float logits: an ulp of a logit of 30 moves a sample's loss
           * by ~2e-6 absolute, so the means agree to a few 1e-5, the parameters far closer. */
          assert_close (a->train_loss, b->train_loss, 5e-5, "train loss");
          assert_close (a->test_loss, b->test_loss, 5e-5, "test loss");
          assert_close (a->grad_norm, b->grad_norm, 1e-4, "gradient norm");
          /* One flipped argmax at most (a sample on a decision boundary). */
          g_assert_cmpfloat (fabs (a->test_accuracy - b->test_accuracy), <=, 1.0 / 70 + 1e-12);
        }
      for (gsize i = 0; i < np; i++)
        {
          scale = MAX (scale, fabs (ref[i]));
          worst = MAX (worst, fabs (fused[k][i] - ref[i]));
        }
      g_test_message ("%s%s net %u: max |Δparam| = %.3g of max |param| %.3g", c->name,
                      independent ? " (independent orders)" : "", k, worst, scale);
      g_assert_cmpfloat (worst, <=, 1e-5 * scale);
      g_free (fused[k]);
    }
}

static void
test_fused_equals_reference (gconstpointer data)
{
  check_fused_equals_reference (data, FALSE);
  check_fused_equals_reference (data, TRUE);
}

/* A diverging block: every net ends once, as diverged, and the reference agrees. */
static void
test_fused_divergence (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 50, 4, 1.0, 8);
  guint64 seeds[3] = { 1, 2, 3 };
  float *params[3];
  LvRunState states[3];
  LvMlpShape shape;
  LvTrainConfig config;
  Record rec = { 0 };
  gsize np;

  g_assert_true (lv_mlp_shape_init (&shape, 4, 2, 32, 2, LV_ACTIVATION_LINEAR, LV_LOSS_MSE, TRUE,
                                    NULL));
  lv_train_config_init (&config);
  config.lr = 1e5;
  config.epochs = 4;
  np = lv_mlp_n_params (&shape);
  for (guint k = 0; k < 3; k++)
    params[k] = g_new (float, np);
  lv_train_run_fused (&shape, &config, ds, 3, seeds, 5, params, states, fused_epoch, fused_end,
                      &rec, NULL);
  for (guint k = 0; k < 3; k++)
    {
      g_autofree float *ref = g_new (float, np);
      g_assert_cmpint (states[k], ==, LV_RUN_DIVERGED);
      g_assert_cmpuint (rec.ended[k], ==, 1);
      g_assert_cmpint (lv_train_run_ordered (&shape, &config, ds, seeds[k], 5, ref, NULL, NULL,
                                             NULL), ==, LV_RUN_DIVERGED);
      g_free (params[k]);
    }
}

static void
test_fused_cancellation (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 0, 4, 1.0, 8);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint64 seeds[2] = { 1, 2 };
  float *params[2];
  LvRunState states[2];
  LvMlpShape shape;
  LvTrainConfig config;
  Record rec = { 0 };

  g_assert_true (lv_mlp_shape_init (&shape, 4, 1, 8, 2, LV_ACTIVATION_RELU, LV_LOSS_HINGE, TRUE,
                                    NULL));
  lv_train_config_init (&config);
  for (guint k = 0; k < 2; k++)
    params[k] = g_new (float, lv_mlp_n_params (&shape));
  g_cancellable_cancel (cancellable);
  lv_train_run_fused (&shape, &config, ds, 2, seeds, 5, params, states, fused_epoch, fused_end,
                      &rec, cancellable);
  for (guint k = 0; k < 2; k++)
    {
      g_assert_cmpint (states[k], ==, LV_RUN_CANCELLED);
      g_assert_cmpuint (rec.ended[k], ==, 1);
      g_assert_cmpuint (rec.epochs[k], ==, 0);
      g_free (params[k]);
    }
}

static LvEnsemble *
run_ensemble (LvDataset *ds, const LvEnsembleConfig *config, guint threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (threads);
  LvEnsemble *ensemble = lv_ensemble_new (ds, config, &error);

  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  return ensemble;
}

/*
 * Shared-order ensembles: fixed blocks make 1 and 2 threads agree to the bit; another block
 * size changes only rounding; each run equals its one-network reference.
 */
static void
test_ensemble_shared_order (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  LvEnsembleConfig config, other;
  g_autoptr(LvEnsemble) e1 = NULL, e2 = NULL, e3 = NULL;
  g_autoptr(LvEnsembleSnapshot) s1 = NULL, s2 = NULL, s3 = NULL;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 3;
  config.sizes[1] = 12;
  config.n_sizes = 2;
  config.runs = 7;
  config.train.epochs = 2;
  config.train.reg.lambda = 1e-3;
  config.shared_order = TRUE;
  config.fuse_block = 3; /* blocks of 3, 3, 1 runs */
  other = config;
  other.fuse_block = 1;
  e1 = run_ensemble (ds, &config, 1);
  e2 = run_ensemble (ds, &config, 2);
  e3 = run_ensemble (ds, &other, 2);
  s1 = lv_ensemble_snapshot (e1);
  s2 = lv_ensemble_snapshot (e2);
  s3 = lv_ensemble_snapshot (e3);
  g_assert_cmpuint (s1->finished, ==, 14);
  g_assert_cmpuint (s3->finished, ==, 14);
  for (guint i = 0; i < s1->n_runs; i++)
    {
      const LvRunRecord *r = &s1->runs[i];
      LvMlpShape sh1, sh2, sh3;
      g_autofree float *p1 = NULL, *p2 = NULL, *p3 = NULL, *ref = NULL;
      Single single = { 0 };
      gsize np;

      g_assert_cmpuint (r->seed, ==, lv_ensemble_run_seed (config.seed, r->hidden, r->run));
      g_assert_cmpuint (r->epochs_done, ==, 2);
      g_assert_true (lv_ensemble_copy_params (e1, i, &sh1, &p1));
      g_assert_true (lv_ensemble_copy_params (e2, i, &sh2, &p2));
      g_assert_true (lv_ensemble_copy_params (e3, i, &sh3, &p3));
      np = lv_mlp_n_params (&sh1);
      g_assert_cmpmem (p1, np * sizeof (float), p2, np * sizeof (float));
      g_assert_cmpmem (r->test_loss, 2 * sizeof (double), s2->runs[i].test_loss,
                       2 * sizeof (double));
      ref = g_new (float, np);
      g_assert_cmpint (lv_train_run_ordered (&sh1, &config.train, ds, r->seed,
                                             lv_ensemble_order_seed (config.seed, r->hidden),
                                             ref, single_epoch, &single, NULL),
                       ==, LV_RUN_FINISHED);
      for (guint e = 0; e < 2; e++)
        {
          assert_close (r->train_loss[e], single.stats[e].train_loss, 1e-5, "ensemble train");
          assert_close (r->test_loss[e], single.stats[e].test_loss, 1e-5, "ensemble test");
          assert_close (s3->runs[i].test_loss[e], r->test_loss[e], 1e-5, "block size");
        }
      for (gsize j = 0; j < np; j++)
        {
          assert_close (p1[j], ref[j], 1e-4, "ensemble params");
          assert_close (p3[j], ref[j], 1e-4, "ensemble params, blocks of 1");
        }
    }
}

/* The CLI's flags: accepted, same JSON contract; a bad block size is bad input. */
static void
test_cli_flags (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_auto(LvCliResult) bad = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonObject *size;

  lv_test_run_cli (&r, "ensemble", "--sizes", "4,9", "--runs", "5", "--epochs", "2",
                   "--shared-order", "--fuse-block", "2", "--threads", "2", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  size = json_array_get_object_element (json_object_get_array_member (root, "sizes"), 1);
  g_assert_cmpint (json_object_get_int_member (size, "finished"), ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "runs")), ==, 10);
  g_assert_true (json_object_get_double_member (root, "gflops") > 0);

  lv_test_run_cli (&bad, "ensemble", "--shared-order", "--fuse-block", "-1", NULL);
  lv_test_assert_bad_input (&bad, "fuse-block");
}

static const Case cases[] = {
  { "relu-ce", 1, 16, LV_ACTIVATION_RELU, LV_LOSS_CROSS_ENTROPY, TRUE, 0, 0, LV_REG_LAYER, 0,
    FALSE },
  { "tanh-mse-momentum-l2", 2, 12, LV_ACTIVATION_TANH, LV_LOSS_MSE, FALSE, 0.9, 0,
    LV_REG_LAYER, 1e-3, FALSE },
  { "logistic-hinge-unit-decay", 3, 9, LV_ACTIVATION_LOGISTIC, LV_LOSS_HINGE, TRUE, 0.5, 0.3,
    LV_REG_UNIT, 1e-3, FALSE },
  { "linear-ce-depth4", 4, 7, LV_ACTIVATION_LINEAR, LV_LOSS_CROSS_ENTROPY, TRUE, 0.5, 0,
    LV_REG_LAYER, 0, FALSE },
  { "relu-mse-targets", 1, 10, LV_ACTIVATION_RELU, LV_LOSS_MSE, TRUE, 0, 0, LV_REG_LAYER, 0,
    TRUE },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lossviz/train-fused/equals-reference/%s",
                                               cases[i].name);
      g_test_add_data_func (path, &cases[i], test_fused_equals_reference);
    }
  g_test_add_func ("/lossviz/train-fused/divergence", test_fused_divergence);
  g_test_add_func ("/lossviz/train-fused/cancellation", test_fused_cancellation);
  g_test_add_func ("/lossviz/train-fused/ensemble-shared-order", test_ensemble_shared_order);
  g_test_add_func ("/lossviz/train-fused/cli-flags", test_cli_flags);
  return g_test_run ();
}
