/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>

#include <lossviz/lv-regularizer.h>

/**
 * lv_regularizer_degree:
 * @reg: the regulariser.
 * @shape: the network it applies to.
 *
 * The degree of positive homogeneity: q for the layer family, the number of weight layers for
 * the per-unit family (whose exponent L/2 is chosen to make it so).
 *
 * Returns: the degree.
 */
double
lv_regularizer_degree (const LvRegularizer *reg, const LvMlpShape *shape)
{
  return reg->kind == LV_REG_LAYER ? reg->degree : (double) shape->n_layers;
}

#define REAL float
#define FN(name) lv_regularizer_##name##_f
#include "lv-regularizer-template.h"
#undef REAL
#undef FN

#define REAL double
#define FN(name) lv_regularizer_##name##_d_impl
#include "lv-regularizer-template.h"
#undef REAL
#undef FN

/**
 * lv_regularizer_apply:
 * @reg: the regulariser.
 * @shape: the network.
 * @params: its parameters.
 * @grad: (nullable) (inout): the regulariser's gradient is added here.
 *
 * Returns: the regulariser's value (lambda included).
 */
double
lv_regularizer_apply (const LvRegularizer *reg, const LvMlpShape *shape, const float *params,
                      float *grad)
{
  return lv_regularizer_apply_f (reg, shape, params, grad);
}

/* Double-precision twin of lv_regularizer_apply(). */
double
lv_regularizer_apply_d (const LvRegularizer *reg, const LvMlpShape *shape, const double *params,
                        double *grad)
{
  return lv_regularizer_apply_d_impl (reg, shape, params, grad);
}

const char *
lv_reg_kind_to_string (LvRegKind k)
{
  return k == LV_REG_LAYER ? "layer" : "unit";
}

gboolean
lv_reg_kind_from_string (const char *s, LvRegKind *out)
{
  if (g_strcmp0 (s, "layer") == 0)
    *out = LV_REG_LAYER;
  else if (g_strcmp0 (s, "unit") == 0)
    *out = LV_REG_UNIT;
  else
    return FALSE;
  return TRUE;
}
