/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-sgemm: the OpenBLAS sgemm rate this machine gives, measured the way LossViz uses it —
 * T threads (pthreads), each calling a single-threaded OpenBLAS on its own matrices — for the
 * reference workload's GEMM shapes and a big square product (the "peak").
 *
 *   bench-sgemm [--threads T] [--seconds S]
 *
 * Prints one JSON object: {"threads":T,"openblas":"<config>","shapes":[{"name", "m", "n", "k",
 * "gflops", "max_rel_error"}…],"peak_gflops":…}. Each result is checked against a double
 * reference, so a miscomputing kernel is reported, not benchmarked. Each shape runs three
 * trials of S/3 seconds and reports the best, so a briefly busy machine lowers it less.
 */
#include "config.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void openblas_set_num_threads (int num_threads);
extern char *openblas_get_config (void);
extern char *openblas_get_corename (void);

typedef struct
{
  const char *name;
  int m, n, k;
  int trans_b; /* B is n × k (row-major), used as Bᵀ */
} Shape;

typedef struct
{
  const Shape *shape;
  double seconds;
  long calls;
  double elapsed;
  double max_rel_error;
  float *a, *b, *c;
} Job;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
gemm (const Job *j)
{
  const Shape *s = j->shape;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, s->trans_b ? CblasTrans : CblasNoTrans, s->m, s->n,
               s->k, 1.0f, j->a, s->k, j->b, s->trans_b ? s->k : s->n, 0.0f, j->c, s->n);
}

static double
check (const Job *j)
{
  /* Double reference on a sample of entries. */
  const Shape *s = j->shape;
  double worst = 0;

  for (int t = 0; t < 200; t++)
    {
      int r = (int) ((long) t * 7919 % s->m), col = (int) ((long) t * 104729 % s->n);
      double ref = 0, mag = 0;
      for (int p = 0; p < s->k; p++)
        {
          double bv = s->trans_b ? j->b[(long) col * s->k + p] : j->b[(long) p * s->n + col];
          ref += (double) j->a[(long) r * s->k + p] * bv;
          mag += fabs ((double) j->a[(long) r * s->k + p] * bv);
        }
      worst = fmax (worst, fabs (j->c[(long) r * s->n + col] - ref) / fmax (mag, 1e-30));
    }
  return worst;
}

static void *
run (void *data)
{
  Job *j = data;
  double t0, t;

  gemm (j); /* warm-up: packing buffers, page faults */
  j->max_rel_error = check (j);
  t0 = now ();
  do
    {
      for (int i = 0; i < 8; i++)
        gemm (j);
      j->calls += 8;
      t = now ();
    }
  while (t - t0 < j->seconds);
  j->elapsed = t - t0;
  return NULL;
}

static float *
random_matrix (long n, unsigned *state)
{
  float *m = aligned_alloc (64, ((n * sizeof (float) + 63) / 64) * 64);

  for (long i = 0; i < n; i++)
    {
      *state = *state * 1664525u + 1013904223u;
      m[i] = (float) ((*state >> 8) / 16777216.0 - 0.5);
    }
  return m;
}

int
main (int argc, char **argv)
{
  static const Shape shapes[] = {
    /* Reference workload, fused blocks of 16 nets of width 100, minibatch 100, 100 inputs. */
    { "fused-forward (K·h × n × d)", 1600, 100, 100, 1 },
    { "fused-weight-grad (K·h × d × n)", 1600, 100, 100, 0 },
    /* One network's first layer alone (what one-model-at-a-time peers run). */
    { "single-net-layer1 (n × h × d)", 100, 100, 100, 1 },
    /* One network's output layer (10 classes). */
    { "output-layer (c × n × h)", 10, 100, 100, 0 },
    { "square-2048", 2048, 2048, 2048, 0 },
  };
  int threads = 2;
  double seconds = 1.0, peak = 0;
  unsigned seed = 12345;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
        threads = atoi (argv[++i]);
      else if (strcmp (argv[i], "--seconds") == 0 && i + 1 < argc)
        seconds = atof (argv[++i]);
      else
        {
          fprintf (stderr, "usage: bench-sgemm [--threads T] [--seconds S]\n");
          return 2;
        }
    }
  if (threads < 1 || threads > 256 || !(seconds > 0 && seconds < 600))
    {
      fprintf (stderr, "bench-sgemm: error: bad --threads or --seconds\n");
      return 2;
    }
  openblas_set_num_threads (1);

  printf ("{\"threads\":%d,\"openblas\":\"%s\",\"core\":\"%s\",\"shapes\":[", threads,
          openblas_get_config (), openblas_get_corename ());
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    {
      const Shape *sh = &shapes[s];
      Job *jobs = calloc (threads, sizeof (Job));
      pthread_t *tids = calloc (threads, sizeof (pthread_t));
      double err = 0, gflops = 0;

      for (int t = 0; t < threads; t++)
        {
          jobs[t].shape = sh;
          jobs[t].seconds = seconds / 3;
          jobs[t].a = random_matrix ((long) sh->m * sh->k, &seed);
          jobs[t].b = random_matrix ((long) sh->k * sh->n, &seed);
          jobs[t].c = random_matrix ((long) sh->m * sh->n, &seed);
        }
      for (int trial = 0; trial < 3; trial++)
        {
          double flops = 0, elapsed = 0;

          for (int t = 0; t < threads; t++)
            {
              jobs[t].calls = 0;
              pthread_create (&tids[t], NULL, run, &jobs[t]);
            }
          for (int t = 0; t < threads; t++)
            {
              pthread_join (tids[t], NULL);
              flops += 2.0 * sh->m * sh->n * sh->k * jobs[t].calls;
              elapsed = fmax (elapsed, jobs[t].elapsed);
              err = fmax (err, jobs[t].max_rel_error);
            }
          gflops = fmax (gflops, flops / elapsed / 1e9);
        }
      for (int t = 0; t < threads; t++)
        {
          free (jobs[t].a);
          free (jobs[t].b);
          free (jobs[t].c);
        }
      if (sh->m == 2048)
        peak = gflops;
      printf ("%s{\"name\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"gflops\":%.3f,"
              "\"max_rel_error\":%.3g}",
              s ? "," : "", sh->name, sh->m, sh->n, sh->k, gflops, err);
      fflush (stdout);
      free (jobs);
      free (tids);
    }
  printf ("],\"peak_gflops\":%.3f}\n", peak);
  return 0;
}
