/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* Builds without HDF5 (meson -Dhdf5=disabled or no libhdf5-dev): bundles are refused with one
 * clear error. */

#include "config.h"

#include <lossviz/lv-bundle.h>
#include <lossviz/lv-error.h>

static void
unavailable (GError **error)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "this LossViz was built without HDF5: .h5 experiment bundles are not available "
               "(install libhdf5-dev and rebuild, or use a .json file)");
}

gboolean
lv_bundle_is_available (void)
{
  return FALSE;
}

gboolean
lv_bundle_write (const char *path, const LvSession *session, const LvBundlePrep *prep,
                 const LvBundleWriteOptions *options, LvBundleFetchFunc fetch,
                 gpointer user_data, GError **error)
{
  unavailable (error);
  return FALSE;
}

LvBundle *
lv_bundle_load (const char *path, LvBundleLoadFlags flags, GError **error)
{
  unavailable (error);
  return NULL;
}

LvBundle *
lv_bundle_load_from_memory (const void *data, gsize size, LvBundleLoadFlags flags,
                            GError **error)
{
  unavailable (error);
  return NULL;
}

gboolean
lv_bundle_load_model (const char *path, LvLoss loss, LvMlpShape *shape, float **params,
                      GError **error)
{
  unavailable (error);
  return FALSE;
}
