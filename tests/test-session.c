/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"
#include "lv-test-util.h"

static LvSession *
trained_session (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvEnsemble) e = NULL;
  LvEnsembleConfig config;
  LvDatasetOptions dopts;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 3;
  config.sizes[1] = 8;
  config.n_sizes = 2;
  config.runs = 3;
  config.train.epochs = 4;
  config.train.reg.degree = 2.5;
  config.train.reg.lambda = 1e-4;
  e = lv_ensemble_new (ds, &config, NULL);
  lv_ensemble_start (e, pool);
  lv_ensemble_wait (e);
  lv_dataset_options_init (&dopts);
  return lv_session_new ("blobs", &dopts, ds, &config, lv_ensemble_snapshot (e), 2, 0.25);
}

/* Save, load: every configuration field and every per-epoch number comes back exactly. */
static void
test_round_trip (void)
{
  g_autoptr(LvSession) a = trained_session ();
  g_autoptr(LvSession) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *again = NULL, *first = NULL;

  g_assert_true (lv_session_save (a, path, &error));
  g_assert_no_error (error);
  b = lv_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->dataset_spec, ==, "blobs");
  g_assert_cmpuint (b->dataset.n_train, ==, 200);
  g_assert_cmpuint (b->config.n_sizes, ==, 2);
  g_assert_cmpuint (b->config.sizes[1], ==, 8);
  g_assert_cmpfloat (b->config.train.reg.degree, ==, 2.5);
  g_assert_cmpfloat (b->config.train.reg.lambda, ==, 1e-4);
  g_assert_cmpuint (b->snapshot->n_runs, ==, 6);
  g_assert_cmpuint (b->snapshot->finished, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      const LvRunRecord *x = &a->snapshot->runs[i], *y = &b->snapshot->runs[i];
      g_assert_cmpuint (x->seed, ==, y->seed);
      g_assert_cmpuint (y->epochs_done, ==, 4);
      g_assert_cmpmem (x->test_loss, 4 * sizeof (double), y->test_loss, 4 * sizeof (double));
      g_assert_cmpmem (x->train_loss, 4 * sizeof (double), y->train_loss, 4 * sizeof (double));
    }
  /* The text is a fixed point of load ∘ save. */
  first = lv_session_to_json (a);
  again = lv_session_to_json (b);
  g_assert_cmpstr (first, ==, again);
}

/* In a child limited to 512-byte files (RLIMIT_FSIZE), the save fails half-way: it must say so
 * and leave the previous, complete file untouched (the parent checks). */
static void
test_failed_save_keeps_old_file (void)
{
  g_autoptr(LvSession) a = trained_session ();
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GDir) listing = NULL;
  guint entries = 0;

  g_assert_true (lv_session_save (a, path, NULL));
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_cmpuint (strlen (before), >, 512);
  g_setenv ("LV_TEST_SESSION_PATH", path, TRUE);
  g_test_trap_subprocess ("/lossviz/session/failed-save-keeps-old-file/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  /* …and no temporary file is left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);
}

static void
test_failed_save_subprocess (void)
{
  g_autoptr(LvSession) a = trained_session ();
  g_autoptr(GError) error = NULL;
  struct rlimit limit = { 512, 512 };

  signal (SIGXFSZ, SIG_IGN); /* write() then fails with EFBIG instead of killing us */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (lv_session_save (a, g_getenv ("LV_TEST_SESSION_PATH"), &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_FAILED); /* a run-time failure: exit 1 */
}

/* Corrupt files: each gives an error that names what is wrong, never a crash. */
static void
test_corrupt_files (void)
{
  g_autoptr(LvSession) a = trained_session ();
  g_autofree char *good = lv_session_to_json (a);
  struct
  {
    const char *from, *to, *needle;
  } edits[] = {
    { "\"lossviz-experiment\"", "\"other\"", "format" },
    { "\"version\" : 1", "\"version\" : 99", "newer" },
    { "\"runs\" : 3", "\"runs\" : 4", "runs" },
    { "\"activation\" : \"relu\"", "\"activation\" : \"swish\"", "activation" },
    { "\"epochs_done\" : 4", "\"epochs_done\" : 3", "epochs_done" },
    { "\"lr\" : 0.05,", "\"lr\" : \"fast\",", "lr" },
    { "\"state\" : \"finished\"", "\"state\" : \"dancing\"", "state" },
    { "\"sizes\" : [", "\"sizes\" : [0,", "sizes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) text = g_string_new (good);
      g_autoptr(LvSession) s = NULL;

      g_assert_nonnull (strstr (text->str, edits[i].from));
      g_string_replace (text, edits[i].from, edits[i].to, 1);
      s = lv_session_from_json (text->str, -1, &error);
      g_assert_null (s);
      g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
      if (strstr (error->message, edits[i].needle) == NULL)
        g_error ("edit %u: message '%s' lacks '%s'", i, error->message, edits[i].needle);
    }
  /* Truncation at every 97th byte. */
  for (gsize cut = 0; cut < strlen (good); cut += 97)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LvSession) s = lv_session_from_json (good, (gssize) cut, &error);
      g_assert_null (s);
      g_assert_nonnull (error);
    }
}

/* CLI: `ensemble --out F --json` and `render --session F --json` print the same summary. */
static void
test_cli_render_matches_ensemble (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *plot = g_build_filename (dir, "hist.svg", NULL);
  g_auto(LvCliResult) a = { 0 };
  g_auto(LvCliResult) b = { 0 };

  lv_test_run_cli (&a, "ensemble", "--sizes", "3,9", "--runs", "3", "--epochs", "2", "--out",
                   path, "--json", NULL);
  g_assert_cmpint (a.exit_code, ==, 0);
  lv_test_run_cli (&b, "render", "--session", path, "--view", "histogram", "--plot", plot,
                   "--json", NULL);
  if (b.exit_code != 0)
    g_test_message ("stderr: %s", b.err);
  g_assert_cmpint (b.exit_code, ==, 0);
  g_assert_cmpstr (a.out, ==, b.out);
  g_assert_true (g_file_test (plot, G_FILE_TEST_IS_REGULAR));
}

static void
test_cli_render_bad_input (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "junk.json", NULL);
  g_auto(LvCliResult) r = { 0 };
  g_auto(LvCliResult) m = { 0 };

  g_assert_true (g_file_set_contents (path, "{\"format\": 3}", -1, NULL));
  lv_test_run_cli (&r, "render", "--session", path, "--json", NULL);
  lv_test_assert_bad_input (&r, "format");
  lv_test_run_cli (&m, "render", "--session", "/nonexistent/x.json", "--json", NULL);
  lv_test_assert_bad_input (&m, "x.json");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/session/round-trip", test_round_trip);
  g_test_add_func ("/lossviz/session/failed-save-keeps-old-file", test_failed_save_keeps_old_file);
  g_test_add_func ("/lossviz/session/failed-save-keeps-old-file/subprocess",
                   test_failed_save_subprocess);
  g_test_add_func ("/lossviz/session/corrupt-files", test_corrupt_files);
  g_test_add_func ("/lossviz/session/cli-render-matches-ensemble", test_cli_render_matches_ensemble);
  g_test_add_func ("/lossviz/session/cli-render-bad-input", test_cli_render_bad_input);
  return g_test_run ();
}
