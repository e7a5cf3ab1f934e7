/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-file-util.h>
#include <lossviz/lv-memory-budget.h>

/* Symbolic links followed at most (the kernel's own limit is 40). */
#define MAX_LINKS 40

/* ---- temporaries a signal handler must remove ------------------------------------------- */

/* Fixed slots, because a signal handler may neither allocate nor lock: a slot is published by
 * filling its path and then setting its flag; the handler unlinks every flagged path. */
#define MAX_PENDING 16
static char pending_paths[MAX_PENDING][PATH_MAX];
static volatile sig_atomic_t pending_used[MAX_PENDING];
G_LOCK_DEFINE_STATIC (pending);

static int
pending_add (const char *tmp)
{
  int slot = -1;

  if (strlen (tmp) >= PATH_MAX)
    return -1;
  G_LOCK (pending);
  for (int i = 0; i < MAX_PENDING && slot < 0; i++)
    if (!pending_used[i])
      slot = i;
  if (slot >= 0)
    {
      strcpy (pending_paths[slot], tmp);
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
      pending_used[slot] = 1;
    }
  G_UNLOCK (pending);
  return slot;
}

static void
pending_remove (int slot)
{
  if (slot >= 0)
    pending_used[slot] = 0;
}

static void
cleanup_and_die (int sig)
{
  for (int i = 0; i < MAX_PENDING; i++)
    if (pending_used[i])
      unlink (pending_paths[i]);
  /* SA_RESETHAND restored the default action: die of the same signal, as the caller expects. */
  raise (sig);
}

void
lv_file_install_signal_cleanup (void)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT };
  struct sigaction action = { 0 };

  action.sa_handler = cleanup_and_die;
  action.sa_flags = SA_RESETHAND;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
  /* Past a file-size limit write() then fails with EFBIG, which is reported and cleaned up. */
  signal (SIGXFSZ, SIG_IGN);
}

/* ---- checking the output path ----------------------------------------------------------- */

void
lv_file_set_write_error (GError **error, const char *path, int errnum)
{
  gboolean runtime = errnum == ENOSPC || errnum == EFBIG || errnum == EIO
#ifdef EDQUOT
                     || errnum == EDQUOT
#endif
    ;

  g_set_error (error, LV_ERROR, runtime ? LV_ERROR_FAILED : LV_ERROR_IO, "cannot write '%s': %s",
               path, g_strerror (errnum));
}

static const char *
kind_of (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

/* Follows symbolic links from @path to the file they name (which may not exist yet). */
static char *
resolve_links (const char *path, GError **error)
{
  g_autofree char *current = g_strdup (path);

  for (int i = 0; i < MAX_LINKS; i++)
    {
      GStatBuf st;
      g_autofree char *target = NULL;

      if (g_lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);
      target = g_file_read_link (current, NULL);
      if (target == NULL)
        return g_steal_pointer (&current);
      if (!g_path_is_absolute (target))
        {
          g_autofree char *dir = g_path_get_dirname (current);
          g_autofree char *joined = g_build_filename (dir, target, NULL);
          g_free (target);
          target = g_steal_pointer (&joined);
        }
      g_free (current);
      current = g_steal_pointer (&target);
    }
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "cannot write '%s': too many levels of symbolic links", path);
  return NULL;
}

/* The target of @path, checked; @existing gets its stat when it exists (st_mode 0 when not). */
static char *
check_output (const char *path, GStatBuf *existing, GError **error)
{
  g_autofree char *target = NULL, *dir = NULL;
  GStatBuf dst;

  memset (existing, 0, sizeof *existing);
  if (path == NULL || *path == '\0')
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "empty output file name");
      return NULL;
    }
  target = resolve_links (path, error);
  if (target == NULL)
    return NULL;
  if (g_stat (target, existing) == 0 && !S_ISREG (existing->st_mode))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': it is %s", path,
                   kind_of (existing->st_mode));
      return NULL;
    }
  dir = g_path_get_dirname (target);
  if (g_stat (dir, &dst) != 0 || !S_ISDIR (dst.st_mode))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': folder '%s' does not exist",
                   path, dir);
      return NULL;
    }
  if (access (dir, W_OK | X_OK) != 0)
    {
      int saved = errno;
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': folder '%s': %s", path, dir,
                   g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&target);
}

gboolean
lv_file_check_output (const char *path, GError **error)
{
  GStatBuf st;
  g_autofree char *target = check_output (path, &st, error);

  return target != NULL;
}

/* ---- the atomic writer ------------------------------------------------------------------ */

struct _LvAtomicFile
{
  char *path;   /* as the caller named it, for messages */
  char *target; /* symbolic links resolved: what rename() replaces */
  char *tmp;
  int fd;
  int slot;
  mode_t mode;  /* permission bits to keep, or 0 for a new file */
};

LvAtomicFile *
lv_atomic_file_begin (const char *path, GError **error)
{
  g_autoptr(LvAtomicFile) f = g_new0 (LvAtomicFile, 1);
  g_autofree char *dir = NULL, *base = NULL;
  GStatBuf st;

  f->fd = -1;
  f->slot = -1;
  f->path = g_strdup (path);
  f->target = check_output (path, &st, error);
  if (f->target == NULL)
    return NULL;
  f->mode = st.st_mode & 07777;
  dir = g_path_get_dirname (f->target);
  base = g_path_get_basename (f->target);
  f->tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  /* 0666 here: open() applies the umask, which is what a new file should get. */
  f->fd = g_mkstemp_full (f->tmp, O_RDWR | O_CLOEXEC, 0666);
  if (f->fd < 0)
    {
      int saved = errno;
      g_clear_pointer (&f->tmp, g_free);
      lv_file_set_write_error (error, path, saved);
      return NULL;
    }
  f->slot = pending_add (f->tmp);
  return g_steal_pointer (&f);
}

const char *
lv_atomic_file_get_temp_path (LvAtomicFile *file)
{
  return file->tmp;
}

const char *
lv_atomic_file_get_target (LvAtomicFile *file)
{
  return file->target;
}

static gboolean
write_all (int fd, const char *data, gsize length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

gboolean
lv_atomic_file_set_contents (LvAtomicFile *file, const char *data, gsize length,
                             GError **error)
{
  if (ftruncate (file->fd, 0) != 0 || lseek (file->fd, 0, SEEK_SET) != 0 ||
      !write_all (file->fd, data, length))
    {
      lv_file_set_write_error (error, file->path, errno);
      return FALSE;
    }
  return TRUE;
}

void
lv_atomic_file_abort (LvAtomicFile *file)
{
  if (file == NULL)
    return;
  if (file->fd >= 0)
    close (file->fd);
  if (file->tmp != NULL)
    g_unlink (file->tmp);
  pending_remove (file->slot);
  g_free (file->path);
  g_free (file->target);
  g_free (file->tmp);
  g_free (file);
}

gboolean
lv_atomic_file_commit (LvAtomicFile *file, GError **error)
{
  int saved = 0;

  /* fsync makes the new content durable before its name replaces the old file; a crash at any
   * point before rename() leaves the old file whole. */
  if (fsync (file->fd) != 0 || (file->mode != 0 && fchmod (file->fd, file->mode) != 0))
    saved = errno;
  if (close (file->fd) != 0 && saved == 0)
    saved = errno;
  file->fd = -1;
  if (saved == 0 && g_rename (file->tmp, file->target) != 0)
    saved = errno;
  if (saved != 0)
    {
      lv_file_set_write_error (error, file->path, saved);
      lv_atomic_file_abort (file);
      return FALSE;
    }
  g_clear_pointer (&file->tmp, g_free);
  lv_atomic_file_abort (file);
  return TRUE;
}

gboolean
lv_file_write_atomic (const char *path, const char *data, gsize length, GError **error)
{
  LvAtomicFile *file = lv_atomic_file_begin (path, error);

  if (file == NULL)
    return FALSE;
  if (!lv_atomic_file_set_contents (file, data, length, error))
    {
      lv_atomic_file_abort (file);
      return FALSE;
    }
  return lv_atomic_file_commit (file, error);
}

/* ---- reading ---------------------------------------------------------------------------- */

gboolean
lv_file_read_regular (const char *path, gsize max_bytes, char **contents, gsize *length,
                      GError **error)
{
  g_autofree char *buf = NULL;
  GStatBuf st;
  gsize done = 0;
  int fd;

  /* stat first: opening a FIFO for reading blocks until a writer appears. */
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: cannot open: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: cannot read: it is %s, not a regular file", path, kind_of (st.st_mode));
      return FALSE;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      g_autofree char *what = g_strdup_printf ("reading %s", path);
      return lv_memory_refuse (what, (double) st.st_size, (double) max_bytes, error);
    }
  if (!lv_memory_check (path, (double) st.st_size + 1, error))
    return FALSE;
  /* O_NONBLOCK: should the file have been swapped for a FIFO since the stat, open() returns. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) ||
      (guint64) st.st_size > max_bytes)
    {
      int saved = fd < 0 ? errno : EINVAL;
      if (fd >= 0)
        close (fd);
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: cannot read: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  buf = g_try_malloc ((gsize) st.st_size + 1);
  while (buf != NULL && done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, buf + done, (gsize) st.st_size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: cannot read: %s", path,
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break; /* the file shrank: keep what was read, the parser judges it */
      done += (gsize) n;
    }
  close (fd);
  if (buf == NULL)
    return lv_memory_refuse (path, (double) st.st_size, 0, error);
  buf[done] = '\0';
  *contents = g_steal_pointer (&buf);
  if (length != NULL)
    *length = done;
  return TRUE;
}
