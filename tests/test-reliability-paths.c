/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-file-util.h>

#include "lv-test-util.h"

/*
 * Issue 16, classes 2, 3 and 7: output paths (symbolic links, devices, FIFOs, directories,
 * permission bits, umask), temporaries on signals and file-size limits, and every output path
 * and option checked before any computation.
 */

/* A quick, valid ensemble; the caller appends its own options. */
#define QUICK "ensemble", "--dataset", "random:40:3:2", "--sizes", "2", "--runs", "2", \
              "--epochs", "2"
/* An ensemble far too large to train (its memory estimate refuses it after the data loads): an
 * output error reported instead proves the outputs were checked before anything else. */
#define ENDLESS "ensemble", "--dataset", "random:4000:30:2", "--sizes", "1000,2000", "--runs", \
                "100000", "--epochs", "1000000"

/* Files in @dir whose names start with "." (the writer's temporaries). */
static guint
count_hidden (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    n += name[0] == '.';
  return n;
}

static void
test_symlink_written_through (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *target = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autofree char *text = NULL;
  g_auto(LvCliResult) r = { 0 };
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0640), ==, 0);
  g_assert_cmpint (symlink ("real.json", link), ==, 0);
  lv_test_run_cli (&r, QUICK, "--out", link, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640); /* the existing file's bits are kept */
  g_assert_true (g_file_get_contents (target, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{"));
  g_assert_cmpuint (count_hidden (dir), ==, 0);
}

static void
test_umask_respected (void)
{
  const mode_t masks[] = { 022, 077, 027 };

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      g_autofree char *dir = lv_test_tmpdir ();
      g_autofree char *json = g_build_filename (dir, "new.json", NULL);
      g_autofree char *svg = g_build_filename (dir, "new.svg", NULL);
      g_auto(LvCliResult) r = { 0 };
      mode_t old = umask (masks[i]);
      GStatBuf st;

      lv_test_run_cli (&r, QUICK, "--out", json, "--plot", svg, NULL);
      umask (old);
      g_assert_cmpint (r.exit_code, ==, 0);
      g_assert_cmpint (g_stat (json, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 07777, ==, 0666 & ~masks[i]);
      g_assert_cmpint (g_stat (svg, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 07777, ==, 0666 & ~masks[i]);
    }
}

/* Devices, FIFOs and directories are refused before training, for every output option. */
static void
test_special_outputs_refused (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "pipe.json", NULL);
  g_autofree char *fifo_png = g_build_filename (dir, "pipe.png", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", "f.json", NULL);
  struct { const char *option, *path, *needle; } cases[] = {
    { "--out", "/dev/null", "it is a device" },
    { "--out", fifo, "it is a FIFO" },
    { "--out", sub, "it is a directory" },
    { "--out", missing, "does not exist" },
    { "--plot", fifo_png, "it is a FIFO" },
  };
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (mkfifo (fifo_png, 0644), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      const char *args[] = { ENDLESS, cases[i].option, cases[i].path, NULL };

      lv_test_run_cli_argv (&r, args);
      lv_test_assert_bad_input (&r, cases[i].needle);
      g_assert_nonnull (strstr (r.err, cases[i].option));
      g_assert_cmpstr (r.out, ==, "");
    }
  g_assert_cmpint (g_stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  {
    g_auto(LvCliResult) r = { 0 };
    lv_test_run_cli (&r, "slice", "--dataset", "random:4000:30:2", "--epochs", "1000000",
                     "--csv", fifo, NULL);
    lv_test_assert_bad_input (&r, "--csv: cannot write");
  }
  {
    /* spinglass --plot also writes the CSV beside the figure: both are checked first. */
    g_autofree char *fig = g_build_filename (dir, "sub.png", NULL);
    g_autofree char *csv = g_build_filename (dir, "sub.csv", NULL);
    g_auto(LvCliResult) r = { 0 };
    g_assert_cmpint (g_mkdir (csv, 0755), ==, 0);
    lv_test_run_cli (&r, "spinglass", "simulate", "--lambda", "4000", "--runs", "1000000",
                     "--plot", fig, NULL);
    lv_test_assert_bad_input (&r, "sub.csv': it is a directory");
  }
}

/* Issue example: --plot's extension, --plot-size and the --out folder fail before training. */
static void
test_ensemble_checks_first (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *ok = g_build_filename (dir, "f.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "f.json", NULL);
  struct { const char *a, *b, *c, *d, *needle; } cases[] = {
    { "--plot", "f.bmp", NULL, NULL, "unknown figure format" },
    { "--plot", ok, "--plot-size", "3x3", "--plot-size" },
    { "--plot-size", "big", NULL, NULL, "--plot-size" },
    { "--out", missing, NULL, NULL, "--out: cannot write" },
    { "--threads", "-1", NULL, NULL, "--threads: -1 is outside [1, 256] (0 = the default)" },
    { "--threads", "300", NULL, NULL, "(0 = the default)" },
    { "--fuse-block", "-2", NULL, NULL, "--fuse-block: -2 is outside [1, 1024] (0 = the default)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      const char *args[] = { ENDLESS, cases[i].a, cases[i].b, cases[i].c, cases[i].d, NULL };

      lv_test_run_cli_argv (&r, args);
      lv_test_assert_bad_input (&r, cases[i].needle);
      g_assert_cmpstr (r.out, ==, "");
    }
}

/* One rule: 0 = the default, other values in range; the core accepts what the CLI accepts. */
static void
test_zero_means_default (void)
{
  g_auto(LvCliResult) eta = { 0 }, span = { 0 }, tol = { 0 }, steps = { 0 }, ok = { 0 };

  lv_test_run_cli (&eta, "spinglass", "simulate", "--lambda", "10", "--eta", "-1", NULL);
  lv_test_assert_bad_input (&eta, "--eta: -1 is outside [1e-09, 10] (0 = the default)");
  lv_test_run_cli (&span, "slice", "--span", "-0.5", NULL);
  lv_test_assert_bad_input (&span, "--span: -0.5 is outside [1e-09, 1e+06] (0 = the default)");
  lv_test_run_cli (&steps, "hessian", "--steps", "-3", NULL);
  lv_test_assert_bad_input (&steps, "(0 = the default)");
  /* --tol 1e6 is inside the documented range: it runs (it used to fail in the core). */
  lv_test_run_cli (&tol, "spinglass", "simulate", "--lambda", "10", "--runs", "2", "--tol", "1e6",
                   "--eta", "0", "--json", NULL);
  g_assert_cmpint (tol.exit_code, ==, 0);
  lv_test_run_cli (&ok, "slice", "--dataset", "random:40:3:2", "--hidden", "2", "--epochs", "1",
                   "--grid", "3", "--span", "0", "--json", NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);
  g_assert_nonnull (strstr (ok.out, "\"span\":1.0,"));
}

/* Which write errors are run-time failures (exit 1) and which are bad paths (exit 2). */
static void
test_write_error_classes (void)
{
  const struct { int errnum; int code; } cases[] = {
    { ENOSPC, LV_ERROR_FAILED }, { EFBIG, LV_ERROR_FAILED }, { EIO, LV_ERROR_FAILED },
    { EDQUOT, LV_ERROR_FAILED }, { EACCES, LV_ERROR_IO }, { ENOENT, LV_ERROR_IO },
    { EROFS, LV_ERROR_IO },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      lv_file_set_write_error (&error, "real.json", cases[i].errnum);
      g_assert_error (error, LV_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "cannot write 'real.json': "));
    }
}

/* stdout on a full device: exit 1 with an error line, not a silent success. */
static void
test_stdout_full (void)
{
  const char *cli = g_getenv ("LOSSVIZ_CLI");
  const char *argv[] = { "/bin/sh", "-c", "exec \"$0\" spinglass bands --json > /dev/full", cli,
                         NULL };
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "lossviz-cli: error: cannot write standard output: No space"));
}

static void
test_no_command (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { NULL };

  lv_test_run_cli_argv (&r, args);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_nonnull (strstr (r.err, "Usage: lossviz-cli <command>"));
  g_assert_nonnull (strstr (r.err, "lossviz-cli: error: no command given\n"));
}

/* A signal during a save: the child dies of it and its temporary is gone. */
static void
test_signal_removes_temporary (void)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autofree char *dir = lv_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "save.json", NULL);
      int status = 0;
      pid_t pid;

      fflush (stdout);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          LvAtomicFile *f;
          lv_file_install_signal_cleanup ();
          f = lv_atomic_file_begin (path, NULL);
          if (f == NULL || !lv_atomic_file_set_contents (f, "{\"half\": ", 9, NULL))
            _exit (90);
          if (count_hidden (dir) != 1)
            _exit (91);
          raise (signals[i]);
          _exit (92); /* not reached */
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, signals[i]);
      g_assert_cmpuint (count_hidden (dir), ==, 0);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

/* A file-size limit (SIGXFSZ/EFBIG) is a run-time failure: exit 1, the real file named, the old
 * file intact, no temporary; the results are still printed. Experiment files and figures. */
static void
test_file_size_limit (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_auto(LvCliResult) save = { 0 }, first = { 0 }, plot = { 0 };
  const char *save_args[] = { "ensemble", "--dataset", "random:400:3:2", "--sizes", "2,3",
                              "--runs", "20", "--epochs", "20", "--out", json, "--json", NULL };
  const char *plot_args[] = { "render", "--session", json, "--plot", png, "--plot-size",
                              "3000x3000", NULL };

  g_assert_true (g_file_set_contents (json, "previous", -1, NULL));
  lv_test_run_cli_limited (&save, RLIMIT_FSIZE, 4096, save_args);
  g_assert_cmpint (save.exit_code, ==, 1);
  g_assert_nonnull (strstr (save.err, "lossviz-cli: error: --out: cannot write"));
  g_assert_nonnull (strstr (save.err, json));
  g_assert_nonnull (strstr (save.err, "File too large"));
  g_assert_true (g_str_has_prefix (save.out, "{\"dataset\""));
  g_assert_true (g_file_get_contents (json, &before, NULL, NULL));
  g_assert_cmpstr (before, ==, "previous");
  g_assert_cmpuint (count_hidden (dir), ==, 0);

  lv_test_run_cli (&first, "ensemble", "--dataset", "random:400:3:2", "--sizes", "2",
                   "--runs", "3", "--epochs", "2", "--out", json, NULL);
  g_assert_cmpint (first.exit_code, ==, 0);
  lv_test_run_cli_limited (&plot, RLIMIT_FSIZE, 4096, plot_args);
  g_assert_cmpint (plot.exit_code, ==, 1);
  g_assert_nonnull (strstr (plot.err, png));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_hidden (dir), ==, 0);
  g_assert_true (g_file_get_contents (json, &after, NULL, NULL));
  g_assert_true (g_str_has_prefix (after, "{"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/paths/symlink", test_symlink_written_through);
  g_test_add_func ("/reliability/paths/umask", test_umask_respected);
  g_test_add_func ("/reliability/paths/special-outputs", test_special_outputs_refused);
  g_test_add_func ("/reliability/paths/ensemble-checks-first", test_ensemble_checks_first);
  g_test_add_func ("/reliability/paths/zero-means-default", test_zero_means_default);
  g_test_add_func ("/reliability/paths/no-command", test_no_command);
  g_test_add_func ("/reliability/paths/stdout-full", test_stdout_full);
  g_test_add_func ("/reliability/paths/write-error-classes", test_write_error_classes);
  g_test_add_func ("/reliability/paths/signal-removes-temporary", test_signal_removes_temporary);
  g_test_add_func ("/reliability/paths/file-size-limit", test_file_size_limit);
  return g_test_run ();
}
