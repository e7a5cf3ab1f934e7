/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#if LV_HAVE_MPI
#include <mpi.h>
#endif

#include "lv-cli-mpi.h"

/* Sleep between two polls of a waiting rank: short against any unit of work (a run, a task of
 * starts, a grid row), long enough that an idle rank costs no measurable CPU. */
#define POLL_USEC 500

static int world_rank;
static int world_size = 1;

#if LV_HAVE_MPI
static gboolean initialised;

/* mpirun (Open MPI: OMPI_COMM_WORLD_SIZE, PMIx: PMIX_RANK) and srun/MPICH (PMI_RANK) tell a
 * process it is a rank; nothing else sets these. */
static gboolean
launched_as_rank (void)
{
  return g_getenv ("OMPI_COMM_WORLD_SIZE") != NULL || g_getenv ("PMIX_RANK") != NULL ||
         g_getenv ("PMI_RANK") != NULL;
}

/* GOption's --help calls exit(0) from inside a command: end MPI cleanly there too, or mpirun
 * reports a rank that exited without finalising. */
static void
finalize_at_exit (void)
{
  if (initialised)
    {
      initialised = FALSE;
      MPI_Finalize ();
    }
}
#endif

void
lv_cli_mpi_init (int *argc, char ***argv)
{
#if LV_HAVE_MPI
  int provided;

  if (!launched_as_rank ())
    return;
  /* Only the main thread calls MPI; worker threads never do. */
  MPI_Init_thread (argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank (MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size (MPI_COMM_WORLD, &world_size);
  initialised = TRUE;
  atexit (finalize_at_exit);
#endif
}

int
lv_cli_mpi_finish (int status)
{
#if LV_HAVE_MPI
  if (!initialised)
    return status;
  initialised = FALSE;
  if (status != 0 && world_size > 1)
    MPI_Abort (MPI_COMM_WORLD, status); /* does not return */
  MPI_Finalize ();
#endif
  return status;
}

int
lv_cli_mpi_rank (void)
{
  return world_rank;
}

int
lv_cli_mpi_size (void)
{
  return world_size;
}

gboolean
lv_cli_mpi_is_root (void)
{
  return world_rank == 0;
}

gboolean
lv_cli_mpi_command_is_distributed (int argc, char **argv)
{
  if (argc < 1)
    return FALSE;
  if (strcmp (argv[0], "ensemble") == 0 || strcmp (argv[0], "slice") == 0)
    return TRUE;
  return strcmp (argv[0], "spinglass") == 0 && argc > 1 && strcmp (argv[1], "simulate") == 0;
}

guint
lv_cli_mpi_threads (guint requested)
{
  const char *local = g_getenv ("OMPI_COMM_WORLD_LOCAL_SIZE");
  guint ranks_here = local != NULL ? (guint) MAX (1, atoi (local)) : 1;

  if (requested > 0 || world_size == 1)
    return requested;
  return MAX (1, g_get_num_processors () / ranks_here);
}

#if LV_HAVE_MPI
void
lv_cli_mpi_send (int dest, int tag, const double *data, gsize n)
{
  MPI_Request request;
  int done = 0;

  g_return_if_fail (n <= G_MAXINT);
  MPI_Isend (data, (int) n, MPI_DOUBLE, dest, tag, MPI_COMM_WORLD, &request);
  for (MPI_Test (&request, &done, MPI_STATUS_IGNORE); !done;
       MPI_Test (&request, &done, MPI_STATUS_IGNORE))
    g_usleep (POLL_USEC);
}

gboolean
lv_cli_mpi_probe (int *from, int *tag, gsize *n)
{
  MPI_Status status;
  int flag = 0, count = 0;

  MPI_Iprobe (MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (!flag)
    return FALSE;
  MPI_Get_count (&status, MPI_DOUBLE, &count);
  *from = status.MPI_SOURCE;
  *tag = status.MPI_TAG;
  *n = (gsize) count;
  return TRUE;
}

gsize
lv_cli_mpi_probe_wait (int source, int tag, int *from, int *tag_out)
{
  MPI_Status status;
  int flag = 0, count = 0;

  for (;;)
    {
      MPI_Iprobe (source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag,
                  MPI_COMM_WORLD, &flag, &status);
      if (flag)
        break;
      g_usleep (POLL_USEC);
    }
  MPI_Get_count (&status, MPI_DOUBLE, &count);
  if (from != NULL)
    *from = status.MPI_SOURCE;
  if (tag_out != NULL)
    *tag_out = status.MPI_TAG;
  return (gsize) count;
}

void
lv_cli_mpi_recv (int source, int tag, double *data, gsize n)
{
  /* The message was probed already, so this returns at once. */
  MPI_Recv (data, (int) n, MPI_DOUBLE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}
#else
/* Without MPI the world has one rank, and no command ever sends or receives. */
void
lv_cli_mpi_send (int dest, int tag, const double *data, gsize n)
{
  g_assert_not_reached ();
}

gboolean
lv_cli_mpi_probe (int *from, int *tag, gsize *n)
{
  return FALSE;
}

gsize
lv_cli_mpi_probe_wait (int source, int tag, int *from, int *tag_out)
{
  g_assert_not_reached ();
}

void
lv_cli_mpi_recv (int source, int tag, double *data, gsize n)
{
  g_assert_not_reached ();
}
#endif
