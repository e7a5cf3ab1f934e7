/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-train.h>

#include "lv-gemm-bf16.h"

static const char *const precision_names[] = { "fp32", "bf16" };

const char *
lv_precision_to_string (LvPrecision precision)
{
  return precision < G_N_ELEMENTS (precision_names) ? precision_names[precision] : "?";
}

gboolean
lv_precision_from_string (const char *name, LvPrecision *precision)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (precision_names); i++)
    if (strcmp (name, precision_names[i]) == 0)
      {
        *precision = (LvPrecision) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * lv_precision_available:
 * @precision: the arithmetic asked for.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error.
 *
 * fp32 always is; bf16 needs a build with oneDNN and a CPU it serves (AVX-512 at least;
 * AVX512-BF16 or AMX for speed). Checked by building a small bf16 product.
 *
 * Returns: %TRUE when training in @precision can start.
 */
gboolean
lv_precision_available (LvPrecision precision, GError **error)
{
  g_autoptr(LvGemmBf16) probe = NULL;

  if (precision == LV_PRECISION_FP32)
    return TRUE;
  if (precision != LV_PRECISION_BF16)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "unknown precision %d",
                   (int) precision);
      return FALSE;
    }
  probe = lv_gemm_bf16_new (1, FALSE, FALSE, 4, 4, 4, error);
  if (probe == NULL && error != NULL && *error != NULL)
    (*error)->code = LV_ERROR_INVALID_INPUT;
  return probe != NULL;
}
