/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"


#include "lv-cli-mpi.h"

/*
 * `mpirun -n N lossviz-cli slice …`: grid row j (β_j) goes to rank j mod N (rows cost the
 * same, so a static deal balances). Each rank trains the same centre network (deterministic
 * from the seeds) and evaluates its rows with lv_slice_evaluate_points(), whose value at a
 * point depends on that point only (the same data chunks summed in the same order), so the
 * grid equals the single-process lv_slice_grid_compute() one bit for bit. Rows travel to rank
 * 0 as four doubles per point (train loss, train accuracy, test loss, test accuracy).
 */

enum { TAG_ROWS = 301 };

/* Evaluates this rank's rows; values[k·G + i] is point i of the k-th own row. */
static gboolean
evaluate_rows (const LvMlpShape *shape, const float *center, const float *d1, const float *d2,
               const LvDataset *dataset, const LvSliceConfig *config, const LvSliceGrid *grid,
               int rank, int size, LvWorkerPool *pool, LvSliceValues *values, GError **error)
{
  guint G = config->grid;
  gsize n = 0;
  g_autofree double *alphas = g_new (double, (gsize) G * G);
  g_autofree double *betas = g_new (double, (gsize) G * G);

  for (guint j = (guint) rank; j < G; j += (guint) size)
    for (guint i = 0; i < G; i++, n++)
      {
        alphas[n] = lv_slice_grid_coord (grid, i);
        betas[n] = lv_slice_grid_coord (grid, j);
      }
  if (n == 0)
    return TRUE;
  return lv_slice_evaluate_points (shape, center, d1, d2, dataset, alphas, betas, n,
                                   config->naive, config->test, pool, values, NULL, error);
}

/* Stores rank @from's rows (packed as four doubles per point) into the grid. */
static void
store_rows (LvSliceGrid *grid, int from, int size, const double *packed)
{
  guint G = grid->grid;
  gsize k = 0;

  for (guint j = (guint) from; j < G; j += (guint) size)
    for (guint i = 0; i < G; i++, k++)
      {
        gsize at = (gsize) j * G + i;
        grid->train_loss[at] = packed[4 * k];
        grid->train_accuracy[at] = packed[4 * k + 1];
        if (grid->test_loss != NULL)
          {
            grid->test_loss[at] = packed[4 * k + 2];
            grid->test_accuracy[at] = packed[4 * k + 3];
          }
      }
}

static gsize
rows_of (guint G, int rank, int size)
{
  return (guint) rank < G ? (G - 1 - (guint) rank) / (guint) size + 1 : 0;
}

LvSliceGrid *
lv_cli_mpi_slice_grid (const LvMlpShape *shape, const float *center, const float *d1,
                       const float *d2, const LvDataset *dataset, const LvSliceConfig *config,
                       LvWorkerPool *pool, GError **error)
{
  int rank = lv_cli_mpi_rank (), size = lv_cli_mpi_size ();
  guint G = config->grid;
  gsize own = rows_of (G, rank, size) * G;
  g_autoptr(LvSliceGrid) grid = NULL;
  g_autofree LvSliceValues *values = NULL;
  g_autofree double *packed = NULL;

  if (size == 1)
    return lv_slice_grid_compute (shape, center, d1, d2, dataset, config, pool, NULL, NULL,
                                  NULL, error);
  grid = lv_slice_grid_new_nan (config, config->test && dataset->n_test > 0, error);
  if (grid == NULL)
    return NULL;
  values = g_new (LvSliceValues, MAX (own, 1));
  if (!evaluate_rows (shape, center, d1, d2, dataset, config, grid, rank, size, pool, values,
                      error))
    return NULL;
  packed = g_new (double, 4 * MAX (own, 1));
  for (gsize k = 0; k < own; k++)
    {
      packed[4 * k] = values[k].train_loss;
      packed[4 * k + 1] = values[k].train_accuracy;
      packed[4 * k + 2] = values[k].test_loss;
      packed[4 * k + 3] = values[k].test_accuracy;
    }
  store_rows (grid, rank, size, packed);
  if (rank != 0)
    {
      lv_cli_mpi_send (0, TAG_ROWS, packed, 4 * own);
      return g_steal_pointer (&grid);
    }
  for (int from = 1; from < size; from++)
    {
      gsize n = 4 * rows_of (G, from, size) * G;
      g_autofree double *in = g_new (double, MAX (n, 1));

      if (lv_cli_mpi_probe_wait (from, TAG_ROWS, NULL, NULL) != n)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "rank %d sent a malformed grid part",
                       from);
          return NULL;
        }
      lv_cli_mpi_recv (from, TAG_ROWS, in, n);
      store_rows (grid, from, size, in);
    }
  return g_steal_pointer (&grid);
}
