/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals shared by the lv-bundle-*.c files (HDF5 builds only). */

#include <hdf5.h>

#include <lossviz/lv-bundle.h>

#include <lossviz/lv-file-util.h>

G_BEGIN_DECLS

/* Every HDF5 call of the process runs under this lock (serial libhdf5 is not thread-safe);
 * taking it the first time also turns off HDF5's own error printing (errors are ours). */
void lv_h5_lock (void);
void lv_h5_unlock (void);

/* Opens a file to read after checking what libhdf5 would trust blindly (see lv-bundle-h5.c);
 * H5I_INVALID_HID with an error naming what is wrong (without the path). */
hid_t    lv_h5_open_checked (const char *path, GError **error);
gboolean lv_h5_check_bytes (const guint8 *data, gsize size, GError **error);
/* A new file for writing (H5I_INVALID_HID on failure). */
hid_t    lv_h5_create (const char *path);
/* Writes @path atomically through the core's one writer: @write fills a new HDF5 file (the
 * temporary, under the HDF5 lock) and returns FALSE when HDF5 failed, which is reported as a
 * run-time failure naming @path (a full disk or a file-size limit, nearly always). */
typedef gboolean (*LvH5WriteFunc) (hid_t file, gconstpointer data);
gboolean lv_h5_write_file (const char *path, LvH5WriteFunc write, gconstpointer data,
                           GError **error);
/* Writing: each returns FALSE when HDF5 failed. */
gboolean lv_h5_set_string (hid_t obj, const char *name, const char *value);
gboolean lv_h5_set_int (hid_t obj, const char *name, gint64 value);
gboolean lv_h5_set_double (hid_t obj, const char *name, double value);
gboolean lv_h5_set_int_array (hid_t obj, const char *name, const gint64 *values, guint n);
/* 1-D datasets of doubles or uint32, contiguous. */
gboolean lv_h5_write_doubles (hid_t loc, const char *name, const double *values, gsize n);
gboolean lv_h5_write_uint32s (hid_t loc, const char *name, const guint32 *values, gsize n);
/* A rows × cols (cols 0: 1-D of rows) float32 dataset, chunked (≤ 1 MiB), gzip @deflate. */
gboolean lv_h5_write_floats (hid_t loc, const char *name, const float *values, gsize rows,
                             gsize cols, guint deflate);

/* Reading: each sets an LV_ERROR_INVALID_INPUT error naming @where and @name on failure. */
gboolean lv_h5_get_string (hid_t obj, const char *where, const char *name, char **out,
                           GError **error);
gboolean lv_h5_get_int (hid_t obj, const char *where, const char *name, gint64 min, gint64 max,
                        gint64 *out, GError **error);
gboolean lv_h5_get_guint (hid_t obj, const char *where, const char *name, guint min, guint max,
                          guint *out, GError **error);
gboolean lv_h5_get_double (hid_t obj, const char *where, const char *name, gboolean allow_nan,
                           double *out, GError **error);
gboolean lv_h5_get_int_array (hid_t obj, const char *where, const char *name, guint max_n,
                              gint64 *out, guint *n, GError **error);
/* Opens a dataset of @rank dimensions whose sizes equal @dims (a 0 entry: any size up to
 * @max_elements in total, written back). Returns a dataset id or H5I_INVALID_HID with an
 * error. */
hid_t    lv_h5_open_dataset (hid_t loc, const char *where, const char *name, int rank,
                             hsize_t *dims, hsize_t max_elements, GError **error);
gboolean lv_h5_read_doubles (hid_t loc, const char *where, const char *name, gsize n,
                             double **out, GError **error);
/* Every value must be below @bound (G_MAXUINT32: any value). */
gboolean lv_h5_read_uint32s (hid_t loc, const char *where, const char *name, gsize n,
                             guint32 bound, guint32 **out, GError **error);
gboolean lv_h5_read_floats (hid_t loc, const char *where, const char *name, gsize rows,
                            gsize cols, float *out, GError **error);
gboolean lv_h5_invalid (GError **error, const char *where, const char *what);
/* The root's 'format' attribute is @format and its 'version' is @version; @kind names the
 * file in the messages ("bundle", "spin-glass bundle"). */
/* Opens group @name of @loc, or fails with "group '@name' is missing" under @where. */
hid_t    lv_h5_open_group (hid_t loc, const char *where, const char *name, GError **error);
/* Reads the groups layer0 … layer(L−1) of @parent (weight, and bias when @with_bias) into
 * @params laid out as @shape says (lv-bundle-model.c: model files and bundles' runs). */
gboolean lv_bundle_read_layers (hid_t parent, const char *where, const LvMlpShape *shape,
                                gboolean with_bias, float *params, GError **error);
gboolean lv_h5_check_format (hid_t file, const char *format, gint64 version, const char *kind,
                             GError **error);

G_END_DECLS
