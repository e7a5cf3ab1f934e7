/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-rng.h>

G_BEGIN_DECLS

/**
 * LvTeacher:
 * @d: input dimension.
 * @k: hidden units.
 * @a1: d × k, column-major: column j (a1 + j*d) is the unit vector a_j.
 * @b1: k first-layer biases.
 * @a2: k output weights.
 * @b2: output bias.
 *
 * The two-layer logistic teacher of NN-LIFT (docs/THEORY.md §3.1):
 * f(x) = <a2, sigma(A1^T x + b1)> + b2 with x ~ N(0, I_d).
 */
typedef struct {
  guint   d;
  guint   k;
  double *a1;
  double *b1;
  double *a2;
  double  b2;
} LvTeacher;

LvTeacher *lv_teacher_new_random (guint d, guint k, guint64 seed);
void       lv_teacher_free (LvTeacher *teacher);
double     lv_teacher_eval (const LvTeacher *teacher, const double *x);
/* Draws n inputs x ~ N(0, I) (row-major n × d) and responses y = f(x) + noise * N(0,1). */
void       lv_teacher_sample (const LvTeacher *teacher, LvRng *rng, gsize n, double noise,
                              double *x, double *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvTeacher, lv_teacher_free)

G_END_DECLS
