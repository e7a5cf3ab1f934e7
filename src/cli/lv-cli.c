/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-file-util.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-mpi.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "ensemble", lv_cli_ensemble, "Train sizes × runs networks; loss statistics per size" },
  { "render", lv_cli_render, "Redraw and summarise a saved experiment without retraining" },
  { "lift", lv_cli_lift, "NN-LIFT tensor-method training vs an SGD ensemble on a teacher" },
  { "certify", lv_cli_certify, "Haeffele–Vidal certificate of a matrix factorisation" },
  { "spinglass", lv_cli_spinglass, "Spherical p-spin glass: bands, complexity, simulate" },
  { "slice", lv_cli_slice, "Loss of one trained network on a plane (filter, PCA, interpolation)" },
  { "hessian", lv_cli_hessian, "Hessian spectrum, index and gradient norm at a trained network" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: lossviz-cli <command> [options]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'lossviz-cli <command> --help' for a command's options.\n");
}

/* Results that never reached stdout (a full disk, /dev/full) are a run-time failure, not a
 * silent exit 0. */
static int
finish_stdout (int status)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      int saved = errno != 0 ? errno : EIO;
      int code = lv_cli_fail_message (LV_CLI_EXIT_RUNTIME, "cannot write standard output: %s",
                                      g_strerror (saved));
      return status != LV_CLI_EXIT_OK ? status : code;
    }
  return status;
}

static int
run_command (int argc, char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "no command given");
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return LV_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("lossviz-cli %s\n", PACKAGE_VERSION);
      return LV_CLI_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* GOption's "Usage:" line then reads "lossviz-cli <command>". */
        g_autofree char *prgname = g_strdup_printf ("lossviz-cli %s", commands[i].name);
        g_set_prgname (prgname);
        /* Under mpirun, a command that does not split its work runs on rank 0 alone. */
        if (!lv_cli_mpi_is_root () && !lv_cli_mpi_command_is_distributed (argc - 1, argv + 1))
          return LV_CLI_EXIT_OK;
        return finish_stdout (commands[i].run (argc - 1, argv + 1));
      }

  return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                              "unknown command '%s' (see 'lossviz-cli --help')", argv[1]);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in JSON and CSV must use '.', whatever the user's locale. */
  setlocale (LC_NUMERIC, "C");
  lv_core_init ();
  /* Temporaries of an interrupted save are removed; a file-size limit becomes an error. */
  lv_file_install_signal_cleanup ();
  /* MPI only when started by mpirun (lv-cli-mpi.c); a failing rank aborts the whole job. */
  lv_cli_mpi_init (&argc, &argv);
  return lv_cli_mpi_finish (run_command (argc, argv));
}
