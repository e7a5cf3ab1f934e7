/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots built outside an ensemble (lv-run-records.c) and the per-size cache key
 * (lv-ensemble-cache-key.c), the GTK-free parts of the app's experiment cache. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-config.h>
#include <lossviz/lv-run-records.h>

static void
fill (LvRunRecord *r, LvRunState state, guint epochs, double base)
{
  *r = (LvRunRecord) { .hidden = 5, .run = 0, .seed = 7, .state = state, .epochs_done = epochs,
                       .grad_norm = 0.5 };
  r->train_loss = g_new (double, MAX (epochs, 1));
  r->test_loss = g_new (double, MAX (epochs, 1));
  r->test_accuracy = g_new (double, MAX (epochs, 1));
  for (guint e = 0; e < epochs; e++)
    {
      r->train_loss[e] = base + e;
      r->test_loss[e] = base + 10 + e;
      r->test_accuracy[e] = 0.1 * e;
    }
}

/* Copies are deep (their own arrays, same values), counts follow the states, and the ended
 * prefix stops at the first run that has not ended. */
static void
test_copy_and_counts (void)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_run_records_new (4);
  g_autoptr(LvEnsembleSnapshot) copy = NULL;

  fill (&snap->runs[0], LV_RUN_FINISHED, 3, 1.0);
  fill (&snap->runs[1], LV_RUN_DIVERGED, 1, 2.0);
  fill (&snap->runs[2], LV_RUN_CANCELLED, 2, 3.0);
  fill (&snap->runs[3], LV_RUN_FINISHED, 3, 4.0);
  lv_run_records_recount (snap);
  g_assert_cmpuint (snap->finished, ==, 2);
  g_assert_cmpuint (snap->diverged, ==, 1);
  g_assert_cmpuint (snap->cancelled, ==, 1);
  g_assert_cmpuint (lv_run_records_leading_ended (snap), ==, 2);

  copy = lv_run_records_copy (snap, 1, 3);
  g_assert_cmpuint (copy->n_runs, ==, 3);
  g_assert_cmpuint (copy->finished, ==, 1);
  g_assert_cmpuint (copy->diverged, ==, 1);
  g_assert_cmpuint (copy->cancelled, ==, 1);
  g_assert_cmpuint (lv_run_records_leading_ended (copy), ==, 1);
  g_assert_true (copy->runs[2].test_loss != snap->runs[3].test_loss);
  g_assert_cmpmem (copy->runs[2].test_loss, 3 * sizeof (double), snap->runs[3].test_loss,
                   3 * sizeof (double));
  g_assert_cmpfloat (copy->runs[0].train_loss[0], ==, 2.0);
}

/* A pending record carries the seed the ensemble gives that run: the low 53 bits of
 * mix(seed, h, r) (docs/DESIGN.md, include/lossviz/lv-ensemble.h). */
static void
test_pending_seed (void)
{
  LvRunRecord r;

  lv_run_record_init_pending (&r, 42, 25, 3);
  g_assert_cmpuint (r.state, ==, LV_RUN_PENDING);
  g_assert_cmpuint (r.epochs_done, ==, 0);
  g_assert_cmpuint (r.hidden, ==, 25);
  g_assert_cmpuint (r.run, ==, 3);
  g_assert_cmpuint (r.seed, ==, lv_seed_mix (42, 25, 3) & ((G_GUINT64_CONSTANT (1) << 53) - 1));
  g_assert_true (isnan (r.grad_norm));
  g_assert_null (r.test_loss);
}

/* Gathering per-size snapshots into one in configuration order: known runs copied, unknown
 * ones pending with their own seeds. */
static void
test_gather (void)
{
  g_autoptr(LvEnsembleSnapshot) first = lv_run_records_new (1);
  g_autoptr(LvEnsembleSnapshot) all = NULL;
  const LvEnsembleSnapshot *per_size[3];
  LvEnsembleConfig config;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 5;
  config.sizes[1] = 10;
  config.sizes[2] = 20;
  config.n_sizes = 3;
  config.runs = 2;
  config.seed = 9;
  fill (&first->runs[0], LV_RUN_FINISHED, 2, 1.0);
  per_size[0] = first; /* run 0 of size 5 known, run 1 not */
  per_size[1] = NULL;  /* nothing of size 10 */
  per_size[2] = first; /* (a record's own fields are copied as they are) */
  all = lv_run_records_gather (&config, per_size);
  g_assert_cmpuint (all->n_runs, ==, 6);
  g_assert_cmpuint (all->finished, ==, 2);
  g_assert_cmpuint (all->runs[0].epochs_done, ==, 2);
  g_assert_cmpfloat (all->runs[0].test_loss[1], ==, 12.0);
  for (guint i = 1; i < 6; i++)
    {
      guint s = i / 2, r = i % 2;

      if (i == 4)
        continue;
      g_assert_cmpuint (all->runs[i].state, ==, LV_RUN_PENDING);
      g_assert_cmpuint (all->runs[i].hidden, ==, config.sizes[s]);
      g_assert_cmpuint (all->runs[i].run, ==, r);
      g_assert_cmpuint (all->runs[i].seed, ==, lv_seed_mix (9, config.sizes[s], r) &
                                                 ((G_GUINT64_CONSTANT (1) << 53) - 1));
    }
}

static char *
key (const LvEnsembleConfig *c, guint runs)
{
  LvDatasetOptions o;

  lv_dataset_options_init (&o);
  return lv_ensemble_config_size_key ("digits", &o, c, c->sizes[0], runs);
}

/* The per-size key: the other sizes do not matter; precision, data order, the run count and
 * the dataset options do; with λ = 0 the regulariser's shape does not. */
static void
test_size_key (void)
{
  LvEnsembleConfig a, b;
  LvDatasetOptions o;
  g_autofree char *ka = NULL, *kb = NULL, *kc = NULL, *kd = NULL, *ke = NULL, *kf = NULL;
  g_autofree char *kg = NULL, *kh = NULL;

  lv_ensemble_config_init (&a);
  a.sizes[0] = 10;
  a.sizes[1] = 50;
  a.n_sizes = 2;
  b = a;
  b.sizes[1] = 100;
  ka = key (&a, 40);
  kb = key (&b, 40);
  g_assert_cmpstr (ka, ==, kb);
  b = a;
  b.train.precision = LV_PRECISION_BF16;
  kc = key (&b, 40);
  g_assert_cmpstr (ka, !=, kc);
  g_assert_nonnull (strstr (kc, "precision=bf16"));
  b = a;
  b.shared_order = TRUE;
  kd = key (&b, 40);
  g_assert_cmpstr (ka, !=, kd);
  ke = key (&a, 60);
  g_assert_cmpstr (ka, !=, ke);
  /* λ = 0: kind and degree are normalised away; λ > 0: they count. */
  b = a;
  b.train.reg.lambda = 0;
  a.train.reg.lambda = 0;
  b.train.reg.degree = 3.5;
  b.train.reg.kind = LV_REG_UNIT;
  g_clear_pointer (&ka, g_free);
  ka = key (&a, 40);
  kf = key (&b, 40);
  g_assert_cmpstr (ka, ==, kf);
  b.train.reg.lambda = 1e-3;
  a.train.reg.lambda = 1e-3;
  g_clear_pointer (&ka, g_free);
  ka = key (&a, 40);
  kg = key (&b, 40);
  g_assert_cmpstr (ka, !=, kg);
  lv_dataset_options_init (&o);
  o.downsample = 4;
  kh = lv_ensemble_config_size_key ("digits", &o, &a, 10, 40);
  g_assert_cmpstr (ka, !=, kh);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-records/copy-and-counts", test_copy_and_counts);
  g_test_add_func ("/run-records/pending-seed", test_pending_seed);
  g_test_add_func ("/run-records/size-key", test_size_key);
  g_test_add_func ("/run-records/gather", test_gather);
  return g_test_run ();
}
