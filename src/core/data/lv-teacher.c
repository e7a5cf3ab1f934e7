/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-teacher.h>

#include <math.h>

#include "lv-activation.h"

/*
 * The two-layer logistic teacher of NN-LIFT (docs/THEORY.md §3.1):
 *   f(x) = sum_j a2_j sigma(<a_j, x> + b1_j) + b2,   sigma(z) = 1 / (1 + e^-z).
 */

static double
random_sign (LvRng *rng)
{
  return (lv_rng_next (rng) >> 63) != 0 ? 1.0 : -1.0;
}

/**
 * lv_teacher_new_random:
 * @d: input dimension (> 0).
 * @k: hidden units (> 0).
 * @seed: the seed; the same (d, k, seed) always gives the same teacher.
 *
 * Draws a teacher: each column a_j of A1 is a uniformly random unit vector (a normalised
 * Gaussian); b1_j has a random sign and a magnitude uniform in [0.2, 0.8] — away from 0, where
 * E[sigma''(<a_j, x> + b1_j)] vanishes and the unit would be invisible to the third-order score
 * tensor; a2_j has a random sign and a magnitude uniform in [0.5, 1.5]; b2 = 0.1. For each unit
 * the draws come in that order (a_j, b1_j, a2_j).
 *
 * Returns: (transfer full): the teacher; free with lv_teacher_free().
 */
LvTeacher *
lv_teacher_new_random (guint   d,
                       guint   k,
                       guint64 seed)
{
  LvTeacher *teacher;
  LvRng rng;

  g_return_val_if_fail (d > 0 && k > 0, NULL);

  teacher = g_new0 (LvTeacher, 1);
  teacher->d = d;
  teacher->k = k;
  teacher->a1 = g_new (double, (gsize) d * k);
  teacher->b1 = g_new (double, k);
  teacher->a2 = g_new (double, k);
  teacher->b2 = 0.1;

  lv_rng_init (&rng, seed);
  for (guint j = 0; j < k; j++)
    {
      double *a = teacher->a1 + (gsize) j * d;
      double norm2;

      do
        {
          norm2 = 0.0;
          for (guint i = 0; i < d; i++)
            {
              a[i] = lv_rng_gaussian (&rng);
              norm2 += a[i] * a[i];
            }
        }
      while (norm2 < 1e-20);  /* probability 0, but never divide by it */
      for (guint i = 0; i < d; i++)
        a[i] /= sqrt (norm2);
      teacher->b1[j] = random_sign (&rng) * (0.2 + 0.6 * lv_rng_uniform (&rng));
      teacher->a2[j] = random_sign (&rng) * (0.5 + lv_rng_uniform (&rng));
    }
  return teacher;
}

/**
 * lv_teacher_free:
 * @teacher: (nullable): a teacher.
 *
 * Frees @teacher.
 */
void
lv_teacher_free (LvTeacher *teacher)
{
  if (teacher == NULL)
    return;
  g_free (teacher->a1);
  g_free (teacher->b1);
  g_free (teacher->a2);
  g_free (teacher);
}

/**
 * lv_teacher_eval:
 * @teacher: a teacher.
 * @x: (array): an input of @teacher->d values.
 *
 * Returns: f(x) = <a2, sigma(A1^T x + b1)> + b2.
 */
double
lv_teacher_eval (const LvTeacher *teacher,
                 const double    *x)
{
  double f = teacher->b2;

  for (guint j = 0; j < teacher->k; j++)
    {
      const double *a = teacher->a1 + (gsize) j * teacher->d;
      double z = teacher->b1[j];

      for (guint i = 0; i < teacher->d; i++)
        z += a[i] * x[i];
      f += teacher->a2[j] * lv_logistic_stable (z);
    }
  return f;
}

/**
 * lv_teacher_sample:
 * @teacher: a teacher.
 * @rng: the generator to draw from.
 * @n: number of samples.
 * @noise: standard deviation of the additive response noise (>= 0).
 * @x: (out caller-allocates) (array): @n × d inputs, row-major.
 * @y: (out caller-allocates) (array): @n responses.
 *
 * Draws x ~ N(0, I_d) and y = f(x) + @noise · N(0, 1). Per sample the draws are the d inputs
 * then one noise value (drawn even when @noise is 0), so n calls with 1 sample give the same
 * numbers as one call with n.
 */
void
lv_teacher_sample (const LvTeacher *teacher,
                   LvRng           *rng,
                   gsize            n,
                   double           noise,
                   double          *x,
                   double          *y)
{
  g_return_if_fail (teacher != NULL && rng != NULL);
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  for (gsize s = 0; s < n; s++)
    {
      double *row = x + s * teacher->d;

      for (guint i = 0; i < teacher->d; i++)
        row[i] = lv_rng_gaussian (rng);
      y[s] = lv_teacher_eval (teacher, row) + noise * lv_rng_gaussian (rng);
    }
}
