/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lossviz/lv-bundle.h>

#include "lv-test-util.h"

/*
 * MPI ranks (issue 17): `mpirun -n N lossviz-cli …` must give, for N = 1, 2, 3 and any
 * --threads, the very numbers of a single-process --threads 1 run (compared as parsed JSON
 * doubles, which the CLI prints round-trip exactly); a rank killed mid-run must end the job
 * non-zero in bounded time; the choromanska2015 preset must run end to end. Skipped (exit 77)
 * without MPI support or mpirun.
 */

static char *mpirun;

/* Runs `mpirun --oversubscribe -n N lossviz-cli ARGS…`. */
static void
run_mpi (LvCliResult *result, int n, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (mpirun));
  g_ptr_array_add (argv, g_strdup ("--oversubscribe"));
  g_ptr_array_add (argv, g_strdup ("-n"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", n));
  g_ptr_array_add (argv, g_strdup (g_getenv ("LOSSVIZ_CLI")));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  memset (result, 0, sizeof *result);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &result->out,
                &result->err, &status, &error);
  g_assert_no_error (error);
  result->exit_code = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  if (result->exit_code != 0)
    g_test_message ("mpirun -n %d: exit %d, stderr: %s", n, result->exit_code, result->err);
}

static JsonNode *
member (JsonObject *o, const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_member (o, name);
}

static JsonObject *
load_json_file (const char *path)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return lv_test_parse_json_object (text);
}

/* Appends --threads T (and --out FILE) to a NULL-terminated argument list. */
static GPtrArray *
with_threads (const char *const *args, int threads, const char *out)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (a, g_strdup (args[i]));
  g_ptr_array_add (a, g_strdup ("--threads"));
  g_ptr_array_add (a, g_strdup_printf ("%d", threads));
  if (out != NULL)
    {
      g_ptr_array_add (a, g_strdup ("--out"));
      g_ptr_array_add (a, g_strdup (out));
    }
  g_ptr_array_add (a, NULL);
  return a;
}

/* Every per-run result (summary and, in the --out file, every epoch) of N = 1, 2, 3 ranks
 * with 2, 1, 2 threads each equals the single-process --threads 1 run's. */
static void
check_ensemble (const char *const *args)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *ref_path = g_build_filename (dir, "ref.json", NULL);
  g_autoptr(GPtrArray) ref_args = with_threads (args, 1, ref_path);
  g_auto(LvCliResult) ref = { 0 };
  g_autoptr(JsonObject) ref_json = NULL, ref_file = NULL;

  lv_test_run_cli_argv (&ref, (const char *const *) ref_args->pdata);
  g_assert_cmpint (ref.exit_code, ==, 0);
  ref_json = lv_test_parse_json_object (ref.out);
  ref_file = load_json_file (ref_path);
  for (int n = 1; n <= 3; n++)
    {
      g_autofree char *path = g_strdup_printf ("%s/n%d.json", dir, n);
      g_autoptr(GPtrArray) a = with_threads (args, n % 2 + 1, path);
      g_auto(LvCliResult) r = { 0 };
      g_autoptr(JsonObject) json = NULL, file = NULL;

      run_mpi (&r, n, (const char *const *) a->pdata);
      g_assert_cmpint (r.exit_code, ==, 0);
      json = lv_test_parse_json_object (r.out); /* exactly one object: only rank 0 printed */
      file = load_json_file (path);
      g_assert_cmpint (json_object_get_int_member (json, "ranks"), ==, n);
      g_assert_true (json_node_equal (member (json, "runs"), member (ref_json, "runs")));
      g_assert_true (json_node_equal (member (json, "sizes"), member (ref_json, "sizes")));
      g_assert_true (json_node_equal (member (file, "runs"), member (ref_file, "runs")));
    }
}

static void
test_ensemble_per_run_order (void)
{
  const char *args[] = { "ensemble", "--sizes", "5,12", "--runs", "7", "--epochs", "2",
                         "--json", NULL };
  check_ensemble (args);
}

static void
test_ensemble_shared_order (void)
{
  /* Blocks of 3, 3 and 1 runs per width: the fused grouping must survive the split. */
  const char *args[] = { "ensemble", "--sizes", "5,12", "--runs", "7", "--epochs", "2",
                         "--shared-order", "--fuse-block", "3", "--json", NULL };
  check_ensemble (args);
}

/* `spinglass simulate` and `slice`: rank 0's JSON equals the single-process one in every
 * member except the wall times. */
static void
check_same_json (const char *const *args, const char *const *skip)
{
  g_autoptr(GPtrArray) ref_args = with_threads (args, 1, NULL);
  g_auto(LvCliResult) ref = { 0 };
  g_autoptr(JsonObject) ref_json = NULL;

  lv_test_run_cli_argv (&ref, (const char *const *) ref_args->pdata);
  g_assert_cmpint (ref.exit_code, ==, 0);
  ref_json = lv_test_parse_json_object (ref.out);
  for (int n = 1; n <= 3; n++)
    {
      g_autoptr(GPtrArray) a = with_threads (args, n % 2 + 1, NULL);
      g_auto(LvCliResult) r = { 0 };
      g_autoptr(JsonObject) json = NULL;
      g_autoptr(GList) names = NULL;

      run_mpi (&r, n, (const char *const *) a->pdata);
      g_assert_cmpint (r.exit_code, ==, 0);
      json = lv_test_parse_json_object (r.out);
      names = json_object_get_members (ref_json);
      g_assert_cmpuint (json_object_get_size (json), ==, json_object_get_size (ref_json));
      for (GList *l = names; l != NULL; l = l->next)
        if (!g_strv_contains (skip, l->data))
          {
            if (!json_node_equal (member (json, l->data), member (ref_json, l->data)))
              g_test_message ("member '%s' differs with %d ranks", (char *) l->data, n);
            g_assert_true (json_node_equal (member (json, l->data),
                                            member (ref_json, l->data)));
          }
    }
}

static void
test_spinglass (void)
{
  /* 120 starts per Λ in tasks of 50: 3 tasks per size, dealt over the ranks. */
  const char *fixed[] = { "spinglass", "simulate", "--lambda", "12,20", "--runs", "120",
                          "--json", NULL };
  const char *per_run[] = { "spinglass", "simulate", "--lambda", "10", "--runs", "7",
                            "--disorder", "per-run", "--method", "sgd", "--json", NULL };
  const char *skip[] = { "sizes", NULL }; /* wall_seconds; the runs are compared one by one */

  check_same_json (fixed, skip);
  check_same_json (per_run, skip);
}

static void
test_slice (void)
{
  const char *args[] = { "slice", "--grid", "7", "--epochs", "2", "--json", NULL };
  const char *skip[] = { "elapsed_s", NULL };

  check_same_json (args, skip);
}

/* The pid of the child of @parent that is MPI rank @rank, or 0. */
static GPid
find_rank (GPid parent, int rank)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *want = g_strdup_printf ("OMPI_COMM_WORLD_RANK=%d", rank);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *env_path = g_build_filename ("/proc", name, "environ", NULL);
      g_autofree char *stat = NULL, *env = NULL;
      gsize len = 0;
      const char *close;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      close = strrchr (stat, ')');
      if (close == NULL || sscanf (close + 2, "%*c %d", &ppid) != 1 || ppid != parent)
        continue;
      if (!g_file_get_contents (env_path, &env, &len, NULL))
        continue;
      for (gsize i = 0; i < len; i += strlen (env + i) + 1)
        if (strcmp (env + i, want) == 0)
          return (GPid) atoi (name);
    }
  return 0;
}

/* Waits up to @seconds for @pid; returns its wait status, or -1 if it is still running. */
static int
wait_bounded (GPid pid, double seconds)
{
  int status;

  for (gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
       g_get_monotonic_time () < end; g_usleep (50 * 1000))
    if (waitpid (pid, &status, WNOHANG) == pid)
      return status;
  return -1;
}

static void
test_killed_rank_ends_job (void)
{
  /* Work for minutes unless stopped: the kill must end the job, not its completion. */
  const char *argv[] = { mpirun, "--oversubscribe", "-n", "3", g_getenv ("LOSSVIZ_CLI"),
                         "ensemble", "--sizes", "50,100", "--runs", "400", "--epochs", "200",
                         "--threads", "1", "--json", NULL };
  g_autoptr(GError) error = NULL;
  GPid job = 0, victim = 0;
  int status;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &job,
                 &error);
  g_assert_no_error (error);
  for (int i = 0; i < 200 && victim == 0; i++, g_usleep (50 * 1000))
    victim = find_rank (job, 1);
  g_assert_cmpint (victim, >, 0);
  g_usleep (500 * 1000); /* let it start training */
  g_assert_cmpint (kill (victim, SIGKILL), ==, 0);
  status = wait_bounded (job, 60);
  if (status == -1)
    {
      kill (job, SIGKILL);
      waitpid (job, &status, 0);
      g_assert_not_reached (); /* the job hung */
    }
  g_assert_false (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (job);
}

/* Waits up to @seconds for @path to exist. */
static gboolean
wait_for_file (const char *path, double seconds)
{
  for (gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
       g_get_monotonic_time () < end; g_usleep (20 * 1000))
    if (g_file_test (path, G_FILE_TEST_EXISTS))
      return TRUE;
  return FALSE;
}

/* Rank 0 checkpoints FILE.h5 from the runs the ranks send; rank 1 is killed mid-run; the last
 * checkpoint loads and holds part of the runs; resuming it on a different number of ranks
 * gives the single-process result. */
static void
test_checkpoint_resume (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ck.h5", NULL);
  const char *cli = g_getenv ("LOSSVIZ_CLI");
  const char *argv[] = { mpirun, "--oversubscribe", "-n", "3", cli, "ensemble", "--sizes",
                         "200,400", "--runs", "12", "--epochs", "100", "--threads", "1",
                         "--fuse-block", "1", "--out", path, "--checkpoint", "0", NULL };
  const char *resume[] = { "ensemble", "--resume", path, "--threads", "2", "--json", NULL };
  g_auto(LvCliResult) ref = { 0 }, resumed = { 0 };
  g_autoptr(JsonObject) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  LvBundle *bundle;
  GPid job = 0, victim = 0;
  guint done;
  int status;

  if (!lv_bundle_is_available ())
    {
      g_test_skip ("built without HDF5");
      return;
    }
  /* --fuse-block 1: one run per unit, so the kill lands with most units still to do. */
  /* Units of ≈ 0.3 s each (≈ 3 s for the job on 3 ranks): the kill lands mid-run even on an
   * idle machine. */
  lv_test_run_cli (&ref, "ensemble", "--sizes", "200,400", "--runs", "12", "--epochs", "100",
                   "--threads", "1", "--fuse-block", "1", "--json", NULL);
  g_assert_cmpint (ref.exit_code, ==, 0);
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &job,
                 &error);
  g_assert_no_error (error);
  /* --checkpoint 0: the file appears with the first unit rank 0 has; 23 more remain. */
  g_assert_true (wait_for_file (path, 120));
  victim = find_rank (job, 1);
  g_assert_cmpint (victim, >, 0);
  g_assert_cmpint (kill (victim, SIGKILL), ==, 0);
  status = wait_bounded (job, 60);
  if (status == -1)
    {
      kill (job, SIGKILL);
      waitpid (job, &status, 0);
      g_assert_not_reached ();
    }
  g_spawn_close_pid (job);
  g_assert_false (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  bundle = lv_bundle_load (path, LV_BUNDLE_LOAD_RECORDS, &error);
  g_assert_no_error (error);
  done = bundle->session->snapshot->finished + bundle->session->snapshot->diverged;
  g_test_message ("checkpoint holds %u of 24 runs", done);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (done, <, 24);
  lv_bundle_free (bundle);

  run_mpi (&resumed, 2, resume);
  g_assert_cmpint (resumed.exit_code, ==, 0);
  a = lv_test_parse_json_object (ref.out);
  b = lv_test_parse_json_object (resumed.out);
  g_assert_true (json_node_equal (member (a, "runs"), member (b, "runs")));
}

static gboolean
have_fashion_mnist (void)
{
  if (g_file_test ("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                   G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("dataset-fashion-mnist is not installed");
  return FALSE;
}

/* The preset end to end at 2 runs × 5 sizes × 1 epoch, on two ranks. */
static void
test_preset_end_to_end (void)
{
  const char *args[] = { "ensemble", "--preset", "choromanska2015", "--runs", "2", "--epochs",
                         "1", "--threads", "1", "--json", NULL };
  const guint sizes[] = { 25, 50, 100, 250, 500 };
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) json = NULL;
  JsonObject *dataset;
  JsonArray *per_size;

  if (!have_fashion_mnist ())
    return;
  run_mpi (&r, 2, args);
  g_assert_cmpint (r.exit_code, ==, 0);
  json = lv_test_parse_json_object (r.out);
  dataset = json_object_get_object_member (json, "dataset");
  g_assert_cmpstr (json_object_get_string_member (dataset, "name"), ==, "fashion-mnist");
  g_assert_cmpint (json_object_get_int_member (dataset, "inputs"), ==, 10 * 10);
  per_size = json_object_get_array_member (json, "sizes");
  g_assert_cmpuint (json_array_get_length (per_size), ==, G_N_ELEMENTS (sizes));
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      JsonObject *o = json_array_get_object_element (per_size, s);
      g_assert_cmpint (json_object_get_int_member (o, "hidden"), ==, sizes[s]);
      g_assert_cmpint (json_object_get_int_member (o, "runs"), ==, 2);
      g_assert_cmpint (json_object_get_int_member (o, "finished") +
                       json_object_get_int_member (o, "diverged"), ==, 2);
    }
}

/* The preset is exactly its documented options (README), and explicit options override it. */
static void
test_preset_is_its_options (void)
{
  g_auto(LvCliResult) preset = { 0 }, spelled = { 0 };
  g_autoptr(JsonObject) a = NULL, b = NULL;

  if (!have_fashion_mnist ())
    return;
  lv_test_run_cli (&preset, "ensemble", "--preset", "choromanska2015", "--sizes", "25",
                   "--runs", "2", "--epochs", "1", "--threads", "1", "--json", NULL);
  lv_test_run_cli (&spelled, "ensemble", "--dataset", "fashion-mnist", "--downsample", "10",
                   "--sizes", "25", "--runs", "2", "--epochs", "1", "--depth", "1",
                   "--activation", "relu", "--init", "cube", "--batch", "32", "--lr", "0.05",
                   "--lr-decay", "0", "--momentum", "0.9", "--shared-order", "--threads", "1",
                   "--json", NULL);
  g_assert_cmpint (preset.exit_code, ==, 0);
  g_assert_cmpint (spelled.exit_code, ==, 0);
  a = lv_test_parse_json_object (preset.out);
  b = lv_test_parse_json_object (spelled.out);
  g_assert_true (json_node_equal (member (a, "runs"), member (b, "runs")));
}

static void
test_spinglass_preset (void)
{
  const char *args[] = { "spinglass", "simulate", "--preset", "choromanska2015", "--lambda",
                         "25", "--runs", "50", "--json", NULL };
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) json = NULL;
  JsonObject *size;

  run_mpi (&r, 2, args);
  g_assert_cmpint (r.exit_code, ==, 0);
  json = lv_test_parse_json_object (r.out);
  g_assert_cmpint (json_object_get_int_member (json, "p"), ==, 3);
  size = json_array_get_object_element (json_object_get_array_member (json, "sizes"), 0);
  g_assert_cmpint (json_object_get_int_member (size, "lambda"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (size, "runs"), ==, 50);
}

/* Started without mpirun, an MPI build is the plain program: one rank, nothing extra. */
static void
test_without_mpirun (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) json = NULL;

  lv_test_run_cli (&r, "ensemble", "--sizes", "5", "--runs", "2", "--epochs", "1", "--json",
                   NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  json = lv_test_parse_json_object (r.out);
  g_assert_cmpint (json_object_get_int_member (json, "ranks"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mpirun = g_find_program_in_path ("mpirun");
  if (!LV_HAVE_MPI || mpirun == NULL)
    {
      g_print ("1..0 # SKIP %s\n", mpirun == NULL ? "mpirun is not installed"
                                                  : "built without MPI (-Dmpi=disabled)");
      return 77;
    }
  if (getuid () == 0)
    {
      /* Open MPI refuses to run as root unless told twice. */
      g_setenv ("OMPI_ALLOW_RUN_AS_ROOT", "1", TRUE);
      g_setenv ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", TRUE);
    }
  /* Under LeakSanitizer: Open MPI's plugins stay loaded and stacks are unwound fully, so
   * MPI_Init's lifetime allocations are named and matched by tests/lsan.supp. */
  g_setenv ("OMPI_MCA_mca_base_component_disable_dlclose", "1", TRUE);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "ASAN_OPTIONS" : "LSAN_OPTIONS";
      if (g_getenv (name) != NULL)
        {
          g_autofree char *v = g_strconcat (g_getenv (name), ":fast_unwind_on_malloc=0", NULL);
          g_setenv (name, v, TRUE);
        }
    }
  g_test_add_func ("/mpi/without-mpirun", test_without_mpirun);
  g_test_add_func ("/mpi/ensemble/per-run-order", test_ensemble_per_run_order);
  g_test_add_func ("/mpi/ensemble/shared-order", test_ensemble_shared_order);
  g_test_add_func ("/mpi/spinglass", test_spinglass);
  g_test_add_func ("/mpi/slice", test_slice);
  g_test_add_func ("/mpi/killed-rank", test_killed_rank_ends_job);
  g_test_add_func ("/mpi/checkpoint-resume", test_checkpoint_resume);
  g_test_add_func ("/mpi/preset/end-to-end", test_preset_end_to_end);
  g_test_add_func ("/mpi/preset/options", test_preset_is_its_options);
  g_test_add_func ("/mpi/preset/spinglass", test_spinglass_preset);
  return g_test_run ();
}
