/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-session.h>

#include "lv-file-util-private.h"

static gboolean
write_all (int fd, const char *data, gsize length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

gboolean
lv_file_write_atomic (const char *path, const char *data, gsize length, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd, saved;

  fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  /* A crash at any point before rename() leaves the old file whole; fsync makes the new
   * content durable before it replaces the old name. */
  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write %s: %s", path,
                   g_strerror (saved ? saved : EIO));
      return FALSE;
    }
  fchmod (fd, 0644);
  if (close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

char *
lv_file_temp_name (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp (tmp);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write %s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&tmp);
}

/* fsync of the file, then rename, then fsync of the folder so the new name is durable too. */
gboolean
lv_file_commit_temp (const char *tmp, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (tmp, O_RDWR), saved = 0, dfd;

  if (fd < 0 || fsync (fd) != 0)
    saved = errno ? errno : EIO;
  if (fd >= 0)
    {
      fchmod (fd, 0644);
      if (close (fd) != 0 && saved == 0)
        saved = errno;
    }
  if (saved == 0 && g_rename (tmp, path) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_unlink (tmp);
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  dfd = open (dir, O_RDONLY | O_DIRECTORY);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}
