/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-private.h"
#include "lv-gemm-bf16.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-memory-budget.h>
#include <lossviz/lv-rng.h>

/*
 * Couplings, energy and gradients of the spherical p-spin glass (docs/THEORY.md §1.1).
 *
 * Storage. Only sorted tuples t = (t1 ≤ … ≤ tp) carry a coupling, K_t ~ N(0, m_t) with
 * m_t = p!/Π mult!; that is equal in law to the full tensor of i.i.d. N(0,1) entries. For each
 * spin i occurring in t with multiplicity μ, and τ = t with one i removed,
 *   ∂/∂s_i of N^{-(p-1)/2} K_t s^t = N^{-(p-1)/2} μ K_t s^τ,
 * so A[i, τ] = N^{-(p-1)/2} μ K_t and ∇H(s) = A c(s) with the monomial vector c_τ = s^τ.
 * A has N · C(N+p-2, p-1) entries (p = 3, N = 500: 62.6 M) instead of N^p, and one GEMM
 * A · [c(s_1) … c(s_R)] gives the gradients of R starts at once.
 *
 * Randomness. K_t is a function of (seed, t, part) only (a counter-based generator), so a draw
 * does not depend on enumeration order or threads, and single couplings can be recomputed.
 */

/* Bits per spin index in a tuple key: 5 × 12 bits fit one 64-bit key. */
#define KEY_BITS 12

static guint64
tuple_key (const guint *t, guint len)
{
  guint64 key = 0;

  for (guint d = 0; d < len; d++)
    key = (key << KEY_BITS) | (guint64) t[d];
  return key;
}

static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* A standard normal that depends only on (seed, key, part): Box–Muller on two hashed uniforms. */
static double
counter_gaussian (guint64 seed, guint64 key, guint64 part)
{
  guint64 h1 = lv_seed_mix (seed, key, part);
  guint64 h2 = mix64 (h1 ^ G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  double u1 = ((double) (h1 >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
  double u2 = (double) (h2 >> 11) * 0x1.0p-53;

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* m_t = p!/Π mult! for a sorted tuple. */
static double
tuple_multinomial (const guint *t, guint len)
{
  double m = 1.0;
  guint run = 1;

  for (guint d = 1; d <= len; d++)
    m *= d;
  for (guint d = 1; d <= len; d++)
    {
      if (d < len && t[d] == t[d - 1])
        run++;
      else
        {
          for (guint r = 2; r <= run; r++)
            m /= r;
          run = 1;
        }
    }
  return m;
}

static double
full_coupling (guint64 seed, const guint *t, guint p)
{
  return sqrt (tuple_multinomial (t, p)) * counter_gaussian (seed, tuple_key (t, p), 0);
}

static gsize
n_sorted_tuples (guint n, guint len)
{
  /* C(n + len - 1, len), exact in 64 bits for the sizes allowed here. */
  guint64 c = 1;

  for (guint d = 1; d <= len; d++)
    c = c * (n + d - 1) / d;
  return (gsize) c;
}

/**
 * lv_spin_glass_storage_bytes:
 * @p: order.
 * @n: number of spins.
 * @n_parts: number of SGD coupling parts (0 for plain descent).
 * @precision: whether a float copy is kept.
 *
 * Returns: the bytes one disorder draw occupies: the double unfolding (8 N C(N+p-2, p-1)
 *   bytes), plus 4 bytes per entry for the float copy and for each SGD part.
 */
guint64
lv_spin_glass_storage_bytes (guint p, guint n, guint n_parts, LvSpinGlassPrecision precision)
{
  guint64 entries = (guint64) n * n_sorted_tuples (n, p - 1);
  guint64 per_entry = 8 + (precision != LV_SPIN_GLASS_DOUBLE ? 4 : 0) + 4 * (guint64) n_parts;

  return entries * per_entry;
}

/* Column rank of a sorted tuple in lexicographic order. @tail[r * (n + 1) + v] counts the
 * nondecreasing r-tuples with all values in [v, n). */
static gsize
tuple_rank (const guint *t, guint len, guint n, const guint64 *tail)
{
  guint64 rank = 0;
  guint prev = 0;

  for (guint d = 0; d < len; d++)
    {
      guint r = len - d;
      rank += tail[r * (n + 1) + prev] - tail[r * (n + 1) + t[d]];
      prev = t[d];
    }
  return (gsize) rank;
}

static void
fill_couplings (LvSpinGlass *sg)
{
  guint p = sg->p, n = sg->n, q = p - 1, parts = sg->n_parts;
  gsize cols = sg->n_cols;
  g_autofree guint64 *tail = g_new0 (guint64, (gsize) (p + 1) * (n + 1));
  g_autofree double *z = g_new (double, parts + 1);
  guint t[LV_SPIN_GLASS_P_MAX], tau[LV_SPIN_GLASS_P_MAX];

  for (guint v = 0; v <= n; v++)
    tail[v] = 1;
  for (guint r = 1; r <= p; r++)
    for (int v = (int) n - 1; v >= 0; v--)
      tail[r * (n + 1) + v] = tail[r * (n + 1) + v + 1] + tail[(r - 1) * (n + 1) + v];

  memset (t, 0, sizeof t);
  do
    {
      double m = tuple_multinomial (t, p);
      double k = full_coupling (sg->seed, t, p);
      double zmean = 0.0;

      /* SGD split, equal in law to P i.i.d. N(0, m/P) parts but summing exactly to K:
       * X^(s) = K/P + Z_s - mean(Z), Z_s ~ N(0, m/P). Plain descent sees the same K. */
      for (guint s = 0; s < parts; s++)
        {
          z[s] = sqrt (m / parts) * counter_gaussian (sg->seed, tuple_key (t, p), s + 1);
          zmean += z[s] / parts;
        }
      if (sg->sym != NULL)
        {
          lv_sg_sym_store (sg->sym, t, -1, sg->scale * k);
          for (guint s = 0; s < parts; s++)
            lv_sg_sym_store (sg->sym, t, (int) s, sg->scale * (k / parts + z[s] - zmean));
        }
      for (guint d = 0; d < p && sg->a != NULL; d++)
        {
          guint mult = 1;
          gsize col, idx;

          if (d > 0 && t[d] == t[d - 1])
            continue; /* each distinct spin once */
          while (d + mult < p && t[d + mult] == t[d])
            mult++;
          /* τ = t without one occurrence of t[d]. */
          for (guint e = 0, f = 0; e < p; e++)
            if (e != d)
              tau[f++] = t[e];
          col = tuple_rank (tau, q, n, tail);
          idx = (gsize) t[d] * cols + col;
          sg->a[idx] = sg->scale * mult * k;
          if (sg->af != NULL)
            sg->af[idx] = (float) sg->a[idx];
          /* With symmetric storage the SGD parts live in sg->sym only. */
          for (guint s = 0; s < parts && sg->parts != NULL; s++)
            sg->parts[s * n * cols + idx] =
              (float) (sg->scale * mult * (k / parts + z[s] - zmean));
        }
    }
  while (lv_sg_tuple_next (t, p, n));
}

/**
 * lv_spin_glass_new:
 * @p: order of the interaction, 2…5.
 * @n: number of spins Λ, 2…4000.
 * @seed: disorder seed; the same (p, n, seed) always gives the same couplings.
 * @n_parts: 0, or the number P of SGD parts to store as well (float).
 * @precision: whether to keep a float copy for fast descent.
 * @error: return location for a #GError.
 *
 * Draws one disorder realisation. Fails with %LV_ERROR_INVALID_INPUT for out-of-range
 * parameters or when the storage would exceed %LV_SPIN_GLASS_MAX_BYTES.
 *
 * Returns: (transfer full) (nullable): the spin glass, or %NULL on error.
 */
LvSpinGlass *
lv_spin_glass_new (guint p, guint n, guint64 seed, guint n_parts, LvSpinGlassPrecision precision,
                   GError **error)
{
  return lv_sg_new_layouts (p, n, seed, n_parts, precision, TRUE, FALSE, error);
}

/* Whether the default (mixed) precision's delta GEMMs go through oneDNN with f32 packs: when
 * the build has oneDNN, the packs fit beside @bytes under the coupling limit and this process's
 * memory, and LOSSVIZ_SPINGLASS_BLAS is unset (it keeps OpenBLAS's sgemm: tests and the
 * benchmark's comparison). */
static gboolean
use_f32_packs (guint p, guint n, guint n_parts, guint64 bytes)
{
  guint64 total = bytes + lv_sg_sym_f32_pack_bytes (p, n, n_parts);

  return g_getenv ("LOSSVIZ_SPINGLASS_BLAS") == NULL && lv_bf16_available (NULL) &&
         total <= LV_SPIN_GLASS_MAX_BYTES && lv_memory_check ("packs", (double) total, NULL);
}

LvSpinGlass *
lv_sg_new_layouts (guint p, guint n, guint64 seed, guint n_parts, LvSpinGlassPrecision precision,
                   gboolean unfolding, gboolean symmetric, GError **error)
{
  g_autoptr(LvSpinGlass) sg = NULL;
  guint64 bytes;
  gsize entries;

  if (p < LV_SPIN_GLASS_P_MIN || p > LV_SPIN_GLASS_P_MAX)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "p = %u is outside 2..5", p);
      return NULL;
    }
  if (n < LV_SPIN_GLASS_N_MIN || n > LV_SPIN_GLASS_N_MAX)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "lambda = %u is outside %u..%u", n,
                   LV_SPIN_GLASS_N_MIN, LV_SPIN_GLASS_N_MAX);
      return NULL;
    }
  if (n_parts > 64)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%u coupling parts (at most 64)",
                   n_parts);
      return NULL;
    }
  /* Beside the symmetric storage the unfolding only serves the Hessian: double alone. */
  bytes = (unfolding ? (symmetric ? lv_spin_glass_storage_bytes (p, n, 0, LV_SPIN_GLASS_DOUBLE)
                                  : lv_spin_glass_storage_bytes (p, n, n_parts, precision)) : 0) +
          (symmetric ? lv_sg_sym_bytes (p, n, n_parts, precision) : 0);
  if (bytes > LV_SPIN_GLASS_MAX_BYTES)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "p = %u, lambda = %u needs %.2f GiB of couplings (limit %.0f GiB)", p, n,
                   bytes / 1073741824.0, LV_SPIN_GLASS_MAX_BYTES / 1073741824.0);
      return NULL;
    }
  /* Within the fixed limit, but maybe not within this process's memory (ulimit -v). */
  {
    g_autofree char *what = g_strdup_printf ("p = %u, lambda = %u", p, n);
    if (!lv_memory_check (what, bytes, error))
      return NULL;
  }

  sg = g_new0 (LvSpinGlass, 1);
  sg->p = p;
  sg->n = n;
  sg->n_parts = n_parts;
  sg->seed = seed;
  sg->n_cols = n_sorted_tuples (n, p - 1);
  sg->scale = pow ((double) n, -0.5 * (p - 1));
  entries = (gsize) n * sg->n_cols;
  if (unfolding)
    {
      sg->a = g_try_new0 (double, entries);
      if (precision != LV_SPIN_GLASS_DOUBLE && !symmetric)
        sg->af = g_try_new0 (float, entries);
      if (n_parts > 0 && !symmetric)
        sg->parts = g_try_new0 (float, entries * n_parts);
    }
  if (symmetric)
    sg->sym = lv_sg_sym_new (p, n, n_parts, precision);
  if ((unfolding && (sg->a == NULL ||
                     (!symmetric && precision != LV_SPIN_GLASS_DOUBLE && sg->af == NULL) ||
                     (!symmetric && n_parts > 0 && sg->parts == NULL))) ||
      (symmetric && sg->sym == NULL))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "out of memory for %.2f GiB of couplings",
                   bytes / 1073741824.0);
      return NULL;
    }
  fill_couplings (sg);
  /* Fixed disorder: prepack the float copies for oneDNN's delta GEMMs, bf16 with
   * LV_SPIN_GLASS_BF16, f32 with the default precision when it fits (else OpenBLAS's sgemm). */
  if (symmetric && precision == LV_SPIN_GLASS_BF16 && !lv_sg_sym_pack (sg->sym, TRUE, error))
    return NULL;
  if (symmetric && precision == LV_SPIN_GLASS_MIXED && use_f32_packs (p, n, n_parts, bytes) &&
      !lv_sg_sym_pack (sg->sym, FALSE, error))
    return NULL;
  return g_steal_pointer (&sg);
}

/**
 * lv_spin_glass_free:
 * @sg: (nullable): a spin glass.
 *
 * Frees the couplings.
 */
void
lv_spin_glass_free (LvSpinGlass *sg)
{
  if (sg == NULL)
    return;
  g_free (sg->a);
  g_free (sg->af);
  g_free (sg->parts);
  lv_sg_sym_free (sg->sym);
  g_free (sg);
}

/**
 * lv_spin_glass_get_p:
 * @sg: a spin glass.
 *
 * Returns: the order p.
 */
guint
lv_spin_glass_get_p (const LvSpinGlass *sg)
{
  return sg->p;
}

/**
 * lv_spin_glass_get_n:
 * @sg: a spin glass.
 *
 * Returns: the number of spins Λ.
 */
guint
lv_spin_glass_get_n (const LvSpinGlass *sg)
{
  return sg->n;
}

/**
 * lv_spin_glass_get_n_parts:
 * @sg: a spin glass.
 *
 * Returns: the number of stored SGD parts (0 if none).
 */
guint
lv_spin_glass_get_n_parts (const LvSpinGlass *sg)
{
  return sg->n_parts;
}

/**
 * lv_spin_glass_get_n_columns:
 * @sg: a spin glass.
 *
 * Returns: the number of columns of the unfolding, C(Λ + p − 2, p − 1); a gradient costs
 *   2 Λ times this many flops.
 */
gsize
lv_spin_glass_get_n_columns (const LvSpinGlass *sg)
{
  return sg->n_cols;
}

/**
 * lv_spin_glass_coupling:
 * @sg: a spin glass.
 * @tuple: p spin indices in any order.
 *
 * Recomputes the sorted-tuple coupling K_t (variance p!/Π mult!) from the counter-based
 * generator, independently of the stored unfolding. Tests use it to evaluate H from its
 * definition.
 *
 * Returns: K of the sorted @tuple.
 */
double
lv_spin_glass_coupling (const LvSpinGlass *sg, const guint *tuple)
{
  guint t[LV_SPIN_GLASS_P_MAX];

  memcpy (t, tuple, sg->p * sizeof (guint));
  /* Insertion sort: p ≤ 5. */
  for (guint i = 1; i < sg->p; i++)
    for (guint j = i; j > 0 && t[j - 1] > t[j]; j--)
      {
        guint tmp = t[j];
        t[j] = t[j - 1];
        t[j - 1] = tmp;
      }
  return full_coupling (sg->seed, t, sg->p);
}

/* Monomials c_τ(s_b) for every sorted (p-1)-tuple τ (rows, lexicographic) and start b
 * (columns): work[col * nb + b]. Prefix products are kept per level so each monomial costs one
 * multiply. s is n × nb row-major. One template, two precisions. */
#define DEFINE_MONOMIALS(TYPE, NAME)                                                             \
  static gsize                                                                                   \
  NAME (guint n, guint q, guint level, guint lo, const TYPE *s, guint nb, const TYPE *prev,      \
        TYPE *stack, TYPE *work, gsize col)                                                      \
  {                                                                                              \
    for (guint j = lo; j < n; j++)                                                               \
      {                                                                                          \
        const TYPE *sj = s + (gsize) j * nb;                                                     \
        TYPE *cur = level + 1 == q ? work + col * nb : stack + (gsize) level * nb;              \
        if (prev == NULL)                                                                        \
          memcpy (cur, sj, nb * sizeof (TYPE));                                                  \
        else                                                                                     \
          for (guint b = 0; b < nb; b++)                                                         \
            cur[b] = prev[b] * sj[b];                                                            \
        if (level + 1 == q)                                                                      \
          col++;                                                                                 \
        else                                                                                     \
          col = NAME (n, q, level + 1, j, s, nb, cur, stack, work, col);                         \
      }                                                                                          \
    return col;                                                                                  \
  }

DEFINE_MONOMIALS (double, monomials_d)
DEFINE_MONOMIALS (float, monomials_f)

/* The stack of prefix products sits after the monomials in the workspace; callers allocate
 * (n_cols + p) × n_starts values. */
void
lv_sg_contract_ws (const LvSpinGlass *sg, const double *s, guint n_starts, double *grad,
                   double *work)
{
  guint q = sg->p - 1;
  gsize cols = sg->n_cols;

  monomials_d (sg->n, q, 0, 0, s, n_starts, NULL, work + cols * n_starts, work, 0);
  if (n_starts == 1)
    cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) sg->n, (int) cols, 1.0, sg->a, (int) cols,
                 work, 1, 0.0, grad, 1);
  else
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) sg->n, (int) n_starts,
                 (int) cols, 1.0, sg->a, (int) cols, work, (int) n_starts, 0.0, grad,
                 (int) n_starts);
}

void
lv_sg_contract_float_ws (const LvSpinGlass *sg, int part, const float *s, guint n_starts,
                         float *grad, float *work)
{
  guint q = sg->p - 1;
  gsize cols = sg->n_cols;
  const float *a = part < 0 ? sg->af : sg->parts + (gsize) part * sg->n * cols;

  g_return_if_fail (a != NULL);
  monomials_f (sg->n, q, 0, 0, s, n_starts, NULL, work + cols * n_starts, work, 0);
  if (n_starts == 1)
    cblas_sgemv (CblasRowMajor, CblasNoTrans, (int) sg->n, (int) cols, 1.0f, a, (int) cols,
                 work, 1, 0.0f, grad, 1);
  else
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) sg->n, (int) n_starts,
                 (int) cols, 1.0f, a, (int) cols, work, (int) n_starts, 0.0f, grad,
                 (int) n_starts);
}

/**
 * lv_spin_glass_contract:
 * @sg: a spin glass.
 * @s: @n_starts points, Λ × @n_starts row-major (column b is start b).
 * @n_starts: number of points.
 * @grad: (out): Λ × @n_starts row-major Euclidean gradients ∇H, one column per start.
 *
 * The batched contraction: builds the monomial matrix [c(s_1) … c(s_R)] and multiplies it by
 * the unfolding in one dgemm (2 Λ C(Λ+p−2, p−1) R flops).
 */
void
lv_spin_glass_contract (const LvSpinGlass *sg, const double *s, guint n_starts, double *grad)
{
  g_autofree double *work = g_new (double, (sg->n_cols + sg->p) * n_starts);

  lv_sg_contract_ws (sg, s, n_starts, grad, work);
}

/**
 * lv_spin_glass_contract_float:
 * @sg: a spin glass built with %LV_SPIN_GLASS_MIXED (for @part −1) or with SGD parts.
 * @part: −1 for the full couplings, else the SGD part index.
 * @s: Λ × @n_starts row-major points.
 * @n_starts: number of points.
 * @grad: (out): Λ × @n_starts row-major gradients, single precision.
 *
 * Single-precision variant of lv_spin_glass_contract() (one sgemm).
 */
void
lv_spin_glass_contract_float (const LvSpinGlass *sg, int part, const float *s, guint n_starts,
                              float *grad)
{
  g_autofree float *work = g_new (float, (sg->n_cols + sg->p) * n_starts);

  lv_sg_contract_float_ws (sg, part, s, n_starts, grad, work);
}

/**
 * lv_spin_glass_gradient:
 * @sg: a spin glass.
 * @s: a point of Λ coordinates (normally on the sphere |s|² = Λ).
 * @grad: (out): the Euclidean gradient ∇H(s), Λ values.
 *
 * Returns: H(s) (unnormalised), obtained from Euler's identity s·∇H = p H.
 */
double
lv_spin_glass_gradient (const LvSpinGlass *sg, const double *s, double *grad)
{
  double dot = 0.0;

  lv_spin_glass_contract (sg, s, 1, grad);
  for (guint i = 0; i < sg->n; i++)
    dot += s[i] * grad[i];
  return dot / sg->p;
}

/**
 * lv_spin_glass_energy:
 * @sg: a spin glass.
 * @s: a point of Λ coordinates.
 *
 * Returns: H(s), not divided by Λ.
 */
double
lv_spin_glass_energy (const LvSpinGlass *sg, const double *s)
{
  g_autofree double *grad = g_new (double, sg->n);

  return lv_spin_glass_gradient (sg, s, grad);
}

/**
 * lv_spin_glass_riemannian_gradient:
 * @sg: a spin glass.
 * @s: a point on the sphere |s|² = Λ.
 * @rgrad: (out): g = ∇H − (s·∇H/Λ) s, the projection onto the tangent space.
 * @energy: (out) (optional): H(s).
 *
 * Returns: |g| (Euclidean norm, unnormalised H; the quantity the descent tolerance bounds).
 */
double
lv_spin_glass_riemannian_gradient (const LvSpinGlass *sg, const double *s, double *rgrad,
                                   double *energy)
{
  double h = lv_spin_glass_gradient (sg, s, rgrad);
  double radial = sg->p * h / sg->n, norm2 = 0.0;

  for (guint i = 0; i < sg->n; i++)
    {
      rgrad[i] -= radial * s[i];
      norm2 += rgrad[i] * rgrad[i];
    }
  if (energy != NULL)
    *energy = h;
  return sqrt (norm2);
}

/**
 * lv_spin_glass_random_point:
 * @n: number of coordinates Λ.
 * @seed: seed of the point.
 * @s: (out): a uniformly random point of the sphere |s|² = Λ.
 *
 * Draws a Gaussian vector and rescales it (uniform on the sphere by rotation invariance).
 */
void
lv_spin_glass_random_point (guint n, guint64 seed, double *s)
{
  LvRng rng;
  double norm2 = 0.0, scale;

  lv_rng_init (&rng, seed);
  do
    {
      norm2 = 0.0;
      for (guint i = 0; i < n; i++)
        {
          s[i] = lv_rng_gaussian (&rng);
          norm2 += s[i] * s[i];
        }
    }
  while (norm2 == 0.0);
  scale = sqrt (n / norm2);
  for (guint i = 0; i < n; i++)
    s[i] *= scale;
}
