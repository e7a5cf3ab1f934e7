/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-plot.h>

#include "lv-test-util.h"

/* File export: valid PNG/SVG/PDF of the requested size, atomic replacement, errors, CSV. */

static double values_a[] = { 0.31, 0.35, 0.36, 0.4, 0.42, 0.5 };
static double values_b[] = { 0.2, 0.22, 0.23, 0.25, NAN };
static LvPlotHistSeries series[] = {
  { "n = 10", values_a, G_N_ELEMENTS (values_a), 2, LV_PLOT_COLOR_AUTO },
  { "n = 100", values_b, G_N_ELEMENTS (values_b), 0, LV_PLOT_COLOR_AUTO },
};
static LvPlotHistogramModel model = {
  .common = { .title = "Test loss", .x_label = "test loss", .caption = "a \"quoted\", caption" },
  .series = series,
  .n_series = G_N_ELEMENTS (series),
};

static gboolean
export (const char *path,
        double      width,
        double      height,
        double      dpi,
        GError    **error)
{
  return lv_plot_export ((LvPlotDrawFunc) lv_plot_histogram_draw, &model, path, width, height,
                         dpi, error);
}

/* Binary-safe search: PDF streams contain NUL bytes, which stop g_strstr_len(). */
static gboolean
contains_bytes (const char *data,
                gsize       len,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_png (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fig.PNG", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *s;

  for (guint k = 0; k < 2; k++)
    {
      double dpi = k == 0 ? 96 : 192;

      g_assert_true (export (path, 321, 207, dpi, &error));
      g_assert_no_error (error);
      s = cairo_image_surface_create_from_png (path);
      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_width (s), ==, 321);
      g_assert_cmpint (cairo_image_surface_get_height (s), ==, 207);
      cairo_surface_destroy (s);
    }
  g_assert_cmpuint (count_entries (dir), ==, 1);   /* no temporary file left behind */
}

static void
test_svg (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fig.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;

  g_assert_true (export (path, 400, 300, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "width=\"400pt\""));
  g_assert_nonnull (strstr (svg, "height=\"300pt\""));
  /* The searchable text layer carries what the renderer drew, legend included. */
  g_assert_nonnull (strstr (svg, ">n = 10  (2 diverged)</text>"));
  g_assert_nonnull (strstr (svg, ">n = 100</text>"));
  g_assert_nonnull (strstr (svg, ">test loss</text>"));
  g_assert_nonnull (strstr (svg, "a &quot;quoted&quot;, caption</text>"));
  g_assert_true (g_str_has_suffix (g_strchomp (svg), "</svg>"));
}

static void
test_pdf (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fig.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL;
  gsize len;

  g_assert_true (export (path, 400, 300, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &pdf, &len, NULL));
  g_assert_cmpuint (len, >, 100);
  g_assert_true (memcmp (pdf, "%PDF-", 5) == 0);
  g_assert_true (contains_bytes (pdf, len, "/MediaBox [ 0 0 400 300 ]"));
  g_assert_true (contains_bytes (pdf, len, "%%EOF"));
}

static void
test_errors_keep_file (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fig.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "fig.png", NULL);
  g_autofree char *blocker = g_build_filename (dir, "blocked.svg", NULL);
  g_autofree char *inside = g_build_filename (blocker, "keep.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "previous", -1, NULL));

  {
    g_autofree char *bmp = g_build_filename (dir, "fig.bmp", NULL);

    g_assert_false (export (bmp, 100, 100, 96, &error));
    g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  g_assert_false (export (path, 0, 100, 96, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (export (path, 100, NAN, 96, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (export (missing, 100, 100, 96, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_IO);
  g_clear_error (&error);

  /* A write that fails at the final step (the target is a directory) must leave that entry as it
   * was and no temporary file behind. */
  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  g_assert_false (lv_plot_export ((LvPlotDrawFunc) lv_plot_histogram_draw, &model, blocker, 100,
                                  100, 0, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));

  /* Where permissions are enforced (not root), an unwritable directory fails cleanly too. */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      g_assert_false (export (path, 100, 100, 96, &error));
      g_assert_error (error, LV_ERROR, LV_ERROR_IO);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
    }
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "previous");
  g_assert_cmpuint (count_entries (dir), ==, 2);   /* fig.png and blocked.svg only */

  /* A successful export replaces the file. */
  g_assert_true (export (path, 100, 80, 96, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (memcmp (contents, "\x89PNG", 4) == 0);
}

static void
test_csv (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fig.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (lv_plot_histogram_write_csv (&model, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  /* header + 6 + 2 diverged + 5 values + trailing empty string */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 2 + 5 + 1);
  g_assert_cmpstr (lines[0], ==, "series,label,value");
  g_assert_cmpstr (lines[1], ==, "0,n = 10,0.31");
  g_assert_cmpstr (lines[7], ==, "0,n = 10,diverged");
  g_assert_cmpstr (lines[13], ==, "1,n = 100,nan");
  g_assert_false (lv_plot_histogram_write_csv (&model, "/nonexistent-dir/x.csv", &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_IO);
}

/* The data file beside a figure: only the last component's extension is replaced. */
static void
test_sibling_path (void)
{
  const struct { const char *path, *suffix, *expected; } cases[] = {
    { "out/fig.svg", ".csv", "out/fig.csv" },
    { "fig.tar.pdf", "-index.csv", "fig.tar-index.csv" },
    { "dir.v2/fig", ".csv", "dir.v2/fig.csv" },
    { "fig", "-network.csv", "fig-network.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = lv_plot_sibling_path (cases[i].path, cases[i].suffix);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/plot-export/png", test_png);
  g_test_add_func ("/lossviz/plot-export/svg", test_svg);
  g_test_add_func ("/lossviz/plot-export/pdf", test_pdf);
  g_test_add_func ("/lossviz/plot-export/errors-keep-file", test_errors_keep_file);
  g_test_add_func ("/lossviz/plot-export/csv", test_csv);
  g_test_add_func ("/lossviz/plot-export/sibling-path", test_sibling_path);
  return g_test_run ();
}
