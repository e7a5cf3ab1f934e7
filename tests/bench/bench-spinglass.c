/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>

#include <lossviz/lossviz.h>

/* Times `spinglass simulate` (p = 3, GD, fixed disorder, mixed precision, index for Λ ≤ 300):
 * Λ ∈ {25, 50, 100} with 1000 starts and Λ = 500 with 100 starts, and reports the contraction
 * rate next to single-thread OpenBLAS sgemm/dgemm rates measured in this run on a GEMM of the
 * Λ = 100 contraction's shape (100 × 5050 × 50). Pass "quick" for a 10× smaller run. */

static double
gemm_rate (gboolean single)
{
  const int m = 100, k = 5050, n = 50, reps = 40;
  g_autofree double *a = g_new (double, (gsize) m * k);
  g_autofree double *b = g_new (double, (gsize) k * n);
  g_autofree double *c = g_new (double, (gsize) m * n);
  g_autofree float *af = g_new (float, (gsize) m * k);
  g_autofree float *bf = g_new (float, (gsize) k * n);
  g_autofree float *cf = g_new (float, (gsize) m * n);
  gint64 t0;

  for (gsize i = 0; i < (gsize) m * k; i++)
    af[i] = (float) (a[i] = g_random_double () - 0.5);
  for (gsize i = 0; i < (gsize) k * n; i++)
    bf[i] = (float) (b[i] = g_random_double () - 0.5);
  t0 = g_get_monotonic_time ();
  for (int r = 0; r < reps; r++)
    if (single)
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, af, k, bf, n, 0.0f,
                   cf, n);
    else
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c,
                   n);
  return 2.0 * m * k * n * reps / ((g_get_monotonic_time () - t0) / 1e6) / 1e9;
}

int
main (int argc, char **argv)
{
  const guint lambdas[] = { 25, 50, 100, 500 };
  const guint runs[] = { 1000, 1000, 1000, 100 };
  gboolean quick = argc > 1 && g_str_equal (argv[1], "quick");
  double small_total = 0.0, sgemm, dgemm;

  lv_core_init ();
  sgemm = gemm_rate (TRUE);
  dgemm = gemm_rate (FALSE);
  printf ("OpenBLAS 1 thread, 100x5050x50: sgemm %.1f GFLOP/s, dgemm %.1f GFLOP/s\n", sgemm,
          dgemm);
  printf ("%6s %6s %9s %9s %11s %12s %12s %9s %9s\n", "lambda", "runs", "wall s", "setup s",
          "GFLOP", "GF/s/thread", "GF/s wall", "float %", "mean E/L");
  for (guint i = 0; i < G_N_ELEMENTS (lambdas); i++)
    {
      LvSpinGlassConfig config;
      LvSpinGlassStats stats;
      g_autofree LvSpinGlassRun *out = NULL;
      g_autoptr(GError) error = NULL;
      double mean = 0.0;

      lv_spin_glass_config_init (&config, 3, lambdas[i]);
      config.runs = quick ? MAX (10, runs[i] / 10) : runs[i];
      config.seed = 1;
      out = g_new0 (LvSpinGlassRun, config.runs);
      if (!lv_spin_glass_simulate (&config, out, &stats, NULL, NULL, NULL, &error))
        {
          fprintf (stderr, "bench-spinglass: %s\n", error->message);
          return 1;
        }
      for (guint r = 0; r < config.runs; r++)
        mean += out[r].energy / config.runs;
      if (lambdas[i] <= 100)
        small_total += stats.wall_seconds;
      printf ("%6u %6u %9.2f %9.2f %11.1f %12.1f %12.1f %9.0f %9.4f\n", lambdas[i], config.runs,
              stats.wall_seconds, stats.setup_seconds, stats.contraction_flops / 1e9,
              stats.contraction_flops / stats.contraction_seconds / 1e9,
              stats.contraction_flops / stats.wall_seconds / 1e9,
              100.0 * stats.float_flops / stats.contraction_flops, mean);
      fflush (stdout);
    }
  printf ("lambda <= 100 set: %.2f s wall\n", small_total);
  return 0;
}
