/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <string.h>

#include <glib.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/*
 * A small `lossviz-cli ensemble` under valgrind memcheck (issue 9, item 1): no memory error and
 * nothing "definitely lost" (valgrind then exits 3). Skipped, with a message, when valgrind is
 * not installed or when this build is sanitized (ASan/TSan binaries do not run under valgrind).
 */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Returns FALSE when skipped. */
static gboolean
run_under_valgrind (const char *const *cli_args)
{
  g_autofree char *valgrind = g_find_program_in_path ("valgrind");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) root = NULL;
  int status = 0;

#ifdef SANITIZED
  g_test_skip ("sanitized build: valgrind cannot run ASan/TSan binaries");
  return FALSE;
#endif
  if (valgrind == NULL)
    {
      g_test_skip ("valgrind is not installed (apt-get install valgrind)");
      return FALSE;
    }
  g_ptr_array_add (args, valgrind);
  g_ptr_array_add (args, (gpointer) "-q");
  g_ptr_array_add (args, (gpointer) "--error-exitcode=3");
  g_ptr_array_add (args, (gpointer) "--leak-check=full");
  g_ptr_array_add (args, (gpointer) "--errors-for-leak-kinds=definite");
  g_ptr_array_add (args, (gpointer) "--show-leak-kinds=definite");
  g_ptr_array_add (args, (gpointer) g_getenv ("LOSSVIZ_CLI"));
  for (guint i = 0; cli_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) cli_args[i]);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("valgrind output:\n%s", err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  root = lv_test_parse_json_object (out);
  g_assert_true (json_object_has_member (root, "sizes"));
  return TRUE;
}

static void
test_ensemble (void)
{
  const char *args[] = { "ensemble", "--dataset", "random:60:4:3", "--sizes", "3,5", "--runs",
                         "2", "--epochs", "2", "--threads", "2", "--json", NULL };

  run_under_valgrind (args);
}

/* The fused trainer, and an experiment file written atomically. */
static void
test_ensemble_shared_order_save (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "exp.json", NULL);
  const char *args[] = { "ensemble", "--dataset", "random:60:4:3", "--sizes", "4", "--runs",
                         "5", "--epochs", "2", "--threads", "2", "--shared-order", "--out", out,
                         "--json", NULL };

  if (run_under_valgrind (args))
    g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/reliability/valgrind/ensemble", test_ensemble);
  g_test_add_func ("/lossviz/reliability/valgrind/ensemble-shared-order-save",
                   test_ensemble_shared_order_save);
  return g_test_run ();
}
