/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lv-test-util.h"

void
lv_cli_result_clear (LvCliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

void
lv_test_run_cli_argv (LvCliResult *result, const char *const *args)
{
  const char *cli = g_getenv ("LOSSVIZ_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  memset (result, 0, sizeof *result);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &result->out,
                &result->err, &status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (status))
    result->exit_code = WEXITSTATUS (status);
  else
    result->exit_code = -1; /* killed by a signal: a crash, which every test treats as failure */
}

void
lv_test_run_cli (LvCliResult *result, const char *first_arg, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  lv_test_run_cli_argv (result, (const char *const *) args->pdata);
}

JsonObject *
lv_test_parse_json_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

void
lv_test_assert_bad_input (const LvCliResult *result, const char *needle)
{
  const char *nl;

  if (result->exit_code != 2 || strstr (result->err, needle) == NULL)
    g_test_message ("exit %d, stderr: %s", result->exit_code, result->err);
  g_assert_cmpint (result->exit_code, ==, 2);
  g_assert_true (g_str_has_prefix (result->err, "lossviz-cli: error: "));
  nl = strchr (result->err, '\n');
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
  g_assert_nonnull (strstr (result->err, needle));
}

static void
remove_tree (gpointer path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                            NULL, NULL);
  GFileInfo *info;

  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (g_strdup (child));
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
  g_free (path);
}

char *
lv_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lossviz-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy (remove_tree, g_strdup (dir));
  return dir;
}

/* Reliability II (issue 16): the CLI under a resource limit (RLIMIT_AS for `ulimit -v`,
 * RLIMIT_FSIZE for a file-size limit), set in the child between fork and exec. */
typedef struct
{
  int resource;
  rlim_t limit;
} Limit;

static void
set_limit (gpointer data)
{
  const Limit *l = data;
  struct rlimit rl = { l->limit, l->limit };

  setrlimit (l->resource, &rl);
}

void
lv_test_run_cli_limited (LvCliResult *result, int resource, guint64 limit,
                         const char *const *args)
{
  const char *cli = g_getenv ("LOSSVIZ_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Limit l = { resource, (rlim_t) limit };
  int status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  memset (result, 0, sizeof *result);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, set_limit, &l, &result->out,
                &result->err, &status, &error);
  g_assert_no_error (error);
  result->exit_code = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *isolated_state_dir;

static void
remove_isolated_state (void)
{
  remove_tree (g_steal_pointer (&isolated_state_dir));
}

/* Each UI test program gets a state folder (autosave.json) of its own: an autosave left by a
 * test that aborted can then never show the recovery banner in another test. The environment
 * variable, not only G_TEST_OPTION_ISOLATE_DIRS: that one changes g_get_user_state_dir() in
 * this process only, and not in tests without it nor in the app a test starts. A run that
 * aborts leaves its folder behind in the temporary directory, where nothing reads it. */
void
lv_test_isolate_state (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (isolated_state_dir);
  isolated_state_dir = g_dir_make_tmp ("lossviz-ui-state-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_STATE_HOME", isolated_state_dir, TRUE);
  atexit (remove_isolated_state);
}

/* Final test losses of every run of @config, trained by the core alone on the digits dataset
 * with two workers: what the UI tests compare the app's training with. */
GArray *
lv_test_core_final_test_losses (const LvEnsembleConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) data = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvEnsembleSnapshot) snap = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  LvDatasetOptions opts;

  lv_dataset_options_init (&opts);
  data = lv_dataset_load ("digits", &opts, &error);
  g_assert_no_error (error);
  ensemble = lv_ensemble_new (data, config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  snap = lv_ensemble_snapshot (ensemble);
  for (guint r = 0; r < snap->n_runs; r++)
    {
      double v = lv_run_record_final_test_loss (&snap->runs[r]);

      g_array_append_val (values, v);
    }
  return values;
}
