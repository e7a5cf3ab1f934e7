/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-lift.h>

#include <math.h>
#include <string.h>

#include <cblas.h>

#include <lossviz/lv-error.h>

#include "lv-task-group-private.h"

/*
 * Score functions and the empirical cross-moments of NN-LIFT (docs/THEORY.md §3.2–3.3), for x ~ N(0, I).
 *
 * This translation unit uses <cblas.h> (OpenBLAS) and therefore no GSL matrix header.
 */

/**
 * lv_lift_s3_contract_itt:
 * @x: a sample (d values).
 * @t: a vector (d values).
 * @d: the dimension.
 * @out: (out): d values, S_3(x)(I, t, t).
 *
 * The third-order score of N(0, I) contracted twice with @t, without forming the d³ tensor:
 * S_3(x)(I, t, t)_a = x_a ((x.t)² − |t|²) − 2 t_a (x.t).
 */
void
lv_lift_s3_contract_itt (const double *x, const double *t, guint d, double *out)
{
  double xt = 0.0, tt = 0.0;

  for (guint a = 0; a < d; a++)
    {
      xt += x[a] * t[a];
      tt += t[a] * t[a];
    }
  for (guint a = 0; a < d; a++)
    out[a] = x[a] * (xt * xt - tt) - 2.0 * t[a] * xt;
}

/**
 * lv_lift_s3_contract_ttt:
 * @x: a sample (d values).
 * @t: a vector (d values).
 * @d: the dimension.
 *
 * Returns: S_3(x)(t, t, t) = (x.t)³ − 3 |t|² (x.t) for N(0, I).
 */
double
lv_lift_s3_contract_ttt (const double *x, const double *t, guint d)
{
  double xt = 0.0, tt = 0.0;

  for (guint a = 0; a < d; a++)
    {
      xt += x[a] * t[a];
      tt += t[a] * t[a];
    }
  return xt * xt * xt - 3.0 * tt * xt;
}

/*
 * Accumulation plan. Samples are cut into chunks of CHUNK rows, and the chunks into at most
 * N_BLOCKS contiguous blocks. Both cuts depend only on n, never on the number of threads; each
 * block is summed sequentially by one task into its own buffer, and the blocks are added in
 * block order at the end. So the floating-point result is bit-identical for any pool size.
 *
 * Inside a chunk, Z (rows × P, P = d(d+1)/2) holds y_i x_a x_b for a <= b, and one GEMM
 * Z^T X adds sum_i y_i x_a x_b x_c for every (a <= b, c). Column sums of Z give sum y x_a x_b.
 * No per-sample d³ array is ever formed.
 */
#define CHUNK 1024
#define N_BLOCKS 16

typedef struct
{
  const double *x;
  const double *yc;
  guint d;
  guint pairs;
  gsize first;
  gsize last;
  double *cubic;  /* pairs × d */
  double *square; /* pairs */
  double *first_moment; /* d */
} Block;

static void
block_run (gpointer data)
{
  Block *block = data;
  guint d = block->d, pairs = block->pairs;
  g_autofree double *z = g_new (double, (gsize) CHUNK * pairs);

  for (gsize start = block->first; start < block->last; start += CHUNK)
    {
      gsize rows = MIN ((gsize) CHUNK, block->last - start);

      for (gsize i = 0; i < rows; i++)
        {
          const double *xi = block->x + (start + i) * d;
          double yi = block->yc[start + i];
          double *zi = z + i * pairs;
          guint p = 0;

          for (guint a = 0; a < d; a++)
            {
              double ya = yi * xi[a];

              block->first_moment[a] += ya;
              for (guint b = a; b < d; b++)
                zi[p++] = ya * xi[b];
            }
        }
      for (gsize i = 0; i < rows; i++)
        for (guint p = 0; p < pairs; p++)
          block->square[p] += z[i * pairs + p];
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) pairs, (int) d, (int) rows,
                   1.0, z, (int) pairs, block->x + start * d, (int) d, 1.0, block->cubic,
                   (int) d);
    }
}

static inline guint
pair_index (guint a, guint b, guint d)
{
  /* a <= b: rows 0..a-1 hold d, d-1, ..., d-a+1 pairs. */
  return a * d - a * (a - 1) / 2 + (b - a);
}

/* Checks sizes and finiteness; returns the centred responses y − ȳ, or NULL with @error set. */
static double *
centred_responses (const double *x, const double *y, gsize n, guint d, GError **error)
{
  double ybar = 0.0, *yc;

  if (n < 2 || d == 0 || d > 128)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "moment estimation needs n >= 2 samples and 1 <= d <= 128 (got n=%"
                   G_GSIZE_FORMAT ", d=%u)", n, d);
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    ybar += y[i];
  ybar /= (double) n;
  if (!isfinite (ybar))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "responses are not finite");
      return NULL;
    }
  for (gsize i = 0; i < n * d; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "inputs are not finite");
        return NULL;
      }
  yc = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    yc[i] = y[i] - ybar;
  return yc;
}

/*
 * Runs the accumulation plan (see above) and leaves the sums, divided by n where the tensor
 * needs it, in block 0's slots: cubic (pairs × d) = (1/n) Σ ỹ x_a x_b x_c,
 * square (pairs) = Σ ỹ x_a x_b, m (d) = (1/n) Σ ỹ x_a.
 */
static void
accumulate (const double *x, const double *yc, gsize n, guint d, LvWorkerPool *pool,
            double **cubic_out, double **square_out, double **m_out)
{
  guint pairs = d * (d + 1) / 2;
  gsize n_chunks = (n + CHUNK - 1) / CHUNK;
  guint n_blocks = (guint) MIN ((gsize) N_BLOCKS, n_chunks);
  g_autofree Block *blocks = g_new0 (Block, n_blocks);
  double *cubic = g_new0 (double, (gsize) n_blocks * pairs * d);
  double *square = g_new0 (double, (gsize) n_blocks * pairs);
  double *m = g_new0 (double, (gsize) n_blocks * d);
  LvTaskGroup group;

  lv_task_group_init (&group, pool);
  for (guint bl = 0; bl < n_blocks; bl++)
    {
      Block *block = &blocks[bl];

      block->x = x;
      block->yc = yc;
      block->d = d;
      block->pairs = pairs;
      block->first = MIN (n, (n_chunks * bl / n_blocks) * CHUNK);
      block->last = MIN (n, (n_chunks * (bl + 1) / n_blocks) * CHUNK);
      block->cubic = cubic + (gsize) bl * pairs * d;
      block->square = square + (gsize) bl * pairs;
      block->first_moment = m + (gsize) bl * d;
      lv_task_group_push (&group, block_run, block);
    }
  lv_task_group_join (&group);

  /* Fixed-order reduction into block 0. */
  for (guint bl = 1; bl < n_blocks; bl++)
    {
      for (gsize i = 0; i < (gsize) pairs * d; i++)
        cubic[i] += cubic[(gsize) bl * pairs * d + i];
      for (guint p = 0; p < pairs; p++)
        square[p] += square[(gsize) bl * pairs + p];
      for (guint a = 0; a < d; a++)
        m[a] += m[(gsize) bl * d + a];
    }
  for (gsize i = 0; i < (gsize) pairs * d; i++)
    cubic[i] /= (double) n;
  for (guint a = 0; a < d; a++)
    m[a] /= (double) n;
  *cubic_out = cubic;
  *square_out = square;
  *m_out = m;
}

/* T^_abc = cubic[sorted (a, b, c)] − sym(m ⊗ I)_abc: every entry is read from its sorted index
 * triple, so the tensor is exactly symmetric. */
static void
assemble_tensor (const double *cubic, const double *m, guint d, double *tensor)
{
  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      for (guint c = 0; c < d; c++)
        {
          guint s[3] = { a, b, c }, tmp;
          double v;

          if (s[0] > s[1]) { tmp = s[0]; s[0] = s[1]; s[1] = tmp; }
          if (s[1] > s[2]) { tmp = s[1]; s[1] = s[2]; s[2] = tmp; }
          if (s[0] > s[1]) { tmp = s[0]; s[0] = s[1]; s[1] = tmp; }
          v = cubic[(gsize) pair_index (s[0], s[1], d) * d + s[2]];
          if (b == c)
            v -= m[a];
          if (a == c)
            v -= m[b];
          if (a == b)
            v -= m[c];
          tensor[((gsize) a * d + b) * d + c] = v;
        }
}

/* M^_2 = Σ ỹ (x xᵀ − I) / n; the identity term vanishes up to rounding since ỹ is centred. */
static void
assemble_m2 (const double *square, const double *yc, gsize n, guint d, double *m2)
{
  double mean_yc = 0.0;

  for (gsize i = 0; i < n; i++)
    mean_yc += yc[i];
  mean_yc /= (double) n;
  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      {
        guint lo = MIN (a, b), hi = MAX (a, b);

        m2[a * d + b] = square[pair_index (lo, hi, d)] / (double) n - (a == b ? mean_yc : 0.0);
      }
}

/**
 * lv_lift_estimate_moments:
 * @x: n × d samples, row-major, assumed drawn from N(0, I).
 * @y: n responses.
 * @n: samples (at least 2).
 * @d: dimension (1..128).
 * @pool: (nullable): worker pool for the accumulation; %NULL runs in the calling thread.
 * @tensor: (out): d³ values, T^ = (1/n) sum (y_i − ȳ) S_3(x_i).
 * @m2: (out) (nullable): d² values, M^_2 = (1/n) sum (y_i − ȳ) S_2(x_i).
 * @error: return location for a #GError.
 *
 * The empirical cross-moments with centred responses (E[S_m] = 0, so centring keeps the estimator
 * unbiased while cutting its variance; docs/THEORY.md §3.3):
 * T^ = (1/n) sum ỹ_i x_i^(x)3 − sym(m (x) I), m = (1/n) sum ỹ_i x_i.
 * The result does not depend on the number of threads in @pool, bit for bit.
 *
 * Returns: %FALSE (with %LV_ERROR_INVALID_INPUT) on bad sizes or non-finite data.
 */
gboolean
lv_lift_estimate_moments (const double *x, const double *y, gsize n, guint d,
                          LvWorkerPool *pool, double *tensor, double *m2, GError **error)
{
  g_autofree double *yc = centred_responses (x, y, n, d, error);
  g_autofree double *cubic = NULL, *square = NULL, *m = NULL;

  if (yc == NULL)
    return FALSE;
  accumulate (x, yc, n, d, pool, &cubic, &square, &m);
  assemble_tensor (cubic, m, d, tensor);
  if (m2 != NULL)
    assemble_m2 (square, yc, n, d, m2);
  return TRUE;
}
