/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* Small typed wrappers over HDF5 attributes and datasets, each checked (lv-bundle-private.h). */

#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-bundle-private.h"

/* Recursive: a writer's fetch callback may read runs from another bundle (the app's save). */
static GRecMutex h5_mutex;

void
lv_h5_lock (void)
{
  static gsize once = 0;

  g_rec_mutex_lock (&h5_mutex);
  if (g_once_init_enter (&once))
    {
      /* A file whose close failed (disk full) stays registered in the library, and HDF5's
       * own atexit clean-up would then crash on it: the process exit frees everything. */
      H5dont_atexit ();
      H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
      g_once_init_leave (&once, 1);
    }
}

void
lv_h5_unlock (void)
{
  g_rec_mutex_unlock (&h5_mutex);
}

gboolean
lv_bundle_is_available (void)
{
  return TRUE;
}

hid_t
lv_h5_create (const char *path)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  hid_t file;

  /* The 1.10 file format: a dataset of one chunk needs no chunk B-tree and small groups
   * store their links compactly, which makes a bundle of thousands of runs several times
   * smaller (and faster to write) than the 1.8 defaults. h5py and HDF5 ≥ 1.10 read it. */
  H5Pset_libver_bounds (fapl, H5F_LIBVER_V110, H5F_LIBVER_V110);
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose (fapl);
  return file;
}

gboolean
lv_h5_write_file (const char *path, LvH5WriteFunc write, gconstpointer data, GError **error)
{
  LvAtomicFile *out = lv_atomic_file_begin (path, error);
  hid_t file;
  gboolean ok;

  if (out == NULL)
    return FALSE;
  lv_h5_lock ();
  file = lv_h5_create (lv_atomic_file_get_temp_path (out));
  ok = file >= 0 && write (file, data);
  if (file >= 0 && H5Fclose (file) < 0)
    ok = FALSE;
  lv_h5_unlock ();
  if (!ok)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "cannot write %s: the HDF5 library failed (disk full or not writable?)",
                   lv_atomic_file_get_target (out));
      lv_atomic_file_abort (out);
      return FALSE;
    }
  return lv_atomic_file_commit (out, error);
}

/* ---- opening untrusted files ------------------------------------------------------------- */

/*
 * libhdf5 1.10.8 trusts the object sizes inside a global heap collection (where variable-length
 * strings live): a corrupt size makes H5HG_read copy gigabytes past the collection and crash
 * (found by fuzz-bundle). Every collection is a "GCOL" signature, version 1, 3 reserved bytes,
 * its 8-byte size, then objects (2-byte index, 2-byte reference count, 4 reserved bytes, 8-byte
 * size, data padded to 8 bytes) up to index 0, the free space. The library only loads a
 * collection that starts with the signature, so checking every place the signature occurs
 * covers every collection it could read: each must lie inside the file, and each object inside
 * its collection.
 */
#define GCOL_HEADER 16
#define GCOL_OBJECT_HEADER 16

static guint64
read_le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Walks the objects as H5HG__cache_heap_deserialize does: index 0 is free space whose size
 * counts its own header; every other object's data must end inside the collection. */
static gboolean
global_heap_is_sound (const guint8 *data, gsize size, gsize at)
{
  guint64 length, offset = GCOL_HEADER;

  if (at + GCOL_HEADER > size)
    return FALSE;
  length = read_le64 (data + at + 8);
  if (length < GCOL_HEADER || length > size - at)
    return FALSE;
  while (offset + GCOL_OBJECT_HEADER <= length)
    {
      const guint8 *obj = data + at + offset;
      guint16 index = (guint16) (obj[0] | obj[1] << 8);
      guint64 obj_size = read_le64 (obj + 8);

      if (index == 0)
        {
          if (obj_size == 0) /* the library would loop on it forever */
            return FALSE;
          if (obj_size > length - offset)
            break; /* the library stops there */
          offset += obj_size;
          continue;
        }
      if (obj_size > length - offset - GCOL_OBJECT_HEADER)
        return FALSE;
      offset += GCOL_OBJECT_HEADER + ((obj_size + 7) & ~G_GUINT64_CONSTANT (7));
    }
  return TRUE;
}

gboolean
lv_h5_check_bytes (const guint8 *data, gsize size, GError **error)
{
  const guint8 *p = data, *end = data + size;

  /* "GCOL" and version 1: the library loads nothing else as a collection (and 40 bits of
   * signature make a chance match inside raw or compressed data negligible). */
  while (p < end && (p = memmem (p, (gsize) (end - p), "GCOL\001", 5)) != NULL)
    {
      if (!global_heap_is_sound (data, size, (gsize) (p - data)))
        return lv_h5_invalid (error, "", "a global heap (variable-length data) is corrupt");
      p += 5;
    }
  return TRUE;
}

hid_t
lv_h5_open_checked (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, &local);
  hid_t file;

  if (map == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "%s", local->message);
      return H5I_INVALID_HID;
    }
  if (!lv_h5_check_bytes ((const guint8 *) g_mapped_file_get_contents (map),
                          g_mapped_file_get_length (map), error))
    return H5I_INVALID_HID;
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    lv_h5_invalid (error, "", "not a readable HDF5 file (truncated or corrupt?)");
  return file;
}

/* ---- writing ------------------------------------------------------------------------------ */

static gboolean
set_attr (hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
          const void *value)
{
  hid_t space = n == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (1, &n, NULL);
  hid_t attr = H5Acreate2 (obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t status = attr < 0 ? -1 : H5Awrite (attr, mem_type, value);

  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  return status >= 0;
}

gboolean
lv_h5_set_string (hid_t obj, const char *name, const char *value)
{
  hid_t type = H5Tcopy (H5T_C_S1);
  gboolean ok;

  /* Variable-length UTF-8: h5py reads it back as a Python str. */
  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, H5T_CSET_UTF8);
  ok = set_attr (obj, name, type, type, 0, &value);
  H5Tclose (type);
  return ok;
}

gboolean
lv_h5_set_int (hid_t obj, const char *name, gint64 value)
{
  return set_attr (obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &value);
}

gboolean
lv_h5_set_double (hid_t obj, const char *name, double value)
{
  return set_attr (obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &value);
}

gboolean
lv_h5_set_int_array (hid_t obj, const char *name, const gint64 *values, guint n)
{
  g_return_val_if_fail (n > 0, FALSE);
  return set_attr (obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, n, values);
}

static gboolean
write_1d (hid_t loc, const char *name, hid_t file_type, hid_t mem_type, const void *values,
          gsize n)
{
  hsize_t dims = n;
  hid_t space = H5Screate_simple (1, &dims, NULL);
  hid_t set = H5Dcreate2 (loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t status = set < 0 ? -1 : n == 0 ? 0 : H5Dwrite (set, mem_type, H5S_ALL, H5S_ALL,
                                                        H5P_DEFAULT, values);

  if (set >= 0 && H5Dclose (set) < 0)
    status = -1;
  H5Sclose (space);
  return status >= 0;
}

gboolean
lv_h5_write_doubles (hid_t loc, const char *name, const double *values, gsize n)
{
  return write_1d (loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values, n);
}

gboolean
lv_h5_write_uint32s (hid_t loc, const char *name, const guint32 *values, gsize n)
{
  return write_1d (loc, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, values, n);
}

gboolean
lv_h5_write_floats (hid_t loc, const char *name, const float *values, gsize rows, gsize cols,
                    guint deflate)
{
  int rank = cols == 0 ? 1 : 2;
  hsize_t dims[2] = { rows, cols };
  /* Chunks of whole rows, at most 1 MiB: a row-by-row reader touches few chunks, and the
   * library never buffers more than a chunk per dataset. */
  hsize_t row_bytes = (cols == 0 ? 1 : cols) * sizeof (float);
  hsize_t chunk[2] = { CLAMP ((1 << 20) / row_bytes, 1, MAX (rows, 1)), cols };
  hid_t space = H5Screate_simple (rank, dims, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t set;
  herr_t status;

  H5Pset_chunk (dcpl, rank, chunk);
  if (deflate > 0)
    H5Pset_deflate (dcpl, MIN (deflate, 9));
  set = H5Dcreate2 (loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  status = set < 0 ? -1 : H5Dwrite (set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                    values);
  if (set >= 0 && H5Dclose (set) < 0)
    status = -1;
  H5Pclose (dcpl);
  H5Sclose (space);
  return status >= 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

gboolean
lv_h5_invalid (GError **error, const char *where, const char *what)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s%s%s", where, *where ? ": " : "",
               what);
  return FALSE;
}

hid_t
lv_h5_open_group (hid_t loc, const char *where, const char *name, GError **error)
{
  hid_t g = H5Lexists (loc, name, H5P_DEFAULT) > 0 ? H5Gopen2 (loc, name, H5P_DEFAULT) : -1;

  if (g < 0)
    {
      g_autofree char *what = g_strdup_printf ("group '%s' is missing", name);
      lv_h5_invalid (error, where, what);
    }
  return g;
}

gboolean
lv_h5_check_format (hid_t file, const char *format, gint64 version, const char *kind,
                    GError **error)
{
  g_autofree char *found = NULL;
  gint64 found_version;

  if (!lv_h5_get_string (file, "", "format", &found, error))
    return FALSE;
  if (g_strcmp0 (found, format) != 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "root attribute 'format' is not \"%s\" (not a %s)", format, kind);
      return FALSE;
    }
  if (!lv_h5_get_int (file, "", "version", 1, G_MAXINT32, &found_version, error))
    return FALSE;
  if (found_version != version)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s version %" G_GINT64_FORMAT " is not the version this LossViz reads (%"
                   G_GINT64_FORMAT ")", kind, found_version, version);
      return FALSE;
    }
  return TRUE;
}

static gboolean
missing (GError **error, const char *where, const char *name, const char *what)
{
  g_autofree char *msg = g_strdup_printf ("'%s' %s", name, what);
  return lv_h5_invalid (error, where, msg);
}

/* Opens attribute @name if it is a scalar (n_out NULL) or a 1-D array of at most max_n. */
static hid_t
open_attr (hid_t obj, const char *where, const char *name, H5T_class_t klass, guint max_n,
           guint *n_out, GError **error)
{
  hid_t attr, space, type;
  gboolean ok;
  int rank;
  hsize_t dims[2] = { 0, 0 };

  if (H5Aexists (obj, name) <= 0 || (attr = H5Aopen (obj, name, H5P_DEFAULT)) < 0)
    {
      missing (error, where, name, "is missing");
      return H5I_INVALID_HID;
    }
  space = H5Aget_space (attr);
  type = H5Aget_type (attr);
  rank = space < 0 ? -1 : H5Sget_simple_extent_ndims (space);
  if (rank == 1)
    H5Sget_simple_extent_dims (space, dims, NULL);
  ok = type >= 0 && H5Tget_class (type) == klass &&
       (n_out == NULL ? rank == 0 : rank == 1 && dims[0] >= 1 && dims[0] <= max_n);
  if (n_out != NULL)
    *n_out = (guint) dims[0];
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  if (!ok)
    {
      H5Aclose (attr);
      missing (error, where, name, klass == H5T_STRING ? "is not a string"
                                   : n_out != NULL ? "is not a list of whole numbers"
                                   : "is not a single number");
      return H5I_INVALID_HID;
    }
  return attr;
}

gboolean
lv_h5_get_string (hid_t obj, const char *where, const char *name, char **out, GError **error)
{
  hid_t attr = open_attr (obj, where, name, H5T_STRING, 0, NULL, error);
  hid_t type, mem;
  char *value = NULL;
  herr_t status;

  if (attr < 0)
    return FALSE;
  type = H5Aget_type (attr);
  if (H5Tis_variable_str (type) > 0)
    {
      mem = H5Tcopy (H5T_C_S1);
      H5Tset_size (mem, H5T_VARIABLE);
      H5Tset_cset (mem, H5Tget_cset (type));
      status = H5Aread (attr, mem, &value);
      if (status >= 0 && value != NULL)
        {
          *out = g_strdup (value);
          H5free_memory (value);
        }
    }
  else
    {
      /* Fixed-length strings (numpy bytes written by h5py): read into a buffer of that size. */
      size_t size = H5Tget_size (type);
      g_autofree char *buf = size > 0 && size < (1 << 16) ? g_malloc0 (size + 1) : NULL;
      mem = H5Tcopy (type);
      status = buf == NULL ? -1 : H5Aread (attr, mem, buf);
      if (status >= 0)
        *out = g_strndup (buf, size);
    }
  H5Tclose (mem);
  H5Tclose (type);
  H5Aclose (attr);
  if (status < 0 || *out == NULL || !g_utf8_validate (*out, -1, NULL))
    {
      g_clear_pointer (out, g_free);
      return missing (error, where, name, "cannot be read as a string");
    }
  return TRUE;
}

gboolean
lv_h5_get_int (hid_t obj, const char *where, const char *name, gint64 min, gint64 max,
               gint64 *out, GError **error)
{
  hid_t attr = open_attr (obj, where, name, H5T_INTEGER, 0, NULL, error);
  herr_t status;

  if (attr < 0)
    return FALSE;
  status = H5Aread (attr, H5T_NATIVE_INT64, out);
  H5Aclose (attr);
  if (status < 0 || *out < min || *out > max)
    {
      g_autofree char *what = g_strdup_printf ("must be a whole number from %" G_GINT64_FORMAT
                                               " to %" G_GINT64_FORMAT, min, max);
      return missing (error, where, name, what);
    }
  return TRUE;
}

gboolean
lv_h5_get_guint (hid_t obj, const char *where, const char *name, guint min, guint max,
                 guint *out, GError **error)
{
  gint64 v;

  if (!lv_h5_get_int (obj, where, name, min, max, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

gboolean
lv_h5_get_double (hid_t obj, const char *where, const char *name, gboolean allow_nan,
                  double *out, GError **error)
{
  hid_t attr = open_attr (obj, where, name, H5T_FLOAT, 0, NULL, error);
  herr_t status;

  if (attr < 0)
    return FALSE;
  status = H5Aread (attr, H5T_NATIVE_DOUBLE, out);
  H5Aclose (attr);
  if (status < 0 || (!allow_nan && !isfinite (*out)))
    return missing (error, where, name, "is not a finite number");
  return TRUE;
}

gboolean
lv_h5_get_int_array (hid_t obj, const char *where, const char *name, guint max_n, gint64 *out,
                     guint *n, GError **error)
{
  hid_t attr = open_attr (obj, where, name, H5T_INTEGER, max_n, n, error);
  herr_t status;

  if (attr < 0)
    return FALSE;
  status = H5Aread (attr, H5T_NATIVE_INT64, out);
  H5Aclose (attr);
  if (status < 0)
    return missing (error, where, name, "cannot be read");
  return TRUE;
}

hid_t
lv_h5_open_dataset (hid_t loc, const char *where, const char *name, int rank, hsize_t *dims,
                    hsize_t max_elements, GError **error)
{
  hid_t set, space;
  hsize_t actual[H5S_MAX_RANK];
  int actual_rank;
  gboolean ok = TRUE;
  double total = 1;

  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0 ||
      H5Oexists_by_name (loc, name, H5P_DEFAULT) <= 0 ||
      (set = H5Dopen2 (loc, name, H5P_DEFAULT)) < 0)
    {
      missing (error, where, name, "is missing");
      return H5I_INVALID_HID;
    }
  space = H5Dget_space (set);
  actual_rank = space < 0 ? -1 : H5Sget_simple_extent_ndims (space);
  if (actual_rank != rank || H5Sget_simple_extent_dims (space, actual, NULL) < 0)
    ok = FALSE;
  for (int i = 0; ok && i < rank; i++)
    {
      if (dims[i] != 0 && actual[i] != dims[i])
        ok = FALSE;
      total *= (double) actual[i];
    }
  if (space >= 0)
    H5Sclose (space);
  if (!ok || total > (double) max_elements)
    {
      g_autofree char *what = NULL;
      GString *want = g_string_new (NULL);
      for (int i = 0; i < rank; i++)
        {
          if (dims[i] != 0)
            g_string_append_printf (want, "%s%llu", i ? " × " : "", (unsigned long long) dims[i]);
          else
            g_string_append_printf (want, "%sn", i ? " × " : "");
        }
      what = g_strdup_printf ("has the wrong shape (expected %s)", want->str);
      g_string_free (want, TRUE);
      H5Dclose (set);
      missing (error, where, name, what);
      return H5I_INVALID_HID;
    }
  for (int i = 0; i < rank; i++)
    dims[i] = actual[i];
  return set;
}

static gboolean
read_all (hid_t loc, const char *where, const char *name, int rank, hsize_t *dims,
          H5T_class_t klass, hid_t mem_type, gsize elem, void **out, void *into, GError **error)
{
  hid_t set = lv_h5_open_dataset (loc, where, name, rank, dims, G_MAXUINT32, error);
  hid_t type;
  gsize total = 1;
  gboolean ok;

  if (set < 0)
    return FALSE;
  for (int i = 0; i < rank; i++)
    total *= dims[i];
  type = H5Dget_type (set);
  ok = type >= 0 && H5Tget_class (type) == klass;
  if (type >= 0)
    H5Tclose (type);
  if (ok && into == NULL)
    *out = into = g_malloc (MAX (total, 1) * elem);
  ok = ok && (total == 0 || H5Dread (set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, into) >= 0);
  H5Dclose (set);
  if (!ok)
    {
      if (out != NULL)
        g_clear_pointer (out, g_free);
      return missing (error, where, name, klass == H5T_FLOAT ? "is not readable as numbers"
                                                             : "is not readable as indices");
    }
  return TRUE;
}

gboolean
lv_h5_read_doubles (hid_t loc, const char *where, const char *name, gsize n, double **out,
                    GError **error)
{
  hsize_t dims = n;

  if (!read_all (loc, where, name, 1, &dims, H5T_FLOAT, H5T_NATIVE_DOUBLE, sizeof (double),
                 (void **) out, NULL, error))
    return FALSE;
  if (dims != n) /* n = 0 matched any length above */
    {
      g_clear_pointer (out, g_free);
      return missing (error, where, name, "has the wrong length");
    }
  return TRUE;
}

gboolean
lv_h5_read_uint32s (hid_t loc, const char *where, const char *name, gsize n, guint32 bound,
                    guint32 **out, GError **error)
{
  hsize_t dims = n;

  if (!read_all (loc, where, name, 1, &dims, H5T_INTEGER, H5T_NATIVE_UINT32, sizeof (guint32),
                 (void **) out, NULL, error))
    return FALSE;
  if (dims != n)
    {
      g_clear_pointer (out, g_free);
      return missing (error, where, name, "has the wrong length");
    }
  for (gsize i = 0; bound != G_MAXUINT32 && i < n; i++)
    if ((*out)[i] >= bound)
      {
        g_clear_pointer (out, g_free);
        return missing (error, where, name, "holds an index out of range");
      }
  return TRUE;
}

gboolean
lv_h5_read_floats (hid_t loc, const char *where, const char *name, gsize rows, gsize cols,
                   float *out, GError **error)
{
  hsize_t dims[2] = { rows, cols };

  return read_all (loc, where, name, cols == 0 ? 1 : 2, dims, H5T_FLOAT, H5T_NATIVE_FLOAT,
                   sizeof (float), NULL, out, error);
}
