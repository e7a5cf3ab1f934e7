/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

#include "lv-dataset-private.h"

/* Preparation of a loaded dataset: area downsampling, the train/test split, standardisation. */

/* Tag of the split's random stream, so the shuffle is independent of synthetic data drawn from
 * the same user seed. */
#define SPLIT_STREAM 0x5b117u

/*
 * Area-average weights from @n source pixels to @s target pixels along one axis. Scaling the axis
 * by n·s makes every boundary an integer: source pixel i covers [i·s, (i+1)·s) and target pixel I
 * covers [I·n, (I+1)·n), so the overlap is an exact integer and the weight overlap / n is exact
 * up to one rounding. Row I of the s × n matrix sums to 1; lo[I], hi[I] bound its nonzeros.
 */
static void
axis_weights (guint   n,
              guint   s,
              double *w,
              guint  *lo,
              guint  *hi)
{
  for (guint I = 0; I < s; I++)
    {
      guint64 t0 = (guint64) I * n, t1 = (guint64) (I + 1) * n;

      lo[I] = (guint) (t0 / s);
      hi[I] = (guint) MIN ((t1 + s - 1) / s, (guint64) n);
      for (guint i = 0; i < n; i++)
        {
          guint64 s0 = (guint64) i * s, s1 = (guint64) (i + 1) * s;
          guint64 a = MAX (s0, t0), b = MIN (s1, t1);

          w[(gsize) I * n + i] = b > a ? (double) (b - a) / n : 0.0;
        }
    }
}

typedef struct {
  guint   w, h, s;
  double *rw, *cw;      /* s × h row weights, s × w column weights */
  guint  *rlo, *rhi, *clo, *chi;
  double *tmp;          /* h × s */
} Downsampler;

static void
downsample_image (Downsampler *ds,
                  const float *in,
                  float       *out)
{
  guint w = ds->w, h = ds->h, s = ds->s;

  /* Separable: first average along the columns of each row, then along the rows. */
  for (guint i = 0; i < h; i++)
    for (guint J = 0; J < s; J++)
      {
        double acc = 0.0;

        for (guint j = ds->clo[J]; j < ds->chi[J]; j++)
          acc += ds->cw[(gsize) J * w + j] * in[(gsize) i * w + j];
        ds->tmp[(gsize) i * s + J] = acc;
      }
  for (guint I = 0; I < s; I++)
    for (guint J = 0; J < s; J++)
      {
        double acc = 0.0;

        for (guint i = ds->rlo[I]; i < ds->rhi[I]; i++)
          acc += ds->rw[(gsize) I * h + i] * ds->tmp[(gsize) i * s + J];
        out[(gsize) I * s + J] = (float) acc;
      }
}

static float *
downsample_part (Downsampler *ds,
                 const float *x,
                 guint        n)
{
  gsize in_size = (gsize) ds->w * ds->h, out_size = (gsize) ds->s * ds->s;
  float *out = g_new (float, n * out_size);

  for (guint k = 0; k < n; k++)
    downsample_image (ds, x + k * in_size, out + k * out_size);
  return out;
}

/**
 * lv_dataset_downsample:
 *
 * Replaces every image by its @side × @side area average, with exact fractional-overlap weights
 * (e.g. 28 → 10 as Choromanska et al. did). Errors if the dataset has no image geometry or
 * @side exceeds the image.
 */
gboolean
lv_dataset_downsample (LvDataset *dataset,
                       guint      side,
                       GError   **error)
{
  Downsampler ds = { dataset->image_width, dataset->image_height, side };
  float *x_train, *x_test = NULL;

  if (ds.w == 0 || ds.h == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: cannot downsample: not an image dataset", dataset->name);
      return FALSE;
    }
  if (side == 0 || side > MIN (ds.w, ds.h))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: cannot downsample %ux%u images to %ux%u (the side must be in [1, %u])",
                   dataset->name, ds.w, ds.h, side, side, MIN (ds.w, ds.h));
      return FALSE;
    }
  if (side == ds.w && side == ds.h)
    return TRUE;

  ds.rw = g_new (double, (gsize) side * ds.h);
  ds.cw = g_new (double, (gsize) side * ds.w);
  ds.rlo = g_new (guint, side);
  ds.rhi = g_new (guint, side);
  ds.clo = g_new (guint, side);
  ds.chi = g_new (guint, side);
  ds.tmp = g_new (double, (gsize) ds.h * side);
  axis_weights (ds.h, side, ds.rw, ds.rlo, ds.rhi);
  axis_weights (ds.w, side, ds.cw, ds.clo, ds.chi);

  x_train = downsample_part (&ds, dataset->x_train, dataset->n_train);
  if (dataset->n_test > 0)
    x_test = downsample_part (&ds, dataset->x_test, dataset->n_test);
  g_free (dataset->x_train);
  g_free (dataset->x_test);
  dataset->x_train = x_train;
  dataset->x_test = x_test;
  dataset->n_inputs = side * side;
  dataset->image_width = dataset->image_height = side;

  g_free (ds.rw);
  g_free (ds.cw);
  g_free (ds.rlo);
  g_free (ds.rhi);
  g_free (ds.clo);
  g_free (ds.chi);
  g_free (ds.tmp);
  return TRUE;
}

/* Copies pooled sample @p (training part first, then test part) into slot @k of @part. */
static void
copy_sample (const LvDataset *pool,
             guint32          p,
             float           *x,
             guint32         *y,
             float           *t,
             guint            k)
{
  gsize d = pool->n_inputs;
  gboolean from_train = p < pool->n_train;
  guint q = from_train ? p : p - pool->n_train;

  memcpy (x + k * d, (from_train ? pool->x_train : pool->x_test) + q * d, d * sizeof (float));
  y[k] = (from_train ? pool->y_train : pool->y_test)[q];
  if (t != NULL)
    t[k] = (from_train ? pool->t_train : pool->t_test)[q];
}

/**
 * lv_dataset_split:
 * @pool: (transfer none): all samples (both parts are pooled).
 * @test_fraction: in [0, 1).
 *
 * Shuffles the pooled samples with a generator seeded from @seed and holds out
 * round(@test_fraction · n) of them (at least 1 when the fraction is positive, and never all).
 *
 * Returns: (transfer full): a new dataset.
 */
LvDataset *
lv_dataset_split (LvDataset *pool,
                  double     test_fraction,
                  guint64    seed,
                  GError   **error)
{
  g_autoptr(LvDataset) out = NULL;
  g_autofree guint32 *perm = NULL;
  guint64 n = (guint64) pool->n_train + pool->n_test;
  guint n_test, n_train;
  LvRng rng;

  g_return_val_if_fail (test_fraction >= 0 && test_fraction < 1, NULL);

  if (!lv_dataset_check_size (pool->name, n, pool->n_inputs, error))
    return NULL;
  n_test = (guint) floor (test_fraction * (double) n + 0.5);
  if (test_fraction > 0 && n_test == 0)
    n_test = 1;
  if (n_test >= n)
    n_test = (guint) n - 1;
  n_train = (guint) n - n_test;

  out = lv_dataset_alloc (pool->name, pool->n_inputs, n_train, n_test,
                          pool->t_train != NULL, error);
  if (out == NULL)
    return NULL;
  out->n_classes = pool->n_classes;
  out->image_width = pool->image_width;
  out->image_height = pool->image_height;

  perm = g_new (guint32, n);
  for (guint32 i = 0; i < n; i++)
    perm[i] = i;
  lv_rng_init (&rng, lv_seed_mix (seed, SPLIT_STREAM, 0));
  lv_rng_shuffle (&rng, perm, n);
  for (guint k = 0; k < n_train; k++)
    copy_sample (pool, perm[k], out->x_train, out->y_train, out->t_train, k);
  for (guint k = 0; k < n_test; k++)
    copy_sample (pool, perm[n_train + k], out->x_test, out->y_test, out->t_test, k);
  out->source_index = g_steal_pointer (&perm);
  return g_steal_pointer (&out);
}

static gboolean
apply_scaling (const LvDataset *dataset,
               float           *x,
               guint            n,
               const double    *mean,
               const double    *scale,
               GError         **error)
{
  guint d = dataset->n_inputs;

  for (guint k = 0; k < n; k++)
    for (guint f = 0; f < d; f++)
      {
        float *v = x + (gsize) k * d + f;
        float z = (float) ((*v - mean[f]) * scale[f]);

        if (!isfinite (z))
          {
            g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                         "%s: feature %u overflows when standardised (training std %g)",
                         dataset->name, f + 1, 1.0 / scale[f]);
            return FALSE;
          }
        *v = z;
      }
  return TRUE;
}

/**
 * lv_dataset_standardize:
 *
 * Scales every feature to zero mean and unit (population) variance over the training part and
 * applies the same affine map to the test part. A feature constant over the training part
 * carries no information: it becomes 0 everywhere instead of dividing by a zero std.
 */
gboolean
lv_dataset_standardize (LvDataset *dataset,
                        GError   **error)
{
  guint d = dataset->n_inputs, n = dataset->n_train;
  g_autofree double *mean = g_new0 (double, d);
  g_autofree double *var = g_new0 (double, d);
  g_autofree double *scale = g_new (double, d);
  g_autofree gboolean *constant = g_new (gboolean, d);

  g_return_val_if_fail (n > 0, FALSE);

  /* Row-wise passes (the arrays are row-major): sums, then squared deviations. */
  for (guint f = 0; f < d; f++)
    constant[f] = TRUE;
  for (guint k = 0; k < n; k++)
    {
      const float *row = dataset->x_train + (gsize) k * d;

      for (guint f = 0; f < d; f++)
        {
          mean[f] += row[f];
          if (row[f] != dataset->x_train[f])
            constant[f] = FALSE;
        }
    }
  for (guint f = 0; f < d; f++)
    mean[f] /= n;
  for (guint k = 0; k < n; k++)
    {
      const float *row = dataset->x_train + (gsize) k * d;

      for (guint f = 0; f < d; f++)
        var[f] += (row[f] - mean[f]) * (row[f] - mean[f]);
    }
  for (guint f = 0; f < d; f++)
    {
      /* Constant means exactly equal values, so rounding in the mean cannot fake a variance. */
      if (constant[f] || var[f] <= 0)
        {
          mean[f] = dataset->x_train[f];
          scale[f] = 0.0;
        }
      else
        scale[f] = 1.0 / sqrt (var[f] / n);
    }
  if (!apply_scaling (dataset, dataset->x_train, n, mean, scale, error) ||
      !apply_scaling (dataset, dataset->x_test, dataset->n_test, mean, scale, error))
    return FALSE;
  g_free (dataset->feature_mean);
  g_free (dataset->feature_scale);
  dataset->feature_mean = g_steal_pointer (&mean);
  dataset->feature_scale = g_steal_pointer (&scale);
  return TRUE;
}
