/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include "lv-cli-mpi.h"

/*
 * `mpirun -n N lossviz-cli spinglass simulate …`: the simulation's own tasks (groups of
 * consecutive starts that descend together, lv_spin_glass_task_runs()) are dealt round-robin,
 * continuing over the sizes Λ: with D tasks dealt for the earlier sizes, task t of this Λ goes
 * to rank (D + t) mod N, so small sizes do not all land on rank 0. The tasks of one Λ cost
 * about the same, so a static deal balances;
 * every rank draws the couplings itself from the counter-based generator (no broadcast of the
 * 750 MB unfolding at Λ = 500), and the task layout is the single-process one, so every run is
 * bit-identical. The ranks then send their runs to rank 0: six doubles per start.
 */

enum { TAG_RUNS = 201 };
#define RUN_DOUBLES 6

static void
pack_run (const LvSpinGlassRun *r, double *out)
{
  out[0] = r->energy;
  out[1] = r->index;
  out[2] = r->min_eigenvalue;
  out[3] = r->grad_norm;
  out[4] = r->steps;
  out[5] = r->converged;
}

static void
unpack_run (const double *in, LvSpinGlassRun *r)
{
  r->energy = in[0];
  r->index = (int) in[1];
  r->min_eigenvalue = in[2];
  r->grad_norm = in[3];
  r->steps = (guint) in[4];
  r->converged = in[5] != 0;
}

/* Visits the runs of @rank's tasks in order, packing (or unpacking) them through @buffer. */
static gsize
walk_rank_runs (const LvSpinGlassConfig *config, guint deal, int rank, int size,
                LvSpinGlassRun *runs, double *buffer, gboolean unpack)
{
  guint chunk = lv_spin_glass_task_runs (config), t = 0;
  gsize k = 0;

  for (guint first = 0; first < config->runs; first += chunk, t++)
    {
      if ((int) ((deal + t) % size) != rank)
        continue;
      for (guint r = first; r < MIN (first + chunk, config->runs); r++, k++)
        if (buffer != NULL && unpack)
          unpack_run (buffer + k * RUN_DOUBLES, &runs[r]);
        else if (buffer != NULL)
          pack_run (&runs[r], buffer + k * RUN_DOUBLES);
    }
  return k;
}

gboolean
lv_cli_mpi_spin_glass_simulate (const LvSpinGlassConfig *config, guint *dealt,
                                LvSpinGlassRun *runs, LvSpinGlassStats *stats, GError **error)
{
  int rank = lv_cli_mpi_rank (), size = lv_cli_mpi_size ();
  guint chunk = lv_spin_glass_task_runs (config), deal = *dealt % (guint) size;
  gint64 t0 = g_get_monotonic_time ();
  LvSpinGlassConfig local = *config;

  *dealt += (config->runs + chunk - 1) / chunk;
  if (size == 1)
    return lv_spin_glass_simulate (config, runs, stats, NULL, NULL, NULL, error);
  local.n_threads = lv_cli_mpi_threads (config->n_threads);
  /* Task t is ours when (deal + t) mod size = rank, i.e. t mod size = (rank − deal) mod size. */
  if (!lv_spin_glass_simulate_part (&local, ((guint) rank + (guint) size - deal) % (guint) size,
                                    (guint) size, runs, stats, NULL, NULL, NULL, error))
    return FALSE;
  if (rank != 0)
    {
      gsize n = walk_rank_runs (config, deal, rank, size, runs, NULL, FALSE);
      g_autofree double *buffer = g_new (double, MAX (n, 1) * RUN_DOUBLES);

      walk_rank_runs (config, deal, rank, size, runs, buffer, FALSE);
      lv_cli_mpi_send (0, TAG_RUNS, buffer, n * RUN_DOUBLES);
      return TRUE;
    }
  for (int from = 1; from < size; from++)
    {
      gsize n = walk_rank_runs (config, deal, from, size, runs, NULL, FALSE);
      g_autofree double *buffer = g_new (double, MAX (n, 1) * RUN_DOUBLES);
      gsize got = lv_cli_mpi_probe_wait (from, TAG_RUNS, NULL, NULL);

      if (got != n * RUN_DOUBLES)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                       "rank %d sent %" G_GSIZE_FORMAT " values for %" G_GSIZE_FORMAT " runs",
                       from, got, n);
          return FALSE;
        }
      lv_cli_mpi_recv (from, TAG_RUNS, buffer, got);
      walk_rank_runs (config, deal, from, size, runs, buffer, TRUE);
    }
  /* The wall time of the whole distributed simulation, as rank 0 saw it. */
  if (stats != NULL)
    stats->wall_seconds = (g_get_monotonic_time () - t0) / 1e6;
  return TRUE;
}
