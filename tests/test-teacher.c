/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lossviz/lossviz.h>

/* The random teacher has the documented parameter ranges and depends only on (d, k, seed). */
static void
test_teacher_random_parameters (void)
{
  g_autoptr(LvTeacher) t = lv_teacher_new_random (7, 5, 42);
  g_autoptr(LvTeacher) same = lv_teacher_new_random (7, 5, 42);
  g_autoptr(LvTeacher) other = lv_teacher_new_random (7, 5, 43);

  g_assert_cmpuint (t->d, ==, 7);
  g_assert_cmpuint (t->k, ==, 5);
  g_assert_cmpfloat (t->b2, ==, 0.1);
  for (guint j = 0; j < 5; j++)
    {
      double norm2 = 0;

      for (guint i = 0; i < 7; i++)
        norm2 += t->a1[j * 7 + i] * t->a1[j * 7 + i];
      g_assert_cmpfloat_with_epsilon (norm2, 1.0, 1e-12);
      g_assert_cmpfloat (fabs (t->b1[j]), >=, 0.2);
      g_assert_cmpfloat (fabs (t->b1[j]), <=, 0.8);
      g_assert_cmpfloat (fabs (t->a2[j]), >=, 0.5);
      g_assert_cmpfloat (fabs (t->a2[j]), <=, 1.5);
    }
  g_assert_cmpmem (t->a1, 35 * sizeof (double), same->a1, 35 * sizeof (double));
  g_assert_cmpmem (t->b1, 5 * sizeof (double), same->b1, 5 * sizeof (double));
  g_assert_cmpmem (t->a2, 5 * sizeof (double), same->a2, 5 * sizeof (double));
  g_assert_true (memcmp (t->a1, other->a1, 35 * sizeof (double)) != 0);
}

/* Signs are random: over many units both signs occur, roughly half each. */
static void
test_teacher_signs (void)
{
  g_autoptr(LvTeacher) t = lv_teacher_new_random (2, 400, 9);
  guint pb = 0, pa = 0;

  for (guint j = 0; j < 400; j++)
    {
      pb += t->b1[j] > 0;
      pa += t->a2[j] > 0;
    }
  /* Binomial(400, 1/2): 6 standard deviations is 60. */
  g_assert_cmpint (abs ((int) pb - 200), <, 60);
  g_assert_cmpint (abs ((int) pa - 200), <, 60);
}

/* f(x) against the formula written out by hand for d = 2, k = 2. */
static void
test_teacher_eval_formula (void)
{
  double a1[4] = { 0.6, 0.8, -1.0, 0.0 };
  double b1[2] = { 0.3, -0.5 };
  double a2[2] = { 1.2, -0.7 };
  LvTeacher t = { 2, 2, a1, b1, a2, 0.1 };
  const double xs[3][2] = { { 0, 0 }, { 1.5, -2 }, { -40, 60 } };

  for (guint s = 0; s < 3; s++)
    {
      double x0 = xs[s][0], x1 = xs[s][1];
      double z0 = 0.6 * x0 + 0.8 * x1 + 0.3;
      double z1 = -1.0 * x0 - 0.5;
      double expect = 1.2 / (1 + exp (-z0)) - 0.7 / (1 + exp (-z1)) + 0.1;

      g_assert_cmpfloat_with_epsilon (lv_teacher_eval (&t, xs[s]), expect, 1e-14);
    }
  /* Far in the saturated region the logistic neither overflows nor yields NaN. */
  {
    const double big[2] = { -1e6, 1e6 };
    double f = lv_teacher_eval (&t, big);
    g_assert_true (isfinite (f));
    g_assert_cmpfloat_with_epsilon (f, 1.2 * 1.0 - 0.7 * 1.0 + 0.1, 1e-12);
  }
}

/* Samples: x ~ N(0, I) moments, y - f(x) has the noise's variance, and sampling one at a time
 * draws the same numbers as sampling all at once. */
static void
test_teacher_sample (void)
{
  g_autoptr(LvTeacher) t = lv_teacher_new_random (3, 2, 1);
  const gsize n = 20000;
  g_autofree double *x = g_new (double, n * 3);
  g_autofree double *y = g_new (double, n);
  double m = 0, v = 0, r2 = 0, x1[3], y1;
  LvRng rng, rng1;

  lv_rng_init (&rng, 77);
  lv_teacher_sample (t, &rng, n, 0.3, x, y);
  for (gsize i = 0; i < n * 3; i++)
    {
      m += x[i];
      v += x[i] * x[i];
    }
  m /= n * 3;
  v /= n * 3;
  g_assert_cmpfloat (fabs (m), <, 6 / sqrt (n * 3.0));
  g_assert_cmpfloat (fabs (v - 1), <, 6 * sqrt (2.0 / (n * 3)));
  for (gsize s = 0; s < n; s++)
    r2 += pow (y[s] - lv_teacher_eval (t, x + s * 3), 2);
  g_assert_cmpfloat (fabs (r2 / n - 0.09), <, 6 * 0.09 * sqrt (2.0 / n));

  lv_rng_init (&rng1, 77);
  for (gsize s = 0; s < 10; s++)
    {
      lv_teacher_sample (t, &rng1, 1, 0.3, x1, &y1);
      g_assert_cmpmem (x1, sizeof x1, x + s * 3, sizeof x1);
      g_assert_cmpfloat (y1, ==, y[s]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();

  g_test_add_func ("/lossviz/teacher/random-parameters", test_teacher_random_parameters);
  g_test_add_func ("/lossviz/teacher/signs", test_teacher_signs);
  g_test_add_func ("/lossviz/teacher/eval-formula", test_teacher_eval_formula);
  g_test_add_func ("/lossviz/teacher/sample", test_teacher_sample);
  return g_test_run ();
}
