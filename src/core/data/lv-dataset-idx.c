/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-dataset-io.h>

#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-dataset-private.h"

/*
 * IDX files (MNIST, Fashion-MNIST): a big-endian magic 0x0000TTNN (TT = element type, 0x08 for
 * unsigned bytes; NN = number of dimensions), NN big-endian 32-bit sizes, then the elements.
 * Images are 0x00000803 (count, rows, cols), labels 0x00000801 (count).
 */

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Inflates @data when it is gzip (1f 8b), otherwise returns it as is. @max_body bounds the
 * inflated size: no valid file of this kind can be larger. */
static GBytes *
maybe_gunzip (const char   *name,
              const guint8 *data,
              gsize         len,
              gsize         max_size,
              GError      **error)
{
  if (lv_dataset_is_gzip (data, len))
    return lv_dataset_gunzip (name, data, len, max_size, error);
  return g_bytes_new_static (data, len);
}

/* Checks an IDX header: its magic and that all @n_dims sizes are present. Returns the
 * header length. */
static gsize
check_header (const char   *name,
              const guint8 *data,
              gsize         len,
              guint32       magic,
              const char   *what,
              GError      **error)
{
  gsize header_len = 4 + 4 * (gsize) (magic & 0xff);
  guint32 found;

  if (len < 4)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: truncated: expected %" G_GSIZE_FORMAT " bytes of IDX header, found %"
                   G_GSIZE_FORMAT, name, header_len, len);
      return 0;
    }
  found = read_be32 (data);
  if (found != magic)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: bad IDX magic 0x%08x (expected 0x%08x for %s)",
                   name, found, magic, what);
      return 0;
    }
  if (len < header_len)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: truncated: expected %" G_GSIZE_FORMAT " bytes of IDX header, found %"
                   G_GSIZE_FORMAT, name, header_len, len);
      return 0;
    }
  return header_len;
}

static gboolean
check_body (const char *name,
            gsize       body_len,
            guint64     expected,
            const char *what,
            GError    **error)
{
  if (body_len < expected)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: truncated: expected %" G_GUINT64_FORMAT " bytes of %s, found %"
                   G_GSIZE_FORMAT, name, expected, what, body_len);
      return FALSE;
    }
  if (body_len > expected)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: %" G_GUINT64_FORMAT " unexpected bytes after %" G_GUINT64_FORMAT
                   " bytes of %s", name, (guint64) body_len - expected, expected, what);
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_dataset_parse_idx_buffers:
 * @images_name: the images' file name, for messages.
 * @images: (array length=images_len): an IDX ubyte image file (0x00000803), plain or gzip.
 * @images_len: its length.
 * @labels_name: the labels' file name, for messages.
 * @labels: (array length=labels_len): an IDX ubyte label file (0x00000801), plain or gzip.
 * @labels_len: its length.
 * @error: return location for an error.
 *
 * Parses an image/label pair from memory. Pixels are scaled to [0, 1]; the number of classes is
 * the largest label + 1. Never reads out of bounds, whatever the bytes.
 *
 * Returns: (transfer full) (nullable): the samples (all in the training part), or %NULL with an
 *   %LV_ERROR_INVALID_INPUT error naming the file and the reason.
 */
LvDataset *
lv_dataset_parse_idx_buffers (const char   *images_name,
                              const guint8 *images,
                              gsize         images_len,
                              const char   *labels_name,
                              const guint8 *labels,
                              gsize         labels_len,
                              GError      **error)
{
  g_autoptr(GBytes) image_bytes = NULL;
  g_autoptr(GBytes) label_bytes = NULL;
  g_autoptr(LvDataset) dataset = NULL;
  const guint8 *img, *lab;
  gsize img_len, lab_len, img_header, lab_header;
  guint32 n_images, rows, cols, n_labels;

  g_return_val_if_fail (images != NULL || images_len == 0, NULL);
  g_return_val_if_fail (labels != NULL || labels_len == 0, NULL);

  image_bytes = maybe_gunzip (images_name, images, images_len,
                              16 + (gsize) LV_DATASET_MAX_VALUES, error);
  if (image_bytes == NULL)
    return NULL;
  img = g_bytes_get_data (image_bytes, &img_len);
  img_header = check_header (images_name, img, img_len, IDX_IMAGES_MAGIC, "ubyte images", error);
  if (img_header == 0)
    return NULL;
  n_images = read_be32 (img + 4);
  rows = read_be32 (img + 8);
  cols = read_be32 (img + 12);
  if (rows == 0 || cols == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: images of %ux%u pixels", images_name, rows, cols);
      return NULL;
    }
  /* rows * cols < 2^64 always; check_size bounds the total before anything is allocated. */
  if (!lv_dataset_check_size (images_name, n_images, (guint64) rows * cols, error))
    return NULL;
  if (!check_body (images_name, img_len - img_header, (guint64) n_images * rows * cols,
                   "image data", error))
    return NULL;

  label_bytes = maybe_gunzip (labels_name, labels, labels_len,
                              8 + (gsize) n_images + 1, error);
  if (label_bytes == NULL)
    return NULL;
  lab = g_bytes_get_data (label_bytes, &lab_len);
  lab_header = check_header (labels_name, lab, lab_len, IDX_LABELS_MAGIC, "ubyte labels", error);
  if (lab_header == 0)
    return NULL;
  n_labels = read_be32 (lab + 4);
  if (n_labels != n_images)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s, %s: label count mismatch (%u images, %u labels)",
                   images_name, labels_name, n_images, n_labels);
      return NULL;
    }
  if (!check_body (labels_name, lab_len - lab_header, n_labels, "label data", error))
    return NULL;

  dataset = lv_dataset_alloc (images_name, rows * cols, n_images, 0, FALSE, error);
  if (dataset == NULL)
    return NULL;
  dataset->image_width = cols;
  dataset->image_height = rows;
  {
    const guint8 *pixels = img + img_header;
    gsize n_values = (gsize) n_images * rows * cols;

    for (gsize i = 0; i < n_values; i++)
      dataset->x_train[i] = pixels[i] / 255.0f;
  }
  for (guint i = 0; i < n_images; i++)
    dataset->y_train[i] = lab[lab_header + i];
  dataset->n_classes = lv_dataset_count_classes (dataset);
  return g_steal_pointer (&dataset);
}

static LvDataset *
load_idx_pair (const char *images_path,
               const char *labels_path,
               GError    **error)
{
  g_autoptr(GBytes) images = lv_dataset_read_file (images_path, error);
  g_autoptr(GBytes) labels = NULL;
  gsize images_len, labels_len;
  const guint8 *images_data, *labels_data;

  if (images == NULL)
    return NULL;
  labels = lv_dataset_read_file (labels_path, error);
  if (labels == NULL)
    return NULL;
  images_data = g_bytes_get_data (images, &images_len);
  labels_data = g_bytes_get_data (labels, &labels_len);
  return lv_dataset_parse_idx_buffers (images_path, images_data, images_len,
                                       labels_path, labels_data, labels_len, error);
}

static LvDataset *
load_idx_files (const char *train_images,
                const char *train_labels,
                const char *test_images,
                const char *test_labels,
                GError    **error)
{
  LvDataset *train = load_idx_pair (train_images, train_labels, error);
  LvDataset *test;

  if (train == NULL || test_images == NULL)
    return train;
  test = load_idx_pair (test_images, test_labels, error);
  if (test == NULL)
    {
      lv_dataset_unref (train);
      return NULL;
    }
  return lv_dataset_attach_test (train, test, error);
}

/* "idx:TRAIN_IMAGES:TRAIN_LABELS[:TEST_IMAGES:TEST_LABELS]" */
LvDataset *
lv_dataset_load_idx_spec (const char *spec,
                          GError    **error)
{
  g_auto(GStrv) parts = g_strsplit (spec + strlen ("idx:"), ":", -1);
  guint n = g_strv_length (parts);

  for (guint i = 0; i < n; i++)
    if (parts[i][0] == '\0')
      n = 0;
  if (n != 2 && n != 4)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "bad dataset '%s': expected idx:TRAIN_IMAGES:TRAIN_LABELS"
                   "[:TEST_IMAGES:TEST_LABELS]", spec);
      return NULL;
    }
  return load_idx_files (parts[0], parts[1], n == 4 ? parts[2] : NULL,
                         n == 4 ? parts[3] : NULL, error);
}

/* Debian's dataset-fashion-mnist package. LOSSVIZ_FASHION_MNIST_DIR overrides the directory
 * (tests use it to check the message when the files are absent). */
LvDataset *
lv_dataset_load_fashion_mnist (GError **error)
{
  const char *dir = g_getenv ("LOSSVIZ_FASHION_MNIST_DIR");
  static const char *const names[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
  };
  char *paths[G_N_ELEMENTS (names)];
  LvDataset *dataset = NULL;

  if (dir == NULL || dir[0] == '\0')
    dir = FASHION_MNIST_DIR;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    paths[i] = g_build_filename (dir, names[i], NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (!g_file_test (paths[i], G_FILE_TEST_IS_REGULAR))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                     "fashion-mnist: %s not found; install Debian's dataset-fashion-mnist "
                     "package (apt-get install dataset-fashion-mnist)", paths[i]);
        goto out;
      }
  dataset = load_idx_files (paths[0], paths[1], paths[2], paths[3], error);
out:
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (paths[i]);
  return dataset;
}
