/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-fuzz"

#include "config.h"

#include "lv-fuzz-targets.h"

#include <gio/gio.h>
#include <math.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-session.h>

/* Checks what a parser returned: either an error, or a dataset whose arrays are all readable
 * (ASan flags any short allocation) and whose labels are below n_classes. */
static void
check_result (LvDataset *dataset, GError *error)
{
  if (dataset == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == LV_ERROR);
      g_assert_nonnull (error->message);
      g_error_free (error);
      return;
    }
  g_assert_null (error);
  g_assert_cmpuint (dataset->n_train, >, 0);
  g_assert_cmpuint (dataset->n_inputs, >, 0);
  {
    gsize n = (gsize) dataset->n_train * dataset->n_inputs;

    /* Loaders refuse non-finite values: none may slip through. */
    for (gsize i = 0; i < n; i++)
      g_assert_true (isfinite (dataset->x_train[i]));
    for (guint i = 0; i < dataset->n_train; i++)
      g_assert_cmpuint (dataset->y_train[i], <, dataset->n_classes);
  }
  lv_dataset_unref (dataset);
}

/* Splits [u16 BE length][first][second]. */
static void
split_two (const guint8 *data, gsize size, const guint8 **a, gsize *a_len, const guint8 **b,
           gsize *b_len)
{
  gsize n = 0;

  if (size >= 2)
    n = MIN ((gsize) ((data[0] << 8) | data[1]), size - 2);
  *a = size >= 2 ? data + 2 : data;
  *a_len = n;
  *b = *a + n;
  *b_len = size >= 2 ? size - 2 - n : 0;
}

void
lv_fuzz_idx (const guint8 *data, gsize size)
{
  const guint8 *images, *labels;
  gsize images_len, labels_len;
  GError *error = NULL;
  LvDataset *dataset;

  split_two (data, size, &images, &images_len, &labels, &labels_len);
  dataset = lv_dataset_parse_idx_buffers ("images", images, images_len, "labels", labels,
                                          labels_len, &error);
  check_result (dataset, error);
}

/* Compresses with GIO's zlib converter, as gzip would. */
static GBytes *
gzip_bytes (const guint8 *data, gsize len)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_pos = 0, out_len = 0;

  for (;;)
    {
      gsize n_read = 0, n_written = 0;
      GConverterResult res;

      g_byte_array_set_size (out, out_len + len + 256);
      res = g_converter_convert (G_CONVERTER (zlib), data + in_pos, len - in_pos,
                                 out->data + out_len, out->len - out_len,
                                 G_CONVERTER_INPUT_AT_END, &n_read, &n_written, NULL);
      g_assert_true (res != G_CONVERTER_ERROR);
      in_pos += n_read;
      out_len += n_written;
      if (res == G_CONVERTER_FINISHED)
        break;
    }
  g_byte_array_set_size (out, out_len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

void
lv_fuzz_idx_gzip (const guint8 *data, gsize size)
{
  const guint8 *images, *labels;
  gsize images_len, labels_len, gz_images_len, gz_labels_len;
  g_autoptr(GBytes) gz_images = NULL;
  g_autoptr(GBytes) gz_labels = NULL;
  const guint8 *gz_images_data, *gz_labels_data;
  GError *error = NULL;
  LvDataset *dataset;

  split_two (data, size, &images, &images_len, &labels, &labels_len);
  gz_images = gzip_bytes (images, images_len);
  gz_labels = gzip_bytes (labels, labels_len);
  gz_images_data = g_bytes_get_data (gz_images, &gz_images_len);
  gz_labels_data = g_bytes_get_data (gz_labels, &gz_labels_len);
  dataset = lv_dataset_parse_idx_buffers ("images.gz", gz_images_data, gz_images_len,
                                          "labels.gz", gz_labels_data, gz_labels_len, &error);
  check_result (dataset, error);
}

void
lv_fuzz_csv (const guint8 *data, gsize size)
{
  GError *error = NULL;
  LvDataset *dataset;

  dataset = lv_dataset_parse_csv_buffer ("fuzz.csv", (const char *) data, size, &error);
  check_result (dataset, error);
}

void
lv_fuzz_session (const guint8 *data, gsize size)
{
  GError *error = NULL;
  LvSession *session = lv_session_from_json ((const char *) data, (gssize) size, &error);

  if (session == NULL)
    {
      g_assert_nonnull (error);
      g_error_free (error);
      return;
    }
  g_assert_null (error);
  /* A session that loads is whole: one record per configured run, histories within epochs. */
  g_assert_nonnull (session->snapshot);
  g_assert_cmpuint (session->snapshot->n_runs, ==,
                    session->config.n_sizes * session->config.runs);
  for (guint i = 0; i < session->snapshot->n_runs; i++)
    g_assert_cmpuint (session->snapshot->runs[i].epochs_done, <=, session->config.train.epochs);
  {
    /* And it writes back out. */
    g_autofree char *json = lv_session_to_json (session);
    g_assert_nonnull (json);
  }
  lv_session_free (session);
}
