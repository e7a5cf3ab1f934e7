/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-mlp.h>

G_BEGIN_DECLS

typedef enum {
  LV_REG_LAYER, /* lambda * sum_l ||W_l||_F^q (q = 2: weight decay) */
  LV_REG_UNIT,  /* lambda * sum_units (||in_j|| * ||out_j||)^(L/2): degree L = weight layers */
} LvRegKind;

/**
 * LvRegularizer:
 * @kind: the family.
 * @degree: q, the degree of positive homogeneity of the layer family (ignored for unit).
 * @lambda: strength; 0 disables the regulariser.
 *
 * Biases are never penalised. See docs/THEORY.md §4.5 for why the degree matters.
 */
typedef struct {
  LvRegKind kind;
  double    degree;
  double    lambda;
} LvRegularizer;

/* Degree of positive homogeneity of the regulariser for this shape. */
double lv_regularizer_degree (const LvRegularizer *reg, const LvMlpShape *shape);
/* Value; adds its gradient into grad when grad is non-NULL. */
double lv_regularizer_apply (const LvRegularizer *reg, const LvMlpShape *shape,
                             const float *params, float *grad);
double lv_regularizer_apply_d (const LvRegularizer *reg, const LvMlpShape *shape,
                               const double *params, double *grad);

const char *lv_reg_kind_to_string (LvRegKind k);
gboolean    lv_reg_kind_from_string (const char *s, LvRegKind *out);

G_END_DECLS
