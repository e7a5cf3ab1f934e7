/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * MPI ranks for the CLI (issue 17). Only lv-cli-mpi.c sees <mpi.h>; the commands use these
 * wrappers, which describe a world of one rank when the binary was built without MPI or was
 * not started by mpirun. Every message is an array of doubles.
 */

/* Initialises MPI only when mpirun/srun started this process (it sets OMPI_COMM_WORLD_SIZE,
 * PMIX_RANK or PMI_RANK); a plain start never touches MPI, so it behaves as without MPI. */
void     lv_cli_mpi_init (int *argc, char ***argv);
/* Ends MPI for exit status @status and returns it. A non-zero status with more than one rank
 * calls MPI_Abort, so the whole job stops instead of waiting for this rank. */
int      lv_cli_mpi_finish (int status);
int      lv_cli_mpi_rank (void);
int      lv_cli_mpi_size (void);
gboolean lv_cli_mpi_is_root (void);
/* Whether the command in @argv (argv[0] = command) splits its work over the ranks; the
 * other commands run on rank 0 only. */
gboolean lv_cli_mpi_command_is_distributed (int argc, char **argv);
/* Worker threads per rank for --threads @requested: @requested, or when 0 the node's cores
 * shared among the ranks on this node. */
guint    lv_cli_mpi_threads (guint requested);

/* Point-to-point messages of doubles. Waiting sleeps between polls instead of spinning in
 * MPI's progress engine, so a waiting rank leaves its core to the computing threads. */
void     lv_cli_mpi_send (int dest, int tag, const double *data, gsize n);
/* Waits for a message from @source (-1: any) with @tag (-1: any); returns its length and
 * sets *from and *tag_out. */
gsize    lv_cli_mpi_probe_wait (int source, int tag, int *from, int *tag_out);
/* Non-blocking: TRUE and the message's source, tag and length when one is waiting. */
gboolean lv_cli_mpi_probe (int *from, int *tag, gsize *n);
/* Receives the message announced by a probe (@n doubles). */
void     lv_cli_mpi_recv (int source, int tag, double *data, gsize n);

/* ---- the distributed commands ------------------------------------------------------------ */

/**
 * LvCliMpiCheckpoint:
 * @path: `--out FILE.h5`: rank 0 keeps it up to date (every run's record and weights).
 * @dataset_spec, @dopts: what the bundle records about the data.
 * @period_s: at least this often (--checkpoint; -1 for the bundle default, 60 s).
 * @deflate: gzip level of the stored weights.
 * @resumed_elapsed: wall time of the resumed part, added to the stored elapsed time.
 */
typedef struct {
  const char *path;
  const char *dataset_spec;
  const LvDatasetOptions *dopts;
  int period_s;
  guint deflate;
  double resumed_elapsed;
} LvCliMpiCheckpoint;

/* `ensemble` over all ranks (lv-cli-mpi-ensemble.c): rank 0 hands out the ensemble's tasks on
 * request, every rank trains them on lv_cli_mpi_threads (@threads) workers (*threads_used).
 * Runs already in @ensemble (restored by --resume) are not trained again. With @checkpoint,
 * rank 0 writes the bundle periodically and at the end. Returns on rank 0 the snapshot of every
 * run, bit-identical to a single-process run; NULL on the other ranks, and on error with
 * @error set. */
LvEnsembleSnapshot *lv_cli_mpi_ensemble_run (LvEnsemble *ensemble, guint threads,
                                             const LvCliMpiCheckpoint *checkpoint,
                                             guint *threads_used, GError **error);
/* `spinglass simulate` over all ranks (lv-cli-mpi-spinglass.c): every rank descends its share
 * of the tasks, dealt on from *@dealt (tasks dealt for earlier sizes, updated); rank 0 ends
 * with every run in @runs. */
gboolean lv_cli_mpi_spin_glass_simulate (const LvSpinGlassConfig *config, guint *dealt,
                                         LvSpinGlassRun *runs, LvSpinGlassStats *stats,
                                         GError **error);
/* `slice` over all ranks (lv-cli-mpi-slice.c): grid rows β_j with j ≡ rank (mod ranks); rank 0
 * returns the whole grid, the other ranks a grid holding their rows only. */
LvSliceGrid *lv_cli_mpi_slice_grid (const LvMlpShape *shape, const float *center,
                                    const float *d1, const float *d2, const LvDataset *dataset,
                                    const LvSliceConfig *config, LvWorkerPool *pool,
                                    GError **error);

G_END_DECLS
