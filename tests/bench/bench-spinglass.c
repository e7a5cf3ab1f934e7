/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>

#include <lossviz/lossviz.h>

/* Times `spinglass simulate` (p = 3, fixed disorder, mixed precision) and, in the same run, the
 * OpenBLAS sgemm rate of the machine on the contraction's own shape (one GEMM per worker
 * thread, single-threaded OpenBLAS each, as the simulation runs them), so the contraction's
 * GFLOP/s can be given as a share of what sgemm reaches here.
 *
 *   bench-spinglass [small|short|paper|sgd-short] [THREADS]
 *   small      Λ = 25, 50, 100 with 1000 starts (index computed) and Λ = 500 with 20 starts
 *   short      Λ = 500, 100 starts, gradient descent to |g| < 1e-5
 *   paper      Λ = 500, 1000 starts (the paper's largest size; goal ≤ 20 minutes)
 *   sgd-short  Λ = 500, 100 starts, the SGD variant then descent polishing
 */

typedef struct
{
  float *a, *b, *c;
  int m, n, k, reps;
} GemmJob;

static gpointer
gemm_thread (gpointer data)
{
  GemmJob *job = data;

  for (int r = 0; r < job->reps; r++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, job->m, job->n, job->k, 1.0f,
                 job->a, job->k, job->b, job->n, 0.0f, job->c, job->n);
  return NULL;
}

/* Aggregate sgemm GFLOP/s of @threads concurrent single-threaded GEMMs, 64 × 128 × 125 250
 * each (a row block of the Λ = 500 couplings times the monomials of 128 starts). */
static double
sgemm_rate (guint threads)
{
  const int m = 64, n = 128, k = 125250, reps = 6;
  g_autofree GemmJob *jobs = g_new0 (GemmJob, threads);
  g_autofree GThread **th = g_new (GThread *, threads);
  gint64 t0;
  double rate;

  for (guint t = 0; t < threads; t++)
    {
      jobs[t] = (GemmJob) { g_new (float, (gsize) m * k), g_new (float, (gsize) k * n),
                            g_new (float, (gsize) m * n), m, n, k, reps };
      for (gsize i = 0; i < (gsize) m * k; i++)
        jobs[t].a[i] = (float) (g_random_double () - 0.5);
      for (gsize i = 0; i < (gsize) k * n; i++)
        jobs[t].b[i] = (float) (g_random_double () - 0.5);
    }
  t0 = g_get_monotonic_time ();
  for (guint t = 0; t < threads; t++)
    th[t] = g_thread_new ("sgemm", gemm_thread, &jobs[t]);
  for (guint t = 0; t < threads; t++)
    g_thread_join (th[t]);
  rate = 2.0 * m * n * (double) k * reps * threads / ((g_get_monotonic_time () - t0) / 1e6) / 1e9;
  for (guint t = 0; t < threads; t++)
    {
      g_free (jobs[t].a);
      g_free (jobs[t].b);
      g_free (jobs[t].c);
    }
  return rate;
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gboolean
run_size (guint lambda, guint runs, LvSpinGlassMethod method, guint threads, double sgemm)
{
  LvSpinGlassConfig config;
  LvSpinGlassStats stats;
  g_autofree LvSpinGlassRun *out = NULL;
  g_autoptr(GError) error = NULL;
  double mean = 0.0, cpu0 = cpu_seconds (), rate;
  guint64 steps = 0;
  guint converged = 0;

  lv_spin_glass_config_init (&config, 3, lambda);
  config.runs = runs;
  config.seed = 1;
  config.method = method;
  config.n_threads = threads;
  out = g_new0 (LvSpinGlassRun, runs);
  if (!lv_spin_glass_simulate (&config, out, &stats, NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "bench-spinglass: %s\n", error->message);
      return FALSE;
    }
  for (guint r = 0; r < runs; r++)
    {
      mean += out[r].energy / runs;
      steps += out[r].steps;
      converged += out[r].converged;
    }
  rate = stats.contraction_flops / (stats.wall_seconds - stats.setup_seconds) / 1e9;
  printf ("%6u %6u %4s %9.1f %8.1f %8.1f %10lu %9u %10.1f %9.1f %7.0f%% %9.4f\n", lambda, runs,
          method == LV_SPIN_GLASS_SGD ? "sgd" : "gd", stats.wall_seconds, stats.setup_seconds,
          cpu_seconds () - cpu0, (unsigned long) steps, converged,
          stats.contraction_flops / 1e9, rate, 100.0 * rate / sgemm, mean);
  fflush (stdout);
  return TRUE;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "small";
  guint threads = argc > 2 ? (guint) atoi (argv[2]) : 0;
  double sgemm;
  gboolean ok = TRUE;

  lv_core_init ();
  if (threads == 0)
    threads = MAX (1, g_get_num_processors ());
  sgemm = sgemm_rate (threads);
  printf ("OpenBLAS sgemm 64x128x125250, %u concurrent single-threaded GEMMs: %.1f GFLOP/s\n",
          threads, sgemm);
  printf ("%6s %6s %4s %9s %8s %8s %10s %9s %10s %9s %8s %9s\n", "lambda", "runs", "meth",
          "wall s", "setup s", "cpu s", "steps", "converged", "GFLOP", "GFLOP/s", "of sgemm",
          "mean E/L");
  if (g_str_equal (mode, "small"))
    {
      const guint lambdas[] = { 25, 50, 100 };
      for (guint i = 0; ok && i < G_N_ELEMENTS (lambdas); i++)
        ok = run_size (lambdas[i], 1000, LV_SPIN_GLASS_GD, threads, sgemm);
      ok = ok && run_size (500, 20, LV_SPIN_GLASS_GD, threads, sgemm);
    }
  else if (g_str_equal (mode, "short"))
    ok = run_size (500, 100, LV_SPIN_GLASS_GD, threads, sgemm);
  else if (g_str_equal (mode, "paper"))
    ok = run_size (500, 1000, LV_SPIN_GLASS_GD, threads, sgemm);
  else if (g_str_equal (mode, "sgd-short"))
    ok = run_size (500, 100, LV_SPIN_GLASS_SGD, threads, sgemm);
  else
    {
      fprintf (stderr, "bench-spinglass: unknown mode '%s'\n", mode);
      return 2;
    }
  /* The rate again after the run: the machine's load may have changed meanwhile. */
  printf ("sgemm after the run: %.1f GFLOP/s\n", sgemm_rate (threads));
  return ok ? 0 : 1;
}
