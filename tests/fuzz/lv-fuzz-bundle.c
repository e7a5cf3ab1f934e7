/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The experiment-bundle target (lv-fuzz-targets.h): the HDF5 reader on arbitrary bytes. */
#include "config.h"

#include <lossviz/lossviz.h>

#include "lv-fuzz-targets.h"

void
lv_fuzz_bundle (const guint8 *data, gsize size)
{
  GError *error = NULL;
  LvBundle *b = lv_bundle_load_from_memory (data, size,
                                            LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY,
                                            &error);

  if (b == NULL)
    {
      /* Without HDF5 every input is refused the same way. */
      g_assert_nonnull (error);
      g_assert_true (error->domain == LV_ERROR);
      g_error_free (error);
      return;
    }
  g_assert_null (error);
  /* A bundle that loads is whole: one record per run, weights for every finished run. */
  g_assert_cmpuint (b->session->snapshot->n_runs, ==,
                    b->session->config.n_sizes * b->session->config.runs);
  for (guint i = 0; i < b->session->snapshot->n_runs; i++)
    {
      const LvRunRecord *r = &b->session->snapshot->runs[i];
      g_assert_cmpuint (r->epochs_done, <=, b->session->config.train.epochs);
      g_assert_true (r->state != LV_RUN_FINISHED || b->runs[i].params != NULL);
    }
  lv_bundle_free (b);
}
