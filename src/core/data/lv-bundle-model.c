/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* An MLP written by another tool (README "Examining a saved or external network"): groups
 * layer0 … layer<L−1> with `weight` (out × in) and optional `bias` (out), and a root string
 * attribute `activation`. Shapes must chain: layer l's in equals layer l−1's out. */

#include "config.h"

#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-bundle-private.h"

/* One reader of the layer groups, for model files and for the runs of bundles
 * (lv-bundle-read.c). */
gboolean
lv_bundle_read_layers (hid_t parent, const char *where, const LvMlpShape *shape,
                       gboolean with_bias, float *params, GError **error)
{
  for (guint l = 0; l < shape->n_layers; l++)
    {
      char name[16];
      g_autofree char *at = NULL;
      hid_t g;
      gboolean ok;

      g_snprintf (name, sizeof name, "layer%u", l);
      g = lv_h5_open_group (parent, where, name, error);
      if (g < 0)
        return FALSE;
      at = g_strdup_printf ("%s/%s", where, name);
      ok = lv_h5_read_floats (g, at, "weight", shape->widths[l + 1], shape->widths[l],
                              params + lv_mlp_weight_offset (shape, l), error);
      if (ok && with_bias)
        ok = lv_h5_read_floats (g, at, "bias", shape->widths[l + 1], 0,
                                params + lv_mlp_bias_offset (shape, l), error);
      H5Gclose (g);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Reads every layer's weight shape into @shape->widths, checking that they chain. */
static gboolean
read_widths (hid_t file, LvMlpShape *shape, gboolean *with_bias, GError **error)
{
  guint n_layers = 0;

  for (guint l = 0;; l++)
    {
      char name[16];
      g_autofree char *where = NULL;
      hsize_t dims[2] = { 0, 0 };
      hid_t g, set;
      gboolean has_bias;

      g_snprintf (name, sizeof name, "layer%u", l);
      if (H5Lexists (file, name, H5P_DEFAULT) <= 0)
        break;
      if (l >= LV_MLP_MAX_LAYERS)
        return lv_h5_invalid (error, "model", "has more than " G_STRINGIFY (LV_MLP_MAX_LAYERS)
                              " layers (LossViz networks have at most 4 hidden layers)");
      where = g_strdup_printf ("model %s", name);
      g = H5Gopen2 (file, name, H5P_DEFAULT);
      if (g < 0)
        return lv_h5_invalid (error, where, "is not a group");
      set = lv_h5_open_dataset (g, where, "weight", 2, dims, 1 << 28, error);
      has_bias = H5Lexists (g, "bias", H5P_DEFAULT) > 0;
      H5Gclose (g);
      if (set < 0)
        return FALSE;
      H5Dclose (set);
      if (dims[0] == 0 || dims[1] == 0 || dims[0] > 1000000 || dims[1] > (1 << 24))
        return lv_h5_invalid (error, where, "'weight' has an empty or too large dimension");
      if (l > 0 && dims[1] != shape->widths[l])
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "model: layer shapes do not chain: %s/weight is %llu × %llu, but "
                       "layer%u has %u outputs", name, (unsigned long long) dims[0],
                       (unsigned long long) dims[1], l - 1, shape->widths[l]);
          return FALSE;
        }
      if (l > 0 && has_bias != *with_bias)
        return lv_h5_invalid (error, "model", "some layers have a 'bias' and others do not "
                              "(LossViz needs all or none)");
      *with_bias = has_bias;
      shape->widths[l] = (guint) dims[1];
      shape->widths[l + 1] = (guint) dims[0];
      n_layers = l + 1;
    }
  if (n_layers < 2)
    return lv_h5_invalid (error, "model", "needs groups layer0 and layer1 at least, each with a "
                          "'weight' dataset (out × in): an MLP with one hidden layer or more");
  shape->n_layers = n_layers;
  return TRUE;
}

static gboolean
read_model (hid_t file, LvLoss loss, LvMlpShape *shape, float **params, GError **error)
{
  g_autofree char *activation = NULL;
  g_autofree float *p = NULL;
  gboolean with_bias = FALSE;

  memset (shape, 0, sizeof *shape);
  if (!lv_h5_get_string (file, "model", "activation", &activation, error))
    return FALSE;
  if (!lv_activation_from_string (activation, &shape->activation))
    return lv_h5_invalid (error, "model",
                          "root attribute 'activation' is not relu, tanh, logistic or linear");
  if (!read_widths (file, shape, &with_bias, error))
    return FALSE;
  shape->loss = loss;
  shape->bias = with_bias;
  p = g_try_new (float, lv_mlp_n_params (shape));
  if (p == NULL)
    return lv_h5_invalid (error, "model", "does not fit in memory");
  if (!lv_bundle_read_layers (file, "model", shape, with_bias, p, error))
    return FALSE;
  *params = g_steal_pointer (&p);
  return TRUE;
}

gboolean
lv_bundle_load_model (const char *path, LvLoss loss, LvMlpShape *shape, float **params,
                      GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ok = FALSE;
  hid_t file;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "%s: no such file", path);
      return FALSE;
    }
  lv_h5_lock ();
  file = lv_h5_open_checked (path, &local);
  if (file >= 0)
    {
      ok = read_model (file, loss, shape, params, &local);
      H5Fclose (file);
    }
  lv_h5_unlock ();
  if (!ok)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %s", path, local->message);
  return ok;
}
