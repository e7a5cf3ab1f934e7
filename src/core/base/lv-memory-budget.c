/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-memory-budget.h>

/* Address space mapped now, from /proc/self/statm (pages); 0 when unknown. */
static double
mapped_bytes (void)
{
  unsigned long pages = 0;
  FILE *f = fopen ("/proc/self/statm", "re");

  if (f == NULL)
    return 0;
  if (fscanf (f, "%lu", &pages) != 1)
    pages = 0;
  fclose (f);
  return (double) pages * (double) sysconf (_SC_PAGESIZE);
}

double
lv_memory_available (void)
{
  struct rlimit limit;
  double available = (double) sysconf (_SC_PHYS_PAGES) * (double) sysconf (_SC_PAGESIZE);

  if (available <= 0)
    available = G_MAXDOUBLE;
  if (getrlimit (RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    available = MIN (available, MAX (0.0, (double) limit.rlim_cur - mapped_bytes ()));
  return available;
}

static char *
format_size (double bytes)
{
  if (bytes >= 0.1e9)
    return g_strdup_printf ("%.1f GB", bytes / 1e9);
  return g_strdup_printf ("%.1f MB", bytes / 1e6);
}

gboolean
lv_memory_refuse (const char *what, double bytes, double available, GError **error)
{
  g_autofree char *need = format_size (bytes);
  g_autofree char *have = format_size (available);

  if (available > 0)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "%s needs about %s of memory, more than the %s available", what, need, have);
  else
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "%s needs about %s of memory, which could not be allocated", what, need);
  return FALSE;
}

gboolean
lv_memory_check (const char *what, double bytes, GError **error)
{
  double available = lv_memory_available ();

  if (bytes > available)
    return lv_memory_refuse (what, bytes, MAX (available, 1.0), error);
  return TRUE;
}
