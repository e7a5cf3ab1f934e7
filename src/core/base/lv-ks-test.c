/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lossviz/lv-stats.h>

/*
 * The two-sample Kolmogorov–Smirnov test, used to check that bf16 training leaves the
 * ensemble's loss distributions unchanged (tests/test-bf16.c, tests/bench).
 */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double *
sorted_copy (const double *v, gsize n)
{
  double *s = g_memdup2 (v, MAX (n, 1) * sizeof (double));

  qsort (s, n, sizeof (double), compare_doubles);
  return s;
}

double
lv_ks_statistic (const double *x, gsize n, const double *y, gsize m)
{
  g_autofree double *a = sorted_copy (x, n);
  g_autofree double *b = sorted_copy (y, m);
  gsize i = 0, j = 0;
  double d = 0;

  if (n == 0 || m == 0)
    return NAN;
  /* Walk both sorted samples; after consuming every copy of the smallest next value, the
   * CDFs are compared (ties within or across samples step together). */
  while (i < n && j < m)
    {
      double t = MIN (a[i], b[j]);
      while (i < n && a[i] == t)
        i++;
      while (j < m && b[j] == t)
        j++;
      d = MAX (d, fabs ((double) i / n - (double) j / m));
    }
  return d;
}

double
lv_kolmogorov_q (double lambda)
{
  double sum = 0, sign = 1;

  if (lambda < 0.2)
    return 1; /* the series converges slowly here and the value is 1 to 1e-9 */
  for (int k = 1; k <= 200; k++)
    {
      double term = sign * exp (-2.0 * k * k * lambda * lambda);
      sum += term;
      if (fabs (term) < 1e-16 * fabs (sum))
        break;
      sign = -sign;
    }
  return CLAMP (2 * sum, 0, 1);
}

/*
 * Exact P(D < d) by counting lattice paths (Kim & Jennrich 1973, as R's psmirnov): a path
 * from (0, 0) to (n, m) steps right for an x and up for a y in the merged order; D < d iff
 * it never leaves the band |i/n − j/m| ≤ q. u[j] holds the count divided by C(i+j, j), so
 * nothing overflows.
 */
static double
exact_below (double d, gsize n, gsize m)
{
  double nd, md, q;
  g_autofree double *u = NULL;

  if (n > m)
    {
      gsize t = n;
      n = m;
      m = t;
    }
  nd = (double) n;
  md = (double) m;
  /* D takes values k/(n·m): the largest one below d, plus half a step. */
  q = (0.5 + floor (d * nd * md - 1e-7)) / (nd * md);
  u = g_new (double, m + 1);
  for (gsize j = 0; j <= m; j++)
    u[j] = (j / md > q) ? 0 : 1;
  for (gsize i = 1; i <= n; i++)
    {
      double w = (double) i / (double) (i + m);
      u[0] = (i / nd > q) ? 0 : w * u[0];
      for (gsize j = 1; j <= m; j++)
        u[j] = fabs (i / nd - j / md) > q ? 0 : w * u[j] + u[j - 1];
    }
  return u[m];
}

double
lv_ks_p_value (double d, gsize n, gsize m)
{
  double ne;

  if (n == 0 || m == 0 || !isfinite (d))
    return NAN;
  if (d <= 0)
    return 1;
  if ((double) n * m <= 1e8)
    return CLAMP (1 - exact_below (d, n, m), 0, 1);
  /* Stephens (1970): λ = (√ne + 0.12 + 0.11/√ne) D with ne = nm/(n+m). */
  ne = (double) n * m / (double) (n + m);
  return lv_kolmogorov_q ((sqrt (ne) + 0.12 + 0.11 / sqrt (ne)) * d);
}

static double *
finite_values (const double *v, gsize n, gsize *out_n)
{
  double *f = g_new (double, MAX (n, 1));

  *out_n = 0;
  for (gsize i = 0; i < n; i++)
    if (isfinite (v[i]))
      f[(*out_n)++] = v[i];
  return f;
}

double
lv_ks_test (const double *x, gsize n, const double *y, gsize m, double *d)
{
  gsize fn, fm;
  g_autofree double *fx = finite_values (x, n, &fn);
  g_autofree double *fy = finite_values (y, m, &fm);
  double stat = lv_ks_statistic (fx, fn, fy, fm);

  if (d != NULL)
    *d = stat;
  return lv_ks_p_value (stat, fn, fm);
}
