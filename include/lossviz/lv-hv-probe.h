/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-certificate.h>
#include <lossviz/lv-probe.h>

G_BEGIN_DECLS

/*
 * The Haeffele–Vidal descent probe (docs/THEORY.md §4; docs/DESIGN.md, "Probes and jobs"):
 * paced gradient descent on the matrix factorisation F(U, V) (lv_mf_descend) with the
 * certificate of every published point (lv_mf_certify), or on the depth-L scalar chain
 * (lv_chain_descend). The descent runs in batches that grow with the step count
 * (1 + steps / 40), with a pause of @pace_us between them: the first few hundred steps, where
 * everything happens, are slow enough to watch, while the long tail to stationarity takes a
 * second or two. A point is published after every batch (and one at the start).
 */

#define LV_HV_CHAIN_MAX_DEPTH 16

typedef enum {
  LV_HV_DESCENT_MF,
  LV_HV_DESCENT_CHAIN,
} LvHvDescentKind;

/**
 * LvHvDescentInput:
 * @kind: matrix factorisation or the chain
 * @pace_us: pause between batches in microseconds (0: full speed)
 * @max_steps: stop after this many gradient steps (default 6000)
 * @grad_tol: stop descending below this gradient norm (MF 1e-6, chain 1e-10)
 * @cert_grad_tol: MF: stationarity tolerance of the certificate (default 1e-4)
 * @single_batch: MF: no pacing and no history: descend up to @max_steps steps in one batch and
 *   certify the end point only (`lossviz-cli certify`)
 * @lambda: λ of either objective
 * @y: MF: the m × n data, row-major (borrowed)
 * @m: MF: rows
 * @n: MF: columns
 * @r: MF: width of the factors
 * @u: MF: the m × r start (borrowed)
 * @v: MF: the n × r start (borrowed)
 * @first_step: MF: step count of the start (a continued descent keeps counting)
 * @depth: chain: L (1 … %LV_HV_CHAIN_MAX_DEPTH)
 * @target: chain: y
 * @q: chain: the regulariser's degree
 * @w: chain: the start
 */
typedef struct
{
  LvHvDescentKind kind;
  guint pace_us;
  guint max_steps;
  double grad_tol;
  double cert_grad_tol;
  gboolean single_batch;
  double lambda;
  const double *y;
  guint m, n, r;
  const double *u, *v;
  guint first_step;
  guint depth;
  double target;
  double q;
  double w[LV_HV_CHAIN_MAX_DEPTH];
} LvHvDescentInput;

/**
 * LvHvDescentResult:
 * @xs: (element-type double): gradient steps + 1 of each published point (MF: from @first_step)
 * @a: (element-type double): MF: the objective F; chain: the product z = w₁ ⋯ w_L
 * @b: (element-type double): MF: ‖Y − UVᵀ‖₂; chain: the objective
 * @steps: gradient steps taken
 * @done: the descent stopped (tolerance, no decrease, step cap, or a non-finite chain value)
 * @cert: MF: the certificate at the last point
 * @u: MF: U at the last point (m × r)
 * @v: MF: V at the last point (n × r)
 * @w: chain: the factors at the last point
 */
typedef struct
{
  GArray *xs, *a, *b;
  guint steps;
  gboolean done;
  LvMfCertificate cert;
  double *u, *v;
  double w[LV_HV_CHAIN_MAX_DEPTH];
} LvHvDescentResult;

void     lv_hv_descent_input_init   (LvHvDescentInput        *input,
                                     LvHvDescentKind          kind);
gboolean lv_hv_descent_input_check  (const LvHvDescentInput  *input,
                                     GError                 **error);
gboolean lv_hv_descent_probe_run    (const LvHvDescentInput  *input,
                                     LvHvDescentResult       *result,
                                     LvProbeContext          *context,
                                     GError                 **error);
void     lv_hv_descent_result_clear (LvHvDescentResult       *result);

G_END_DECLS
