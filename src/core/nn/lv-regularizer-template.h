/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lv_regularizer_apply for one precision; included twice by lv-regularizer.c with
 * REAL / FN defined, so the float (training) and double (checks) versions stay one code.
 * Norms accumulate in double in both.
 */

static double
FN (layer_term) (const LvRegularizer *reg, const REAL *w, gsize n, REAL *grad)
{
  double sq = 0, norm, value;

  for (gsize i = 0; i < n; i++)
    sq += (double) w[i] * w[i];
  norm = sqrt (sq);
  value = pow (norm, reg->degree);
  /* d/dW ||W||^q = q ||W||^(q-2) W; at W = 0 take the zero subgradient. */
  if (grad != NULL && norm > 0)
    {
      REAL scale = (REAL) (reg->lambda * reg->degree * value / sq);
      for (gsize i = 0; i < n; i++)
        grad[i] += scale * w[i];
    }
  return value;
}

/* Unit j of hidden layer h: incoming row j of W_{h-1}, outgoing column j of W_h. */
static double
FN (unit_term) (const LvRegularizer *reg, const LvMlpShape *shape, const REAL *params, guint h,
                guint j, double e, REAL *grad)
{
  guint in = shape->widths[h - 1], width = shape->widths[h], out = shape->widths[h + 1];
  gsize in_off = lv_mlp_weight_offset (shape, h - 1) + (gsize) j * in;
  gsize out_off = lv_mlp_weight_offset (shape, h) + j;
  double a2 = 0, b2 = 0, value;

  for (guint i = 0; i < in; i++)
    a2 += (double) params[in_off + i] * params[in_off + i];
  for (guint i = 0; i < out; i++)
    b2 += (double) params[out_off + (gsize) i * width] * params[out_off + (gsize) i * width];
  value = pow (sqrt (a2 * b2), e);
  /* d/dw_in (|in| |out|)^e = e (|in||out|)^e w_in / |in|^2, and symmetrically for w_out. */
  if (grad != NULL && a2 > 0 && b2 > 0)
    {
      REAL ga = (REAL) (reg->lambda * e * value / a2), gb = (REAL) (reg->lambda * e * value / b2);
      for (guint i = 0; i < in; i++)
        grad[in_off + i] += ga * params[in_off + i];
      for (guint i = 0; i < out; i++)
        grad[out_off + (gsize) i * width] += gb * params[out_off + (gsize) i * width];
    }
  return value;
}

static double
FN (apply) (const LvRegularizer *reg, const LvMlpShape *shape, const REAL *params, REAL *grad)
{
  double total = 0;

  if (reg->lambda == 0)
    return 0;
  if (reg->kind == LV_REG_LAYER)
    {
      for (guint l = 0; l < shape->n_layers; l++)
        {
          gsize off = lv_mlp_weight_offset (shape, l);
          total += FN (layer_term) (reg, params + off,
                                    (gsize) shape->widths[l] * shape->widths[l + 1],
                                    grad ? grad + off : NULL);
        }
    }
  else
    {
      double e = shape->n_layers / 2.0;
      for (guint h = 1; h < shape->n_layers; h++)
        for (guint j = 0; j < shape->widths[h]; j++)
          total += FN (unit_term) (reg, shape, params, h, j, e, grad);
    }
  return reg->lambda * total;
}
