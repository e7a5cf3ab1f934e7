/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <lossviz/lossviz.h>

/* LossViz's side of the SLQ benchmark (run by bench-slq.py, which runs the PyTorch peer on the
 * same problem in the same invocation). A tanh network D → H → C with softmax cross-entropy
 * on N Gaussian samples with uniform labels, fixed random parameters; stochastic Lanczos
 * quadrature with P Rademacher probes × M steps on a pool of T threads.
 *
 *   bench-slq DIR N D H C P M T
 *
 * Writes DIR/x.f64 (N × D), DIR/y.i64 (N), DIR/w1.f64 (H × D), DIR/b1.f64, DIR/w2.f64 (C × H),
 * DIR/b2.f64 and DIR/probes.f64 (P × params, the exact probes LossViz uses, in its parameter
 * order: W1, b1, W2, b2), then prints one JSON object with the time and the results. */

static gboolean
write_f64 (const char *dir, const char *name, const double *v, gsize n)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents (path, (const char *) v, (gssize) (n * sizeof (double)), NULL);
}

/* The probes lv_hessian_slq() draws (lv-hessian-slq.c): Rademacher from lv_seed_mix(seed, k,
 * 0x51c), the top bit of each lv_rng_next() choosing the sign. */
static void
probes (guint64 seed, guint count, gsize n, double *out)
{
  for (guint k = 0; k < count; k++)
    {
      LvRng rng;

      lv_rng_init (&rng, lv_seed_mix (seed, k, 0x51c));
      for (gsize i = 0; i < n; i++)
        out[(gsize) k * n + i] = (lv_rng_next (&rng) >> 63) ? 1.0 : -1.0;
    }
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  const guint64 seed = 42;
  guint N, D, H, C, P, M, T;
  LvMlpShape shape;
  LvRng rng;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  g_autoptr(LvHessian) h = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autoptr(LvHessianSlq) slq = NULL;
  g_autofree float *x = NULL;
  g_autofree double *xd = NULL, *yd = NULL, *p = NULL, *pr = NULL;
  g_autofree guint32 *y = NULL;
  gint64 t0;
  double seconds, cpu0;
  gsize np;

  if (argc != 9)
    {
      fprintf (stderr, "usage: bench-slq DIR N D H C PROBES STEPS THREADS\n");
      return 2;
    }
  N = (guint) atoi (argv[2]);
  D = (guint) atoi (argv[3]);
  H = (guint) atoi (argv[4]);
  C = (guint) atoi (argv[5]);
  P = (guint) atoi (argv[6]);
  M = (guint) atoi (argv[7]);
  T = (guint) atoi (argv[8]);
  lv_core_init ();
  lv_rng_init (&rng, seed);
  x = g_new (float, (gsize) N * D);
  xd = g_new (double, (gsize) N * D);
  y = g_new (guint32, N);
  yd = g_new (double, N);
  for (gsize i = 0; i < (gsize) N * D; i++)
    xd[i] = x[i] = (float) lv_rng_gaussian (&rng);
  for (guint i = 0; i < N; i++)
    yd[i] = y[i] = lv_rng_below (&rng, C);
  ds = lv_dataset_new_from_arrays ("bench", D, C, N, x, y, NULL, 0, NULL, NULL, NULL);
  if (!lv_mlp_shape_init (&shape, D, 1, H, C, LV_ACTIVATION_TANH, LV_LOSS_CROSS_ENTROPY, TRUE,
                          &error))
    goto fail;
  np = lv_mlp_n_params (&shape);
  p = g_new (double, np);
  for (gsize i = 0; i < np; i++)
    p[i] = lv_rng_gaussian (&rng) / sqrt (i < lv_mlp_bias_offset (&shape, 0) ? D : H);
  h = lv_hessian_new (&shape, p, ds, &error);
  if (h == NULL)
    goto fail;
  pr = g_new (double, (gsize) P * np);
  probes (seed, P, np, pr);
  if (!write_f64 (argv[1], "x.f64", xd, (gsize) N * D) ||
      !write_f64 (argv[1], "y.f64", yd, N) ||
      !write_f64 (argv[1], "w1.f64", p + lv_mlp_weight_offset (&shape, 0), (gsize) H * D) ||
      !write_f64 (argv[1], "b1.f64", p + lv_mlp_bias_offset (&shape, 0), H) ||
      !write_f64 (argv[1], "w2.f64", p + lv_mlp_weight_offset (&shape, 1), (gsize) C * H) ||
      !write_f64 (argv[1], "b2.f64", p + lv_mlp_bias_offset (&shape, 1), C) ||
      !write_f64 (argv[1], "probes.f64", pr, (gsize) P * np))
    {
      fprintf (stderr, "bench-slq: cannot write into %s\n", argv[1]);
      return 1;
    }
  /* The parameter order the probes assume: W1, b1, W2, b2 back to back. */
  g_assert (lv_mlp_bias_offset (&shape, 0) == (gsize) H * D &&
            lv_mlp_weight_offset (&shape, 1) == (gsize) H * D + H &&
            lv_mlp_bias_offset (&shape, 1) == (gsize) H * D + H + (gsize) C * H);
  pool = lv_worker_pool_new (T);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  slq = lv_hessian_slq (h, pool, P, M, seed, NULL, &error);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  if (slq == NULL)
    goto fail;
  printf ("{\"params\": %" G_GSIZE_FORMAT ", \"seconds\": %.6f, \"cpu_seconds\": %.6f, "
          "\"max_eigenvalue\": %.17g, \"min_eigenvalue\": %.17g, \"trace\": %.17g, "
          "\"trace_std_error\": %.17g, \"hvps\": %u}\n", np, seconds, cpu_seconds () - cpu0,
          slq->max_eigenvalue, slq->min_eigenvalue, slq->trace, slq->trace_std_error, P * M);
  return 0;
fail:
  fprintf (stderr, "bench-slq: %s\n", error->message);
  return 1;
}
