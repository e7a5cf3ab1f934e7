/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-sym-private.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

/*
 * Symmetric lower storage of the couplings and the batched gradient built on it.
 *
 * Every sorted p-tuple t = (τ, k), k its largest spin, is stored once: A[k, τ] = N^{-(p-1)/2} K_t,
 * columns τ (sorted q-tuples, q = p − 1) in colex order, so the tuples with max τ < m form the
 * prefix of P(m) = C(m + q − 1, q) columns. Rows go in blocks of LV_SG_SYM_ROWS spins; block B
 * (rows [m0, m1)) touches only its P(m1) leading columns: about Λ^p / p! entries, 1/p of the
 * lexicographic unfolding. The matrix is stored dense (Λ × P(Λ), zeros above the staircase) so
 * that every GEMM, including the transposed one over all rows from a block down, has one
 * leading dimension; the zeros are never read.
 *
 * With c_τ(s) = s^τ, v = A c(s) and u = Aᵀ s (u_τ = Σ_{k ≥ max τ} A[k, τ] s_k):
 *   H(s) = Σ_τ c_τ u_τ,   ∇H(s) = v + w,   w_m = Σ_τ u_τ ∂c_τ/∂s_m,
 * so a gradient costs two GEMMs against A (2 Λ^p/(p−1)! flops each way: for p = 3 2Λ³/3 in all
 * instead of Λ³ with the unfolding) plus the O(q Λ^q) sum w.
 *
 * Delta form. Between two exact (double) evaluations at reference points r, the float path
 * computes only the change: Δv = A (c(s) − c(r)), Δu = Aᵀ (s − r), and
 *   Δw = Σ_τ [ (u_τ(r) + Δu_τ) ∂c_τ(s) − u_τ(r) ∂c_τ(r) ],
 * so float rounding (and the float copy of A) only perturbs the difference to the reference,
 * not the gradient itself: the descent can run in float down to tolerances far below float's
 * resolution of ∇H. With r = 0 and u(r) = 0 this is the plain float gradient.
 *
 * Parallelism. The work is cut into fixed items (row chunks of v, column ranges of u, each
 * with its own partial w), run on the shared pool and summed in a fixed order, so results do
 * not depend on the number of threads.
 */

/* Columns per u item (several items per block keep two cores busy). */
#define U_ITEM_COLS 6144

typedef LvSgSymBlock Block;
typedef LvSgSymRange URange;
typedef LvSgEval Eval;
typedef LvSgItem Item;


static guint64
binomial (guint64 x, guint k)
{
  guint64 c = 1;

  for (guint d = 1; d <= k; d++)
    c = c * (x - k + d) / d;
  return x < k ? 0 : c;
}

/* P(m): sorted q-tuples with values in [0, m). */
static gsize
prefix_cols (guint m, guint q)
{
  return m == 0 ? 0 : (gsize) binomial ((guint64) m + q - 1, q);
}

/* Entries the prepacked GEMMs hold: each range's columns × the rows from its block down,
 * twice (the u and the v layout of the same couplings). */
static guint64
packed_entries (guint p, guint n)
{
  guint64 u = 0;

  for (guint m0 = 0; m0 < n; m0 += LV_SG_SYM_ROWS)
    {
      guint m1 = MIN (n, m0 + LV_SG_SYM_ROWS);

      u += (guint64) (n - m0) * (prefix_cols (m1, p - 1) - prefix_cols (m0, p - 1));
    }
  return 2 * u;
}

/* Bytes of the f32 packs (full couplings and each SGD part), with 10 % for oneDNN's padding. */
guint64
lv_sg_sym_f32_pack_bytes (guint p, guint n, guint n_parts)
{
  return packed_entries (p, n) * sizeof (float) * (1 + (guint64) n_parts) * 11 / 10;
}

guint64
lv_sg_sym_bytes (guint p, guint n, guint n_parts, LvSpinGlassPrecision precision)
{
  /* bf16: two packed copies (v and u layouts) of at most the whole matrix each. */
  return (guint64) n * prefix_cols (n, p - 1) *
         (8 + (precision != LV_SPIN_GLASS_DOUBLE ? 4 : 0) + 4 * (guint64) n_parts +
          (precision == LV_SPIN_GLASS_BF16 ? 4 * (1 + (guint64) n_parts) : 0));
}

LvSgSym *
lv_sg_sym_new (guint p, guint n, guint n_parts, LvSpinGlassPrecision precision)
{
  LvSgSym *sym = g_new0 (LvSgSym, 1);
  guint nr = 0;

  sym->p = p;
  sym->q = p - 1;
  sym->n = n;
  sym->n_parts = n_parts;
  sym->n_blocks = (n + LV_SG_SYM_ROWS - 1) / LV_SG_SYM_ROWS;
  sym->blocks = g_new (Block, sym->n_blocks);
  sym->n_cols = prefix_cols (n, sym->q);
  for (guint b = 0; b < sym->n_blocks; b++)
    {
      Block *blk = &sym->blocks[b];

      blk->m0 = b * LV_SG_SYM_ROWS;
      blk->m1 = MIN (n, blk->m0 + LV_SG_SYM_ROWS);
      blk->ncols = prefix_cols (blk->m1, sym->q);
      sym->used += (gsize) (blk->m1 - blk->m0) * blk->ncols;
    }
  sym->size = (gsize) n * sym->n_cols;
  /* Column ranges of u: each block's new columns [P(m0), P(m1)), cut into U_ITEM_COLS. */
  sym->ranges = g_new (URange, sym->n_cols / U_ITEM_COLS + 2 * sym->n_blocks + 1);
  for (guint b = 0; b < sym->n_blocks; b++)
    for (gsize c = prefix_cols (sym->blocks[b].m0, sym->q); c < sym->blocks[b].ncols;
         c += U_ITEM_COLS)
      sym->ranges[nr++] = (URange) { c, MIN (c + U_ITEM_COLS, sym->blocks[b].ncols), b };
  sym->n_ranges = nr;
  sym->rank = g_new (guint64, (gsize) MAX (sym->q, 1) * (n + 1));
  for (guint d = 0; d < sym->q; d++)
    for (guint a = 0; a <= n; a++)
      sym->rank[d * (n + 1) + a] = binomial ((guint64) a + d, d + 1);
  sym->d = g_try_new0 (double, sym->size);
  if (precision != LV_SPIN_GLASS_DOUBLE)
    sym->f = g_try_new0 (float, sym->size);
  if (n_parts > 0)
    sym->parts = g_try_new0 (float, sym->size * n_parts);
  if (sym->d == NULL || (precision != LV_SPIN_GLASS_DOUBLE && sym->f == NULL) ||
      (n_parts > 0 && sym->parts == NULL))
    {
      lv_sg_sym_free (sym);
      return NULL;
    }
  return sym;
}

void
lv_sg_sym_free (LvSgSym *sym)
{
  if (sym == NULL)
    return;
  g_free (sym->blocks);
  g_free (sym->ranges);
  g_free (sym->rank);
  g_free (sym->d);
  g_free (sym->f);
  g_free (sym->parts);
  lv_sg_bf16_pack_free (sym->bf16);
  for (guint k = 0; sym->bf16_parts != NULL && k < sym->n_parts; k++)
    lv_sg_bf16_pack_free (sym->bf16_parts[k]);
  g_free (sym->bf16_parts);
  g_free (sym->chunks);
  g_free (sym->chunk_first);
  g_free (sym);
}

/* Cuts every range into chunks of at most LV_SG_SYM_CHUNK_COLS columns: the packs' GEMMs. */
static void
lv_sg_sym_chunks (LvSgSym *sym)
{
  guint nc = 0;

  sym->chunk_first = g_new (guint, sym->n_ranges + 1);
  sym->chunks = g_new (LvSgBf16Range, sym->n_cols / LV_SG_SYM_CHUNK_COLS + sym->n_ranges + 1);
  for (guint k = 0; k < sym->n_ranges; k++)
    {
      const URange *rg = &sym->ranges[k];

      sym->chunk_first[k] = nc;
      for (gsize c = rg->c0; c < rg->c1; c += LV_SG_SYM_CHUNK_COLS)
        sym->chunks[nc++] = (LvSgBf16Range) { c, MIN (c + LV_SG_SYM_CHUNK_COLS, rg->c1),
                                              sym->blocks[rg->block].m0 };
    }
  sym->chunk_first[sym->n_ranges] = nc;
  sym->shape = (LvSgBf16Shape) { sym->n, sym->n_cols, nc, sym->chunks };
}

/* Packs the float copies (full couplings and SGD parts) as bf16 or f32 for oneDNN's delta
 * GEMMs; called once the couplings are stored. */
gboolean
lv_sg_sym_pack (LvSgSym *sym, gboolean bf16, GError **error)
{
  LvSgPackType type = bf16 ? LV_SG_PACK_BF16 : LV_SG_PACK_F32;

  g_return_val_if_fail (sym->f != NULL && sym->bf16 == NULL, FALSE);
  lv_sg_sym_chunks (sym);
  sym->pack_type = type;
  if ((sym->bf16 = lv_sg_bf16_pack_new (&sym->shape, sym->f, type, error)) == NULL)
    return FALSE;
  if (sym->n_parts > 0)
    sym->bf16_parts = g_new0 (LvSgBf16Pack *, sym->n_parts);
  for (guint k = 0; k < sym->n_parts; k++)
    if ((sym->bf16_parts[k] = lv_sg_bf16_pack_new (&sym->shape, sym->parts + k * sym->size,
                                                   type, error)) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
lv_sg_sym_has_bf16 (const LvSgSym *sym)
{
  return sym->bf16 != NULL;
}

gsize
lv_sg_sym_cols_for (guint p, guint n)
{
  return prefix_cols (n, p - 1);
}

gsize
lv_sg_sym_used (const LvSgSym *sym)
{
  return sym->used;
}

gsize
lv_sg_sym_n_cols (const LvSgSym *sym)
{
  return sym->n_cols;
}

gboolean
lv_sg_sym_has_float (const LvSgSym *sym)
{
  return sym->f != NULL;
}

static gsize
colex_rank (const LvSgSym *sym, const guint *tau)
{
  gsize r = 0;

  for (guint d = 0; d < sym->q; d++)
    r += sym->rank[d * (sym->n + 1) + tau[d]];
  return r;
}

void
lv_sg_sym_store (LvSgSym *sym, const guint *t, int part, double value)
{
  gsize idx = (gsize) t[sym->q] * sym->n_cols + colex_rank (sym, t);

  if (part >= 0)
    {
      sym->parts[(gsize) part * sym->size + idx] = (float) value;
      return;
    }
  sym->d[idx] = value;
  if (sym->f != NULL)
    sym->f[idx] = (float) value;
}

void
lv_sg_sym_colex_unrank (const LvSgSym *sym, gsize col, guint *tau)
{
  for (int d = (int) sym->q - 1; d >= 0; d--)
    {
      const guint64 *row = sym->rank + (gsize) d * (sym->n + 1);
      guint a = 0;

      while (a + 1 <= sym->n && row[a + 1] <= col)
        a++;
      tau[d] = a;
      col -= row[a];
    }
}

void
lv_sg_sym_colex_next (guint *tau, guint q)
{
  for (guint d = 0; d < q; d++)
    if (d + 1 == q || tau[d] < tau[d + 1])
      {
        tau[d]++;
        for (guint e = 0; e < d; e++)
          tau[e] = 0;
        return;
      }
}

/* ---- Parallel evaluation ---------------------------------------------------------------- */

LvSgSymWork *
lv_sg_sym_work_new (const LvSgSym *sym, guint ld, GError **error)
{
  LvSgSymWork *w = g_new0 (LvSgSymWork, 1);
  gsize cols = sym->n_cols * ld, rows = (gsize) sym->n * ld;

  w->ld = ld;
  w->cf = g_new (float, cols);
  w->uf = g_new (float, cols);
  w->cd = g_new (double, cols);
  w->ud = g_new (double, cols);
  w->dsf = g_new (float, rows);
  w->vf = g_new (float, rows);
  w->partial = g_new (double, rows * sym->n_ranges);
  if (sym->bf16 != NULL)
    {
      if ((w->bx = lv_sg_bf16_exec_new (sym->bf16, ld, error)) == NULL)
        {
          lv_sg_sym_work_free (w);
          return NULL;
        }
      gsize lrows = (gsize) LV_SG_BF16_LANES * sym->n;
      gsize elem = lv_sg_pack_elem_size (sym->pack_type);

      w->st = g_new0 (double, lrows);
      w->rt = g_new0 (double, lrows);
      w->dt = g_new0 (double, lrows);
      w->dsb = g_malloc0 (elem * lrows);
      w->scratch = lv_sg_chunk_scratch_new (sym);
    }
  return w;
}

void
lv_sg_sym_work_free (LvSgSymWork *w)
{
  if (w == NULL)
    return;
  g_free (w->cf);
  g_free (w->uf);
  g_free (w->cd);
  g_free (w->ud);
  g_free (w->dsf);
  g_free (w->vf);
  g_free (w->partial);
  lv_sg_bf16_exec_free (w->bx);
  g_free (w->st);
  g_free (w->rt);
  g_free (w->dt);
  g_free (w->dsb);
  lv_sg_chunk_scratch_free (w->scratch);
  g_free (w);
}

/* p = 3 (q = 2) specialisations of the two loops below (LV_SG_VECTOR_CLONES). */
LV_SG_VECTOR_CLONES static void
monomial2 (const Eval *e, gsize col, const double *const *srow, const double *const *rrow)
{
  const double *restrict a = srow[0], *restrict b = srow[1];
  guint R = e->R;

  if (e->kind == EVAL_EXACT)
    {
      double *restrict c = e->w->cd + col * e->ld;
      for (guint r = 0; r < R; r++)
        c[r] = a[r] * b[r];
    }
  else if (rrow[0] == NULL)
    {
      float *restrict c = e->w->cf + col * e->ld;
      for (guint r = 0; r < R; r++)
        c[r] = (float) (a[r] * b[r]);
    }
  else
    {
      const double *restrict ra = rrow[0], *restrict rb = rrow[1];
      float *restrict c = e->w->cf + col * e->ld;
      for (guint r = 0; r < R; r++)
        c[r] = (float) (a[r] * b[r] - ra[r] * rb[r]);
    }
}

/* Adds the contributions of column τ = (i, j) to w_i (through s_j) and w_j (through s_i); two
 * separate loops, so i = j (where both alias) counts twice as it must. */
LV_SG_VECTOR_CLONES static void
scatter2 (const Eval *e, gsize col, const guint *tau, const double *const *srow,
          const double *const *rrow, double *out)
{
  guint R = e->R, ld = e->ld;

  for (guint d = 0; d < 2; d++)
    {
      double *restrict o = out + (gsize) tau[d] * ld;
      const double *restrict so = srow[1 - d];

      if (e->kind == EVAL_EXACT)
        {
          const double *restrict u = e->w->ud + col * ld;
          for (guint r = 0; r < R; r++)
            o[r] += u[r] * so[r];
        }
      else if (e->uref == NULL)
        {
          const float *restrict du = e->w->uf + col * ld;
          for (guint r = 0; r < R; r++)
            o[r] += (double) du[r] * so[r];
        }
      else
        {
          const float *restrict du = e->w->uf + col * ld, *restrict ur = e->uref + col * ld;
          const double *restrict ro = rrow[1 - d];
          for (guint r = 0; r < R; r++)
            o[r] += (double) du[r] * so[r] + (double) ur[r] * (so[r] - ro[r]);
        }
    }
}

/* Phase A, one column range: the monomials c(s) (exact, double) or c(s) − c(r) (delta, float). */
static void
monomials_item (gpointer data)
{
  const Item *it = data;
  const Eval *e = it->e;
  const LvSgSym *sym = e->sym;
  const URange *rg = &sym->ranges[it->index];
  guint q = sym->q, tau[LV_SPIN_GLASS_P_MAX];
  const double *srow[LV_SPIN_GLASS_P_MAX], *rrow[LV_SPIN_GLASS_P_MAX];

  lv_sg_sym_colex_unrank (sym, rg->c0, tau);
  for (gsize col = rg->c0; col < rg->c1; col++, lv_sg_sym_colex_next (tau, q))
    {
      for (guint d = 0; d < q; d++)
        {
          srow[d] = e->s + (gsize) tau[d] * e->ld;
          rrow[d] = e->sref != NULL ? e->sref + (gsize) tau[d] * e->ld : NULL;
        }
      if (q == 2)
        monomial2 (e, col, srow, rrow);
      else if (e->kind == EVAL_EXACT)
        for (guint r = 0; r < e->R; r++)
          e->w->cd[col * e->ld + r] = lv_sg_partial_product (srow, q, q, r);
      else
        for (guint r = 0; r < e->R; r++)
          e->w->cf[col * e->ld + r] =
            (float) (lv_sg_partial_product (srow, q, q, r) -
                     (rrow[0] != NULL ? lv_sg_partial_product (rrow, q, q, r) : 0.0));
    }
}

/* v over the rows of one block: one GEMM over the block's column prefix. */
static void
v_item (const Eval *e, guint block)
{
  const LvSgSym *sym = e->sym;
  const Block *blk = &sym->blocks[block];
  int rows = (int) (blk->m1 - blk->m0), lda = (int) sym->n_cols;
  gsize a0 = (gsize) blk->m0 * sym->n_cols;

  /* One lane (a stopping lane's double check): a GEMV streams the couplings once, where the
   * GEMM would pack them first (≈ 2.5× slower here). */
  if (e->kind == EVAL_EXACT && e->R == 1)
    cblas_dgemv (CblasRowMajor, CblasNoTrans, rows, (int) blk->ncols, 1.0, sym->d + a0, lda,
                 e->w->cd, (int) e->ld, 0.0, e->v_out + (gsize) blk->m0 * e->ld, (int) e->ld);
  else if (e->kind == EVAL_EXACT)
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, (int) e->R, (int) blk->ncols,
                 1.0, sym->d + a0, lda, e->w->cd, (int) e->ld, 0.0,
                 e->v_out + (gsize) blk->m0 * e->ld, (int) e->ld);
  else
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, (int) e->R, (int) blk->ncols,
                 1.0f, e->af + a0, lda, e->w->cf, (int) e->ld, 0.0f,
                 e->w->vf + (gsize) blk->m0 * e->ld, (int) e->ld);
}

/* u over one column range: Aᵀ s over the rows from the range's block down (rows above hold
 * zeros in these columns). */
static void
u_gemms (const Eval *e, const URange *rg)
{
  const LvSgSym *sym = e->sym;
  guint m0 = sym->blocks[rg->block].m0;
  int nc = (int) (rg->c1 - rg->c0), ld = (int) e->ld, lda = (int) sym->n_cols;
  int rows = (int) (sym->n - m0);
  gsize a0 = (gsize) m0 * sym->n_cols + rg->c0;

  if (e->kind == EVAL_EXACT && e->R == 1)
    cblas_dgemv (CblasRowMajor, CblasTrans, rows, nc, 1.0, sym->d + a0, lda,
                 e->s + (gsize) m0 * e->ld, ld, 0.0, e->w->ud + rg->c0 * e->ld, ld);
  else if (e->kind == EVAL_EXACT)
    cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, nc, (int) e->R, rows, 1.0,
                 sym->d + a0, lda, e->s + (gsize) m0 * e->ld, ld, 0.0,
                 e->w->ud + rg->c0 * e->ld, ld);
  else
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, nc, (int) e->R, rows, 1.0f,
                 e->af + a0, lda, e->w->dsf + (gsize) m0 * e->ld, ld, 0.0f,
                 e->w->uf + rg->c0 * e->ld, ld);
}

/* w (exact) or Δw (delta) of one column range into its own partial sum. */
static void
w_scatter (const Eval *e, guint index)
{
  const LvSgSym *sym = e->sym;
  const URange *rg = &sym->ranges[index];
  guint q = sym->q, ld = e->ld, tau[LV_SPIN_GLASS_P_MAX];
  double *out = e->w->partial + (gsize) index * sym->n * ld;
  const double *srow[LV_SPIN_GLASS_P_MAX], *rrow[LV_SPIN_GLASS_P_MAX];

  memset (out, 0, sizeof (double) * sym->n * ld);
  lv_sg_sym_colex_unrank (sym, rg->c0, tau);
  for (gsize col = rg->c0; col < rg->c1; col++, lv_sg_sym_colex_next (tau, q))
    {
      for (guint d = 0; d < q; d++)
        {
          srow[d] = e->s + (gsize) tau[d] * ld;
          rrow[d] = e->sref != NULL ? e->sref + (gsize) tau[d] * ld : NULL;
        }
      if (q == 2)
        {
          scatter2 (e, col, tau, srow, rrow, out);
          continue;
        }
      for (guint d = 0; d < q; d++)
        {
          double *o = out + (gsize) tau[d] * ld;

          if (e->kind == EVAL_EXACT)
            for (guint r = 0; r < e->R; r++)
              o[r] += e->w->ud[col * ld + r] * lv_sg_partial_product (srow, q, d, r);
          else
            for (guint r = 0; r < e->R; r++)
              {
                double ps = lv_sg_partial_product (srow, q, d, r);
                double du = e->w->uf[col * ld + r];

                if (e->uref != NULL)
                  {
                    double ur = e->uref[col * ld + r];
                    double pr = rrow[0] != NULL ? lv_sg_partial_product (rrow, q, d, r) : 0.0;
                    o[r] += du * ps + ur * (ps - pr);
                  }
                else
                  o[r] += du * ps;
              }
        }
    }
  /* The float u references: lane-major (row r = lane r) for the prepacked path, transposed in
   * tiles of 64 columns (a tile of ud is 64 rows of ld doubles, in cache while every lane's
   * row takes its 64 contiguous floats; column by column the reads missed the cache). */
  if (e->kind == EVAL_EXACT && e->uref_out != NULL && sym->bf16 != NULL)
    for (gsize t0 = rg->c0; t0 < rg->c1; t0 += 64)
      for (guint r = 0; r < e->R; r++)
        for (gsize col = t0; col < MIN (t0 + 64, rg->c1); col++)
          e->uref_out[r * sym->n_cols + col] = (float) e->w->ud[col * ld + r];
  else if (e->kind == EVAL_EXACT && e->uref_out != NULL)
    for (gsize col = rg->c0; col < rg->c1; col++)
      for (guint r = 0; r < e->R; r++)
        e->uref_out[col * ld + r] = (float) e->w->ud[col * ld + r];
}

static void
gemm_item (gpointer data)
{
  const Item *it = data;
  const Eval *e = it->e;
  const LvSgSym *sym = e->sym;

  /* Items [0, n_ranges) are u ranges (with their w sum); the rest are the blocks' v. */
  if (it->index < sym->n_ranges)
    {
      u_gemms (e, &sym->ranges[it->index]);
      w_scatter (e, it->index);
    }
  else
    v_item (e, it->index - sym->n_ranges);
}

void
lv_sg_sym_run_items (const Eval *e, LvWorkerPool *pool, LvTaskFunc func, guint n_items,
                     gboolean last_first)
{
  LvTaskGroup group;
  g_autofree Item *items = g_new (Item, n_items);

  lv_task_group_init (&group, pool);
  for (guint i = 0; i < n_items; i++)
    {
      items[i].e = e;
      items[i].index = last_first ? n_items - 1 - i : i;
      lv_task_group_push (&group, func, &items[i]);
    }
  lv_task_group_join (&group);
}

/* Sums the partial w of every range, in range order, into @out (n × ld, lanes < R). */
static void
sum_partials (const LvSgSym *sym, const LvSgSymWork *w, guint R, double *out,
              const float *add)
{
  gsize rows = (gsize) sym->n * w->ld;

  for (gsize i = 0; i < rows; i += w->ld)
    for (guint r = 0; r < R; r++)
      out[i + r] = add != NULL ? (double) add[i + r] : 0.0;
  for (guint k = 0; k < sym->n_ranges; k++)
    {
      const double *pk = w->partial + k * rows;
      for (gsize i = 0; i < rows; i += w->ld)
        for (guint r = 0; r < R; r++)
          out[i + r] += pk[i + r];
    }
}

void
lv_sg_sym_exact (const LvSgSym *sym, LvSgSymWork *w, LvWorkerPool *pool, const double *s,
                 guint R, double *v, double *wsum, float *uref)
{
  Eval e = { sym, EVAL_EXACT, NULL, NULL, R, w->ld, s, NULL, NULL, w, v, uref };

  lv_sg_sym_run_items (&e, pool, monomials_item, sym->n_ranges, TRUE);
  /* Largest first: the v chunks of the last blocks and the u ranges of the first. */
  lv_sg_sym_run_items (&e, pool, gemm_item, sym->n_ranges + sym->n_blocks, TRUE);
  sum_partials (sym, w, R, wsum, NULL);
}

void
lv_sg_sym_delta (const LvSgSym *sym, LvSgSymWork *w, LvWorkerPool *pool, int part,
                 const double *s, const double *sref, const float *uref, guint R, double *dg)
{
  const float *af = part < 0 ? sym->f : sym->parts + (gsize) part * sym->size;
  const LvSgBf16Pack *pk = part < 0 ? sym->bf16
                                    : sym->bf16_parts != NULL ? sym->bf16_parts[part] : NULL;
  Eval e = { sym, EVAL_DELTA, af, pk, R, w->ld, s, sref, uref, w, NULL, NULL };
  gsize rows = (gsize) sym->n * w->ld;

  g_return_if_fail (af != NULL);
  if (pk != NULL)
    {
      lv_sg_sym_packed_delta (&e, pool, dg);
      return;
    }
  for (gsize i = 0; i < rows; i += w->ld)
    for (guint r = 0; r < R; r++)
      w->dsf[i + r] = (float) (s[i + r] - (sref != NULL ? sref[i + r] : 0.0));
  lv_sg_sym_run_items (&e, pool, monomials_item, sym->n_ranges, TRUE);
  /* Largest first: the v chunks of the last blocks and the u ranges of the first. */
  lv_sg_sym_run_items (&e, pool, gemm_item, sym->n_ranges + sym->n_blocks, TRUE);
  sum_partials (sym, w, R, dg, w->vf);
}
