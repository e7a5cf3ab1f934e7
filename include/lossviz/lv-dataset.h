/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvDataset:
 * @name: the spec it was loaded from, e.g. "digits" or "idx:…".
 * @n_inputs: features per sample.
 * @n_classes: number of classes; labels are in [0, n_classes).
 * @n_train: training samples.
 * @n_test: held-out samples (0 when the split is empty; test metrics are then null).
 * @x_train: @n_train × @n_inputs floats, row-major.
 * @y_train: @n_train class labels.
 * @t_train: (nullable): @n_train real-valued targets, for datasets that have them (teacher).
 * @x_test, @y_test, @t_test: the same for the test split (NULL when @n_test is 0).
 * @image_width, @image_height: the image geometry after downsampling, 0 when not images.
 *
 * A dataset in memory, already standardised (when asked) and split. Reference counted and
 * immutable once loaded, so any number of training threads may read it at once.
 */
typedef struct {
  char    *name;
  guint    n_inputs;
  guint    n_classes;
  guint    n_train;
  guint    n_test;
  float   *x_train;
  guint32 *y_train;
  float   *t_train;
  float   *x_test;
  guint32 *y_test;
  float   *t_test;
  guint    image_width;
  guint    image_height;
  /* Preprocessing, recorded for experiment bundles (lv-bundle.h); NULL when not applied:
   * each sample's index among the loaded samples (train then test part, n_train + n_test),
   * and the standardisation x' = (x − feature_mean) · feature_scale (n_inputs each). */
  guint32 *source_index;
  double  *feature_mean;
  double  *feature_scale;
  /*< private >*/
  gatomicrefcount ref_count;
} LvDataset;

/**
 * LvDatasetOptions:
 * @test_fraction: fraction held out; negative means "the dataset's own split, or 0.2".
 * @downsample: area-average square images to this side (0 = keep).
 * @standardize: scale each feature to zero mean, unit variance (train statistics).
 * @seed: seed of the shuffle before the split and of synthetic data.
 * @teacher_d, @teacher_k, @teacher_samples, @teacher_noise: the teacher dataset's input
 *   dimension, hidden units, sample count and label noise.
 */
typedef struct {
  double   test_fraction;
  guint    downsample;
  gboolean standardize;
  guint64  seed;
  guint    teacher_d;
  guint    teacher_k;
  guint    teacher_samples;
  double   teacher_noise;
} LvDatasetOptions;

void       lv_dataset_options_init (LvDatasetOptions *opts);
LvDataset *lv_dataset_load (const char *spec, const LvDatasetOptions *opts, GError **error);
/* Builds a dataset from arrays it copies (tests, CLI matrices); labels may be NULL (all 0). */
LvDataset *lv_dataset_new_from_arrays (const char *name, guint n_inputs, guint n_classes,
                                       guint n_train, const float *x_train,
                                       const guint32 *y_train, const float *t_train,
                                       guint n_test, const float *x_test,
                                       const guint32 *y_test, const float *t_test);
LvDataset *lv_dataset_ref (LvDataset *dataset);
void       lv_dataset_unref (LvDataset *dataset);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvDataset, lv_dataset_unref)

G_END_DECLS
