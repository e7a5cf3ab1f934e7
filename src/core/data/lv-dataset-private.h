/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-dataset-io.h>

G_BEGIN_DECLS

/*
 * Internals shared by the lv-dataset-*.c files. A loader returns an LvDataset whose "train" part
 * holds the file's training samples and whose "test" part holds the file's own test samples
 * (n_test 0 when it has none); lv_dataset_load() then downsamples, splits and standardises.
 */

LvDataset *lv_dataset_alloc (const char *name, guint n_inputs, guint n_train, guint n_test,
                             gboolean with_targets, GError **error);
gboolean   lv_dataset_check_size (const char *name, guint64 n_samples, guint64 n_inputs,
                                  GError **error);
guint      lv_dataset_count_classes (const LvDataset *dataset);
LvDataset *lv_dataset_attach_test (LvDataset *train, LvDataset *test, GError **error);
GBytes    *lv_dataset_gunzip (const char *name, const guint8 *data, gsize len, gsize max_out,
                              GError **error);
gboolean   lv_dataset_is_gzip (const guint8 *data, gsize len);
GBytes    *lv_dataset_read_file (const char *path, GError **error);

/* Loaders (lv-dataset-idx.c, lv-dataset-csv.c, lv-dataset-synth.c). */
LvDataset *lv_dataset_load_idx_spec (const char *spec, GError **error);
LvDataset *lv_dataset_load_fashion_mnist (GError **error);
LvDataset *lv_dataset_load_csv_file (const char *spec, const char *path, GError **error);
LvDataset *lv_dataset_load_digits (GError **error);
LvDataset *lv_dataset_make_teacher (const LvDatasetOptions *opts, GError **error);
LvDataset *lv_dataset_make_random (const char *spec, guint64 seed, GError **error);

/* Preparation steps (lv-dataset-prep.c). */
gboolean   lv_dataset_downsample (LvDataset *dataset, guint side, GError **error);
LvDataset *lv_dataset_split (LvDataset *pool, double test_fraction, guint64 seed,
                             GError **error);
gboolean   lv_dataset_standardize (LvDataset *dataset, GError **error);

G_END_DECLS
