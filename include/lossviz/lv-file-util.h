/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The one way LossViz writes a file (experiment files, figures, CSV, the app's exports):
 *
 * - the output path is checked first: a symbolic link is followed to its target (the link stays
 *   a link), a directory, FIFO, device or socket is refused, and the folder must exist and be
 *   writable (%LV_ERROR_IO: the CLI exits 2 before any work);
 * - the data goes to a temporary file ".NAME.XXXXXX" beside the target, is fsync'ed and renamed
 *   over it, so readers see the old file or the whole new one, never a part;
 * - an existing file keeps its permission bits; a new one gets 0666 minus the umask;
 * - the temporary is removed on every failure, and on SIGINT, SIGTERM, SIGHUP, SIGQUIT and
 *   SIGABRT once lv_file_install_signal_cleanup() has run;
 * - a full disk or file-size limit (ENOSPC, EDQUOT, EFBIG, EIO) is a run-time failure,
 *   %LV_ERROR_FAILED, whose message names the target, not the temporary.
 */

/* Checks that @path can be written (see above) without writing anything. */
gboolean lv_file_check_output (const char *path, GError **error);

typedef struct _LvAtomicFile LvAtomicFile;

/* Starts writing @path: checks it and creates the temporary (empty, open). */
LvAtomicFile *lv_atomic_file_begin (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The temporary's name, for writers that open files themselves (Cairo, HDF5): they may
 * truncate and rewrite it, then call lv_atomic_file_commit(). */
const char   *lv_atomic_file_get_temp_path (LvAtomicFile *file);
/* The target (symbolic links resolved), as error messages name it. */
const char   *lv_atomic_file_get_target (LvAtomicFile *file);
/* Replaces the temporary's contents with @data. */
gboolean      lv_atomic_file_set_contents (LvAtomicFile *file, const char *data, gsize length,
                                           GError **error);
/* fsync, permission bits, rename over the target. Frees @file, also on failure (then the
 * temporary is removed and the old file is untouched). */
gboolean      lv_atomic_file_commit (LvAtomicFile *file, GError **error);
/* Removes the temporary and frees @file. NULL is allowed. */
void          lv_atomic_file_abort (LvAtomicFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvAtomicFile, lv_atomic_file_abort)

/* Sets an error for a failed write of @path with errno @errnum: %LV_ERROR_FAILED (run time)
 * for ENOSPC, EDQUOT, EFBIG and EIO, %LV_ERROR_IO otherwise. */
void          lv_file_set_write_error (GError **error, const char *path, int errnum);

/* begin + set_contents + commit. */
gboolean lv_file_write_atomic (const char *path, const char *data, gsize length,
                               GError **error);

/* Installs handlers that remove pending temporaries and then die of the same signal, and makes
 * SIGXFSZ ignored so a file-size limit becomes an EFBIG error. For command-line programs. */
void     lv_file_install_signal_cleanup (void);

/* Reads a whole regular file of at most @max_bytes. A FIFO, device, directory or socket is
 * refused without opening it for reading (it could block or never end); a larger file is
 * refused before reading with "needs about X GB". Errors: %LV_ERROR_INVALID_INPUT. */
gboolean lv_file_read_regular (const char *path, gsize max_bytes, char **contents,
                               gsize *length, GError **error);

G_END_DECLS
