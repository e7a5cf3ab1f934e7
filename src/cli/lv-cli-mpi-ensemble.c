/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdlib.h>

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
 * wait (lv-cli-mpi.c sleeps between polls). Only records travel: 3 + 3·epochs doubles per
 * run, never parameters or gradients.
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
  LvEnsemble *full;
  const LvEnsembleConfig *config;
  LvWorkerPool *pool;
  guint threads;
  Unit *units;
  guint n_units;
  guint next;            /* rank 0: next unit to hand out */
  guint collected;       /* rank 0: units whose records are in */
  guint workers_told;    /* rank 0: ranks told there is no more work */
  gboolean exhausted;    /* this rank was told there is no more work */
  GArray *flights;
  LvEnsembleSnapshot *snap; /* rank 0: every run */
} Dist;

static int
by_cost_descending (const void *a, const void *b)
{
  const Unit *x = a, *y = b;

  if (x->cost != y->cost)
    return x->cost > y->cost ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first;
}

/* The ensemble's tasks, costliest first. Cost ≈ runs × weights of one network. */
static Unit *
plan_units (LvEnsemble *ensemble, guint *n_units)
{
  const LvEnsembleConfig *config = lv_ensemble_get_config (ensemble);
  const LvDataset *ds = lv_ensemble_get_dataset (ensemble);
  guint n = lv_ensemble_get_n_tasks (ensemble);
  Unit *units = g_new (Unit, n);

  for (guint t = 0; t < n; t++)
    {
      double h;

      lv_ensemble_get_task (ensemble, t, &units[t].first, &units[t].count);
      h = config->sizes[units[t].first / config->runs];
      units[t].cost = units[t].count * h * (ds->n_inputs + (config->depth - 1) * h +
                                            ds->n_classes);
    }
  qsort (units, n, sizeof *units, by_cost_descending);
  *n_units = n;
  return units;
}

static gsize
run_doubles (const LvEnsembleConfig *config)
{
  return 3 + 3 * (gsize) config->train.epochs;
}

/* The message of a finished unit: [unit, then per run: state, epochs_done, grad_norm, and
 * train loss, test loss, test accuracy for every configured epoch (NAN past epochs_done)]. */
static double *
pack_unit (const Dist *d, const Flight *f, gsize *length)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (f->sub);
  guint epochs = d->config->train.epochs;
  gsize per_run = run_doubles (d->config);
  double *msg = g_new (double, 1 + per_run * snap->n_runs);

  msg[0] = f->unit;
  for (guint k = 0; k < snap->n_runs; k++)
    {
      const LvRunRecord *r = &snap->runs[k];
      double *out = msg + 1 + k * per_run;

      out[0] = r->state;
      out[1] = r->epochs_done;
      out[2] = r->grad_norm;
      for (guint e = 0; e < epochs; e++)
        {
          gboolean has = e < r->epochs_done;
          out[3 + e] = has ? r->train_loss[e] : NAN;
          out[3 + epochs + e] = has ? r->test_loss[e] : NAN;
          out[3 + 2 * epochs + e] = has ? r->test_accuracy[e] : NAN;
        }
    }
  *length = 1 + per_run * snap->n_runs;
  return msg;
}

/* Rank 0: copies a unit's records into the full snapshot; FALSE for a malformed message. */
static gboolean
unpack_unit (Dist *d, const double *msg, gsize length)
{
  guint epochs = d->config->train.epochs;
  gsize per_run = run_doubles (d->config);
  const Unit *u;

  if (length < 1 || !(msg[0] >= 0 && msg[0] < d->n_units))
    return FALSE;
  u = &d->units[(guint) msg[0]];
  if (length != 1 + per_run * u->count)
    return FALSE;
  for (guint k = 0; k < u->count; k++)
    {
      LvRunRecord *r = &d->snap->runs[u->first + k];
      const double *in = msg + 1 + k * per_run;
      guint done = (guint) CLAMP (in[1], 0, epochs);

      r->state = (LvRunState) in[0];
      r->epochs_done = done;
      r->grad_norm = in[2];
      g_free (r->train_loss);
      g_free (r->test_loss);
      g_free (r->test_accuracy);
      r->train_loss = g_memdup2 (in + 3, sizeof (double) * MAX (done, 1));
      r->test_loss = g_memdup2 (in + 3 + epochs, sizeof (double) * MAX (done, 1));
      r->test_accuracy = g_memdup2 (in + 3 + 2 * epochs, sizeof (double) * MAX (done, 1));
    }
  d->collected++;
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
      if (finished (d))
        return TRUE;
      g_usleep (1000);
    }
}

static void
recount (LvEnsembleSnapshot *snap)
{
  snap->finished = snap->diverged = snap->cancelled = 0;
  for (guint i = 0; i < snap->n_runs; i++)
    {
      snap->finished += snap->runs[i].state == LV_RUN_FINISHED;
      snap->diverged += snap->runs[i].state == LV_RUN_DIVERGED;
      snap->cancelled += snap->runs[i].state == LV_RUN_CANCELLED;
    }
}

LvEnsembleSnapshot *
lv_cli_mpi_ensemble_run (LvEnsemble *ensemble, guint threads, guint *threads_used,
                         GError **error)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (lv_cli_mpi_threads (threads));
  g_autofree Unit *units = NULL;
  Dist d = { 0 };
  gboolean ok;

  d.full = ensemble;
  d.config = lv_ensemble_get_config (ensemble);
  d.pool = pool;
  d.threads = lv_worker_pool_get_n_threads (pool);
  d.units = units = plan_units (ensemble, &d.n_units);
  d.flights = g_array_new (FALSE, FALSE, sizeof (Flight));
  /* The never-started ensemble's snapshot has every run's identity (width, run, seed). */
  if (lv_cli_mpi_is_root ())
    d.snap = lv_ensemble_snapshot (ensemble);
  ok = run_loop (&d, error);
  for (guint i = 0; i < d.flights->len; i++)
    lv_ensemble_free (g_array_index (d.flights, Flight, i).sub);
  g_array_unref (d.flights);
  *threads_used = d.threads;
  if (!ok)
    {
      g_clear_pointer (&d.snap, lv_ensemble_snapshot_free);
      return NULL;
    }
  if (d.snap != NULL)
    recount (d.snap);
  return d.snap;
}
