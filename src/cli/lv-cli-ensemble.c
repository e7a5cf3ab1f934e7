/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-probe.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-ensemble-bundle.h"
#include "lv-cli-ensemble-options.h"
#include "lv-cli-mpi.h"
#include "lv-cli-soak.h"

/*
 * `lossviz-cli ensemble`: options (lv-cli-ensemble-options.c) → training (the ensemble probe;
 * under mpirun the ranks, lv-cli-mpi-ensemble.c; for FILE.h5 the checkpointing loop,
 * lv-cli-ensemble-bundle.c) → output (lv-cli-ensemble-report.c, --out, --plot).
 */

/* What training gives the output stage. */
typedef struct
{
  LvEnsembleSnapshot *snapshot;
  guint n_threads;
  double elapsed;
} Trained;

/* The probe's progress callback: a progress line on a terminal's stderr. */
static void
show_progress (gpointer data, double fraction)
{
  const LvEnsembleProbeResult *result = data;

  fprintf (stderr, "\rtraining: %u/%u runs done", result->runs_ended, result->runs_total);
}

/* Checks the options, loads the dataset and makes the ensemble (with --resume's runs back). */
static LvEnsemble *
prepare (LvCliEnsembleOptions *o, LvCliBundleOptions *bundle, LvDatasetOptions *dopts,
         LvEnsembleConfig *config, LvDataset **dataset, GError **error)
{
  LvEnsemble *ensemble;

  if (!lv_cli_ensemble_options_build (o, dopts, config, error) ||
      !lv_cli_bundle_prepare (bundle, &o->dataset, dopts, config, &o->out, error) ||
      !lv_cli_ensemble_check_outputs (o->dataset, o->out, o->plot, o->plot_size, error))
    return NULL;
  *dataset = lv_dataset_load (o->dataset, dopts, error);
  if (*dataset == NULL)
    return NULL;
  ensemble = lv_ensemble_new (*dataset, config, error);
  if (ensemble != NULL &&
      (!lv_cli_ensemble_check_memory (config, *dataset, o->threads, error) ||
       !lv_cli_bundle_restore (bundle, ensemble, *dataset, error)))
    g_clear_pointer (&ensemble, lv_ensemble_free);
  return ensemble;
}

/* Under mpirun: runs split over the ranks; rank 0 alone reports and writes FILE.h5
 * checkpoints. FALSE with *rc when this rank has nothing (more) to print. */
static gboolean
train_mpi (const LvCliEnsembleOptions *o, const LvCliBundleOptions *bundle,
           LvEnsemble *ensemble, const LvDatasetOptions *dopts, Trained *t, int *rc)
{
  LvCliMpiCheckpoint ck = { o->out, o->dataset, dopts, bundle->checkpoint,
                            (guint) bundle->deflate, bundle->resumed_elapsed };
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  if (lv_ensemble_get_config (ensemble)->save_trajectory > 0)
    {
      *rc = lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                 "--save-trajectory: not supported under mpirun");
      return FALSE;
    }
  t->snapshot = lv_cli_mpi_ensemble_run (ensemble, (guint) o->threads,
                                         lv_bundle_path_is_bundle (o->out) ? &ck : NULL,
                                         &t->n_threads, &error);
  if (t->snapshot == NULL)
    {
      *rc = error != NULL ? lv_cli_fail (error) : LV_CLI_EXIT_OK;
      return FALSE;
    }
  t->elapsed = bundle->resumed_elapsed + (g_get_monotonic_time () - t0) / 1e6;
  return TRUE;
}

/* On this process's workers: the ensemble probe, or for FILE.h5 the checkpointing loop. */
static gboolean
train_local (const LvCliEnsembleOptions *o, LvCliBundleOptions *bundle, LvEnsemble *ensemble,
             const LvDatasetOptions *dopts, Trained *t, int *rc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_try_new ((guint) o->threads, &error);
  gboolean tty = isatty (STDERR_FILENO);

  if (pool == NULL)
    {
      *rc = lv_cli_fail (error);
      return FALSE;
    }
  t->n_threads = lv_worker_pool_get_n_threads (pool);
  if (lv_bundle_path_is_bundle (o->out))
    {
      /* FILE.h5: checkpoints while training, the final write included. */
      *rc = lv_cli_bundle_train (bundle, ensemble, pool, o->dataset, dopts, o->out, tty,
                                 &t->elapsed, &error);
      t->snapshot = lv_ensemble_snapshot (ensemble);
      return *rc == LV_CLI_EXIT_OK;
    }
  else
    {
      LvEnsembleProbeInput input = { ensemble, pool, 0 };
      LvEnsembleProbeResult result = { 0 };
      LvProbeContext context = LV_PROBE_CONTEXT_INIT (NULL);

      if (tty)
        {
          context.progress = show_progress;
          context.progress_data = &result;
        }
      /* Without a cancellable the probe always trains to the end. */
      lv_ensemble_probe_run (&input, &result, &context, NULL);
      if (tty)
        fprintf (stderr, "\r\033[K");
      t->snapshot = g_steal_pointer (&result.snapshot);
      t->elapsed = result.elapsed_s;
      lv_ensemble_probe_result_clear (&result);
      return TRUE;
    }
}

/* --out, --plot, then the JSON object or the table. A failed save (full disk) still prints
 * the results, then reports the failure. */
static int
write_outputs (const LvCliEnsembleOptions *o, const LvSession *session)
{
  g_autoptr(GError) error = NULL;

  if (o->out != NULL && !lv_bundle_path_is_bundle (o->out) &&
      !lv_session_save (session, o->out, &error))
    g_prefix_error (&error, "--out: ");
  if (error == NULL && o->plot != NULL &&
      !lv_cli_ensemble_plot (session, NULL, o->plot, o->plot_size, &error))
    g_prefix_error (&error, "--plot: ");
  if (o->json)
    lv_cli_ensemble_print_json (session);
  else
    lv_cli_ensemble_print_table (session);
  return error != NULL ? lv_cli_fail (error) : LV_CLI_EXIT_OK;
}

int
lv_cli_ensemble (int argc, char **argv)
{
  g_auto(LvCliEnsembleOptions) o = LV_CLI_ENSEMBLE_OPTIONS_INIT;
  g_auto(LvCliBundleOptions) bundle = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) dataset = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvSession) session = NULL;
  LvDatasetOptions dopts;
  LvEnsembleConfig config;
  Trained t = { 0 };
  int rc;

  if (!lv_cli_ensemble_options_parse (&o, &bundle, argc, argv, &rc))
    return rc;
  ensemble = prepare (&o, &bundle, &dopts, &config, &dataset, &error);
  if (ensemble == NULL)
    return lv_cli_fail (error);
  if (o.soak > 0 && lv_cli_mpi_size () > 1)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--soak: not supported under mpirun");
  if (o.soak > 0)
    return lv_cli_ensemble_soak (dataset, &config, (guint) o.threads, (guint) o.soak, o.json);
  if (!(lv_cli_mpi_size () > 1 ? train_mpi (&o, &bundle, ensemble, &dopts, &t, &rc)
                               : train_local (&o, &bundle, ensemble, &dopts, &t, &rc)))
    {
      g_clear_pointer (&t.snapshot, lv_ensemble_snapshot_free);
      return rc;
    }
  session = lv_session_new (o.dataset, &dopts, dataset, &config, t.snapshot, t.n_threads,
                            t.elapsed);
  return write_outputs (&o, session);
}
