/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the dataset tests: files the test writes itself (plain, gzip, IDX) and
 * load assertions. */

#include <string.h>

#include <gio/gio.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

G_BEGIN_DECLS

static inline char *
write_file (const char   *dir,
            const char   *name,
            const void   *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static inline char *
write_bytes (const char *dir,
             const char *name,
             GBytes     *bytes)
{
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);

  return write_file (dir, name, data, len);
}

static inline GBytes *
gzip_bytes (GBytes *plain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) conv = g_converter_output_stream_new (mem, G_CONVERTER (zlib));
  gsize len;
  const void *data = g_bytes_get_data (plain, &len);

  g_output_stream_write_all (conv, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (conv, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static inline void
append_be32 (GByteArray *a,
             guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (a, b, 4);
}

/* An IDX ubyte image file: magic 0x00000803, n, rows, cols, then the pixels. */
static inline GBytes *
idx_images (guint32 magic, guint32 n, guint32 rows, guint32 cols, const guint8 *pixels,
            gsize n_pixels)
{
  GByteArray *a = g_byte_array_new ();

  append_be32 (a, magic);
  append_be32 (a, n);
  append_be32 (a, rows);
  append_be32 (a, cols);
  if (n_pixels > 0)
    g_byte_array_append (a, pixels, n_pixels);
  return g_byte_array_free_to_bytes (a);
}

static inline GBytes *
idx_labels (guint32 n, const guint8 *labels, gsize n_labels)
{
  GByteArray *a = g_byte_array_new ();

  append_be32 (a, 0x00000801);
  append_be32 (a, n);
  if (n_labels > 0)
    g_byte_array_append (a, labels, n_labels);
  return g_byte_array_free_to_bytes (a);
}

static inline LvDatasetOptions
raw_options (double test_fraction)
{
  LvDatasetOptions opts;

  lv_dataset_options_init (&opts);
  opts.test_fraction = test_fraction;
  opts.standardize = FALSE;
  return opts;
}

static inline void
assert_load_error (const char             *spec,
                   const LvDatasetOptions *opts,
                   const char             *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) dataset = lv_dataset_load (spec, opts, &error);

  g_assert_null (dataset);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_test_message ("%s -> %s", spec, error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("error '%s' does not contain '%s'", error->message, needle);
}

static inline LvDataset *
load_ok (const char *spec, const LvDatasetOptions *opts)
{
  g_autoptr(GError) error = NULL;
  LvDataset *dataset = lv_dataset_load (spec, opts, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  return dataset;
}

G_END_DECLS
