/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-dataset.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <lossviz/lv-error.h>

#include "lv-dataset-private.h"

#define LV_DATASET_SPECS \
  "digits, teacher, fashion-mnist, random:N:D:C, csv:PATH, " \
  "idx:TRAIN_IMAGES:TRAIN_LABELS[:TEST_IMAGES:TEST_LABELS]"

/**
 * lv_dataset_options_init:
 * @opts: options to fill.
 *
 * Sets the defaults: the dataset's own split (else 20 % held out), no downsampling,
 * standardisation on, seed 1, and a teacher with d = 8, k = 4, 4000 samples, noise 0.05.
 */
void
lv_dataset_options_init (LvDatasetOptions *opts)
{
  g_return_if_fail (opts != NULL);

  opts->test_fraction = -1.0;
  opts->downsample = 0;
  opts->standardize = TRUE;
  opts->seed = 1;
  opts->teacher_d = 8;
  opts->teacher_k = 4;
  opts->teacher_samples = 4000;
  opts->teacher_noise = 0.05;
}

/* Allocates a dataset's arrays with g_try_*: a size the checks let through may still not fit in
 * memory, and that must become an error, not an abort. */
LvDataset *
lv_dataset_alloc (const char *name,
                  guint       n_inputs,
                  guint       n_train,
                  guint       n_test,
                  gboolean    with_targets,
                  GError    **error)
{
  g_autoptr(LvDataset) dataset = g_new0 (LvDataset, 1);
  gsize n_values = (gsize) n_train * n_inputs + (gsize) n_test * n_inputs;

  g_atomic_ref_count_init (&dataset->ref_count);
  dataset->name = g_strdup (name);
  dataset->n_inputs = n_inputs;
  dataset->n_train = n_train;
  dataset->n_test = n_test;

  if (n_train > 0)
    {
      dataset->x_train = g_try_new (float, (gsize) n_train * n_inputs);
      dataset->y_train = g_try_new0 (guint32, n_train);
      if (with_targets)
        dataset->t_train = g_try_new0 (float, n_train);
    }
  if (n_test > 0)
    {
      dataset->x_test = g_try_new (float, (gsize) n_test * n_inputs);
      dataset->y_test = g_try_new0 (guint32, n_test);
      if (with_targets)
        dataset->t_test = g_try_new0 (float, n_test);
    }
  if ((n_train > 0 && (dataset->x_train == NULL || dataset->y_train == NULL
                       || (with_targets && dataset->t_train == NULL)))
      || (n_test > 0 && (dataset->x_test == NULL || dataset->y_test == NULL
                         || (with_targets && dataset->t_test == NULL))))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "%s: out of memory for %" G_GSIZE_FORMAT " values", name, n_values);
      return NULL;
    }
  return g_steal_pointer (&dataset);
}

/**
 * lv_dataset_check_size:
 *
 * Refuses empty datasets and ones with more than %LV_DATASET_MAX_VALUES values (computed without
 * overflow, whatever the claimed dimensions).
 */
gboolean
lv_dataset_check_size (const char *name,
                       guint64     n_samples,
                       guint64     n_inputs,
                       GError    **error)
{
  if (n_samples == 0 || n_inputs == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: empty dataset (%" G_GUINT64_FORMAT " samples of %" G_GUINT64_FORMAT
                   " inputs)", name, n_samples, n_inputs);
      return FALSE;
    }
  if (n_samples > G_MAXUINT32 || n_inputs > G_MAXUINT32
      || n_inputs > LV_DATASET_MAX_VALUES / n_samples)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: %" G_GUINT64_FORMAT " samples of %" G_GUINT64_FORMAT " inputs is too "
                   "large: %.1f GiB of features (at most %" G_GUINT64_FORMAT " values, 1 GiB)",
                   name, n_samples, n_inputs, (double) n_samples * n_inputs * 4 / (1 << 30),
                   LV_DATASET_MAX_VALUES);
      return FALSE;
    }
  return TRUE;
}

/* max label + 1 over both parts (1 for a dataset of one class). */
guint
lv_dataset_count_classes (const LvDataset *dataset)
{
  guint32 max = 0;

  for (guint i = 0; i < dataset->n_train; i++)
    max = MAX (max, dataset->y_train[i]);
  for (guint i = 0; i < dataset->n_test; i++)
    max = MAX (max, dataset->y_test[i]);
  return max + 1;
}

/* Moves @test's training part into @train's test part (the file pair's own split). Takes both. */
LvDataset *
lv_dataset_attach_test (LvDataset *train_in,
                        LvDataset *test_in,
                        GError   **error)
{
  g_autoptr(LvDataset) train = train_in;
  g_autoptr(LvDataset) test = test_in;

  g_return_val_if_fail (train->n_test == 0 && test->n_test == 0, NULL);

  if (test->n_inputs != train->n_inputs || test->image_width != train->image_width
      || test->image_height != train->image_height)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: test samples have %u inputs (%ux%u), training samples %u (%ux%u)",
                   test->name, test->n_inputs, test->image_width, test->image_height,
                   train->n_inputs, train->image_width, train->image_height);
      return NULL;
    }
  if (!lv_dataset_check_size (train->name, (guint64) train->n_train + test->n_train,
                              train->n_inputs, error))
    return NULL;

  train->n_test = test->n_train;
  train->x_test = g_steal_pointer (&test->x_train);
  train->y_test = g_steal_pointer (&test->y_train);
  train->t_test = g_steal_pointer (&test->t_train);
  test->n_train = 0;
  train->n_classes = lv_dataset_count_classes (train);
  return g_steal_pointer (&train);
}

gboolean
lv_dataset_is_gzip (const guint8 *data,
                    gsize         len)
{
  return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

/* Inflates a gzip buffer with GIO's zlib converter. The output grows only as data actually
 * inflates and is capped at @max_out, so a small hostile file cannot claim gigabytes. */
GBytes *
lv_dataset_gunzip (const char   *name,
                   const guint8 *data,
                   gsize         len,
                   gsize         max_out,
                   GError      **error)
{
  g_autoptr(GZlibDecompressor) zlib = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_pos = 0;
  gsize out_len = 0;
  gsize chunk = MIN (MAX (len * 4, (gsize) 65536), (gsize) 16 << 20);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      GConverterResult res;
      gsize n_read = 0, n_written = 0;

      if (out_len > max_out)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: decompressed data exceeds %" G_GSIZE_FORMAT " bytes", name, max_out);
          return NULL;
        }
      if (out->len - out_len < chunk)
        g_byte_array_set_size (out, out_len + chunk);
      res = g_converter_convert (G_CONVERTER (zlib), data + in_pos, len - in_pos,
                                 out->data + out_len, out->len - out_len,
                                 G_CONVERTER_INPUT_AT_END, &n_read, &n_written, &local_error);
      if (res == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
            {
              chunk *= 2;
              continue;
            }
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: truncated gzip data",
                         name);
          else
            g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: corrupt gzip data (%s)",
                         name, local_error->message);
          return NULL;
        }
      in_pos += n_read;
      out_len += n_written;
      if (res == G_CONVERTER_FINISHED)
        break;
    }
  if (out_len > max_out)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: decompressed data exceeds %" G_GSIZE_FORMAT " bytes", name, max_out);
      return NULL;
    }
  g_byte_array_set_size (out, out_len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Reads a whole regular file. Missing or unreadable files are bad input (the user named them). */
GBytes *
lv_dataset_read_file (const char *path,
                      GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: cannot open: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  /* A FIFO or device such as /dev/zero would block or never end. */
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: not a regular file", path);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s", local_error->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static gboolean
check_options (const LvDatasetOptions *opts,
               GError                **error)
{
  /* -1 is the documented "default split"; other values must be a real fraction. */
  if (opts->test_fraction != -1.0
      && !(opts->test_fraction >= 0.0 && opts->test_fraction < 1.0))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "test fraction %g is out of range: expected a value in [0, 1) "
                   "(or -1 for the dataset's own split)", opts->test_fraction);
      return FALSE;
    }
  return TRUE;
}

static LvDataset *
load_raw (const char             *spec,
          const LvDatasetOptions *opts,
          GError                **error)
{
  if (g_str_equal (spec, "digits"))
    return lv_dataset_load_digits (error);
  if (g_str_equal (spec, "teacher"))
    return lv_dataset_make_teacher (opts, error);
  if (g_str_equal (spec, "fashion-mnist"))
    return lv_dataset_load_fashion_mnist (error);
  if (g_str_has_prefix (spec, "random:"))
    return lv_dataset_make_random (spec, opts->seed, error);
  if (g_str_has_prefix (spec, "idx:"))
    return lv_dataset_load_idx_spec (spec, error);
  if (g_str_has_prefix (spec, "csv:") && spec[4] != '\0')
    return lv_dataset_load_csv_file (spec, spec + 4, error);

  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "unknown dataset '%s': expected one of " LV_DATASET_SPECS, spec);
  return NULL;
}

/**
 * lv_dataset_load:
 * @spec: "digits", "teacher", "fashion-mnist", "random:N:D:C", "csv:PATH" or
 *   "idx:TRAIN_IMAGES:TRAIN_LABELS[:TEST_IMAGES:TEST_LABELS]".
 * @opts: (nullable): preparation options; %NULL means the defaults of lv_dataset_options_init().
 * @error: return location for an error.
 *
 * Loads or generates a dataset, downsamples its images when asked, splits it deterministically
 * (seeded by @opts->seed) and standardises it with the training statistics.
 *
 * Returns: (transfer full) (nullable): the dataset, or %NULL with an %LV_ERROR_INVALID_INPUT
 *   error naming the file and the reason.
 */
LvDataset *
lv_dataset_load (const char             *spec,
                 const LvDatasetOptions *opts,
                 GError                **error)
{
  g_autoptr(LvDataset) raw = NULL;
  g_autoptr(LvDataset) dataset = NULL;
  LvDatasetOptions defaults;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (opts == NULL)
    {
      lv_dataset_options_init (&defaults);
      opts = &defaults;
    }
  if (!check_options (opts, error))
    return NULL;

  raw = load_raw (spec, opts, error);
  if (raw == NULL)
    return NULL;
  g_free (raw->name);
  raw->name = g_strdup (spec);

  if (opts->downsample != 0 && !lv_dataset_downsample (raw, opts->downsample, error))
    return NULL;

  if (opts->test_fraction < 0 && raw->n_test > 0)
    dataset = g_steal_pointer (&raw);
  else
    {
      double fraction = opts->test_fraction < 0 ? 0.2 : opts->test_fraction;
      dataset = lv_dataset_split (raw, fraction, opts->seed, error);
      if (dataset == NULL)
        return NULL;
    }

  if (opts->standardize && !lv_dataset_standardize (dataset, error))
    return NULL;
  return g_steal_pointer (&dataset);
}

/**
 * lv_dataset_new_from_arrays:
 * @name: a name for messages and output.
 * @n_inputs: features per sample (> 0).
 * @n_classes: number of classes (> 0); every label must be below it.
 * @n_train: training samples.
 * @x_train: (array): @n_train × @n_inputs floats, row-major.
 * @y_train: (nullable) (array): @n_train labels, or %NULL for all 0.
 * @t_train: (nullable) (array): @n_train real targets.
 * @n_test: test samples (may be 0).
 * @x_test: (nullable) (array): @n_test × @n_inputs floats.
 * @y_test: (nullable) (array): @n_test labels, or %NULL for all 0.
 * @t_test: (nullable) (array): @n_test real targets; give targets for both parts or neither.
 *
 * Builds a dataset from arrays it copies, as is (no split, no standardisation).
 *
 * Returns: (transfer full): the new dataset.
 */
LvDataset *
lv_dataset_new_from_arrays (const char    *name,
                            guint          n_inputs,
                            guint          n_classes,
                            guint          n_train,
                            const float   *x_train,
                            const guint32 *y_train,
                            const float   *t_train,
                            guint          n_test,
                            const float   *x_test,
                            const guint32 *y_test,
                            const float   *t_test)
{
  gboolean with_targets = t_train != NULL || t_test != NULL;
  LvDataset *dataset;

  g_return_val_if_fail (n_inputs > 0 && n_classes > 0, NULL);
  g_return_val_if_fail (n_train == 0 || x_train != NULL, NULL);
  g_return_val_if_fail (n_test == 0 || x_test != NULL, NULL);
  g_return_val_if_fail (!with_targets || ((n_train == 0 || t_train != NULL)
                                          && (n_test == 0 || t_test != NULL)), NULL);

  for (guint i = 0; y_train != NULL && i < n_train; i++)
    g_return_val_if_fail (y_train[i] < n_classes, NULL);
  for (guint i = 0; y_test != NULL && i < n_test; i++)
    g_return_val_if_fail (y_test[i] < n_classes, NULL);

  dataset = lv_dataset_alloc (name != NULL ? name : "arrays", n_inputs, n_train, n_test,
                              with_targets, NULL);
  if (dataset == NULL)
    g_error ("out of memory copying dataset %s", name);
  dataset->n_classes = n_classes;
  if (n_train > 0)
    {
      memcpy (dataset->x_train, x_train, sizeof (float) * n_train * (gsize) n_inputs);
      if (y_train != NULL)
        memcpy (dataset->y_train, y_train, sizeof (guint32) * n_train);
      if (t_train != NULL)
        memcpy (dataset->t_train, t_train, sizeof (float) * n_train);
    }
  if (n_test > 0)
    {
      memcpy (dataset->x_test, x_test, sizeof (float) * n_test * (gsize) n_inputs);
      if (y_test != NULL)
        memcpy (dataset->y_test, y_test, sizeof (guint32) * n_test);
      if (t_test != NULL)
        memcpy (dataset->t_test, t_test, sizeof (float) * n_test);
    }
  return dataset;
}

/**
 * lv_dataset_ref:
 * @dataset: a dataset.
 *
 * Returns: (transfer full): @dataset, with one more reference.
 */
LvDataset *
lv_dataset_ref (LvDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  g_atomic_ref_count_inc (&dataset->ref_count);
  return dataset;
}

/**
 * lv_dataset_unref:
 * @dataset: (transfer full): a dataset.
 *
 * Drops a reference; the last one frees the dataset.
 */
void
lv_dataset_unref (LvDataset *dataset)
{
  g_return_if_fail (dataset != NULL);

  if (!g_atomic_ref_count_dec (&dataset->ref_count))
    return;
  g_free (dataset->name);
  g_free (dataset->x_train);
  g_free (dataset->y_train);
  g_free (dataset->t_train);
  g_free (dataset->x_test);
  g_free (dataset->y_test);
  g_free (dataset->t_test);
  g_free (dataset->source_index);
  g_free (dataset->feature_mean);
  g_free (dataset->feature_scale);
  g_free (dataset);
}
