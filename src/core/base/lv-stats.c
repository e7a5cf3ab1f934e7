/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <lossviz/lv-stats.h>

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

void
lv_summary_compute (const double *values, gsize n, LvSummary *out)
{
  g_autofree double *finite = g_new (double, MAX (n, 1));
  gsize m = 0;
  double sum = 0.0, sq = 0.0, mean;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      finite[m++] = values[i];

  out->count = (guint) m;
  if (m == 0)
    {
      out->mean = out->std = out->min = out->median = out->max = NAN;
      return;
    }
  for (gsize i = 0; i < m; i++)
    sum += finite[i];
  mean = sum / m;
  /* Two-pass variance: no cancellation when the spread is tiny next to the mean. */
  for (gsize i = 0; i < m; i++)
    sq += (finite[i] - mean) * (finite[i] - mean);
  qsort (finite, m, sizeof (double), compare_doubles);
  out->mean = mean;
  out->std = m > 1 ? sqrt (sq / (m - 1)) : 0.0;
  out->min = finite[0];
  out->max = finite[m - 1];
  out->median = (m % 2) ? finite[m / 2] : 0.5 * (finite[m / 2 - 1] + finite[m / 2]);
}

/**
 * lv_pearson:
 *
 * Pearson correlation of the pairs where both values are finite.
 * Returns: the correlation, or NAN with fewer than two pairs or zero variance.
 */
double
lv_pearson (const double *x, const double *y, gsize n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        mx += x[i];
        my += y[i];
        m++;
      }
  if (m < 2)
    return NAN;
  mx /= m;
  my /= m;
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
      }
  if (sxx <= 0 || syy <= 0)
    return NAN;
  return sxy / sqrt (sxx * syy);
}

static int
compare_uints (const void *a, const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

guint
lv_uint_sort_unique (guint *values, guint n)
{
  guint kept = 0;

  if (n == 0)
    return 0;
  qsort (values, n, sizeof *values, compare_uints);
  for (guint i = 0; i < n; i++)
    if (kept == 0 || values[i] != values[kept - 1])
      values[kept++] = values[i];
  return kept;
}
