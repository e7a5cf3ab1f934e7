/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "lv-test-util.h"

/* Members of a G × G matrix as doubles (row = β). */
static double
matrix_at (JsonObject *root, const char *name, guint j, guint i)
{
  JsonArray *rows = json_object_get_array_member (root, name);
  return json_array_get_double_element (json_array_get_array_element (rows, j), i);
}

/*
 * `slice --json` (the README's keys), with --csv and --plot: the grid's centre is the trained
 * network's own train loss (the same number), min and max agree with the matrix, and the CSV
 * holds the same values, one row per grid point.
 */
static void
test_slice_json (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "slice.csv", NULL);
  g_autofree char *png = g_build_filename (dir, "slice.png", NULL);
  g_autofree char *text = NULL, *image = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *center, *min;
  JsonArray *rows;
  double lo = INFINITY, hi = -INFINITY;
  gsize image_len = 0;

  lv_test_run_cli (&r, "slice", "--dataset", "digits", "--hidden", "5", "--seed", "3",
                   "--epochs", "2", "--directions", "filter", "--grid", "5", "--span", "0.5",
                   "--json", "--csv", csv, "--plot", png, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  g_assert_cmpint (json_object_get_int_member (root, "grid"), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (root, "span"), ==, 0.5);
  g_assert_cmpstr (json_object_get_string_member (root, "directions"), ==, "filter");
  center = json_object_get_object_member (root, "center");
  g_assert_true (json_object_has_member (center, "test_loss"));
  g_assert_cmpfloat (json_object_get_double_member (center, "train_loss"), ==,
                     matrix_at (root, "train_loss", 2, 2));
  rows = json_object_get_array_member (root, "train_loss");
  g_assert_cmpuint (json_array_get_length (rows), ==, 5);
  for (guint j = 0; j < 5; j++)
    {
      g_assert_cmpuint (json_array_get_length (json_array_get_array_element (rows, j)), ==, 5);
      for (guint i = 0; i < 5; i++)
        {
          lo = MIN (lo, matrix_at (root, "train_loss", j, i));
          hi = MAX (hi, matrix_at (root, "train_loss", j, i));
        }
    }
  min = json_object_get_object_member (root, "min");
  g_assert_cmpfloat (json_object_get_double_member (min, "train_loss"), ==, lo);
  g_assert_true (json_object_has_member (min, "alpha"));
  g_assert_true (json_object_has_member (min, "beta"));
  g_assert_cmpfloat (json_object_get_double_member (root, "max_train_loss"), ==, hi);

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "alpha,beta,train_loss,test_loss");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 25 + 1); /* header, rows, final newline */
  for (guint k = 0; k < 25; k++)
    {
      g_auto(GStrv) f = g_strsplit (lines[1 + k], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 4);
      g_assert_cmpfloat (g_ascii_strtod (f[0], NULL), ==, -0.5 + 0.25 * (k % 5));
      g_assert_cmpfloat (g_ascii_strtod (f[1], NULL), ==, -0.5 + 0.25 * (k / 5));
      g_assert_cmpfloat (g_ascii_strtod (f[2], NULL), ==,
                         matrix_at (root, "train_loss", k / 5, k % 5));
    }
  g_assert_true (g_file_get_contents (png, &image, &image_len, NULL));
  g_assert_cmpuint (image_len, >, 1000);
  g_assert_true (memcmp (image, "\x89PNG", 4) == 0);
}

/* PCA reports the projected trajectory (one point per epoch); interpolate the other minima. */
static void
test_slice_pca_and_interpolate (void)
{
  g_auto(LvCliResult) pca = { 0 };
  g_auto(LvCliResult) interp = { 0 };
  g_autoptr(JsonObject) a = NULL, b = NULL;
  JsonArray *minima;

  lv_test_run_cli (&pca, "slice", "--hidden", "4", "--epochs", "4", "--directions", "pca",
                   "--grid", "3", "--json", NULL);
  g_assert_cmpint (pca.exit_code, ==, 0);
  a = lv_test_parse_json_object (pca.out);
  g_assert_cmpstr (json_object_get_string_member (a, "directions"), ==, "pca");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "trajectory")), ==, 4);
  /* The last checkpoint is the trained point itself: the trajectory ends at (0, 0). */
  g_assert_cmpfloat (fabs (json_array_get_double_element (
                       json_array_get_array_element (json_object_get_array_member (a,
                                                                                   "trajectory"),
                                                     3), 0)), <, 1e-9);

  lv_test_run_cli (&interp, "slice", "--hidden", "4", "--epochs", "2", "--directions",
                   "interpolate", "--grid", "3", "--span", "1", "--json", NULL);
  g_assert_cmpint (interp.exit_code, ==, 0);
  b = lv_test_parse_json_object (interp.out);
  minima = json_object_get_array_member (b, "minima");
  g_assert_cmpuint (json_array_get_length (minima), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (b, "span"), ==, 1.0);
}

/*
 * `hessian --json`, full and Lanczos, on the same trained network (235 parameters): every
 * eigenvalue, ascending; the index recounted from them; Lanczos extremes equal to the full ones.
 */
static void
test_hessian_json (void)
{
  g_auto(LvCliResult) full = { 0 };
  g_auto(LvCliResult) lz = { 0 };
  g_autoptr(JsonObject) f = NULL, l = NULL;
  JsonArray *ev;
  guint n, negatives = 0;
  double scale, prev = -INFINITY;

  lv_test_run_cli (&full, "hessian", "--dataset", "digits", "--hidden", "3", "--seed", "2",
                   "--epochs", "2", "--method", "full", "--json", NULL);
  g_assert_cmpint (full.exit_code, ==, 0);
  f = lv_test_parse_json_object (full.out);
  g_assert_cmpint (json_object_get_int_member (f, "params"), ==, 64 * 3 + 3 + 3 * 10 + 10);
  g_assert_cmpstr (json_object_get_string_member (f, "method"), ==, "full");
  ev = json_object_get_array_member (f, "eigenvalues");
  n = json_array_get_length (ev);
  g_assert_cmpuint (n, ==, 235);
  scale = MAX (fabs (json_object_get_double_member (f, "min_eigenvalue")),
               fabs (json_object_get_double_member (f, "max_eigenvalue")));
  for (guint i = 0; i < n; i++)
    {
      double v = json_array_get_double_element (ev, i);
      g_assert_cmpfloat (v, >=, prev);
      prev = v;
      negatives += v < -1e-6 * scale;
    }
  g_assert_cmpfloat (json_object_get_double_member (f, "min_eigenvalue"), ==,
                     json_array_get_double_element (ev, 0));
  g_assert_cmpfloat (json_object_get_double_member (f, "max_eigenvalue"), ==,
                     json_array_get_double_element (ev, n - 1));
  g_assert_cmpint (json_object_get_int_member (f, "negative_count"), ==, negatives);
  g_assert_cmpfloat (json_object_get_double_member (f, "gradient_norm"), >, 0);

  lv_test_run_cli (&lz, "hessian", "--dataset", "digits", "--hidden", "3", "--seed", "2",
                   "--epochs", "2", "--method", "lanczos", "--steps", "60", "--json", NULL);
  g_assert_cmpint (lz.exit_code, ==, 0);
  l = lv_test_parse_json_object (lz.out);
  g_assert_cmpstr (json_object_get_string_member (l, "method"), ==, "lanczos");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l, "eigenvalues")), ==,
                    10);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (l, "max_eigenvalue"),
                                  json_object_get_double_member (f, "max_eigenvalue"),
                                  1e-6 * scale);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (l, "gradient_norm"),
                                  json_object_get_double_member (f, "gradient_norm"), 1e-12);
  g_assert_cmpint (json_object_get_int_member (l, "negative_count"), <=, negatives);
}

/* Bad input: one line on stderr, exit 2, before any long computation. */
static void
test_bad_input (void)
{
  const char *const cases[][8] = {
    { "slice", "--grid", "1", NULL },
    { "slice", "--directions", "sideways", NULL },
    { "slice", "--span", "-1", NULL },
    { "slice", "--hidden", "0", NULL },
    { "slice", "--plot", "out.bmp", NULL },
    { "slice", "--dataset", "nosuchdataset", NULL },
    { "hessian", "--method", "exact", NULL },
    { "hessian", "--method", "full", "--hidden", "100", NULL },
    { "hessian", "--method", "lanczos", "--hidden", "2", "--steps", "5000", NULL },
    { "hessian", "--tolerance", "nan", NULL },
  };
  const char *const needles[] = { "--grid", "--directions", "--span", "--hidden", "bmp", "",
                                  "--method", "lanczos", "--steps", "--tolerance" };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_auto(LvCliResult) r = { 0 };
      lv_test_run_cli_argv (&r, cases[k]);
      lv_test_assert_bad_input (&r, needles[k]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/cli-slice/slice-json", test_slice_json);
  g_test_add_func ("/lossviz/cli-slice/slice-pca-interpolate", test_slice_pca_and_interpolate);
  g_test_add_func ("/lossviz/cli-slice/hessian-json", test_hessian_json);
  g_test_add_func ("/lossviz/cli-slice/bad-input", test_bad_input);
  return g_test_run ();
}
