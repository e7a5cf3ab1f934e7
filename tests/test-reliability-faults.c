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
#include <lossviz/lv-plot.h>
#include <lossviz/lv-session.h>

#include "lv-test-util.h"

/*
 * Faults (issue 9, item 4): exports and experiment saves that cannot complete (missing folder,
 * a directory in the way, a full disk simulated with RLIMIT_FSIZE in a forked child, the process
 * killed mid-save) report the error and leave the previous file exactly as it was.
 */

/* Noise does not compress, so a PNG of it is large enough to hit the size limit. */
static void
draw_noise (cairo_t *cr, gconstpointer model, double width, double height)
{
  guint32 state = GPOINTER_TO_UINT (model) | 1;

  for (int y = 0; y < (int) height; y += 2)
    for (int x = 0; x < (int) width; x += 2)
      {
        state ^= state << 13, state ^= state >> 17, state ^= state << 5;
        cairo_set_source_rgb (cr, (state & 255) / 255.0, ((state >> 8) & 255) / 255.0,
                              ((state >> 16) & 255) / 255.0);
        cairo_rectangle (cr, x, y, 2, 2);
        cairo_fill (cr);
      }
}

static char *
read_all (const char *path, gsize *len)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

/* Files in @dir other than @keep (leftover temporaries). */
static guint
count_others (const char *dir, const char *keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    n += g_strcmp0 (name, keep) != 0;
  return n;
}

static void
test_export_unwritable (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
  g_autofree char *as_dir = g_build_filename (dir, "fig.png", NULL);
  const char *names[] = { "missing-folder/fig.png", "plain-file/fig.svg", "fig.png" };

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_cmpint (g_mkdir (as_dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;

      g_assert_false (lv_plot_export (draw_noise, NULL, path, 40, 30, 96, &error));
      g_assert_error (error, LV_ERROR, LV_ERROR_IO);
      g_assert_nonnull (strstr (error->message, path));
    }
  /* The directory in the way is still a directory, and no temporary file is left behind. */
  g_assert_true (g_file_test (as_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_others (dir, "fig.png"), ==, 1);  /* plain-file */

  /* A read-only folder (only meaningful when not root: root writes anyway). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (dir, "ro", NULL);
      g_autofree char *path = g_build_filename (ro, "fig.pdf", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
      g_assert_false (lv_plot_export (draw_noise, NULL, path, 40, 30, 96, &error));
      g_assert_error (error, LV_ERROR, LV_ERROR_IO);
      g_chmod (ro, 0755);
    }
}

/* Runs @func in a child whose files may not grow past @limit bytes; returns its exit status. */
static int
run_with_fsize_limit (rlim_t limit, int (*func) (gpointer), gpointer data)
{
  pid_t pid;
  int status = 0;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit rl = { limit, limit };

      /* Without this the kernel kills the writer with SIGXFSZ; ignored, write() says EFBIG,
       * which is what a full disk (ENOSPC) looks like to the code. */
      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
        _exit (90);
      _exit (func (data));
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
export_big (gpointer path)
{
  GError *error = NULL;

  if (lv_plot_export (draw_noise, GUINT_TO_POINTER (7), path, 600, 600, 96, &error))
    return 1;
  /* A full disk is a run-time failure (issue 16): LV_ERROR_FAILED, naming the real file. */
  if (!g_error_matches (error, LV_ERROR, LV_ERROR_FAILED) ||
      strstr (error->message, path) == NULL)
    return 2;
  return 0;
}

static void
test_export_disk_full (void)
{
  const char *exts[] = { "png", "svg", "pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *dir = lv_test_tmpdir ();
      g_autofree char *name = g_strconcat ("fig.", exts[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      gsize before_len, after_len;

      /* The previous, complete export. */
      g_assert_true (lv_plot_export (draw_noise, GUINT_TO_POINTER (3), path, 20, 20, 96,
                                     &error));
      g_assert_no_error (error);
      before = read_all (path, &before_len);
      g_assert_cmpuint (before_len, <, 32 * 1024);

      g_assert_cmpint (run_with_fsize_limit (32 * 1024, export_big, path), ==, 0);

      after = read_all (path, &after_len);
      g_assert_cmpmem (before, before_len, after, after_len);
      g_assert_cmpuint (count_others (dir, name), ==, 0);
    }
}

/* A small finished experiment, made for real (a few tiny runs). */
static LvSession *
make_session (guint runs, guint epochs)
{
  LvDatasetOptions opts;
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);

  lv_dataset_options_init (&opts);
  ds = lv_dataset_load ("random:32:3:2", &opts, &error);
  g_assert_no_error (error);
  lv_ensemble_config_init (&config);
  config.sizes[0] = 3;
  config.n_sizes = 1;
  config.runs = runs;
  config.train.epochs = epochs;
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  return lv_session_new ("random:32:3:2", &opts, ds, &config, lv_ensemble_snapshot (ensemble),
                         2, 0.0);
}

static int
save_session (gpointer data)
{
  gpointer *args = data;
  GError *error = NULL;

  if (lv_session_save (args[0], args[1], &error))
    return 1;
  return g_error_matches (error, LV_ERROR, LV_ERROR_FAILED) ? 0 : 2;
}

static void
test_session_save_disk_full (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autoptr(LvSession) small = make_session (2, 2);
  g_autoptr(LvSession) big = make_session (64, 40);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvSession) loaded = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  gpointer args[] = { big, path };

  g_assert_true (lv_session_save (small, path, &error));
  g_assert_no_error (error);
  before = read_all (path, &before_len);
  g_assert_cmpuint (before_len, <, 16 * 1024);
  g_assert_cmpint (run_with_fsize_limit (16 * 1024, save_session, args), ==, 0);
  after = read_all (path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpuint (count_others (dir, "exp.json"), ==, 0);
  loaded = lv_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->snapshot->n_runs, ==, 2);
}

/* The saver is SIGKILLed at arbitrary moments while it rewrites the file over and over: the
 * file on disk always loads, as one of the complete versions. */
static void
test_session_save_killed (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autoptr(LvSession) small = make_session (2, 2);
  g_autoptr(LvSession) big = make_session (64, 40);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);

  g_assert_true (lv_session_save (small, path, &error));
  for (guint round = 0; round < 8; round++)
    {
      g_autoptr(LvSession) loaded = NULL;
      int status;
      pid_t pid;

      fflush (stdout);
      fflush (stderr);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          for (guint i = 0;; i++)
            lv_session_save (i % 2 ? small : big, path, NULL);
        }
      g_usleep (g_rand_int_range (rand, 5000, 60000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      loaded = lv_session_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (loaded->snapshot->n_runs == 2 || loaded->snapshot->n_runs == 64);
    }
  /* Temporaries left by kills that landed mid-write (the target itself never was one). */
  g_test_message ("%u kills interrupted a write", count_others (dir, "exp.json"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/reliability/faults/export-unwritable", test_export_unwritable);
  g_test_add_func ("/lossviz/reliability/faults/export-disk-full", test_export_disk_full);
  g_test_add_func ("/lossviz/reliability/faults/session-save-disk-full",
                   test_session_save_disk_full);
  g_test_add_func ("/lossviz/reliability/faults/session-save-killed", test_session_save_killed);
  return g_test_run ();
}
