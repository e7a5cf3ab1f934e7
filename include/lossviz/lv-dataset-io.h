/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-dataset.h>

G_BEGIN_DECLS

/*
 * The dataset parsers, from memory. lv_dataset_load() reads files and calls these; they are
 * public so that fuzzing harnesses and tests can feed them arbitrary bytes. Each returns a
 * dataset holding every parsed sample in the training arrays (n_test 0), neither split nor
 * standardised, or NULL with an %LV_ERROR_INVALID_INPUT error naming the source and the reason.
 */

/**
 * LV_DATASET_MAX_VALUES:
 *
 * The largest number of feature values (samples × inputs) any loader accepts: 2^28 floats,
 * 1 GiB. Larger requests are refused with a message instead of exhausting memory.
 */
#define LV_DATASET_MAX_VALUES (G_GUINT64_CONSTANT (1) << 28)

LvDataset *lv_dataset_parse_idx_buffers (const char   *images_name,
                                         const guint8 *images,
                                         gsize         images_len,
                                         const char   *labels_name,
                                         const guint8 *labels,
                                         gsize         labels_len,
                                         GError      **error);
LvDataset *lv_dataset_parse_csv_buffer (const char *name,
                                        const char *data,
                                        gsize       len,
                                        GError    **error);

G_END_DECLS
