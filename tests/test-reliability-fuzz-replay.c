/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <glib.h>

#include <lossviz/lossviz.h>

#include "fuzz/lv-fuzz-targets.h"

/*
 * Replays, through the normal build, every input of the fuzz seed corpora
 * (tests/fuzz/corpus/<target>/) and every input that once crashed a harness
 * (tests/fuzz/regressions/<target>/, named after what it found). Each must return normally:
 * the targets assert the loaders' contracts, and under the sanitized build (build-aux/test.sh)
 * any out-of-bounds access, UB or leak fails this test.
 */

typedef struct
{
  const char *name;
  LvFuzzTarget func;
} Target;

static const Target targets[] = {
  { "idx", lv_fuzz_idx },
  { "idx-gzip", lv_fuzz_idx_gzip },
  { "csv", lv_fuzz_csv },
  { "session", lv_fuzz_session },
  { "cli-ensemble", lv_fuzz_cli_ensemble },
  { "matrix-csv", lv_fuzz_matrix_csv },
  { "json-write", lv_fuzz_json_write },
  { "bundle", lv_fuzz_bundle },
};

static guint
replay_dir (const Target *target, const char *kind)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", kind, target->name,
                                                     NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  /* A fixed order, so a failure is reproducible. */
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_test_message ("%s/%s/%s (%" G_GSIZE_FORMAT " bytes)", kind, target->name,
                      (char *) names->pdata[i], len);
      target->func ((const guint8 *) contents, len);
    }
  return names->len;
}

static void
test_replay (gconstpointer data)
{
  const Target *target = data;
  guint n_corpus = replay_dir (target, "corpus");
  guint n_regressions = replay_dir (target, "regressions");

  g_test_message ("%s: %u seed inputs, %u regression inputs", target->name, n_corpus,
                  n_regressions);
  /* The seed corpus ships with the sources: an empty one means a broken checkout. */
  g_assert_cmpuint (n_corpus, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lossviz/reliability/fuzz-replay/%s",
                                               targets[i].name);
      g_test_add_data_func (path, &targets[i], test_replay);
    }
  return g_test_run ();
}
