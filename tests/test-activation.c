/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "lv-activation.h"

/*
 * The shared activation header (src/core/nn/lv-activation.h): values against libm, first and
 * second derivatives (written through the output a = act(z)) against central differences of
 * act itself, the float version against the double one, and the overflow-free logistic.
 */

static const LvActivation all[] = {
  LV_ACTIVATION_RELU, LV_ACTIVATION_TANH, LV_ACTIVATION_LOGISTIC, LV_ACTIVATION_LINEAR,
};
/* Away from ReLU's kink at 0, where the difference quotient is not the derivative. */
static const double points[] = { -3.1, -0.7, -0.05, 0.2, 0.9, 2.4 };

static double
reference (LvActivation act, double z)
{
  switch (act)
    {
    case LV_ACTIVATION_RELU:
      return fmax (z, 0.0);
    case LV_ACTIVATION_TANH:
      return tanh (z);
    case LV_ACTIVATION_LOGISTIC:
      return 0.5 * (1.0 + tanh (0.5 * z)); /* the same function by another formula */
    default:
      return z;
    }
}

static void
test_values_and_derivatives (void)
{
  const double h = 1e-4;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    for (guint j = 0; j < G_N_ELEMENTS (points); j++)
      {
        LvActivation act = all[i];
        double z = points[j], a = lv_activation_apply (act, z);
        double fp = reference (act, z + h), fm = reference (act, z - h), f0 = reference (act, z);
        double d1 = (fp - fm) / (2 * h), d2 = (fp - 2 * f0 + fm) / (h * h);

        g_assert_cmpfloat_with_epsilon (a, f0, 1e-15);
        g_assert_cmpfloat_with_epsilon (lv_activation_prime (act, a), d1, 1e-7);
        g_assert_cmpfloat_with_epsilon (lv_activation_second (act, a), d2, 1e-5);
        /* float and double evaluate the same expression */
        g_assert_cmpfloat_with_epsilon (lv_activation_apply (act, (float) z), a, 1e-6);
        g_assert_cmpfloat_with_epsilon (lv_activation_prime (act, (float) a),
                                        lv_activation_prime (act, a), 1e-6);
      }
}

static void
test_logistic (void)
{
  const double h = 1e-4;

  for (double z = -30; z <= 30; z += 0.37)
    {
      double s = lv_logistic_stable (z), ref = 0.5 * (1.0 + tanh (0.5 * z));

      g_assert_cmpfloat_with_epsilon (s, ref, 1e-15);
      g_assert_cmpfloat (lv_logistic_derivative (0, z), ==, s);
      /* each order against the central difference of the previous one */
      for (guint order = 1; order <= 3; order++)
        {
          double d = (lv_logistic_derivative (order - 1, z + h) -
                      lv_logistic_derivative (order - 1, z - h)) / (2 * h);

          g_assert_cmpfloat_with_epsilon (lv_logistic_derivative (order, z), d, 1e-7);
        }
    }
  /* No overflow at the ends: e^{-z} is never taken of a large positive number. */
  g_assert_cmpfloat (lv_logistic_stable (-800.0), ==, 0.0);
  g_assert_cmpfloat (lv_logistic_stable (800.0), ==, 1.0);
  g_assert_true (isfinite (lv_logistic_derivative (3, -800.0)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/activation/values-and-derivatives", test_values_and_derivatives);
  g_test_add_func ("/lossviz/activation/logistic", test_logistic);
  return g_test_run ();
}
