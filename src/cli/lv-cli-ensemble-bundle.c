/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

/* `ensemble --out FILE.h5`: checkpoints, signals and `--resume` (lv-cli-ensemble-bundle.h). */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "lv-cli-common.h"
#include "lv-cli-stop-signal.h"
#include "lv-cli-ensemble-bundle.h"

#define DEFAULT_CHECKPOINT_S 60

void
lv_cli_bundle_options_clear (LvCliBundleOptions *b)
{
  g_clear_pointer (&b->resume, g_free);
  g_clear_pointer (&b->resumed, lv_bundle_free);
}

void
lv_cli_bundle_options_add (GOptionContext *context, LvCliBundleOptions *b)
{
  const GOptionEntry entries[] = {
    { "checkpoint", 0, 0, G_OPTION_ARG_INT, &b->checkpoint,
      "With --out FILE.h5: bring FILE up to date with every finished run at least every "
      "SECONDS (default 60; 0: after every run)", "SECONDS" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &b->resume,
      "Continue the experiment of FILE.h5 with its stored configuration, training only the "
      "missing runs (writes FILE unless --out says otherwise)", "FILE" },
    { "save-trajectory", 0, 0, G_OPTION_ARG_INT, &b->save_trajectory,
      "With --out FILE.h5: also store every run's parameters every K epochs", "K" },
    { "deflate", 0, 0, G_OPTION_ARG_INT, &b->deflate,
      "With --out FILE.h5: gzip level 0..9 of the stored parameters (default 0)", "LEVEL" },
    { NULL }
  };

  b->checkpoint = -1;
  g_option_context_add_main_entries (context, entries, NULL);
}

gboolean
lv_cli_bundle_check_args (int argc, char **argv, GError **error)
{
  /* Everything build_config reads, plus what shapes the stored data. */
  static const char *const fixed[] = {
    "dataset", "downsample", "test-fraction", "sizes", "runs", "epochs", "depth", "activation",
    "loss", "init", "batch", "lr", "lr-decay", "momentum", "reg-degree", "reg-lambda",
    "reg-kind", "no-hidden-bias", "seed", "shared-order", "fuse-block", "save-trajectory",
    "soak",
  };
  gboolean resume = FALSE;

  for (int i = 1; i < argc; i++)
    resume |= g_str_has_prefix (argv[i], "--resume");
  for (int i = 1; resume && i < argc; i++)
    for (guint k = 0; k < G_N_ELEMENTS (fixed); k++)
      {
        gsize n = strlen (fixed[k]);
        if (strncmp (argv[i], "--", 2) == 0 && strncmp (argv[i] + 2, fixed[k], n) == 0 &&
            (argv[i][2 + n] == '\0' || argv[i][2 + n] == '='))
          {
            g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                         "--resume continues with the configuration stored in the bundle; "
                         "--%s would change it (start a new experiment instead)", fixed[k]);
            return FALSE;
          }
      }
  return TRUE;
}

static gboolean
check_options (const LvCliBundleOptions *b, const char *out, GError **error)
{
  gboolean bundle_out = lv_bundle_path_is_bundle (out);

  if (!lv_cli_check_int ("--checkpoint", b->checkpoint, -1, 7 * 24 * 3600, error) ||
      !lv_cli_check_int ("--save-trajectory", b->save_trajectory, 0, 1000000, error) ||
      !lv_cli_check_int ("--deflate", b->deflate, 0, 9, error))
    return FALSE;
  if (!bundle_out && (b->checkpoint >= 0 || b->save_trajectory > 0 || b->deflate > 0))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--checkpoint, --save-trajectory and --deflate need --out FILE.h5");
      return FALSE;
    }
  if ((bundle_out || b->resume != NULL) && !lv_bundle_is_available ())
    return lv_bundle_write (out, NULL, NULL, NULL, NULL, NULL, error); /* its own message */
  if (b->resume != NULL && !lv_bundle_path_is_bundle (b->resume))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--resume: '%s' is not a .h5 experiment bundle", b->resume);
      return FALSE;
    }
  return TRUE;
}

gboolean
lv_cli_bundle_prepare (LvCliBundleOptions *b, char **dataset_spec, LvDatasetOptions *dopts,
                       LvEnsembleConfig *config, char **out, GError **error)
{
  LvSession *s;

  if (b->resume != NULL && *out == NULL)
    *out = g_strdup (b->resume);
  if (!check_options (b, *out, error))
    return FALSE;
  config->save_trajectory = (guint) b->save_trajectory;
  if (b->resume == NULL)
    return TRUE;
  b->resumed = lv_bundle_load (b->resume, LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY,
                               error);
  if (b->resumed == NULL)
    return FALSE;
  s = b->resumed->session;
  g_free (*dataset_spec);
  *dataset_spec = g_strdup (s->dataset_spec);
  *dopts = s->dataset_options;
  *config = s->config;
  config->save_trajectory = b->resumed->save_trajectory;
  b->save_trajectory = (int) b->resumed->save_trajectory;
  b->resumed_elapsed = s->elapsed_s;
  return TRUE;
}

static gboolean
same_doubles (const double *a, const double *b, guint n)
{
  return (a == NULL) == (b == NULL) && (a == NULL || memcmp (a, b, n * sizeof (double)) == 0);
}

static gboolean
same_indices (const guint32 *a, const guint32 *b, guint n)
{
  return (a == NULL) == (b == NULL) && (a == NULL || memcmp (a, b, n * sizeof (guint32)) == 0);
}

/* The data must be the same samples, split and scaled the same way, or the resumed runs
 * would not be the runs an uninterrupted experiment trains. */
static gboolean
check_same_dataset (const LvBundle *bundle, const LvDataset *dataset, GError **error)
{
  const LvDatasetInfo *info = &bundle->session->dataset;
  LvBundlePrep now;
  gboolean same;

  lv_bundle_prep_from_dataset (&now, dataset, &bundle->session->dataset_options);
  same = info->n_train == dataset->n_train && info->n_test == dataset->n_test &&
         info->n_inputs == dataset->n_inputs && info->n_classes == dataset->n_classes &&
         info->has_targets == (dataset->t_train != NULL) &&
         same_doubles (now.mean, bundle->prep.mean, now.n_inputs) &&
         same_doubles (now.scale, bundle->prep.scale, now.n_inputs) &&
         same_indices (now.train_indices, bundle->prep.train_indices, now.n_train) &&
         same_indices (now.test_indices, bundle->prep.test_indices, now.n_test);
  lv_bundle_prep_clear (&now);
  if (!same)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "--resume: the dataset '%s' is not the data the bundle was trained on (its "
                 "samples, split or standardisation differ)", bundle->session->dataset_spec);
  return same;
}

gboolean
lv_cli_bundle_restore (LvCliBundleOptions *b, LvEnsemble *ensemble, const LvDataset *dataset,
                       GError **error)
{
  LvEnsembleSnapshot *snap;

  if (b->resumed == NULL)
    return TRUE;
  if (!check_same_dataset (b->resumed, dataset, error))
    return FALSE;
  snap = b->resumed->session->snapshot;
  for (guint i = 0; i < snap->n_runs; i++)
    {
      LvBundleRunParams *p = &b->resumed->runs[i];
      LvRunState state = snap->runs[i].state;

      if (state != LV_RUN_FINISHED && state != LV_RUN_DIVERGED)
        continue;
      lv_ensemble_restore_run (ensemble, i, &snap->runs[i], g_steal_pointer (&p->params),
                               p->n_trajectory, g_steal_pointer (&p->trajectory_epochs),
                               g_steal_pointer (&p->trajectory));
      p->n_trajectory = 0;
    }
  return TRUE;
}

/* ---- the checkpoint writer ---------------------------------------------------------------- */

typedef struct
{
  LvEnsemble *ensemble;
  LvBundleRunParams current; /* the one run handed to the writer, freed at the next */
} EnsembleFetch;

static void
fetch_from_ensemble (guint index, LvBundleRunParams *out, gpointer user_data)
{
  EnsembleFetch *f = user_data;
  LvMlpShape shape;

  lv_bundle_run_params_clear (&f->current);
  if (lv_ensemble_copy_params (f->ensemble, index, &shape, &f->current.params))
    lv_ensemble_copy_trajectory (f->ensemble, index, &f->current.n_trajectory,
                                 &f->current.trajectory_epochs, &f->current.trajectory);
  *out = f->current;
}

gboolean
lv_cli_bundle_write_ensemble (LvEnsemble *ensemble, const char *dataset_spec,
                              const LvDatasetOptions *dopts, guint threads, double elapsed,
                              const char *path, guint deflate, GError **error)
{
  LvDataset *dataset = lv_ensemble_get_dataset (ensemble);
  const LvEnsembleConfig *config = lv_ensemble_get_config (ensemble);
  g_autoptr(LvSession) session = NULL;
  LvBundleWriteOptions options = { config->save_trajectory, deflate };
  EnsembleFetch fetch = { ensemble, { 0 } };
  LvBundlePrep prep;
  gboolean ok;

  session = lv_session_new (dataset_spec, dopts, dataset, config,
                            lv_ensemble_snapshot (ensemble), threads, elapsed);
  lv_bundle_prep_from_dataset (&prep, dataset, dopts);
  ok = lv_bundle_write (path, session, &prep, &options, fetch_from_ensemble, &fetch, error);
  lv_bundle_run_params_clear (&fetch.current);
  lv_bundle_prep_clear (&prep);
  return ok;
}

/* ---- training with checkpoints ------------------------------------------------------------ */

static guint
runs_done (LvEnsemble *ensemble)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);

  return snap->finished + snap->diverged;
}

typedef struct
{
  LvCliBundleOptions *b;
  LvEnsemble *ensemble;
  const char *spec;
  const LvDatasetOptions *dopts;
  const char *path;
  guint threads;
  gint64 t0;
  guint written;   /* runs done at the last checkpoint */
  guint count;     /* checkpoints written */
  gint64 spent;    /* µs of wall time spent writing them (fsync waits included) */
  double cpu;      /* s of this thread's CPU time spent writing them */
} Checkpointer;

static double
thread_cpu_s (void)
{
  struct timespec t;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double
elapsed_s (const Checkpointer *c)
{
  return c->b->resumed_elapsed + (g_get_monotonic_time () - c->t0) / 1e6;
}

/* Writes a checkpoint; a failure mid-run is a warning (the old checkpoint stays whole). */
static gboolean
checkpoint (Checkpointer *c, guint done, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  double c0 = thread_cpu_s ();
  gboolean ok = lv_cli_bundle_write_ensemble (c->ensemble, c->spec, c->dopts, c->threads,
                                              elapsed_s (c), c->path, (guint) c->b->deflate,
                                              error);

  c->spent += g_get_monotonic_time () - t0;
  c->cpu += thread_cpu_s () - c0;
  c->count += ok;
  if (ok)
    c->written = done;
  return ok;
}

/* One stderr line, so the cost of checkpointing is visible (README "Checkpoint and resume"):
 * the writer's CPU time is what it takes from training; its wall time also counts the fsync
 * waits, during which the workers keep training. */
static void
report_cost (const Checkpointer *c, guint threads)
{
  GStatBuf st;
  double mb = g_stat (c->path, &st) == 0 ? st.st_size / 1e6 : 0;
  double total = (g_get_monotonic_time () - c->t0) / 1e6;

  fprintf (stderr, "lossviz-cli: %u bundle writes (checkpoints and final): %.2f s CPU "
           "(%.2f %% of %u threads × %.1f s), %.2f s wall; %s is %.1f MB\n", c->count, c->cpu,
           total > 0 ? 100.0 * c->cpu / (total * threads) : 0.0, threads, total,
           c->spent / 1e6, c->path, mb);
}

int
lv_cli_bundle_train (LvCliBundleOptions *b, LvEnsemble *ensemble, LvWorkerPool *pool,
                     const char *dataset_spec, const LvDatasetOptions *dopts, const char *path,
                     gboolean progress, double *elapsed, GError **error)
{
  Checkpointer c = { b, ensemble, dataset_spec, dopts, path, lv_worker_pool_get_n_threads (pool),
                     g_get_monotonic_time (), G_MAXUINT, 0, 0 };
  gint64 period = (gint64) (b->checkpoint < 0 ? DEFAULT_CHECKPOINT_S : b->checkpoint) *
                  G_USEC_PER_SEC;
  gint64 last = g_get_monotonic_time (), shown = 0;
  const LvEnsembleConfig *config = lv_ensemble_get_config (ensemble);
  guint total = config->n_sizes * config->runs;

  lv_cli_stop_signals_catch (TRUE);
  lv_ensemble_start (ensemble, pool);
  /* Polls: counting finished runs copies every record, so only when a checkpoint is due or
   * the progress line (once a second) needs it. */
  while (!lv_ensemble_is_done (ensemble) && lv_cli_stop_signal () == 0)
    {
      gint64 now = g_get_monotonic_time ();
      if (now - last >= period)
        {
          guint done = runs_done (ensemble);
          g_autoptr(GError) local = NULL;
          if (done != c.written && !checkpoint (&c, done, &local))
            fprintf (stderr, "lossviz-cli: warning: checkpoint failed: %s\n", local->message);
          last = g_get_monotonic_time ();
        }
      if (progress && now - shown >= G_USEC_PER_SEC)
        {
          fprintf (stderr, "\rtraining: %u/%u runs done, %u in the last checkpoint",
                   runs_done (ensemble), total, c.written == G_MAXUINT ? 0 : c.written);
          shown = now;
        }
      g_usleep (50 * 1000);
    }
  if (progress)
    fprintf (stderr, "\r\033[K");
  if (lv_cli_stop_signal () != 0)
    {
      int signo = lv_cli_stop_signal ();
      lv_ensemble_cancel (ensemble);
      lv_ensemble_wait (ensemble);
      lv_cli_stop_signals_catch (FALSE);
      if (!checkpoint (&c, runs_done (ensemble), error))
        {
          lv_cli_fail (*error);
          return LV_CLI_EXIT_RUNTIME;
        }
      fprintf (stderr, "lossviz-cli: interrupted: %u of %u runs saved in %s; continue with "
               "--resume %s\n", c.written, total, path, path);
      return 128 + signo;
    }
  lv_ensemble_wait (ensemble);
  lv_cli_stop_signals_catch (FALSE);
  *elapsed = elapsed_s (&c);
  if (!checkpoint (&c, runs_done (ensemble), error))
    {
      lv_cli_fail (*error);
      return LV_CLI_EXIT_RUNTIME; /* a write failing after training is a run-time failure */
    }
  report_cost (&c, c.threads);
  return LV_CLI_EXIT_OK;
}
