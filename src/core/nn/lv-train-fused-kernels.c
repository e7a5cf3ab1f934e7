/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"
#include "lv-target-clones.h"

#include "lv-train-fused-kernels.h"
#include "lv-activation.h"

#include <math.h>
#include <string.h>

/*
 * The loops are written with GCC vector extensions (8 floats) rather than left to the
 * auto-vectoriser: the project builds at -O2 for baseline x86-64, where GCC 12 vectorises
 * almost nothing. Each hot function is cloned for AVX2 (target_clones, picked at load time
 * through an ifunc), so the same source runs 8-wide on AVX2 machines and as pairs of SSE
 * operations elsewhere.
 */

/* The 32-byte vector helpers below are static and always inlined, so the ABI GCC warns about
 * (passing AVX vectors without AVX enabled) is never used across a call. */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__ ((vector_size (32)));
typedef gint32 v8i __attribute__ ((vector_size (32)));

#define LV_CLONES LV_TARGET_CLONES ("avx2", "default")

static inline __attribute__ ((always_inline)) v8f
load8 (const float *p)
{
  v8f v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline __attribute__ ((always_inline)) void
store8 (float *p, v8f v)
{
  memcpy (p, &v, sizeof v);
}

static inline __attribute__ ((always_inline)) v8f
splat (float x)
{
  return (v8f) { x, x, x, x, x, x, x, x };
}

/* mask ? a : b, mask lanes all-ones or zero. */
static inline __attribute__ ((always_inline)) v8f
select8 (v8i mask, v8f a, v8f b)
{
  return (v8f) (((v8i) a & mask) | ((v8i) b & ~mask));
}

static inline __attribute__ ((always_inline)) float
hsum8 (v8f v)
{
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

typedef guint32 v8u __attribute__ ((vector_size (32)));
typedef guint16 v8h __attribute__ ((vector_size (16)));

/* Stores v rounded to bf16 (nearest even; NaN kept quiet), as lv_bf16_from_f32() does. */
static inline __attribute__ ((always_inline)) void
store8_bf16 (guint16 *p, v8f v)
{
  v8u bits = (v8u) v, rounded, nan;
  v8h out;

  rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  nan = (v8u) ((bits & 0x7fffffffu) > 0x7f800000u);
  rounded = (rounded & ~nan) | (((bits >> 16) | 0x40u) & nan);
  out = __builtin_convertvector (rounded, v8h);
  memcpy (p, &out, sizeof out);
}

static inline guint16
bf16_one (float x)
{
  guint32 bits;

  memcpy (&bits, &x, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return (guint16) ((bits >> 16) | 0x40u);
  return (guint16) ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

/* Rounds y[0..n) into y16 (the scalar tails and the activations without a vector loop). */
static void
tail_bf16 (guint16 *y16, const float *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y16[i] = bf16_one (y[i]);
}

/*
 * e^x for 8 floats (Cephes' expf polynomial, relative error ~2 ulp). Inputs are clamped to
 * [-87, 88] with comparisons that leave NaN alone, so a NaN logit still makes a NaN loss and
 * the run is detected as diverged.
 */
static inline __attribute__ ((always_inline)) v8f
exp8 (v8f x)
{
  const v8f magic = splat (12582912.0f); /* 1.5 · 2^23: adding it rounds to an integer */
  v8f t, nf, r, r2, p, scale;
  v8i n;

  x = select8 (x < splat (-87.0f), splat (-87.0f), x);
  x = select8 (x > splat (88.0f), splat (88.0f), x);
  t = x * splat (1.44269504088896341f) + magic;
  nf = t - magic;
  n = (v8i) t - (v8i) magic;
  r = x - nf * splat (0.693359375f);
  r = r - nf * splat (-2.12194440e-4f);
  r2 = r * r;
  p = splat (1.9875691500e-4f);
  p = p * r + splat (1.3981999507e-3f);
  p = p * r + splat (8.3334519073e-3f);
  p = p * r + splat (4.1665795894e-2f);
  p = p * r + splat (1.6666665459e-1f);
  p = p * r + splat (5.0000001201e-1f);
  p = p * r2 + r + splat (1.0f);
  scale = (v8f) ((n + 127) << 23);
  return p * scale;
}

LV_CLONES void
lv_fused_bias_activate (float *z, const float *bias, gsize rows, gsize n, LvActivation activation,
                        guint16 *z16)
{
  const v8f zero = splat (0.0f);

  for (gsize r = 0; r < rows; r++)
    {
      float *row = z + r * n;
      guint16 *row16 = z16 != NULL ? z16 + r * n : NULL;
      float b = bias != NULL ? bias[r] : 0.0f;
      gsize i = 0;

      if (activation == LV_ACTIVATION_RELU)
        {
          v8f bv = splat (b);
          for (; i + 8 <= n; i += 8)
            {
              v8f v = load8 (row + i) + bv;
              v = (v8f) ((v8i) v & (v > zero));
              store8 (row + i, v);
              if (row16 != NULL)
                store8_bf16 (row16 + i, v);
            }
          for (; i < n; i++)
            row[i] = lv_activation_apply_f (LV_ACTIVATION_RELU, row[i] + b);
        }
      else if (activation == LV_ACTIVATION_LINEAR)
        {
          if (bias != NULL)
            {
              for (; i + 8 <= n; i += 8)
                store8 (row + i, load8 (row + i) + splat (b));
              for (; i < n; i++)
                row[i] += b;
            }
          i = 0;
        }
      else if (activation == LV_ACTIVATION_TANH)
        for (i = 0; i < n; i++)
          row[i] = lv_activation_apply_f (LV_ACTIVATION_TANH, row[i] + b);
      else
        for (i = 0; i < n; i++)
          row[i] = lv_activation_apply_f (LV_ACTIVATION_LOGISTIC, row[i] + b);
      /* What the vector loop did not round (its tail, or the whole row). */
      if (row16 != NULL)
        {
          gsize done = activation == LV_ACTIVATION_RELU ? n - n % 8 : 0;
          tail_bf16 (row16 + done, row + done, n - done);
        }
    }
}

LV_CLONES void
lv_fused_activation_backward (float *delta, const float *a, gsize count, LvActivation activation,
                              guint16 *delta16)
{
  gsize i = 0;

  switch (activation)
    {
    case LV_ACTIVATION_RELU:
      {
        /* Multiply by 1 or 0 rather than mask, as lv_mlp does: Inf·0 stays NaN. */
        const v8f zero = splat (0.0f), one = splat (1.0f);
        for (; i + 8 <= count; i += 8)
          {
            v8f v = load8 (delta + i) * (v8f) ((v8i) one & (load8 (a + i) > zero));
            store8 (delta + i, v);
            if (delta16 != NULL)
              store8_bf16 (delta16 + i, v);
          }
        for (; i < count; i++)
          delta[i] *= lv_activation_prime_f (LV_ACTIVATION_RELU, a[i]);
        i = delta16 != NULL ? count - count % 8 : 0;
        break;
      }
    case LV_ACTIVATION_TANH:
      for (; i + 8 <= count; i += 8)
        {
          v8f av = load8 (a + i);
          store8 (delta + i, load8 (delta + i) * (splat (1.0f) - av * av));
        }
      for (; i < count; i++)
        delta[i] *= lv_activation_prime_f (LV_ACTIVATION_TANH, a[i]);
      i = 0;
      break;
    case LV_ACTIVATION_LOGISTIC:
      for (; i + 8 <= count; i += 8)
        {
          v8f av = load8 (a + i);
          store8 (delta + i, load8 (delta + i) * (av * (splat (1.0f) - av)));
        }
      for (; i < count; i++)
        delta[i] *= lv_activation_prime_f (LV_ACTIVATION_LOGISTIC, a[i]);
      i = 0;
      break;
    case LV_ACTIVATION_LINEAR:
    default:
      break;
    }
  /* From i on nothing was rounded yet. */
  if (delta16 != NULL)
    tail_bf16 (delta16 + i, delta + i, count - i);
}

LV_CLONES void
lv_fused_row_sums (const float *m, gsize rows, gsize n, float *out)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *row = m + r * n;
      v8f acc = splat (0.0f);
      float s;
      gsize i = 0;

      for (; i + 8 <= n; i += 8)
        acc += load8 (row + i);
      s = hsum8 (acc);
      for (; i < n; i++)
        s += row[i];
      out[r] = s;
    }
}

LV_CLONES void
lv_fused_axpy (float *y, const float *x, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    store8 (y + i, load8 (y + i) + load8 (x + i));
  for (; i < n; i++)
    y[i] += x[i];
}

LV_CLONES double
lv_fused_sgd (float *p, const float *g, float *v, gsize n, float lr, float mu, guint16 *p16)
{
  /* Squares add up in float lanes over chunks of 512, then in double: accurate and fast. */
  double sq = 0;
  const v8f lrv = splat (lr), muv = splat (mu);

  for (gsize start = 0; start < n; start += 512)
    {
      gsize end = MIN (start + 512, n), i = start;
      v8f acc = splat (0.0f);
      float tail = 0;

      for (; i + 8 <= end; i += 8)
        {
          v8f gv = load8 (g + i), pv;
          if (v == NULL)
            pv = load8 (p + i) - lrv * gv;
          else
            {
              v8f vv = muv * load8 (v + i) - lrv * gv;
              store8 (v + i, vv);
              pv = load8 (p + i) + vv;
            }
          acc += gv * gv;
          store8 (p + i, pv);
          if (p16 != NULL)
            store8_bf16 (p16 + i, pv);
        }
      for (; i < end; i++)
        {
          tail += g[i] * g[i];
          if (v == NULL)
            p[i] -= lr * g[i];
          else
            {
              v[i] = mu * v[i] - lr * g[i];
              p[i] += v[i];
            }
          if (p16 != NULL)
            p16[i] = bf16_one (p[i]);
        }
      sq += (double) hsum8 (acc) + tail;
    }
  return sq;
}

/* Softmax cross-entropy, vectorised along samples. */
LV_CLONES static double
loss_cross_entropy (const float *z, guint c, guint n, const guint32 *labels, float *dz,
                    float *scratch)
{
  float *mx = scratch, *sum = scratch + n;
  float scale = 1.0f / n;
  double total = 0;
  guint i;

  memcpy (mx, z, n * sizeof (float));
  for (guint j = 1; j < c; j++)
    {
      const float *zj = z + (gsize) j * n;
      for (i = 0; i + 8 <= n; i += 8)
        {
          v8f a = load8 (zj + i), m = load8 (mx + i);
          store8 (mx + i, select8 (a > m, a, m));
        }
      for (; i < n; i++)
        mx[i] = zj[i] > mx[i] ? zj[i] : mx[i];
    }
  memset (sum, 0, n * sizeof (float));
  for (guint j = 0; j < c; j++)
    {
      const float *zj = z + (gsize) j * n;
      float *dj = dz != NULL ? dz + (gsize) j * n : NULL;
      for (i = 0; i + 8 <= n; i += 8)
        {
          v8f e = exp8 (load8 (zj + i) - load8 (mx + i));
          store8 (sum + i, load8 (sum + i) + e);
          if (dj != NULL)
            store8 (dj + i, e);
        }
      for (; i < n; i++)
        {
          float e = expf (zj[i] - mx[i]);
          sum[i] += e;
          if (dj != NULL)
            dj[i] = e;
        }
    }
  for (i = 0; i < n; i++)
    total += log ((double) sum[i]) - (double) (z[(gsize) labels[i] * n + i] - mx[i]);
  if (dz == NULL)
    return total;
  /* dz = (softmax − onehot) / n */
  for (i = 0; i < n; i++)
    sum[i] = scale / sum[i];
  for (guint j = 0; j < c; j++)
    {
      float *dj = dz + (gsize) j * n;
      for (i = 0; i + 8 <= n; i += 8)
        store8 (dj + i, load8 (dj + i) * load8 (sum + i));
      for (; i < n; i++)
        dj[i] *= sum[i];
    }
  for (i = 0; i < n; i++)
    dz[(gsize) labels[i] * n + i] -= scale;
  return total;
}

static double
loss_mse (const float *z, guint c, guint n, const guint32 *labels, const float *targets,
          float *dz)
{
  float scale = 1.0f / n;
  double total = 0;

  for (guint j = 0; j < c; j++)
    for (guint i = 0; i < n; i++)
      {
        float t = targets != NULL ? targets[(gsize) i * c + j] : (j == labels[i] ? 1 : 0);
        float e = z[(gsize) j * n + i] - t;
        total += 0.5 * (double) e * (double) e;
        if (dz != NULL)
          dz[(gsize) j * n + i] = scale * e;
      }
  return total;
}

/* Crammer–Singer: max(0, 1 + max_{j≠y} z_j − z_y), as lv_mlp. */
static double
loss_hinge (const float *z, guint c, guint n, const guint32 *labels, float *dz)
{
  float scale = 1.0f / n;
  double total = 0;

  if (dz != NULL)
    memset (dz, 0, (gsize) c * n * sizeof (float));
  for (guint i = 0; i < n; i++)
    {
      guint32 y = labels[i];
      guint best = y == 0 ? 1 : 0;
      for (guint j = 0; j < c; j++)
        if (j != y && z[(gsize) j * n + i] > z[(gsize) best * n + i])
          best = j;
      if (c > 1 && 1 + z[(gsize) best * n + i] - z[(gsize) y * n + i] > 0)
        {
          total += 1 + (double) z[(gsize) best * n + i] - (double) z[(gsize) y * n + i];
          if (dz != NULL)
            {
              dz[(gsize) best * n + i] = scale;
              dz[(gsize) y * n + i] = -scale;
            }
        }
    }
  return total;
}

LV_CLONES double
lv_fused_loss (LvLoss loss, const float *z, guint c, guint n, const guint32 *labels,
               const float *targets, float *dz, float *scratch, guint *correct)
{
  double total;

  switch (loss)
    {
    case LV_LOSS_CROSS_ENTROPY:
      total = loss_cross_entropy (z, c, n, labels, dz, scratch);
      break;
    case LV_LOSS_MSE:
      total = loss_mse (z, c, n, labels, targets, dz);
      break;
    case LV_LOSS_HINGE:
    default:
      total = loss_hinge (z, c, n, labels, dz);
      break;
    }
  *correct = 0;
  if (dz == NULL)
    for (guint i = 0; i < n; i++)
      {
        guint arg = 0;
        for (guint j = 1; j < c; j++)
          if (z[(gsize) j * n + i] > z[(gsize) arg * n + i])
            arg = j;
        *correct += arg == (labels != NULL ? labels[i] : 0);
      }
  return total;
}
