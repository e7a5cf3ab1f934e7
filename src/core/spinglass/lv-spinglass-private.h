/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-spinglass.h>

G_BEGIN_DECLS

/* Internal layout of one disorder draw, shared by the lv-spinglass*.c translation units. */
struct _LvSpinGlass
{
  guint p;
  guint n;
  guint n_parts;
  guint64 seed;
  gsize n_cols;      /* number of sorted (p-1)-tuples: C(n + p - 2, p - 1) */
  double scale;      /* N^{-(p-1)/2} */
  double *a;         /* n × n_cols, row-major: ∇H = A c(s) */
  float *af;         /* float copy of a, or NULL */
  float *parts;      /* n_parts blocks of n × n_cols (the SGD split), or NULL */
};

/* Advances a nondecreasing tuple of @len values in [0, n) to its lexicographic successor. The
 * columns of the unfolding follow this order, so every file enumerates them the same way. */
static inline gboolean
lv_sg_tuple_next (guint *t, guint len, guint n)
{
  for (int d = (int) len - 1; d >= 0; d--)
    if (t[d] + 1 < n)
      {
        t[d]++;
        for (guint e = (guint) d + 1; e < len; e++)
          t[e] = t[d];
        return TRUE;
      }
  return FALSE;
}

/* Batched contraction with caller-provided workspace (n_cols × n_starts values). */
void lv_sg_contract_ws (const LvSpinGlass *sg, const double *s, guint n_starts, double *grad,
                        double *work);
void lv_sg_contract_float_ws (const LvSpinGlass *sg, int part, const float *s, guint n_starts,
                              float *grad, float *work);

G_END_DECLS
