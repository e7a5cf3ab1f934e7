/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The hidden-layer activations, written once for every pass that evaluates them: the f32/f64
 * MLP template, the fused trainer's scalar tails, the slice grid, the Hessian's R-operator, and
 * the logistic of the NN-LIFT teacher and pipeline (docs/THEORY.md §3.1, §3.3).
 *
 * Why one header: the slice grid compares its centre with lv_mlp_loss bit for bit, and the
 * fused trainer must track lv_mlp_gradient, so every copy has to evaluate the very same
 * expression in the same precision. LV_ACTIVATION_DEFINE stamps out the float and the double
 * version from one text (the MLP template's trick, made local), and lv_activation_apply /
 * lv_activation_prime pick the version by the argument's type with C11 _Generic.
 *
 * Derivatives are written through the output a = act(z), as backpropagation keeps only a.
 */

#include <math.h>

#include <lossviz/lv-mlp.h>

#define LV_ACTIVATION_DEFINE(SUFFIX, REAL, EXP, TANH)                                         \
  /* act(z) */                                                                                \
  static inline REAL                                                                          \
  lv_activation_apply_##SUFFIX (LvActivation activation, REAL z)                              \
  {                                                                                           \
    switch (activation)                                                                       \
      {                                                                                       \
      case LV_ACTIVATION_RELU:                                                                \
        return z > 0 ? z : 0;                                                                 \
      case LV_ACTIVATION_TANH:                                                                \
        return TANH (z);                                                                      \
      case LV_ACTIVATION_LOGISTIC:                                                            \
        return 1 / (1 + EXP (-z));                                                            \
      case LV_ACTIVATION_LINEAR:                                                              \
      default:                                                                                \
        return z;                                                                             \
      }                                                                                       \
  }                                                                                           \
                                                                                              \
  /* act'(z) through a = act(z) (ReLU: 0 at the kink). */                                     \
  static inline REAL                                                                          \
  lv_activation_prime_##SUFFIX (LvActivation activation, REAL a)                              \
  {                                                                                           \
    switch (activation)                                                                       \
      {                                                                                       \
      case LV_ACTIVATION_RELU:                                                                \
        return a > 0 ? 1 : 0;                                                                 \
      case LV_ACTIVATION_TANH:                                                                \
        return 1 - a * a;                                                                     \
      case LV_ACTIVATION_LOGISTIC:                                                            \
        return a * (1 - a);                                                                   \
      case LV_ACTIVATION_LINEAR:                                                              \
      default:                                                                                \
        return 1;                                                                             \
      }                                                                                       \
  }                                                                                           \
                                                                                              \
  /* act''(z) through a = act(z) (ReLU: 0 almost everywhere). */                              \
  static inline REAL                                                                          \
  lv_activation_second_##SUFFIX (LvActivation activation, REAL a)                             \
  {                                                                                           \
    switch (activation)                                                                       \
      {                                                                                       \
      case LV_ACTIVATION_TANH:                                                                \
        return -2 * a * (1 - a * a);                                                          \
      case LV_ACTIVATION_LOGISTIC:                                                            \
        return a * (1 - a) * (1 - 2 * a);                                                     \
      case LV_ACTIVATION_RELU:                                                                \
      case LV_ACTIVATION_LINEAR:                                                              \
      default:                                                                                \
        return 0;                                                                             \
      }                                                                                       \
  }

LV_ACTIVATION_DEFINE (f, float, expf, tanhf)
LV_ACTIVATION_DEFINE (d, double, exp, tanh)

#define lv_activation_apply(activation, z)                                                    \
  _Generic ((z), float: lv_activation_apply_f, double: lv_activation_apply_d) (activation, z)
#define lv_activation_prime(activation, a)                                                    \
  _Generic ((a), float: lv_activation_prime_f, double: lv_activation_prime_d) (activation, a)
#define lv_activation_second(activation, a)                                                   \
  _Generic ((a), float: lv_activation_second_f, double: lv_activation_second_d) (activation, a)

/*
 * The logistic function without overflow: exp is only ever taken of a non-positive number.
 * Used where z can be large (the NN-LIFT teacher and pipeline); for z < 0 it is e/(1 + e),
 * which is not bit-identical to lv_activation_apply_d's 1/(1 + e^-z), so the two stay apart.
 */
static inline double
lv_logistic_stable (double z)
{
  if (z >= 0)
    return 1.0 / (1.0 + exp (-z));
  double e = exp (z);
  return e / (1.0 + e);
}

/*
 * The logistic s and its derivatives through s: s' = s(1-s), s'' = s(1-s)(1-2s),
 * s''' = s(1-s)(1-6s+6s²) (docs/THEORY.md §3.3). Orders above 3 return s'''.
 */
static inline double
lv_logistic_derivative (guint order, double z)
{
  double s = lv_logistic_stable (z), q = s * (1.0 - s);

  switch (order)
    {
    case 0: return s;
    case 1: return q;
    case 2: return q * (1.0 - 2.0 * s);
    default: return q * (1.0 - 6.0 * s + 6.0 * s * s);
    }
}
