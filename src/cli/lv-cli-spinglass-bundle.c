/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

/* `spinglass simulate --out FILE.h5`: checkpoints, signals, --resume
 * (lv-cli-spinglass-bundle.h). */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lv-cli-common.h"
#include "lv-cli-stop-signal.h"
#include "lv-cli-spinglass-bundle.h"

#define DEFAULT_CHECKPOINT_S 60

void
lv_cli_sg_bundle_clear (LvCliSpinGlassBundle *b)
{
  g_clear_pointer (&b->out, g_free);
  g_clear_pointer (&b->resume, g_free);
  g_clear_pointer (&b->bundle, lv_spin_glass_bundle_free);
}

void
lv_cli_sg_bundle_options_add (GOptionContext *context, LvCliSpinGlassBundle *b)
{
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &b->out,
      "Store every start's endpoint (energy, index, steps, gradient norm) in FILE.h5, with "
      "checkpoints", "FILE" },
    { "checkpoint", 0, 0, G_OPTION_ARG_INT, &b->checkpoint,
      "With --out: bring FILE up to date at least every SECONDS (default 60; 0: after every "
      "start)", "SECONDS" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &b->resume,
      "Continue the simulation stored in FILE.h5 with its settings (writes FILE unless --out "
      "says otherwise)", "FILE" },
    { NULL }
  };

  b->checkpoint = -1;
  g_option_context_add_main_entries (context, entries, NULL);
}

gboolean
lv_cli_sg_bundle_check_args (int argc, char **argv, gboolean *resume, GError **error)
{
  static const char *const fixed[] = {
    "p", "lambda", "runs", "method", "disorder", "seed", "tol", "max-steps", "eta", "parts",
    "double", "bf16",
  };

  *resume = FALSE;
  for (int i = 1; i < argc; i++)
    *resume |= g_str_has_prefix (argv[i], "--resume");
  for (int i = 1; *resume && i < argc; i++)
    for (guint k = 0; k < G_N_ELEMENTS (fixed); k++)
      {
        gsize n = strlen (fixed[k]);
        if (strncmp (argv[i], "--", 2) == 0 && strncmp (argv[i] + 2, fixed[k], n) == 0 &&
            (argv[i][2 + n] == '\0' || argv[i][2 + n] == '='))
          {
            g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                         "--resume continues with the settings stored in the bundle; --%s "
                         "would change them", fixed[k]);
            return FALSE;
          }
      }
  return TRUE;
}

gboolean
lv_cli_sg_bundle_prepare (LvCliSpinGlassBundle *b, LvSpinGlassConfig *base, guint *lambdas,
                          guint *n_sizes, GError **error)
{
  guint threads = base->n_threads;

  if (b->resume != NULL && b->out == NULL)
    b->out = g_strdup (b->resume);
  if (!lv_cli_check_int ("--checkpoint", b->checkpoint, -1, 7 * 24 * 3600, error))
    return FALSE;
  if (b->out == NULL)
    {
      if (b->checkpoint >= 0)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "--checkpoint needs --out FILE.h5");
          return FALSE;
        }
      return TRUE;
    }
  if (!lv_bundle_path_is_bundle (b->out) ||
      (b->resume != NULL && !lv_bundle_path_is_bundle (b->resume)))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--out and --resume take an HDF5 file ending in .h5");
      return FALSE;
    }
  if (!lv_bundle_is_available ())
    return lv_spin_glass_bundle_write (b->out, NULL, error); /* its own message */
  /* From here on SIGINT/SIGTERM end the simulation through a last checkpoint. */
  lv_cli_stop_signals_catch (TRUE);
  if (b->resume == NULL)
    {
      b->bundle = lv_spin_glass_bundle_new (base, lambdas, *n_sizes);
      return TRUE;
    }
  b->bundle = lv_spin_glass_bundle_load (b->resume, error);
  if (b->bundle == NULL)
    return FALSE;
  *base = b->bundle->config;
  base->n_threads = threads;
  *n_sizes = b->bundle->n_sizes;
  memcpy (lambdas, b->bundle->lambdas, *n_sizes * sizeof (guint));
  return TRUE;
}

/* ---- simulation with checkpoints ---------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  gint running;
} Watcher;

/* Turns a caught signal into a cancellation (the simulation polls its cancellable). */
static gpointer
watch_signals (gpointer data)
{
  Watcher *w = data;

  while (g_atomic_int_get (&w->running))
    {
      if (lv_cli_stop_signal () != 0)
        g_cancellable_cancel (w->cancellable);
      g_usleep (50 * 1000);
    }
  return NULL;
}

static gint64
period_us (const LvCliSpinGlassBundle *b)
{
  return (gint64) (b->checkpoint < 0 ? DEFAULT_CHECKPOINT_S : b->checkpoint) * G_USEC_PER_SEC;
}

/* Under b->lock. A failure mid-run is a warning: the last good checkpoint stays whole. */
static void
write_checkpoint_locked (LvCliSpinGlassBundle *b)
{
  g_autoptr(GError) error = NULL;

  if (!lv_spin_glass_bundle_write (b->out, b->bundle, &error))
    fprintf (stderr, "lossviz-cli: warning: checkpoint failed: %s\n", error->message);
  b->last_write = g_get_monotonic_time ();
}

/* From worker threads, as each start ends. */
static void
on_run (guint run, const LvSpinGlassRun *result, gpointer user_data)
{
  LvCliSpinGlassBundle *b = user_data;
  gsize k = (gsize) b->size * b->bundle->config.runs + run;

  g_mutex_lock (&b->lock);
  b->bundle->results[k] = *result;
  b->bundle->done[k] = TRUE;
  if (g_get_monotonic_time () - b->last_write >= period_us (b))
    write_checkpoint_locked (b);
  g_mutex_unlock (&b->lock);
}

static int
finish_size (LvCliSpinGlassBundle *b, guint i, const LvSpinGlassStats *stats)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&b->lock);
  b->bundle->complete[i] = TRUE;
  b->bundle->wall_seconds[i] = stats->wall_seconds;
  g_mutex_unlock (&b->lock);
  if (!lv_spin_glass_bundle_write (b->out, b->bundle, &error))
    return lv_cli_fail_message (LV_CLI_EXIT_RUNTIME, "%s", error->message);
  return LV_CLI_EXIT_OK;
}

/* The last checkpoint after SIGINT/SIGTERM; returns 128 + the signal. */
static int
interrupted (LvCliSpinGlassBundle *b)
{
  g_mutex_lock (&b->lock);
  write_checkpoint_locked (b);
  g_mutex_unlock (&b->lock);
  fprintf (stderr, "lossviz-cli: interrupted: %s holds the sizes finished so far; continue "
           "with --resume %s\n", b->out, b->out);
  return 128 + lv_cli_stop_signal ();
}

int
lv_cli_sg_bundle_simulate (LvCliSpinGlassBundle *b, guint i, const LvSpinGlassConfig *config,
                           LvSpinGlassRun *runs, LvSpinGlassStats *stats)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Watcher w = { cancellable, 1 };
  GThread *watcher;
  gboolean ok;

  if (b->bundle != NULL && lv_cli_stop_signal () != 0)
    return interrupted (b); /* a signal between two sizes */
  if (b->bundle == NULL)
    ok = lv_spin_glass_simulate (config, runs, stats, NULL, NULL, NULL, &error);
  else if (b->bundle->complete[i])
    {
      /* Kept from the resumed file: exactly what the uninterrupted run computed. */
      memcpy (runs, b->bundle->results + (gsize) i * config->runs,
              config->runs * sizeof (LvSpinGlassRun));
      stats->wall_seconds = b->bundle->wall_seconds[i];
      return LV_CLI_EXIT_OK;
    }
  else
    {
      b->size = i;
      /* A partly done size is recomputed whole: its starts run in GEMM batches whose
       * composition must match an uninterrupted run's. */
      memset (b->bundle->done + (gsize) i * config->runs, 0, config->runs * sizeof (gboolean));
      b->last_write = g_get_monotonic_time ();
      watcher = g_thread_new ("lv-signal-watch", watch_signals, &w);
      ok = lv_spin_glass_simulate (config, runs, stats, on_run, b, cancellable, &error);
      g_atomic_int_set (&w.running, 0);
      g_thread_join (watcher);
      if (ok)
        ok = finish_size (b, i, stats) == LV_CLI_EXIT_OK;
      if (lv_cli_stop_signal () != 0)
        return interrupted (b);
      if (ok)
        return LV_CLI_EXIT_OK;
      if (error == NULL)
        return LV_CLI_EXIT_RUNTIME; /* finish_size printed its error */
    }
  if (!ok)
    return lv_cli_fail (error);
  return LV_CLI_EXIT_OK;
}
