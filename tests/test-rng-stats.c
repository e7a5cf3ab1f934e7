/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>

/* Same (seed, a, b) gives the same seed; changing any coordinate changes it. */
static void
test_seed_mix (void)
{
  g_assert_cmpuint (lv_seed_mix (1, 2, 3), ==, lv_seed_mix (1, 2, 3));
  g_assert_cmpuint (lv_seed_mix (1, 2, 3), !=, lv_seed_mix (1, 3, 2));
  g_assert_cmpuint (lv_seed_mix (1, 2, 3), !=, lv_seed_mix (2, 2, 3));
}

/* Moments of the generators against their closed forms, at 6 standard errors. */
static void
test_rng_moments (void)
{
  LvRng rng;
  const int n = 200000;
  double su = 0, sg = 0, sg2 = 0, sg4 = 0;
  guint counts[7] = { 0 };

  lv_rng_init (&rng, 42);
  for (int i = 0; i < n; i++)
    {
      double u = lv_rng_uniform (&rng), g = lv_rng_gaussian (&rng);
      g_assert_true (u >= 0.0 && u < 1.0);
      su += u;
      sg += g;
      sg2 += g * g;
      sg4 += g * g * g * g;
      counts[lv_rng_below (&rng, 7)]++;
    }
  g_assert_cmpfloat (fabs (su / n - 0.5), <, 6 * sqrt (1.0 / 12 / n));
  g_assert_cmpfloat (fabs (sg / n), <, 6 * sqrt (1.0 / n));
  g_assert_cmpfloat (fabs (sg2 / n - 1.0), <, 6 * sqrt (2.0 / n));
  g_assert_cmpfloat (fabs (sg4 / n - 3.0), <, 6 * sqrt (96.0 / n));
  for (int k = 0; k < 7; k++)
    g_assert_cmpfloat (fabs (counts[k] - n / 7.0), <, 6 * sqrt (n * (1.0 / 7) * (6.0 / 7)));
}

static void
test_shuffle_is_permutation (void)
{
  LvRng rng;
  guint32 items[100];
  guint seen[100] = { 0 };

  for (guint i = 0; i < 100; i++)
    items[i] = i;
  lv_rng_init (&rng, 7);
  lv_rng_shuffle (&rng, items, 100);
  for (guint i = 0; i < 100; i++)
    seen[items[i]]++;
  for (guint i = 0; i < 100; i++)
    g_assert_cmpuint (seen[i], ==, 1);
}

/* Summary of 1..10 and NaN: the NaN is skipped; values from the textbook formulas. */
static void
test_summary (void)
{
  double v[11] = { 3, 1, 2, 10, 9, 8, 7, 6, 5, 4, NAN };
  LvSummary s;

  lv_summary_compute (v, 11, &s);
  g_assert_cmpuint (s.count, ==, 10);
  g_assert_cmpfloat_with_epsilon (s.mean, 5.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.median, 5.5, 1e-12);
  g_assert_cmpfloat (s.min, ==, 1);
  g_assert_cmpfloat (s.max, ==, 10);
  g_assert_cmpfloat_with_epsilon (s.std, sqrt (82.5 / 9), 1e-12);
  lv_summary_compute (v + 10, 1, &s);
  g_assert_cmpuint (s.count, ==, 0);
  g_assert_true (isnan (s.mean));
}

static void
test_pearson (void)
{
  double x[5] = { 1, 2, 3, 4, 5 }, y[5] = { 2, 4, 6, 8, 10 }, z[5] = { 5, 4, 3, 2, 1 };
  double w[4] = { 1, 0, 0, 1 }, t[4] = { 0, 0, 1, 1 };

  g_assert_cmpfloat_with_epsilon (lv_pearson (x, y, 5), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lv_pearson (x, z, 5), -1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lv_pearson (w, t, 4), 0.0, 1e-12);
  g_assert_true (isnan (lv_pearson (x, x, 1)));
}

/* lv_uint_sort_unique against a brute-force count: every distinct value once, ascending. */
static void
test_uint_sort_unique (void)
{
  guint values[] = { 25, 5, 100, 5, 0, G_MAXUINT, 25, 25, 7 };
  const guint expected[] = { 0, 5, 7, 25, 100, G_MAXUINT };
  guint one = 3;

  g_assert_cmpuint (lv_uint_sort_unique (values, G_N_ELEMENTS (values)), ==,
                    G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (values[i], ==, expected[i]);
  g_assert_cmpuint (lv_uint_sort_unique (&one, 1), ==, 1);
  g_assert_cmpuint (one, ==, 3);
  g_assert_cmpuint (lv_uint_sort_unique (NULL, 0), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/rng/seed-mix", test_seed_mix);
  g_test_add_func ("/lossviz/rng/moments", test_rng_moments);
  g_test_add_func ("/lossviz/rng/shuffle", test_shuffle_is_permutation);
  g_test_add_func ("/lossviz/stats/summary", test_summary);
  g_test_add_func ("/lossviz/stats/pearson", test_pearson);
  g_test_add_func ("/lossviz/stats/uint-sort-unique", test_uint_sort_unique);
  return g_test_run ();
}
