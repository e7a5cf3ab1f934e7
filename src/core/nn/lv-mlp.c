/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-mlp.h>

/* Networks larger than this many parameters are refused: 2^28 floats = 1 GiB per copy. */
#define LV_MLP_MAX_PARAMS ((gsize) 1 << 28)

/**
 * lv_mlp_shape_init:
 * @shape: (out): the shape to fill.
 * @inputs: input features.
 * @depth: hidden layers, 1..LV_MLP_MAX_DEPTH.
 * @hidden: width of every hidden layer.
 * @outputs: output units.
 * @activation: hidden activation.
 * @loss: data term.
 * @bias: whether layers carry biases.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error.
 *
 * Returns: %TRUE when the shape is valid and not absurdly large.
 */
gboolean
lv_mlp_shape_init (LvMlpShape *shape, guint inputs, guint depth, guint hidden, guint outputs,
                   LvActivation activation, LvLoss loss, gboolean bias, GError **error)
{
  if (depth < 1 || depth > LV_MLP_MAX_DEPTH)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "depth %u is outside 1..%u hidden layers", depth, LV_MLP_MAX_DEPTH);
      return FALSE;
    }
  if (inputs == 0 || hidden == 0 || outputs == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "a network needs at least one input, hidden unit and output (got %u, %u, %u)",
                   inputs, hidden, outputs);
      return FALSE;
    }
  memset (shape, 0, sizeof *shape);
  shape->n_layers = depth + 1;
  shape->widths[0] = inputs;
  for (guint l = 1; l <= depth; l++)
    shape->widths[l] = hidden;
  shape->widths[depth + 1] = outputs;
  shape->activation = activation;
  shape->loss = loss;
  shape->bias = bias;

  {
    /* Count in double first: widths up to 2^32 would overflow gsize arithmetic otherwise. */
    double count = 0;
    for (guint l = 0; l < shape->n_layers; l++)
      count += (double) shape->widths[l + 1] * ((double) shape->widths[l] + (bias ? 1 : 0));
    if (count > (double) LV_MLP_MAX_PARAMS)
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                     "a network of %.0f parameters is too large (limit %" G_GSIZE_FORMAT ")",
                     count, LV_MLP_MAX_PARAMS);
        return FALSE;
      }
  }
  return TRUE;
}

gsize
lv_mlp_weight_offset (const LvMlpShape *shape, guint layer)
{
  gsize offset = 0;

  for (guint l = 0; l < layer; l++)
    offset += (gsize) shape->widths[l + 1] * (shape->widths[l] + (shape->bias ? 1 : 0));
  return offset;
}

gsize
lv_mlp_bias_offset (const LvMlpShape *shape, guint layer)
{
  if (!shape->bias)
    return G_MAXSIZE;
  return lv_mlp_weight_offset (shape, layer) + (gsize) shape->widths[layer + 1] *
                                                 shape->widths[layer];
}

gsize
lv_mlp_n_params (const LvMlpShape *shape)
{
  return lv_mlp_weight_offset (shape, shape->n_layers);
}

/**
 * lv_mlp_init_params:
 * @shape: the network.
 * @init: the scheme: He (N(0, 2/fan_in)), Glorot (uniform ±sqrt(6/(fan_in+fan_out))) or
 *   Choromanska et al.'s uniform draw inside the unit cube.
 * @rng: the run's generator.
 * @params: (out): lv_mlp_n_params() floats.
 *
 * Biases start at zero for He and Glorot, and uniform in [0, 1) for the cube scheme.
 */
void
lv_mlp_init_params (const LvMlpShape *shape, LvInit init, LvRng *rng, float *params)
{
  for (guint l = 0; l < shape->n_layers; l++)
    {
      guint in = shape->widths[l], out = shape->widths[l + 1];
      float *w = params + lv_mlp_weight_offset (shape, l);
      gsize nw = (gsize) in * out;
      double he = sqrt (2.0 / in), glorot = sqrt (6.0 / (in + out));

      for (gsize i = 0; i < nw; i++)
        {
          switch (init)
            {
            case LV_INIT_HE:
              w[i] = (float) (he * lv_rng_gaussian (rng));
              break;
            case LV_INIT_GLOROT:
              w[i] = (float) (glorot * (2 * lv_rng_uniform (rng) - 1));
              break;
            case LV_INIT_CUBE:
            default:
              w[i] = (float) lv_rng_uniform (rng);
              break;
            }
        }
      if (shape->bias)
        {
          float *b = params + lv_mlp_bias_offset (shape, l);
          for (guint j = 0; j < out; j++)
            b[j] = init == LV_INIT_CUBE ? (float) lv_rng_uniform (rng) : 0.0f;
        }
    }
}

double
lv_mlp_evaluate (const LvMlpShape *shape, const float *params, const float *x,
                 const guint32 *labels, const float *targets, guint n, double *accuracy,
                 LvMlpWorkspace *ws)
{
  /* Chunks of at most the workspace's batch; weighted by chunk size so the mean is exact. */
  guint inputs = shape->widths[0], outputs = shape->widths[shape->n_layers];
  double total = 0;
  guint correct = 0;

  if (n == 0)
    {
      if (accuracy != NULL)
        *accuracy = NAN;
      return NAN;
    }
  for (guint start = 0; start < n;)
    {
      guint m = MIN (n - start, lv_mlp_workspace_get_max_batch (ws)), c = 0;
      total += m * lv_mlp_loss_grad (shape, params, x + (gsize) start * inputs,
                                     labels ? labels + start : NULL,
                                     targets ? targets + (gsize) start * outputs : NULL, m, NULL,
                                     &c, ws);
      correct += c;
      start += m;
    }
  if (accuracy != NULL)
    *accuracy = (double) correct / n;
  return total / n;
}

static const char *const activation_names[] = { "relu", "tanh", "logistic", "linear" };
static const char *const loss_names[] = { "cross-entropy", "mse", "hinge" };
static const char *const init_names[] = { "he", "glorot", "cube" };

/* Index of s in names (case-insensitive), or -1. */
static int
lookup_name (const char *const *names, guint n, const char *s)
{
  for (guint i = 0; i < n; i++)
    if (s != NULL && g_ascii_strcasecmp (names[i], s) == 0)
      return (int) i;
  return -1;
}

/* The to_string / from_string pair of one enum over its table of names. */
#define DEFINE_ENUM_NAMES(Type, prefix, names)                                  \
  const char *prefix##_to_string (Type v)                                       \
  {                                                                             \
    return (guint) v < G_N_ELEMENTS (names) ? names[v] : "?";                   \
  }                                                                             \
  gboolean prefix##_from_string (const char *s, Type *out)                      \
  {                                                                             \
    int i = lookup_name (names, G_N_ELEMENTS (names), s);                       \
    if (i < 0)                                                                  \
      return FALSE;                                                             \
    *out = (Type) i;                                                            \
    return TRUE;                                                                \
  }

DEFINE_ENUM_NAMES (LvActivation, lv_activation, activation_names)
DEFINE_ENUM_NAMES (LvInit, lv_init, init_names)

const char *
lv_loss_to_string (LvLoss l)
{
  return (guint) l < G_N_ELEMENTS (loss_names) ? loss_names[l] : "?";
}

gboolean
lv_loss_from_string (const char *s, LvLoss *out)
{
  int i;

  /* "ce" is accepted as a short spelling of cross-entropy. */
  if (s != NULL && g_ascii_strcasecmp (s, "ce") == 0)
    s = "cross-entropy";
  i = lookup_name (loss_names, G_N_ELEMENTS (loss_names), s);
  if (i < 0)
    return FALSE;
  *out = (LvLoss) i;
  return TRUE;
}
