/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lv-cli-ensemble-bundle.h"
#include "lv-cli-mpi.h"

/*
 * `mpirun -n N lossviz-cli ensemble …`: dynamic balancing over ranks.
 *
 * Units. The unit of work is one task of the ensemble's own layout (lv_ensemble_get_task()):
 * a single run, or with --shared-order a fused block of consecutive runs of one width. A unit
 * is trained by a one-size ensemble with runs = its count and first_run = its first run, which
 * rebuilds exactly that task (same seeds, same shared order, same block), so every run is
 * bit-identical to the single-process run whatever N and --threads.
 *
 * Protocol. Rank 0 keeps the list of units, largest estimated cost first (costs differ ~20×
 * between widths; handing the big ones out first keeps the tail short). Every rank, rank 0
 * included, keeps as many units in flight as it has worker threads; when one finishes it
 * sends the unit's records to rank 0 (rank 0 keeps its own) and asks for the next. Rank 0
 * also computes: its main thread only answers small requests between polls, so a pure master
 * would leave a core idle on a small cluster, and nothing on rank 0 ever spins in MPI's busy
 * wait (lv-cli-mpi.c sleeps between polls). Only results travel: 4 + 3·epochs doubles per
 * run, plus its final weights (one double per parameter, exact) when rank 0 writes a bundle —
 * never gradients or anything per step.
 *
 * Rank 0 files every unit into the full, never-started ensemble with lv_ensemble_restore_run()
 * (record and weights), the same way --resume puts stored runs back; so the checkpoint writer
 * of `--out FILE.h5` (lv_cli_bundle_write_ensemble) and the final snapshot need nothing new,
 * and a resumed experiment skips the units whose runs are all back, whatever N was before.
 */

enum { TAG_REQUEST = 101, TAG_WORK, TAG_RESULT };

typedef struct
{
  guint first; /* first slot: size index × runs + run */
  guint count;
  double cost;
} Unit;

typedef struct
{
  guint unit;
  LvEnsemble *sub;
} Flight;

typedef struct
{
  LvEnsemble *full;      /* rank 0: receives every unit's runs */
  const LvEnsembleConfig *config;
  const LvCliMpiCheckpoint *checkpoint; /* nullable */
  LvWorkerPool *pool;
  guint threads;
  Unit *units;
  guint n_units;
  guint next;            /* rank 0: next unit to hand out */
  guint collected;       /* rank 0: units whose records are in */
  guint checkpointed;    /* rank 0: units in the last checkpoint */
  gint64 t0, last_checkpoint;
  guint workers_told;    /* rank 0: ranks told there is no more work */
  gboolean exhausted;    /* this rank was told there is no more work */
  GArray *flights;
} Dist;

static int
by_cost_descending (const void *a, const void *b)
{
  const Unit *x = a, *y = b;

  if (x->cost != y->cost)
    return x->cost > y->cost ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first;
}

/* Whether every run of the task is already in the ensemble (restored by --resume). */
static gboolean
task_restored (const LvEnsembleSnapshot *snap, guint first, guint count)
{
  for (guint k = 0; k < count; k++)
    if (snap->runs[first + k].state != LV_RUN_FINISHED &&
        snap->runs[first + k].state != LV_RUN_DIVERGED)
      return FALSE;
  return TRUE;
}

/* The ensemble's tasks still to train, costliest first. Cost ≈ runs × weights of one network.
 * Every rank computes the same list from the same configuration and restored runs. */
static Unit *
plan_units (LvEnsemble *ensemble, guint *n_units)
{
  const LvEnsembleConfig *config = lv_ensemble_get_config (ensemble);
  const LvDataset *ds = lv_ensemble_get_dataset (ensemble);
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);
  guint n = lv_ensemble_get_n_tasks (ensemble), kept = 0;
  Unit *units = g_new (Unit, MAX (n, 1));

  for (guint t = 0; t < n; t++)
    {
      Unit *u = &units[kept];
      double h;

      lv_ensemble_get_task (ensemble, t, &u->first, &u->count);
      if (task_restored (snap, u->first, u->count))
        continue;
      h = config->sizes[u->first / config->runs];
      u->cost = u->count * h * (ds->n_inputs + (config->depth - 1) * h + ds->n_classes);
      kept++;
    }
  qsort (units, kept, sizeof *units, by_cost_descending);
  *n_units = kept;
  return units;
}

/* Parameters of one network of the unit's width when weights travel, else 0. */
static gsize
unit_params (const Dist *d, const Unit *u)
{
  const LvDataset *ds = lv_ensemble_get_dataset (d->full);
  guint outputs = d->config->loss == LV_LOSS_MSE && ds->t_train != NULL ? 1 : ds->n_classes;
  LvMlpShape shape;

  if (d->checkpoint == NULL)
    return 0;
  lv_mlp_shape_init (&shape, ds->n_inputs, d->config->depth,
                     d->config->sizes[u->first / d->config->runs], outputs,
                     d->config->activation, d->config->loss, d->config->bias, NULL);
  return lv_mlp_n_params (&shape);
}

static gsize
run_doubles (const Dist *d, const Unit *u)
{
  return 4 + 3 * (gsize) d->config->train.epochs + unit_params (d, u);
}

/* The message of a finished unit: [unit, then per run: state, epochs_done, grad_norm,
 * has_weights, train loss, test loss, test accuracy for every configured epoch (NAN past
 * epochs_done), and with a bundle its final weights (floats widened to doubles, exact)]. */
static double *
pack_unit (const Dist *d, const Flight *f, gsize *length)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (f->sub);
  guint epochs = d->config->train.epochs;
  gsize per_run = run_doubles (d, &d->units[f->unit]);
  gsize n_params = unit_params (d, &d->units[f->unit]);
  double *msg = g_new (double, 1 + per_run * snap->n_runs);

  msg[0] = f->unit;
  for (guint k = 0; k < snap->n_runs; k++)
    {
      const LvRunRecord *r = &snap->runs[k];
      double *out = msg + 1 + k * per_run;
      g_autofree float *params = NULL;
      LvMlpShape shape;

      out[0] = r->state;
      out[1] = r->epochs_done;
      out[2] = r->grad_norm;
      for (guint e = 0; e < epochs; e++)
        {
          gboolean has = e < r->epochs_done;
          out[4 + e] = has ? r->train_loss[e] : NAN;
          out[4 + epochs + e] = has ? r->test_loss[e] : NAN;
          out[4 + 2 * epochs + e] = has ? r->test_accuracy[e] : NAN;
        }
      out[3] = n_params > 0 && lv_ensemble_copy_params (f->sub, k, &shape, &params);
      for (gsize i = 0; i < n_params; i++)
        out[4 + 3 * epochs + i] = params != NULL ? params[i] : 0;
    }
  *length = 1 + per_run * snap->n_runs;
  return msg;
}

/* Rank 0: puts a unit's runs (records and weights) into the full ensemble; FALSE for a
 * malformed message. */
static gboolean
unpack_unit (Dist *d, const double *msg, gsize length)
{
  guint epochs = d->config->train.epochs;
  const Unit *u;
  gsize per_run, n_params;

  if (length < 1 || !(msg[0] >= 0 && msg[0] < d->n_units))
    return FALSE;
  u = &d->units[(guint) msg[0]];
  per_run = run_doubles (d, u);
  n_params = unit_params (d, u);
  if (length != 1 + per_run * u->count)
    return FALSE;
  for (guint k = 0; k < u->count; k++)
    {
      const double *in = msg + 1 + k * per_run;
      LvRunRecord r = { 0 };
      float *params = NULL;

      r.state = (LvRunState) in[0];
      r.epochs_done = (guint) CLAMP (in[1], 0, epochs);
      r.grad_norm = in[2];
      r.train_loss = (double *) in + 4;
      r.test_loss = (double *) in + 4 + epochs;
      r.test_accuracy = (double *) in + 4 + 2 * epochs;
      if (in[3] != 0)
        {
          params = g_new (float, n_params);
          for (gsize i = 0; i < n_params; i++)
            params[i] = (float) in[4 + 3 * epochs + i];
        }
      /* Copies the curves, takes the weights. */
      lv_ensemble_restore_run (d->full, u->first + k, &r, params, 0, NULL, NULL);
    }
  d->collected++;
  return TRUE;
}

/* Rank 0: brings the bundle up to date when new units came in and the period has passed (or
 * at the end). A failed periodic write is a warning: the previous checkpoint stays whole. */
static gboolean
write_checkpoint (Dist *d, gboolean final, GError **error)
{
  const LvCliMpiCheckpoint *c = d->checkpoint;
  gint64 now = g_get_monotonic_time ();
  /* The bundle's own default period (lv-cli-ensemble-bundle.c) when --checkpoint is unset. */
  gint64 period = (gint64) (c->period_s < 0 ? 60 : c->period_s) * G_USEC_PER_SEC;
  g_autoptr(GError) local = NULL;
  double elapsed = c->resumed_elapsed + (now - d->t0) / 1e6;

  if (!final && (d->collected == d->checkpointed || now - d->last_checkpoint < period))
    return TRUE;
  if (!lv_cli_bundle_write_ensemble (d->full, c->dataset_spec, c->dopts, d->threads, elapsed,
                                     c->path, c->deflate, final ? error : &local))
    {
      if (!final)
        g_printerr ("lossviz-cli: warning: checkpoint not written: %s\n", local->message);
      return !final;
    }
  d->checkpointed = d->collected;
  d->last_checkpoint = now;
  return TRUE;
}

/* The next unit for this rank, or -1 when there is none left. */
static gint
next_unit (Dist *d)
{
  double request = lv_cli_mpi_rank (), answer;

  if (lv_cli_mpi_is_root ())
    return d->next < d->n_units ? (gint) d->next++ : -1;
  lv_cli_mpi_send (0, TAG_REQUEST, &request, 1);
  lv_cli_mpi_probe_wait (0, TAG_WORK, NULL, NULL);
  lv_cli_mpi_recv (0, TAG_WORK, &answer, 1);
  return (gint) answer;
}

static gboolean
start_unit (Dist *d, guint unit, GError **error)
{
  const Unit *u = &d->units[unit];
  LvEnsembleConfig sub = *d->config;
  Flight f = { unit, NULL };

  sub.sizes[0] = d->config->sizes[u->first / d->config->runs];
  sub.n_sizes = 1;
  sub.runs = u->count;
  sub.first_run = d->config->first_run + u->first % d->config->runs;
  f.sub = lv_ensemble_new (lv_ensemble_get_dataset (d->full), &sub, error);
  if (f.sub == NULL)
    return FALSE;
  lv_ensemble_start (f.sub, d->pool);
  g_array_append_val (d->flights, f);
  return TRUE;
}

/* Sends (or, on rank 0, files) the records of every finished unit. */
static void
finish_flights (Dist *d)
{
  for (guint i = d->flights->len; i-- > 0;)
    {
      Flight *f = &g_array_index (d->flights, Flight, i);
      g_autofree double *msg = NULL;
      gsize length;

      if (!lv_ensemble_is_done (f->sub))
        continue;
      msg = pack_unit (d, f, &length);
      if (lv_cli_mpi_is_root ())
        unpack_unit (d, msg, length);
      else
        lv_cli_mpi_send (0, TAG_RESULT, msg, length);
      lv_ensemble_free (f->sub);
      g_array_remove_index_fast (d->flights, i);
    }
}

/* Rank 0: answers every waiting request and files every waiting result. */
static gboolean
serve (Dist *d, GError **error)
{
  int from, tag;
  gsize n;

  while (lv_cli_mpi_probe (&from, &tag, &n))
    {
      g_autofree double *msg = g_new (double, MAX (n, 1));

      lv_cli_mpi_recv (from, tag, msg, n);
      if (tag == TAG_REQUEST)
        {
          double answer = d->next < d->n_units ? (double) d->next++ : -1.0;
          d->workers_told += answer < 0;
          lv_cli_mpi_send (from, TAG_WORK, &answer, 1);
        }
      else if (tag != TAG_RESULT || !unpack_unit (d, msg, n))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                       "rank %d sent a malformed message (tag %d, %" G_GSIZE_FORMAT " values)",
                       from, tag, n);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
finished (const Dist *d)
{
  if (!d->exhausted || d->flights->len > 0)
    return FALSE;
  return !lv_cli_mpi_is_root () ||
         (d->collected == d->n_units && d->workers_told == (guint) lv_cli_mpi_size () - 1);
}

static gboolean
run_loop (Dist *d, GError **error)
{
  for (;;)
    {
      while (!d->exhausted && d->flights->len < d->threads)
        {
          gint unit = next_unit (d);
          if (unit < 0)
            d->exhausted = TRUE;
          else if (!start_unit (d, (guint) unit, error))
            return FALSE;
        }
      finish_flights (d);
      if (lv_cli_mpi_is_root () && !serve (d, error))
        return FALSE;
      if (lv_cli_mpi_is_root () && d->checkpoint != NULL && !write_checkpoint (d, FALSE, error))
        return FALSE;
      if (finished (d))
        return TRUE;
      g_usleep (1000);
    }
}

LvEnsembleSnapshot *
lv_cli_mpi_ensemble_run (LvEnsemble *ensemble, guint threads,
                         const LvCliMpiCheckpoint *checkpoint, guint *threads_used,
                         GError **error)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_try_new (lv_cli_mpi_threads (threads), error);
  g_autofree Unit *units = NULL;
  Dist d = { 0 };
  gboolean ok;

  if (pool == NULL)
    return NULL;
  d.full = ensemble;
  d.config = lv_ensemble_get_config (ensemble);
  d.checkpoint = checkpoint;
  d.pool = pool;
  d.threads = lv_worker_pool_get_n_threads (pool);
  d.units = units = plan_units (ensemble, &d.n_units);
  d.flights = g_array_new (FALSE, FALSE, sizeof (Flight));
  d.t0 = d.last_checkpoint = g_get_monotonic_time ();
  ok = run_loop (&d, error);
  for (guint i = 0; i < d.flights->len; i++)
    lv_ensemble_free (g_array_index (d.flights, Flight, i).sub);
  g_array_unref (d.flights);
  *threads_used = d.threads;
  if (ok && lv_cli_mpi_is_root () && checkpoint != NULL)
    ok = write_checkpoint (&d, TRUE, error);
  if (!ok || !lv_cli_mpi_is_root ())
    return NULL;
  return lv_ensemble_snapshot (ensemble);
}
