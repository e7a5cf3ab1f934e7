/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-rng.h>

G_BEGIN_DECLS

#define LV_MLP_MAX_DEPTH 4                      /* hidden layers */
#define LV_MLP_MAX_LAYERS (LV_MLP_MAX_DEPTH + 1) /* weight layers */

typedef enum {
  LV_ACTIVATION_RELU,
  LV_ACTIVATION_TANH,
  LV_ACTIVATION_LOGISTIC,
  LV_ACTIVATION_LINEAR,
} LvActivation;

typedef enum {
  LV_LOSS_CROSS_ENTROPY, /* softmax cross-entropy on class labels */
  LV_LOSS_MSE,           /* 1/2 squared error, mean over samples; one-hot labels or real targets */
  LV_LOSS_HINGE,         /* multiclass hinge (Crammer-Singer) on class labels */
} LvLoss;

typedef enum {
  LV_INIT_HE,
  LV_INIT_GLOROT,
  LV_INIT_CUBE, /* Choromanska et al.: uniform in the unit cube [0, 1) */
} LvInit;

/**
 * LvMlpShape:
 * @n_layers: weight layers (hidden layers + 1).
 * @widths: widths[0] inputs, widths[1..n_layers-1] hidden, widths[n_layers] outputs.
 * @activation: hidden activation (the output layer is linear; the loss adds softmax).
 * @loss: the data term.
 * @bias: whether layers have biases. Without biases the network is positively homogeneous of
 *   degree @n_layers in its weights for relu/linear (docs/THEORY.md §4).
 *
 * Parameters live in one contiguous vector: for each layer l, its weight matrix
 * W_l (widths[l+1] × widths[l], row-major: row j holds unit j's incoming weights), followed by
 * its bias b_l (widths[l+1]) when @bias is set.
 */
typedef struct {
  guint        n_layers;
  guint        widths[LV_MLP_MAX_LAYERS + 1];
  LvActivation activation;
  LvLoss       loss;
  gboolean     bias;
} LvMlpShape;

gboolean lv_mlp_shape_init (LvMlpShape *shape, guint inputs, guint depth, guint hidden,
                            guint outputs, LvActivation activation, LvLoss loss, gboolean bias,
                            GError **error);
gsize    lv_mlp_n_params (const LvMlpShape *shape);
gsize    lv_mlp_weight_offset (const LvMlpShape *shape, guint layer);
/* Offset of layer's bias, or G_MAXSIZE without biases. */
gsize    lv_mlp_bias_offset (const LvMlpShape *shape, guint layer);
void     lv_mlp_init_params (const LvMlpShape *shape, LvInit init, LvRng *rng, float *params);

/* Float32 path (training): scratch buffers sized for batches of at most max_batch samples. */
typedef struct _LvMlpWorkspace LvMlpWorkspace;
LvMlpWorkspace *lv_mlp_workspace_new (const LvMlpShape *shape, guint max_batch);
void            lv_mlp_workspace_free (LvMlpWorkspace *ws);
guint           lv_mlp_workspace_get_max_batch (LvMlpWorkspace *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvMlpWorkspace, lv_mlp_workspace_free)

/**
 * lv_mlp_loss_grad:
 * @shape: the network.
 * @params: its parameters.
 * @x: n × inputs, row-major.
 * @labels: n class labels.
 * @targets: (nullable): n × outputs real targets; used by MSE instead of one-hot labels.
 * @n: samples, at most the workspace's max_batch.
 * @grad: (nullable) (out): the gradient of the mean loss, overwritten.
 * @correct: (nullable) (out): number of samples whose argmax output equals the label.
 * @ws: scratch space.
 *
 * Mean data loss over the n samples (no regulariser), and its gradient when @grad is given.
 *
 * Returns: the mean loss (may be non-finite when the parameters have diverged).
 */
double lv_mlp_loss_grad (const LvMlpShape *shape, const float *params, const float *x,
                         const guint32 *labels, const float *targets, guint n, float *grad,
                         guint *correct, LvMlpWorkspace *ws);

/* Float64 twin of lv_mlp_loss_grad (gradient checks, Hessians, slices): same code, one template. */
typedef struct _LvMlpWorkspaceD LvMlpWorkspaceD;
LvMlpWorkspaceD *lv_mlp_workspace_new_d (const LvMlpShape *shape, guint max_batch);
void             lv_mlp_workspace_free_d (LvMlpWorkspaceD *ws);
guint            lv_mlp_workspace_get_max_batch_d (LvMlpWorkspaceD *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvMlpWorkspaceD, lv_mlp_workspace_free_d)
double lv_mlp_loss_grad_d (const LvMlpShape *shape, const double *params, const double *x,
                           const guint32 *labels, const double *targets, guint n, double *grad,
                           guint *correct, LvMlpWorkspaceD *ws);

/**
 * lv_mlp_evaluate:
 *
 * Mean loss and accuracy over a whole sample set, in batches through @ws.
 * Returns: the mean loss; *accuracy (nullable) receives the fraction correct.
 */
double lv_mlp_evaluate (const LvMlpShape *shape, const float *params, const float *x,
                        const guint32 *labels, const float *targets, guint n,
                        double *accuracy, LvMlpWorkspace *ws);

const char *lv_activation_to_string (LvActivation a);
gboolean    lv_activation_from_string (const char *s, LvActivation *out);
const char *lv_loss_to_string (LvLoss l);
gboolean    lv_loss_from_string (const char *s, LvLoss *out);
const char *lv_init_to_string (LvInit i);
gboolean    lv_init_from_string (const char *s, LvInit *out);

G_END_DECLS
