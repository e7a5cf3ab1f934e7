/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/*
 * Issue 16, class 6: inputs that used to give silently wrong results now give an error or an
 * explicit state.
 */

/* Two classes, 64 training samples in [-1, 1]; the 16 test samples are scaled by @test_scale.
 * A linear network's test logits grow with the scale: at 1e9 its test loss is ~1e8 or more,
 * finite, but 1e6 × above its first minibatch loss (~0.7). */
static LvDataset *
make_far_test_set (float test_scale)
{
  float x_train[64 * 2], x_test[16 * 2];
  guint32 y_train[64], y_test[16];
  LvRng rng;

  lv_rng_init (&rng, 5);
  for (guint i = 0; i < 64; i++)
    {
      x_train[2 * i] = (float) (2 * lv_rng_uniform (&rng) - 1);
      x_train[2 * i + 1] = (float) (2 * lv_rng_uniform (&rng) - 1);
      y_train[i] = x_train[2 * i] > 0;
    }
  for (guint i = 0; i < 16; i++)
    {
      x_test[2 * i] = (float) (2 * lv_rng_uniform (&rng) - 1) * test_scale;
      x_test[2 * i + 1] = (float) (2 * lv_rng_uniform (&rng) - 1) * test_scale;
      y_test[i] = x_test[2 * i] < 0; /* the opposite rule: confidently wrong far away */
    }
  return lv_dataset_new_from_arrays ("far", 2, 2, 64, x_train, y_train, NULL, 16, x_test, y_test,
                                     NULL);
}

static LvRunState
train_once (LvDataset *ds, gboolean fused, double *last_test_loss)
{
  LvTrainConfig config;
  LvMlpShape shape;
  g_autofree float *params = NULL;
  LvRunState state;

  lv_train_config_init (&config);
  config.epochs = 20;
  config.lr = 0.5;
  g_assert_true (lv_mlp_shape_init (&shape, 2, 1, 4, 2, LV_ACTIVATION_LINEAR,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  params = g_new (float, lv_mlp_n_params (&shape));
  if (fused)
    {
      guint64 seeds[1] = { 3 };
      float *p[1] = { params };
      lv_train_run_fused (&shape, &config, ds, 1, seeds, 3, p, &state, NULL, NULL, NULL, NULL);
    }
  else
    state = lv_train_run (&shape, &config, ds, 3, params, NULL, NULL, NULL);
  if (state == LV_RUN_FINISHED)
    {
      LvMlpWorkspace *ws = lv_mlp_workspace_new (&shape, 16);
      *last_test_loss = lv_mlp_evaluate (&shape, params, ds->x_test, ds->y_test, NULL, 16, NULL,
                                         ws);
      lv_mlp_workspace_free (ws);
    }
  return state;
}

/* Issue example: a run "finished" with a test loss of 1e21 is diverged, in both trainers. */
static void
test_astronomic_loss_diverges (void)
{
  g_autoptr(LvDataset) near = make_far_test_set (1.0f);
  g_autoptr(LvDataset) far = make_far_test_set (1e9f);

  for (guint fused = 0; fused < 2; fused++)
    {
      double loss = NAN;

      g_assert_cmpint (train_once (near, fused, &loss), ==, LV_RUN_FINISHED);
      g_assert_cmpfloat (loss, <, 100); /* the control: same data at scale 1 is a result */
      g_assert_cmpint (train_once (far, fused, &loss), ==, LV_RUN_DIVERGED);
    }
}

static char *
write_file (const char *dir, const char *name, const char *text, gssize len)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, len, NULL));
  return path;
}

static void
test_csv_labels_and_bom (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *single = write_file (dir, "single.csv", "0.1,3\n0.2,3\n0.3,3\n0.4,3\n", -1);
  g_autofree char *bom = write_file (dir, "bom.csv", "\xef\xbb\xbf" "0.1,0\n0.2,1\n0.3,0\n0.4,1\n",
                                     -1);
  g_autofree char *spec1 = g_strconcat ("csv:", single, NULL);
  g_autofree char *spec2 = g_strconcat ("csv:", bom, NULL);
  g_auto(LvCliResult) r1 = { 0 }, r2 = { 0 };
  g_autoptr(JsonObject) o = NULL;

  /* Labels {3}: "4 classes", one present. */
  lv_test_run_cli (&r1, "ensemble", "--dataset", spec1, "--sizes", "2", "--runs", "1", NULL);
  lv_test_assert_bad_input (&r1, "single-class data: every training label is 3");
  /* A byte-order mark no longer turns the first row into a header: 4 rows, not 3. */
  lv_test_run_cli (&r2, "ensemble", "--dataset", spec2, "--test-fraction", "0", "--sizes", "2",
                   "--runs", "1", "--epochs", "1", "--json", NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  o = lv_test_parse_json_object (r2.out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "dataset"),
                                               "train"), ==, 4);
}

/* Experiment files with values no run can produce are refused, naming the member. */
static void
test_session_ranges (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *good = NULL;
  g_auto(LvCliResult) made = { 0 };
  struct { const char *from, *to, *needle; } edits[] = {
    { "\"test_accuracy\" : [\n", "\"test_accuracy\" : [\n5,", "test_accuracy" },
    { "\"test_fraction\" : 0.2", "\"test_fraction\" : 5", "test_fraction" },
    { "\"train\" : 32", "\"train\" : 0", "'train'" },
    { "\"train_loss\" : [\n", "\"train_loss\" : [\n-1,", "train_loss" },
  };

  lv_test_run_cli (&made, "ensemble", "--dataset", "random:40:3:2", "--test-fraction", "0.2",
                   "--sizes", "2", "--runs", "1", "--epochs", "2", "--out", path, NULL);
  g_assert_cmpint (made.exit_code, ==, 0);
  g_assert_true (g_file_get_contents (path, &good, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GString) text = g_string_new (good);
      g_autofree char *edited = g_build_filename (dir, "edited.json", NULL);
      g_auto(LvCliResult) r = { 0 };
      const char *at = strstr (text->str, edits[i].from);

      if (at == NULL)
        g_error ("'%s' not in the saved file", edits[i].from);
      g_string_replace (text, edits[i].from, edits[i].to, 1);
      /* An added leading value must keep the series length: drop the series' last value. */
      if (strstr (edits[i].to, ",") != NULL)
        {
          char *start = strstr (text->str, edits[i].to) + strlen (edits[i].to);
          char *end = strchr (start, ']');
          char *comma = g_strrstr_len (start, end - start, ",");
          g_string_erase (text, comma - text->str, end - comma);
        }
      g_assert_true (g_file_set_contents (edited, text->str, -1, NULL));
      lv_test_run_cli (&r, "render", "--session", edited, NULL);
      lv_test_assert_bad_input (&r, edits[i].needle);
    }
}

/* certify: no row dropped after a NUL byte, a byte-order mark read, overflow refused. */
static void
test_matrix_files (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *nul = write_file (dir, "nul.csv", "1,2\n3,4\n\0\n5,6\n", 14);
  g_autofree char *plain = write_file (dir, "plain.csv", "4,1\n1,3\n", -1);
  g_autofree char *bom = write_file (dir, "bom.csv", "\xef\xbb\xbf" "4,1\r\n1,3\r\n", -1);
  g_autofree char *huge = write_file (dir, "huge.csv", "1e200,1\n2,3\n", -1);
  g_auto(LvCliResult) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 };

  lv_test_run_cli (&r1, "certify", "--matrix", nul, "--lambda", "1", "--rank", "1", NULL);
  lv_test_assert_bad_input (&r1, "a NUL byte at offset 8");
  lv_test_run_cli (&r2, "certify", "--matrix", plain, "--lambda", "1", "--rank", "2", "--json",
                   NULL);
  lv_test_run_cli (&r3, "certify", "--matrix", bom, "--lambda", "1", "--rank", "2", "--json",
                   NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  g_assert_cmpstr (r2.out, ==, r3.out);
  lv_test_run_cli (&r4, "certify", "--matrix", huge, "--lambda", "1", "--rank", "1", NULL);
  lv_test_assert_bad_input (&r4, "overflows");
}

/* Bytes that are not UTF-8 (a file name) are never echoed raw: stderr stays valid UTF-8. */
static void
test_invalid_utf8_echo (void)
{
  g_auto(LvCliResult) r = { 0 };

  lv_test_run_cli (&r, "render", "--session", "/nonexistent/\xff\xfe.json", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_true (g_utf8_validate (r.err, -1, NULL));
  g_assert_nonnull (strstr (r.err, "\xef\xbf\xbd")); /* U+FFFD where the bytes were */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/results/astronomic-loss", test_astronomic_loss_diverges);
  g_test_add_func ("/reliability/results/csv-labels-bom", test_csv_labels_and_bom);
  g_test_add_func ("/reliability/results/session-ranges", test_session_ranges);
  g_test_add_func ("/reliability/results/matrix-files", test_matrix_files);
  g_test_add_func ("/reliability/results/invalid-utf8", test_invalid_utf8_echo);
  return g_test_run ();
}
