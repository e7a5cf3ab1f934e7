/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"
#include "lv-test-bf16.h"
#include "lv-test-data.h"
#include "lv-test-util.h"

/*
 * bf16 training (--precision bf16) and the two-sample Kolmogorov–Smirnov test that shows it
 * leaves the science alone: the KS test itself against brute force and closed forms, the bf16
 * rounding and GEMM against double references, the per-size loss distributions of fp32 and
 * bf16 ensembles, and the CLI/experiment-file plumbing.
 */

/* Every split of n+m ranks into an x-sample of n and a y-sample of m, D of each: the exact
 * null distribution by enumeration, against lv_ks_p_value's lattice-path count. */
static void
test_ks_brute_force (void)
{
  const guint cases[][2] = { { 3, 4 }, { 5, 5 }, { 4, 7 }, { 6, 6 } };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      guint n = cases[c][0], m = cases[c][1], N = n + m, total = 0;
      double stats[1 << 12];
      guint n_stats = 0;

      for (guint mask = 0; mask < (1u << N); mask++)
        {
          double x[16], y[16];
          guint nx = 0, ny = 0;

          if ((guint) __builtin_popcount (mask) != n)
            continue;
          for (guint r = 0; r < N; r++)
            {
              if (mask & (1u << r))
                x[nx++] = r;
              else
                y[ny++] = r;
            }
          stats[n_stats++] = lv_ks_statistic (x, n, y, m);
          total++;
        }
      for (guint i = 0; i < n_stats; i++)
        {
          guint at_least = 0;
          for (guint j = 0; j < n_stats; j++)
            at_least += stats[j] >= stats[i] - 1e-12;
          g_assert_cmpfloat_with_epsilon (lv_ks_p_value (stats[i], n, m),
                                          (double) at_least / total, 1e-12);
        }
    }
}

static void
test_ks_closed_forms (void)
{
  double x[10], y[10], d;

  /* Completely separated samples: D = 1, and only 2 of the C(20, 10) orders do that. */
  for (guint i = 0; i < 10; i++)
    {
      x[i] = i;
      y[i] = 100 + i;
    }
  g_assert_cmpfloat (lv_ks_statistic (x, 10, y, 10), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (lv_ks_test (x, 10, y, 10, &d), 2.0 / 184756.0, 1e-15);
  g_assert_cmpfloat (d, ==, 1.0);
  /* Identical samples: D = 0, p = 1. */
  g_assert_cmpfloat (lv_ks_test (x, 10, x, 10, &d), ==, 1.0);
  g_assert_cmpfloat (d, ==, 0.0);
  /* Kolmogorov's Q from its series summed in Python: Q(1) = 0.26999967…, Q(0.5) = 0.96394…,
   * Q(1.36) ≈ 0.0495 (the classic 5 % point). */
  g_assert_cmpfloat_with_epsilon (lv_kolmogorov_q (1.0), 0.26999967167735456, 1e-14);
  g_assert_cmpfloat_with_epsilon (lv_kolmogorov_q (0.5), 0.9639452436648751, 1e-14);
  g_assert_cmpfloat_with_epsilon (lv_kolmogorov_q (1.36), 0.049485876755377876, 1e-14);
  /* Large samples take the asymptotic branch; it is close to the exact count at n = m = 2000. */
  {
    double exact_like = lv_ks_p_value (0.04, 2000, 2000);
    double ne = 1000, lambda = (sqrt (ne) + 0.12 + 0.11 / sqrt (ne)) * 0.04;
    g_assert_cmpfloat (fabs (exact_like - lv_kolmogorov_q (lambda)), <, 0.01);
    g_assert_cmpfloat_with_epsilon (lv_ks_p_value (0.04, 20000, 20000),
                                    lv_kolmogorov_q ((sqrt (1e4) + 0.12 + 0.11 / 100) * 0.04),
                                    1e-15);
  }
  /* Non-finite values are dropped, not compared. */
  {
    double a[4] = { 1, 2, NAN, 3 }, b[3] = { 1, 2, 3 };
    g_assert_cmpfloat (lv_ks_test (a, 4, b, 3, &d), ==, 1.0);
  }
}

/* The test has power: N(0,1) against N(1,1), 50 each, is rejected. */
static void
test_ks_detects_shift (void)
{
  double x[50], y[50];
  LvRng rng;

  lv_rng_init (&rng, 7);
  for (guint i = 0; i < 50; i++)
    {
      x[i] = lv_rng_gaussian (&rng);
      y[i] = 1 + lv_rng_gaussian (&rng);
    }
  g_assert_cmpfloat (lv_ks_test (x, 50, y, 50, NULL), <, 1e-4);
}

/* lv_bf16_from_f32 rounds to the nearest bf16, ties to even, against the two neighbours
 * computed here by truncation. */
static void
test_bf16_rounding (void)
{
  float v[4099];
  LvBf16 r[4099];
  LvRng rng;

  lv_rng_init (&rng, 3);
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    v[i] = (float) (lv_rng_gaussian (&rng) * pow (10, (int) (i % 13) - 6));
  v[0] = 1.0f + 1.0f / 256; /* exactly halfway between 1 and 1 + 2^-7: even is 1 */
  v[1] = 1.0f + 3.0f / 256; /* halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6 */
  v[2] = INFINITY;
  v[3] = NAN;
  lv_bf16_from_f32 (r, v, G_N_ELEMENTS (v));
  g_assert_cmpfloat (lv_bf16_to_f32 (r[0]), ==, 1.0f);
  g_assert_cmpfloat (lv_bf16_to_f32 (r[1]), ==, 1.0f + 1.0f / 64);
  g_assert_true (isinf (lv_bf16_to_f32 (r[2])));
  g_assert_true (isnan (lv_bf16_to_f32 (r[3])));
  for (guint i = 4; i < G_N_ELEMENTS (v); i++)
    {
      guint32 bits;
      float lo, hi, got = lv_bf16_to_f32 (r[i]);
      memcpy (&bits, &v[i], sizeof bits);
      lo = lv_bf16_to_f32 ((LvBf16) (bits >> 16));
      hi = lv_bf16_to_f32 ((LvBf16) ((bits >> 16) + 1));
      g_assert_true (got == lo || got == hi);
      g_assert_cmpfloat (fabsf (got - v[i]), <=, fminf (fabsf (lo - v[i]), fabsf (hi - v[i])));
    }
}

/* A batched bf16 product with transposed operands against a double product of the same
 * rounded operands: only the fp32 accumulation may differ. */
static void
test_bf16_gemm (void)
{
  const guint batch = 3, m = 7, n = 33, k = 45;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvGemmBf16) gemm = NULL;
  g_autofree float *af = g_new (float, batch * m * k), *bf = g_new (float, batch * k * n);
  g_autofree LvBf16 *a = g_new (LvBf16, batch * m * k), *b = g_new (LvBf16, batch * k * n);
  g_autofree float *c = g_new (float, batch * m * n);
  LvRng rng;

  if (!lv_test_have_bf16 ())
    return;
  gemm = lv_gemm_bf16_new (batch, TRUE, TRUE, m, n, k, &error);
  g_assert_no_error (error);
  g_test_message ("oneDNN implementation: %s", lv_gemm_bf16_impl (gemm));
  lv_rng_init (&rng, 5);
  lv_test_bf16_gaussian (&rng, af, a, batch * m * k);
  lv_test_bf16_gaussian (&rng, bf, b, batch * k * n);
  lv_gemm_bf16_run (gemm, a, b, c);
  for (guint q = 0; q < batch; q++)
    for (guint i = 0; i < m; i++)
      for (guint j = 0; j < n; j++)
        {
          double ref = 0, mag = 0;
          for (guint p = 0; p < k; p++)
            {
              /* A stored k × m (transposed), B stored n × k (transposed). */
              double ap = lv_bf16_to_f32 (a[q * m * k + p * m + i]);
              double bp = lv_bf16_to_f32 (b[q * k * n + j * k + p]);
              ref += ap * bp;
              mag += fabs (ap * bp);
            }
          g_assert_cmpfloat (fabs (c[q * m * n + i * n + j] - ref), <=, 1e-5 * mag + 1e-6);
        }
}

/* Final train and test losses of every run, size-major, from an ensemble on `ds`. */
static void
train_losses (LvDataset *ds, LvPrecision precision, gboolean shared_order, guint first_run,
              double lr, const guint *sizes, guint n_sizes, guint runs, double *train,
              double *test)
{
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvEnsembleSnapshot) snap = NULL;

  lv_ensemble_config_init (&config);
  memcpy (config.sizes, sizes, n_sizes * sizeof (guint));
  config.n_sizes = n_sizes;
  config.runs = runs;
  config.seed = 1;
  config.first_run = first_run;
  config.shared_order = shared_order;
  config.train.epochs = 3;
  config.train.lr = lr;
  config.train.precision = precision;
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  snap = lv_ensemble_snapshot (ensemble);
  g_assert_cmpuint (snap->finished, ==, n_sizes * runs);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      train[i] = lv_run_record_final_train_loss (&snap->runs[i]);
      test[i] = lv_run_record_final_test_loss (&snap->runs[i]);
    }
}

/*
 * The science check on a small case (digits, widths 8 and 32, 40 runs of 3 epochs):
 * - fp32 runs 0–39 and bf16 runs 40–79 of one experiment (one base seed, so one shared order
 *   in that mode; independent initialisations, and in per-run mode orders, so the two samples
 *   are independent) must not be told apart by KS. Under "same distribution" p is uniform on [0, 1]; the
 *   suite makes 8 such comparisons (2 widths × train/test loss × 2 order modes), so the
 *   threshold is 0.01 / 8 ≈ 0.001 (Bonferroni: a true null fails the suite with
 *   probability ≤ 1 %; the seeds are fixed, so the outcome is too).
 * - The test has power at this size: the same fp32 ensemble at a quarter of the learning
 *   rate is rejected with p < 1e-6.
 * - Run by run (runs 0–39 in both precisions), bf16 moves the mean final loss by less than a tenth of the
 *   spread of the losses across runs.
 */
static void
check_distributions (gboolean shared_order)
{
  const guint sizes[] = { 8, 32 }, runs = 40;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  LvDatasetOptions dopts;
  double f_train[80], f_test[80], h_train[80], h_test[80], s_train[80], s_test[80];
  double p_train[80], p_test[80];

  if (!lv_test_have_bf16 ())
    return;
  lv_dataset_options_init (&dopts);
  ds = lv_dataset_load ("digits", &dopts, &error);
  g_assert_no_error (error);
  train_losses (ds, LV_PRECISION_FP32, shared_order, 0, 0.05, sizes, 2, runs, f_train, f_test);
  train_losses (ds, LV_PRECISION_BF16, shared_order, runs, 0.05, sizes, 2, runs, h_train, h_test);
  train_losses (ds, LV_PRECISION_FP32, shared_order, 2 * runs, 0.0125, sizes, 2, runs, s_train,
                s_test);
  train_losses (ds, LV_PRECISION_BF16, shared_order, 0, 0.05, sizes, 2, runs, p_train, p_test);
  for (guint s = 0; s < 2; s++)
    {
      gsize o = (gsize) s * runs;
      double p_tr = lv_ks_test (f_train + o, runs, h_train + o, runs, NULL);
      double p_te = lv_ks_test (f_test + o, runs, h_test + o, runs, NULL);
      double p_control = lv_ks_test (f_test + o, runs, s_test + o, runs, NULL);
      double shift = 0;
      LvSummary sum;

      for (guint r = 0; r < runs; r++)
        shift += (p_test[o + r] - f_test[o + r]) / runs;
      lv_summary_compute (f_test + o, runs, &sum);
      g_test_message ("width %u: KS p (fp32 vs bf16) train %.3f test %.3f; control %.2g; "
                      "same-run mean shift %.2g (spread %.2g)", sizes[s], p_tr, p_te,
                      p_control, shift, sum.std);
      g_assert_cmpfloat (p_tr, >, 0.001);
      g_assert_cmpfloat (p_te, >, 0.001);
      g_assert_cmpfloat (p_control, <, 1e-6);
      g_assert_cmpfloat (fabs (shift), <, 0.1 * sum.std);
    }
}

static void
test_distributions_per_run (void)
{
  check_distributions (FALSE);
}

static void
test_distributions_shared_order (void)
{
  check_distributions (TRUE);
}

/*
 * The one-network trainer in bf16 (lv_train_run, the bf16 instantiation of lv-mlp-template.h)
 * and the block trainer with independent orders in bf16 run the same arithmetic up to the
 * order of fp32 accumulations: their losses agree to bf16's resolution (2^-8 relative), far
 * closer than either is to a differently seeded run; and bf16 stays near fp32.
 */
static void
test_bf16_one_network (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 60, 12, 1.0, 4);
  const guint64 seeds[3] = { 11, 12, 13 };
  LvMlpShape shape;

  if (!lv_test_have_bf16 ())
    return;
  g_assert_true (lv_mlp_shape_init (&shape, 12, 1, 40, 2, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  lv_test_bf16_block_matches_one_network (&shape, ds, seeds, FALSE, 0);
}

/* The same bf16 ensemble whatever the thread count (both order modes). */
static void
test_bf16_threads (void)
{
  g_auto(LvCliResult) one = { 0 }, two = { 0 }, f1 = { 0 }, f2 = { 0 };

  if (!lv_test_have_bf16 ())
    return;
  lv_test_run_cli (&one, "ensemble", "--sizes", "6,20", "--runs", "5", "--epochs", "2",
                   "--precision", "bf16", "--threads", "1", "--json", NULL);
  lv_test_run_cli (&two, "ensemble", "--sizes", "6,20", "--runs", "5", "--epochs", "2",
                   "--precision", "bf16", "--threads", "2", "--json", NULL);
  lv_test_run_cli (&f1, "ensemble", "--sizes", "6,20", "--runs", "5", "--epochs", "2",
                   "--precision", "bf16", "--shared-order", "--fuse-block", "2", "--threads",
                   "1", "--json", NULL);
  lv_test_run_cli (&f2, "ensemble", "--sizes", "6,20", "--runs", "5", "--epochs", "2",
                   "--precision", "bf16", "--shared-order", "--fuse-block", "2", "--threads",
                   "2", "--json", NULL);
  g_assert_cmpint (one.exit_code, ==, 0);
  g_assert_cmpint (f1.exit_code, ==, 0);
  {
    g_autoptr(JsonObject) a = lv_test_parse_json_object (one.out);
    g_autoptr(JsonObject) b = lv_test_parse_json_object (two.out);
    g_autoptr(JsonObject) c = lv_test_parse_json_object (f1.out);
    g_autoptr(JsonObject) d = lv_test_parse_json_object (f2.out);
    JsonObject *objs[2][2] = { { a, b }, { c, d } };

    g_assert_cmpstr (json_object_get_string_member (a, "precision"), ==, "bf16");
    for (guint t = 0; t < 2; t++)
      {
        JsonArray *r1 = json_object_get_array_member (objs[t][0], "runs");
        JsonArray *r2 = json_object_get_array_member (objs[t][1], "runs");
        g_assert_cmpuint (json_array_get_length (r1), ==, 10);
        for (guint i = 0; i < 10; i++)
          g_assert_cmpfloat (
            json_object_get_double_member (json_array_get_object_element (r1, i), "test_loss"),
            ==,
            json_object_get_double_member (json_array_get_object_element (r2, i), "test_loss"));
      }
  }
}

/* --precision: bad values are input errors; the experiment file records and restores it. */
static void
test_cli_and_file (void)
{
  g_auto(LvCliResult) bad = { 0 }, run = { 0 }, plain = { 0 };
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bf16.json", NULL);
  g_autofree char *old_path = g_build_filename (dir, "fp32.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvSession) session = NULL;
  g_autoptr(LvSession) old = NULL;

  lv_test_run_cli (&bad, "ensemble", "--precision", "fp16", NULL);
  lv_test_assert_bad_input (&bad, "--precision");
  if (!lv_test_have_bf16 ())
    return;
  lv_test_run_cli (&run, "ensemble", "--sizes", "4", "--runs", "2", "--epochs", "1",
                   "--precision", "bf16", "--out", path, NULL);
  g_assert_cmpint (run.exit_code, ==, 0);
  session = lv_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->config.train.precision, ==, LV_PRECISION_BF16);
  /* A file without the member (as written before bf16 existed) reads as fp32. */
  lv_test_run_cli (&plain, "ensemble", "--sizes", "4", "--runs", "2", "--epochs", "1", "--out",
                   old_path, NULL);
  g_assert_cmpint (plain.exit_code, ==, 0);
  {
    /* Drop config.precision through json-glib, as an old file would lack it. */
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    JsonObject *config;
    g_assert_true (json_parser_load_from_file (parser, old_path, NULL));
    config = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "config");
    g_assert_cmpstr (json_object_get_string_member (config, "precision"), ==, "fp32");
    json_object_remove_member (config, "precision");
    json_generator_set_root (gen, json_parser_get_root (parser));
    g_assert_true (json_generator_to_file (gen, old_path, NULL));
  }
  old = lv_session_load (old_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old->config.train.precision, ==, LV_PRECISION_FP32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/ks/brute-force", test_ks_brute_force);
  g_test_add_func ("/ks/closed-forms", test_ks_closed_forms);
  g_test_add_func ("/ks/detects-shift", test_ks_detects_shift);
  g_test_add_func ("/bf16/rounding", test_bf16_rounding);
  g_test_add_func ("/bf16/gemm", test_bf16_gemm);
  g_test_add_func ("/bf16/distributions-per-run", test_distributions_per_run);
  g_test_add_func ("/bf16/distributions-shared-order", test_distributions_shared_order);
  g_test_add_func ("/bf16/one-network", test_bf16_one_network);
  g_test_add_func ("/bf16/threads", test_bf16_threads);
  g_test_add_func ("/bf16/cli-and-file", test_cli_and_file);
  return g_test_run ();
}
