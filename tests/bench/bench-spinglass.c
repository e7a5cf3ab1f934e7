/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"

/* Times `spinglass simulate` (p = 3, fixed disorder) and, in the same run, the OpenBLAS sgemm
 * rate of the machine on the contraction's own shape (one GEMM per worker thread,
 * single-threaded OpenBLAS each, as the simulation runs them) and on bench-sgemm's 2048²
 * square (its "peak"), so the contraction's GFLOP/s can be given as a share of what sgemm
 * reaches here (the "contraction share" line, per wall and per CPU second; read by
 * issue14-summary.py); with bf16, also the oneDNN bf16 matmul
 * rate of the same shape (the bf16 peer). The machine may be shared: every rate is given per
 * wall second and per CPU second (process CPU time over the same interval), and the paper run
 * is projected from the CPU time per start-step onto two idle cores.
 *
 *   bench-spinglass [small|short|paper|sgd-short] [THREADS] [mixed|blas|bf16]
 *   small      Λ = 25, 50, 100 with 1000 starts (index computed) and Λ = 500 with 20 starts
 *   short      Λ = 500, 100 starts, gradient descent to |g| < 1e-5
 *   paper      Λ = 500, 1000 starts (the paper's largest size; goal ≤ 20 minutes)
 *   sgd-short  Λ = 500, 100 starts, the SGD variant then descent polishing
 *   width      Λ = 500, 128 starts capped at WIDTH_STEPS steps: the steady full-width step
 *              (every lane busy, two exact refreshes) in a few CPU minutes, for the shares;
 *              the runs do not converge, so no paper projection is printed
 * Precision: mixed (the default, as `spinglass simulate`: fp32 delta GEMMs, through oneDNN with
 * prepacked couplings when built with it), blas (the same through OpenBLAS's sgemm, the path
 * of builds without oneDNN) or bf16 (`--bf16`).
 */

/* Starts of the paper's run; the projection scales a run's steps by PAPER_RUNS / runs. Note
 * that process CPU time counts every thread of the process, so the per-CPU-second rates of
 * the peers include any other thread that ran meanwhile. */
#define PAPER_RUNS 1000
/* Step cap of the width mode (two exact refreshes at steps 0 and 48, 128 lanes throughout). */
#define WIDTH_STEPS 96

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct
{
  double wall, cpu;             /* GFLOP per wall second and per CPU second */
} Rate;

/* One peer thread's work: @reps products of an m × k and a k × n matrix (float for sgemm,
 * LvBf16 for the oneDNN peer) into c. */
typedef struct
{
  void *a, *b;
  float *c;
  int m, n, k, reps;
  double cpu;                   /* this thread's CPU seconds in its GEMMs */
} PeerJob;

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gpointer
gemm_thread (gpointer data)
{
  PeerJob *job = data;
  double cpu0 = thread_cpu_seconds ();

  for (int r = 0; r < job->reps; r++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, job->m, job->n, job->k, 1.0f,
                 job->a, job->k, job->b, job->n, 0.0f, job->c, job->n);
  job->cpu = thread_cpu_seconds () - cpu0;
  return NULL;
}

/* Runs @fn on every one of @threads jobs at once and returns the aggregate GFLOP/s, per wall
 * second and per CPU second of the peer threads themselves (the process's CPU clock counts
 * every other thread too, OpenBLAS's own pool among them, which made the same-shape peer read
 * 18–21 GFLOP/s per CPU second against 40–48 per wall second); then frees the jobs' matrices.
 * The one timing loop of both peers. */
static Rate
time_peer_jobs (GThreadFunc fn, PeerJob *jobs, guint threads)
{
  g_autofree GThread **th = g_new (GThread *, threads);
  double flops = 2.0 * jobs[0].m * jobs[0].n * (double) jobs[0].k * jobs[0].reps * threads;
  double thread_cpu = 0.0;
  gint64 t0 = g_get_monotonic_time ();
  Rate rate;

  for (guint t = 0; t < threads; t++)
    th[t] = g_thread_new ("peer", fn, &jobs[t]);
  for (guint t = 0; t < threads; t++)
    g_thread_join (th[t]);
  rate.wall = flops / ((g_get_monotonic_time () - t0) / 1e6) / 1e9;
  for (guint t = 0; t < threads; t++)
    {
      thread_cpu += jobs[t].cpu;
      g_free (jobs[t].a);
      g_free (jobs[t].b);
      g_free (jobs[t].c);
    }
  rate.cpu = flops / thread_cpu / 1e9;
  return rate;
}

/* Aggregate sgemm GFLOP/s of @threads concurrent single-threaded m × n × k GEMMs. */
static Rate
sgemm_rate_of (guint threads, int m, int n, int k, int reps)
{
  g_autofree PeerJob *jobs = g_new0 (PeerJob, threads);

  for (guint t = 0; t < threads; t++)
    {
      float *a = g_new (float, (gsize) m * k), *b = g_new (float, (gsize) k * n);

      for (gsize i = 0; i < (gsize) m * k; i++)
        a[i] = (float) (g_random_double () - 0.5);
      for (gsize i = 0; i < (gsize) k * n; i++)
        b[i] = (float) (g_random_double () - 0.5);
      jobs[t] = (PeerJob) { a, b, g_new (float, (gsize) m * n), m, n, k, reps, 0.0 };
    }
  return time_peer_jobs (gemm_thread, jobs, threads);
}

/* The contraction's own shape: 64 × 128 × 125 250 (a row block of the Λ = 500 couplings times
 * the monomials of 128 starts). */
static Rate
sgemm_rate (guint threads)
{
  return sgemm_rate_of (threads, 64, 128, 125250, 6);
}

#ifdef HAVE_DNNL
static gpointer
bf16_thread (gpointer data)
{
  PeerJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvGemmBf16) gemm = lv_gemm_bf16_new (1, FALSE, FALSE, job->m, job->n, job->k,
                                                 &error);
  double cpu0 = thread_cpu_seconds ();

  if (gemm == NULL)
    g_error ("%s", error->message);
  for (int r = 0; r < job->reps; r++)
    lv_gemm_bf16_run (gemm, job->a, job->b, job->c);
  job->cpu = thread_cpu_seconds () - cpu0;
  return NULL;
}
#endif

/* The bf16 peer: @threads concurrent single-threaded oneDNN bf16 matmuls 128 × 64 × 125 250
 * (the v GEMM of one row block: the monomials of 128 starts times the block's couplings,
 * here with both operands plain, packed by oneDNN every call). */
static Rate
bf16_rate (guint threads)
{
  Rate rate = { 0.0, 0.0 };
#ifdef HAVE_DNNL
  const gsize m = 128, n = 64, k = 125250;
  const int reps = 20;
  g_autofree PeerJob *jobs = g_new0 (PeerJob, threads);
  g_autofree float *tmp = g_new (float, MAX (m, n) * k);

  for (gsize i = 0; i < MAX (m, n) * k; i++)
    tmp[i] = (float) (g_random_double () - 0.5);
  for (guint t = 0; t < threads; t++)
    {
      LvBf16 *a = g_new (LvBf16, m * k), *b = g_new (LvBf16, k * n);

      lv_bf16_from_f32 (a, tmp, m * k);
      lv_bf16_from_f32 (b, tmp, k * n);
      jobs[t] = (PeerJob) { a, b, g_new (float, m * n), m, n, k, reps, 0.0 };
    }
  rate = time_peer_jobs (bf16_thread, jobs, threads);
#endif
  return rate;
}

typedef struct
{
  guint threads;
  LvSpinGlassPrecision precision;
  Rate sgemm, bf16, square;     /* square: bench-sgemm's 2048² "peak" shape */
} Bench;

static void
print_rates (const Bench *bench, const LvSpinGlassStats *stats, guint64 steps, guint runs,
             double cpu, gboolean converging)
{
  double fwall = stats->float_flops / (stats->float_seconds / bench->threads) / 1e9;
  double fcpu = stats->float_flops / stats->float_cpu_seconds / 1e9;
  const Rate *peer = bench->precision == LV_SPIN_GLASS_BF16 ? &bench->bf16 : &bench->sgemm;

  printf ("  float/bf16 delta GEMM steps: %.1f GFLOP in %.1f s wall, %.1f CPU s: "
          "%.1f GFLOP/s wall (%.0f%% of sgemm), %.1f GFLOP/s per CPU s (%.0f%% of sgemm's)\n",
          stats->float_flops / 1e9, stats->float_seconds / bench->threads,
          stats->float_cpu_seconds, fwall, 100.0 * fwall / bench->sgemm.wall, fcpu,
          100.0 * fcpu / bench->sgemm.cpu);
  /* The figure: the float steps' contraction (GEMMs and the O(qΛ^q) sums around them)
   * against sgemm in the same run, per wall and per CPU second. */
  printf ("  contraction share of the sgemm rate: %.1f GFLOP/s wall, %.1f per CPU s = "
          "%.0f%% / %.0f%% of the same-shape sgemm, %.0f%% / %.0f%% of the 2048^2 sgemm "
          "(wall / CPU)\n", fwall, fcpu, 100.0 * fwall / bench->sgemm.wall,
          100.0 * fcpu / bench->sgemm.cpu, 100.0 * fwall / bench->square.wall,
          100.0 * fcpu / bench->square.cpu);
  printf ("  exact (double) evaluations: %.1f GFLOP in %.1f s wall\n",
          (stats->contraction_flops - stats->float_flops) / 1e9,
          (stats->contraction_seconds - stats->float_seconds) / bench->threads);
  if (bench->precision == LV_SPIN_GLASS_BF16)
    printf ("  bf16 delta steps vs the oneDNN bf16 matmul peer: %.0f%% (wall), %.0f%% (CPU)\n",
            100.0 * fwall / peer->wall, 100.0 * fcpu / peer->cpu);
  if (!converging)
    {
      printf ("  CPU per start-step %.2f ms (capped runs: setup and each start's final double "
              "check included, no paper projection)\n", 1e3 * cpu / steps);
      return;
    }
  printf ("  CPU per start-step %.2f ms; the paper run (%u starts, %.3g start-steps) projected "
          "onto %u idle cores: %.0f s\n",
          1e3 * cpu / steps, PAPER_RUNS, (double) steps * PAPER_RUNS / runs, bench->threads,
          cpu / steps * steps * PAPER_RUNS / runs / bench->threads);
}

/* One size; @max_steps 0 keeps the default cap (runs converge). */
static gboolean
run_size (const Bench *bench, guint lambda, guint runs, LvSpinGlassMethod method,
          guint max_steps)
{
  LvSpinGlassConfig config;
  LvSpinGlassStats stats;
  g_autofree LvSpinGlassRun *out = NULL;
  g_autoptr(GError) error = NULL;
  double mean = 0.0, cpu0 = cpu_seconds (), rate, cpu;
  guint64 steps = 0;
  guint converged = 0;

  lv_spin_glass_config_init (&config, 3, lambda);
  config.runs = runs;
  config.seed = 1;
  config.method = method;
  config.n_threads = bench->threads;
  config.precision = bench->precision;
  if (max_steps > 0)
    config.max_steps = max_steps;
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
  cpu = cpu_seconds () - cpu0;
  rate = stats.contraction_flops / (stats.wall_seconds - stats.setup_seconds) / 1e9;
  printf ("%6u %6u %4s %9.1f %8.1f %8.1f %10lu %9u %10.1f %9.1f %7.0f%% %9.4f\n", lambda, runs,
          method == LV_SPIN_GLASS_SGD ? "sgd" : "gd", stats.wall_seconds, stats.setup_seconds,
          cpu, (unsigned long) steps, converged,
          stats.contraction_flops / 1e9, rate, 100.0 * rate / bench->sgemm.wall, mean);
  if (stats.float_flops > 0.0 && lambda >= 500)
    print_rates (bench, &stats, steps, runs, cpu, max_steps == 0);
  fflush (stdout);
  return TRUE;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "small";
  const char *prec = argc > 3 ? argv[3] : NULL;
  Bench bench = { argc > 2 ? (guint) atoi (argv[2]) : 0, LV_SPIN_GLASS_MIXED };
  gboolean ok = TRUE;
  Rate after;

  lv_core_init ();
  if (bench.threads == 0)
    bench.threads = MAX (1, g_get_num_processors ());
  if (prec != NULL && strcmp (prec, "bf16") == 0)
    bench.precision = LV_SPIN_GLASS_BF16;
  else if (prec != NULL && strcmp (prec, "blas") == 0)
    g_setenv ("LOSSVIZ_SPINGLASS_BLAS", "1", TRUE);   /* before any thread exists */
  else if (prec != NULL && strcmp (prec, "mixed") != 0)
    {
      fprintf (stderr, "bench-spinglass: unknown precision '%s' (mixed, blas or bf16)\n", prec);
      return 2;
    }
  bench.sgemm = sgemm_rate (bench.threads);
  printf ("OpenBLAS sgemm 64x128x125250, %u concurrent single-threaded GEMMs: %.1f GFLOP/s wall, "
          "%.1f per CPU s\n", bench.threads, bench.sgemm.wall, bench.sgemm.cpu);
  bench.square = sgemm_rate_of (bench.threads, 2048, 2048, 2048, 4);
  printf ("OpenBLAS sgemm 2048x2048x2048 (bench-sgemm's peak shape), %u concurrent: %.1f GFLOP/s "
          "wall, %.1f per CPU s\n", bench.threads, bench.square.wall, bench.square.cpu);
  if (bench.precision == LV_SPIN_GLASS_BF16)
    {
      bench.bf16 = bf16_rate (bench.threads);
      printf ("oneDNN bf16 matmul 128x64x125250, %u concurrent single-threaded: %.1f GFLOP/s "
              "wall, %.1f per CPU s\n", bench.threads, bench.bf16.wall, bench.bf16.cpu);
    }
  printf ("precision: %s\n", bench.precision == LV_SPIN_GLASS_BF16 ? "bf16"
                             : g_getenv ("LOSSVIZ_SPINGLASS_BLAS") != NULL
                               ? "mixed (fp32 through OpenBLAS sgemm)"
                               : "mixed (fp32; prepacked oneDNN f32 GEMMs when built with oneDNN)");
  printf ("%6s %6s %4s %9s %8s %8s %10s %9s %10s %9s %8s %9s\n", "lambda", "runs", "meth",
          "wall s", "setup s", "cpu s", "steps", "converged", "GFLOP", "GFLOP/s", "of sgemm",
          "mean E/L");
  if (g_str_equal (mode, "small"))
    {
      const guint lambdas[] = { 25, 50, 100 };
      for (guint i = 0; ok && i < G_N_ELEMENTS (lambdas); i++)
        ok = run_size (&bench, lambdas[i], 1000, LV_SPIN_GLASS_GD, 0);
      ok = ok && run_size (&bench, 500, 20, LV_SPIN_GLASS_GD, 0);
    }
  else if (g_str_equal (mode, "short"))
    ok = run_size (&bench, 500, 100, LV_SPIN_GLASS_GD, 0);
  else if (g_str_equal (mode, "paper"))
    ok = run_size (&bench, 500, PAPER_RUNS, LV_SPIN_GLASS_GD, 0);
  else if (g_str_equal (mode, "width"))
    ok = run_size (&bench, 500, 128, LV_SPIN_GLASS_GD, WIDTH_STEPS);
  else if (g_str_equal (mode, "sgd-short"))
    ok = run_size (&bench, 500, 100, LV_SPIN_GLASS_SGD, 0);
  else
    {
      fprintf (stderr, "bench-spinglass: unknown mode '%s'\n", mode);
      return 2;
    }
  /* The rates again after the run: the machine's load may have changed meanwhile. */
  after = sgemm_rate (bench.threads);
  printf ("sgemm after the run: %.1f GFLOP/s wall, %.1f per CPU s\n", after.wall, after.cpu);
  if (bench.precision == LV_SPIN_GLASS_BF16)
    {
      after = bf16_rate (bench.threads);
      printf ("bf16 matmul after the run: %.1f GFLOP/s wall, %.1f per CPU s\n", after.wall,
              after.cpu);
    }
  return ok ? 0 : 1;
}
