/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-sym-private.h"

#include <string.h>

/*
 * The float delta on the prepacked couplings (lv-spinglass-bf16.h), lane-major (row r of every
 * matrix is lane r). Every column range is one item of the pool, and each of its chunks (at
 * most LV_SG_SYM_CHUNK_COLS columns) goes through all its work while its data is in the core's
 * cache:
 *   cᵀ   (R × nc)       = the monomial changes c(s) − c(r) of the chunk's columns,
 *   vᵀ   (R × (n − m0)) = cᵀ · A[m0:, chunk]ᵀ   (the chunk's part of Δv, rows from m0 down),
 *   uᵀ   (R × nc)       = Δsᵀ[:, m0:] · A[m0:, chunk],
 *   Δw  += Σ_τ∈chunk (u_τ(r) + Δu_τ) ∂c_τ(s) − u_τ(r) ∂c_τ(r),
 * with Δv and Δw summed in double into the range's own partial gradient (R × n). Before this,
 * v went per block of rows over the whole column prefix, so cᵀ (64 MB at Λ = 500 and 128
 * lanes) went to memory once and was read back for every block, and uᵀ went to memory and
 * back between its GEMM and the Δw sum. The partials are summed in range order, so results do
 * not depend on the number of threads.
 */

/* One thread's chunk buffers, claimed for the duration of an item. */
typedef struct
{
  gint busy;
  guint8 *ct;                   /* cᵀ in the pack's type (LV_SG_BF16_LANES × chunk) */
  float *ut, *vt, *fbuf;        /* uᵀ (lanes × chunk), vᵀ (lanes × n), one lane's cᵀ in float */
} Slot;

/* More than any pool runs at once; a slot's buffers are allocated on its first claim. */
#define N_SLOTS 64
/* Lanes per item of the final sum. */
#define SUM_LANES 16

struct _LvSgChunkScratch
{
  gsize ct_bytes, ut_len, vt_len;
  Slot slot[N_SLOTS];
};

LvSgChunkScratch *
lv_sg_chunk_scratch_new (const LvSgSym *sym)
{
  LvSgChunkScratch *sc = g_new0 (LvSgChunkScratch, 1);

  sc->ut_len = (gsize) LV_SG_BF16_LANES * LV_SG_SYM_CHUNK_COLS;
  sc->ct_bytes = sc->ut_len * lv_sg_pack_elem_size (sym->pack_type);
  sc->vt_len = (gsize) LV_SG_BF16_LANES * sym->n;
  return sc;
}

void
lv_sg_chunk_scratch_free (LvSgChunkScratch *sc)
{
  if (sc == NULL)
    return;
  for (guint i = 0; i < N_SLOTS; i++)
    {
      g_free (sc->slot[i].ct);
      g_free (sc->slot[i].ut);
      g_free (sc->slot[i].vt);
      g_free (sc->slot[i].fbuf);
    }
  g_free (sc);
}

static Slot *
slot_claim (LvSgChunkScratch *sc)
{
  for (guint i = 0;; i = (i + 1) % N_SLOTS)
    if (g_atomic_int_compare_and_exchange (&sc->slot[i].busy, 0, 1))
      {
        Slot *sl = &sc->slot[i];

        /* Zeroed once: the GEMMs compute whole 32-lane buckets, rows past R included. */
        if (sl->ct == NULL)
          {
            sl->ct = g_malloc0 (sc->ct_bytes);
            sl->ut = g_new0 (float, sc->ut_len);
            sl->vt = g_new0 (float, sc->vt_len);
            sl->fbuf = g_new0 (float, LV_SG_SYM_CHUNK_COLS);
          }
        return sl;
      }
}

static void
slot_release (Slot *sl)
{
  g_atomic_int_set (&sl->busy, 0);
}

/* The prepacked delta's lane-major inputs: s, sref (NULL: zero), s − sref and Δs in the
 * pack's type. */
static void
bf16_inputs (const LvSgSym *sym, LvSgSymWork *w, const double *s, const double *sref, guint R)
{
  guint n = sym->n, ld = w->ld;
  g_autofree float *ds = g_new (float, n);

  for (guint i = 0; i < n; i++)
    for (guint r = 0; r < R; r++)
      {
        w->st[(gsize) r * n + i] = s[(gsize) i * ld + r];
        w->rt[(gsize) r * n + i] = sref != NULL ? sref[(gsize) i * ld + r] : 0.0;
      }
  for (guint r = 0; r < R; r++)
    {
      gsize o = (gsize) r * n;

      for (guint i = 0; i < n; i++)
        {
          w->dt[o + i] = w->st[o + i] - w->rt[o + i];
          ds[i] = (float) w->dt[o + i];
        }
      if (sym->pack_type == LV_SG_PACK_F32)
        memcpy ((float *) w->dsb + o, ds, sizeof (float) * n);
      else
        lv_bf16_from_f32 ((LvBf16 *) w->dsb + o, ds, n);
    }
}

/* One lane's Δw over a column range for p = 3, from the lane-major uᵀ: the columns τ = (i, j)
 * with the same j form one run of i, so w_i gets an axpy and w_j a dot product (kept in 8
 * partial sums, summed in a fixed order, so the loop vectorises and stays reproducible). */
LV_SG_VECTOR_CLONES static void
scatter2_lane (const double *restrict sr, const double *restrict dr, const float *restrict du,
               const float *restrict ur, const guint *tau, gsize nc, double *restrict acc)
{
  guint i = tau[0], j = tau[1];

  for (gsize k = 0; k < nc; i = 0, j++)
    {
      gsize len = MIN ((gsize) (j + 1 - i), nc - k), t = 0;
      double sj = sr[j], dj = dr[j], part[8] = { 0 }, sum = 0.0;
      const float *restrict a = du + k, *restrict b = ur != NULL ? ur + k : NULL;
      double *restrict o = acc + i;
      const double *restrict si = sr + i, *restrict di = dr + i;

      if (b != NULL)
        {
          for (; t + 8 <= len; t += 8)
            for (guint l = 0; l < 8; l++)
              {
                o[t + l] += (double) a[t + l] * sj + (double) b[t + l] * dj;
                part[l] += (double) a[t + l] * si[t + l] + (double) b[t + l] * di[t + l];
              }
          for (; t < len; t++)
            {
              o[t] += (double) a[t] * sj + (double) b[t] * dj;
              sum += (double) a[t] * si[t] + (double) b[t] * di[t];
            }
        }
      else
        {
          for (; t + 8 <= len; t += 8)
            for (guint l = 0; l < 8; l++)
              {
                o[t + l] += (double) a[t + l] * sj;
                part[l] += (double) a[t + l] * si[t + l];
              }
          for (; t < len; t++)
            {
              o[t] += (double) a[t] * sj;
              sum += (double) a[t] * si[t];
            }
        }
      for (guint l = 0; l < 8; l++)
        sum += part[l];
      acc[j] += sum;
      k += len;
    }
}

/* cᵀ of one chunk: c_τ(s_r) − c_τ(ref_r) for every lane r and column τ, in the pack's type.
 * For p = 3 the columns with the same largest index form one contiguous run (vectorised). */
static void
chunk_monomials (const LvSgEval *e, const LvSgBf16Range *ch, const guint *tau0, Slot *sl)
{
  const LvSgSym *sym = e->sym;
  guint n = sym->n, q = sym->q, tau[LV_SPIN_GLASS_P_MAX];
  gsize nc = ch->c1 - ch->c0;
  gboolean f32 = sym->pack_type == LV_SG_PACK_F32;

  for (guint r = 0; r < e->R; r++)
    {
      const double *restrict sr = e->w->st + (gsize) r * n, *restrict rr = e->w->rt + (gsize) r * n;
      float *restrict buf = f32 ? (float *) sl->ct + (gsize) r * nc : sl->fbuf;

      memcpy (tau, tau0, sizeof (guint) * q);
      if (q == 2)
        for (gsize k = 0; k < nc;)
          {
            guint i = tau[0], j = tau[1];
            gsize len = MIN ((gsize) (j + 1 - i), nc - k);
            double sj = sr[j], rj = rr[j];

            for (gsize t = 0; t < len; t++)
              buf[k + t] = (float) (sr[i + t] * sj - rr[i + t] * rj);
            k += len;
            tau[0] = 0;
            tau[1] = j + 1;
          }
      else
        for (gsize k = 0; k < nc; k++, lv_sg_sym_colex_next (tau, q))
          {
            double ps = 1.0, pr = 1.0;

            for (guint d = 0; d < q; d++)
              {
                ps *= sr[tau[d]];
                pr *= rr[tau[d]];
              }
            buf[k] = (float) (ps - pr);
          }
      if (!f32)
        lv_bf16_from_f32 ((LvBf16 *) sl->ct + (gsize) r * nc, buf, nc);
    }
}

/* Adds the chunk's Δw (from uᵀ and the u references) and its Δv (vᵀ, rows from m0) into the
 * lane-major partial gradient @part (R × n). */
static void
chunk_gradient (const LvSgEval *e, const LvSgBf16Range *ch, const guint *tau0, const Slot *sl,
                double *part)
{
  const LvSgSym *sym = e->sym;
  guint n = sym->n, q = sym->q, rows = n - ch->m0;
  gsize nc = ch->c1 - ch->c0;

  for (guint r = 0; r < e->R; r++)
    {
      gsize lane = (gsize) r * n;
      const double *sr = e->w->st + lane, *rr = e->w->rt + lane, *dr = e->w->dt + lane;
      const float *du = sl->ut + (gsize) r * nc, *vr = sl->vt + (gsize) r * rows;
      const float *ur = e->uref != NULL ? e->uref + r * sym->n_cols + ch->c0 : NULL;
      double *acc = part + lane;
      guint tau[LV_SPIN_GLASS_P_MAX];

      if (q == 2)
        scatter2_lane (sr, dr, du, ur, tau0, nc, acc);
      else
        {
          memcpy (tau, tau0, sizeof (guint) * q);
          for (gsize k = 0; k < nc; k++, lv_sg_sym_colex_next (tau, q))
            for (guint d = 0; d < q; d++)
              {
                const double *srow[LV_SPIN_GLASS_P_MAX], *rrow[LV_SPIN_GLASS_P_MAX];
                double ps, pr;

                for (guint x = 0; x < q; x++)
                  {
                    srow[x] = sr + tau[x];
                    rrow[x] = rr + tau[x];
                  }
                ps = lv_sg_partial_product (srow, q, d, 0);
                pr = lv_sg_partial_product (rrow, q, d, 0);
                acc[tau[d]] += du[k] * ps + (ur != NULL ? ur[k] * (ps - pr) : 0.0);
              }
        }
      for (guint i = 0; i < rows; i++)
        acc[ch->m0 + i] += vr[i];
    }
}

/* One column range: its chunks' cᵀ, vᵀ, uᵀ and gradient into the range's partial. */
static void
range_item (gpointer data)
{
  const LvSgItem *it = data;
  const LvSgEval *e = it->e;
  const LvSgSym *sym = e->sym;
  double *part = e->w->partial + (gsize) it->index * sym->n * e->ld;
  Slot *sl = slot_claim (e->w->scratch);

  memset (part, 0, sizeof (double) * e->R * sym->n);
  for (guint j = sym->chunk_first[it->index]; j < sym->chunk_first[it->index + 1]; j++)
    {
      const LvSgBf16Range *ch = &sym->chunks[j];
      guint tau0[LV_SPIN_GLASS_P_MAX];

      lv_sg_sym_colex_unrank (sym, ch->c0, tau0);
      chunk_monomials (e, ch, tau0, sl);
      lv_sg_bf16_run (e->w->bx, e->pk, sym->shape.n_ranges + j, e->R, sl->ct, sl->vt);
      lv_sg_bf16_run (e->w->bx, e->pk, j, e->R, e->w->dsb, sl->ut);
      chunk_gradient (e, ch, tau0, sl, part);
    }
  slot_release (sl);
}

/* Lanes [16 i, 16 i + 16): the ranges' partials summed in range order, transposed into the
 * gradient (n × ld). */
static void
sum_item (gpointer data)
{
  const LvSgItem *it = data;
  const LvSgEval *e = it->e;
  const LvSgSym *sym = e->sym;
  guint n = sym->n, r1 = MIN (e->R, (it->index + 1) * SUM_LANES);
  gsize stride = (gsize) n * e->ld;
  g_autofree double *t = g_new (double, n);

  for (guint r = it->index * SUM_LANES; r < r1; r++)
    {
      const double *p = e->w->partial + (gsize) r * n;

      memcpy (t, p, sizeof (double) * n);
      for (guint k = 1; k < sym->n_ranges; k++)
        for (guint i = 0; i < n; i++)
          t[i] += p[k * stride + i];
      for (guint i = 0; i < n; i++)
        e->v_out[(gsize) i * e->ld + r] = t[i];
    }
}

void
lv_sg_sym_packed_delta (const LvSgEval *e, LvWorkerPool *pool, double *dg)
{
  LvSgEval sum = *e;

  bf16_inputs (e->sym, e->w, e->s, e->sref, e->R);
  /* Ranges in order: the first blocks' ranges (most rows) are the largest. */
  lv_sg_sym_run_items (e, pool, range_item, e->sym->n_ranges, FALSE);
  sum.v_out = dg;                 /* sum_item writes the summed change there */
  lv_sg_sym_run_items (&sum, pool, sum_item, (e->R + SUM_LANES - 1) / SUM_LANES, FALSE);
}
