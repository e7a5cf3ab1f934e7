/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include <lossviz/lossviz.h>

#include "lv-test-dataset-util.h"

/* The IDX and CSV loaders on files the tests write, corrupt ones included, and Debian's
 * Fashion-MNIST when it is installed. */

static void
check_idx_roundtrip (gboolean gz)
{
  g_autofree char *dir = lv_test_tmpdir ();
  guint8 train_px[3 * 2 * 3], test_px[2 * 2 * 3];
  guint8 train_lab[3] = { 2, 0, 1 }, test_lab[2] = { 4, 1 };
  g_autoptr(GBytes) ti = NULL, tl = NULL, si = NULL, sl = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL, *spec = NULL;
  g_autoptr(LvDataset) dataset = NULL;
  LvDatasetOptions opts = raw_options (-1);

  for (guint i = 0; i < sizeof train_px; i++)
    train_px[i] = (guint8) (i * 37 + 3);
  for (guint i = 0; i < sizeof test_px; i++)
    test_px[i] = (guint8) (255 - i * 11);
  ti = idx_images (0x803, 3, 2, 3, train_px, sizeof train_px);
  tl = idx_labels (3, train_lab, 3);
  si = idx_images (0x803, 2, 2, 3, test_px, sizeof test_px);
  sl = idx_labels (2, test_lab, 2);
  if (gz)
    {
      GBytes *tmp;
      tmp = gzip_bytes (ti), g_bytes_unref (ti), ti = tmp;
      tmp = gzip_bytes (tl), g_bytes_unref (tl), tl = tmp;
      tmp = gzip_bytes (si), g_bytes_unref (si), si = tmp;
      tmp = gzip_bytes (sl), g_bytes_unref (sl), sl = tmp;
    }
  p1 = write_bytes (dir, "train-images", ti);
  p2 = write_bytes (dir, "train-labels", tl);
  p3 = write_bytes (dir, "test-images", si);
  p4 = write_bytes (dir, "test-labels", sl);

  /* Own split (test_fraction -1): both parts in file order. */
  spec = g_strdup_printf ("idx:%s:%s:%s:%s", p1, p2, p3, p4);
  dataset = load_ok (spec, &opts);
  g_assert_cmpuint (dataset->n_train, ==, 3);
  g_assert_cmpuint (dataset->n_test, ==, 2);
  g_assert_cmpuint (dataset->n_inputs, ==, 6);
  g_assert_cmpuint (dataset->image_width, ==, 3);
  g_assert_cmpuint (dataset->image_height, ==, 2);
  g_assert_cmpuint (dataset->n_classes, ==, 5);
  for (guint i = 0; i < sizeof train_px; i++)
    g_assert_cmpfloat (dataset->x_train[i], ==, train_px[i] / 255.0f);
  for (guint i = 0; i < sizeof test_px; i++)
    g_assert_cmpfloat (dataset->x_test[i], ==, test_px[i] / 255.0f);
  g_assert_cmpmem (dataset->y_train, 3 * sizeof (guint32),
                   ((guint32[]) { 2, 0, 1 }), 3 * sizeof (guint32));
  g_assert_cmpmem (dataset->y_test, 2 * sizeof (guint32),
                   ((guint32[]) { 4, 1 }), 2 * sizeof (guint32));
  g_clear_pointer (&dataset, lv_dataset_unref);

  /* An explicit fraction pools the 5 samples and re-splits them. */
  opts.test_fraction = 0.4;
  dataset = load_ok (spec, &opts);
  g_assert_cmpuint (dataset->n_train, ==, 3);
  g_assert_cmpuint (dataset->n_test, ==, 2);
  {
    guint label_sum = 0;
    for (guint i = 0; i < 3; i++)
      label_sum += dataset->y_train[i];
    for (guint i = 0; i < 2; i++)
      label_sum += dataset->y_test[i];
    g_assert_cmpuint (label_sum, ==, 2 + 0 + 1 + 4 + 1);
  }
}

static void
test_idx_plain (void)
{
  check_idx_roundtrip (FALSE);
}

static void
test_idx_gzip (void)
{
  check_idx_roundtrip (TRUE);
}

static void
check_idx_error (const char *dir, GBytes *images, GBytes *labels, const char *needle)
{
  g_autofree char *pi = write_bytes (dir, "bad-images", images);
  g_autofree char *pl = write_bytes (dir, "bad-labels", labels);
  g_autofree char *spec = g_strdup_printf ("idx:%s:%s", pi, pl);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) dataset = lv_dataset_load (spec, NULL, &error);

  g_assert_null (dataset);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("error '%s' does not contain '%s'", error->message, needle);
  /* The message names the offending file. */
  g_assert_true (strstr (error->message, "bad-images") != NULL
                 || strstr (error->message, "bad-labels") != NULL);
}

static void
test_idx_corrupt (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  guint8 px[4 * 6] = { 0 }, lab[4] = { 0, 1, 2, 3 };
  g_autoptr(GBytes) good_i = idx_images (0x803, 4, 2, 3, px, sizeof px);
  g_autoptr(GBytes) good_l = idx_labels (4, lab, 4);
  g_autoptr(GBytes) magic = idx_images (0x1234, 4, 2, 3, px, sizeof px);
  g_autoptr(GBytes) lmagic = idx_images (0x803, 4, 2, 3, px, sizeof px);
  g_autoptr(GBytes) trunc_body = idx_images (0x803, 4, 2, 3, px, 20);
  g_autoptr(GBytes) trunc_head = g_bytes_new_from_bytes (good_i, 0, 10);
  g_autoptr(GBytes) tiny = g_bytes_new_from_bytes (good_i, 0, 2);
  g_autoptr(GBytes) trailing = idx_images (0x803, 3, 2, 3, px, sizeof px);
  g_autoptr(GBytes) mismatch = idx_labels (3, lab, 3);
  g_autoptr(GBytes) trunc_labels = idx_labels (4, lab, 2);
  g_autoptr(GBytes) empty = idx_images (0x803, 0, 2, 3, NULL, 0);
  g_autoptr(GBytes) zero_side = idx_images (0x803, 4, 0, 3, NULL, 0);
  g_autoptr(GBytes) huge = idx_images (0x803, G_MAXUINT32, 65535, 65535, px, sizeof px);
  g_autoptr(GBytes) gz = gzip_bytes (good_i);
  g_autoptr(GBytes) trunc_gz = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) - 6);
  g_autoptr(GBytes) garbage_gz = g_bytes_new_static ("\x1f\x8b garbage, not deflate", 24);

  check_idx_error (dir, magic, good_l, "bad IDX magic");
  check_idx_error (dir, good_i, lmagic, "bad IDX magic");
  check_idx_error (dir, trunc_body, good_l, "truncated: expected 24 bytes of image data, found 20");
  check_idx_error (dir, trunc_head, good_l, "truncated: expected 16 bytes of IDX header, found 10");
  check_idx_error (dir, tiny, good_l, "truncated");
  check_idx_error (dir, trailing, mismatch, "unexpected bytes");
  check_idx_error (dir, good_i, mismatch, "label count mismatch (4 images, 3 labels)");
  check_idx_error (dir, good_i, trunc_labels, "truncated: expected 4 bytes of label data, found 2");
  check_idx_error (dir, empty, good_l, "empty dataset");
  check_idx_error (dir, zero_side, good_l, "0x3");
  check_idx_error (dir, huge, good_l, "too large");
  check_idx_error (dir, trunc_gz, good_l, "truncated gzip");
  check_idx_error (dir, garbage_gz, good_l, "corrupt gzip data");

  /* A missing file, and a directory instead of a file. */
  {
    g_autofree char *missing = g_build_filename (dir, "no-such-file", NULL);
    g_autofree char *spec = g_strdup_printf ("idx:%s:%s", missing, missing);
    g_autofree char *spec2 = g_strdup_printf ("idx:%s:%s", dir, dir);
    assert_load_error (spec, NULL, "no-such-file");
    assert_load_error (spec2, NULL, "not a regular file");
    assert_load_error ("idx:only-one", NULL, "idx:TRAIN_IMAGES:TRAIN_LABELS");
    assert_load_error ("idx:a:b:c", NULL, "idx:TRAIN_IMAGES:TRAIN_LABELS");
  }
}

/* Random truncations and byte flips of valid files: every one either parses or errors. */
static void
test_parsers_survive_mutations (void)
{
  guint8 px[5 * 4 * 4], lab[5] = { 1, 2, 3, 4, 0 };
  g_autoptr(GBytes) images = NULL, labels = NULL, images_gz = NULL;
  const char *csv = "a,b,label\n1,2,0\n3.5,-4e2,1\n\n5,6,2\r\n";
  LvRng rng;
  guint n_ok = 0, n_err = 0;

  for (guint i = 0; i < sizeof px; i++)
    px[i] = (guint8) (i * 13);
  images = idx_images (0x803, 5, 4, 4, px, sizeof px);
  labels = idx_labels (5, lab, 5);
  images_gz = gzip_bytes (images);
  lv_rng_init (&rng, 99);
  for (guint iter = 0; iter < 3000; iter++)
    {
      GBytes *sources[3] = { images, images_gz, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(LvDataset) dataset = NULL;
      g_autoptr(GByteArray) buf = g_byte_array_new ();
      guint which = iter % 3;
      gsize len;
      const guint8 *data;

      if (which < 2)
        data = g_bytes_get_data (sources[which], &len);
      else
        data = (const guint8 *) csv, len = strlen (csv);
      g_byte_array_append (buf, data, len);
      /* a few byte flips, then maybe a truncation */
      for (guint f = lv_rng_below (&rng, 4); f > 0; f--)
        buf->data[lv_rng_below (&rng, buf->len)] = (guint8) lv_rng_below (&rng, 256);
      if (lv_rng_below (&rng, 3) == 0)
        g_byte_array_set_size (buf, lv_rng_below (&rng, buf->len + 1));

      if (which < 2)
        {
          gsize llen;
          const guint8 *ldata = g_bytes_get_data (labels, &llen);
          dataset = lv_dataset_parse_idx_buffers ("fuzz-images", buf->data, buf->len,
                                                  "fuzz-labels", ldata, llen, &error);
        }
      else
        dataset = lv_dataset_parse_csv_buffer ("fuzz.csv", (const char *) buf->data, buf->len,
                                               &error);
      g_assert_true ((dataset == NULL) != (error == NULL));
      if (dataset != NULL)
        {
          n_ok++;
          g_assert_cmpuint (dataset->n_train, >, 0);
          for (guint i = 0; i < dataset->n_train; i++)
            g_assert_cmpuint (dataset->y_train[i], <, dataset->n_classes);
          for (gsize i = 0; i < (gsize) dataset->n_train * dataset->n_inputs; i++)
            g_assert_true (isfinite (dataset->x_train[i]));
        }
      else
        {
          n_err++;
          g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
        }
    }
  g_test_message ("%u parsed, %u rejected", n_ok, n_err);
  g_assert_cmpuint (n_ok, >, 0);
  g_assert_cmpuint (n_err, >, 0);
}

static void
test_csv_header_and_not (void)
{
  const char *with_header = "x1, \"x2\" ,label\r\n1.5,-2,1\n\n3,4e-1,0\n  5 , 6 , 3 \n";
  const char *without = "1.5,-2,1\n3,0.4,0\n5,6,3";
  const float expect_x[] = { 1.5f, -2.0f, 3.0f, 0.4f, 5.0f, 6.0f };
  const guint32 expect_y[] = { 1, 0, 3 };
  const char *texts[] = { with_header, without };

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LvDataset) dataset = lv_dataset_parse_csv_buffer ("t.csv", texts[t],
                                                                  strlen (texts[t]), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dataset->n_train, ==, 3);
      g_assert_cmpuint (dataset->n_inputs, ==, 2);
      g_assert_cmpuint (dataset->n_classes, ==, 4);
      g_assert_cmpuint (dataset->n_test, ==, 0);
      g_assert_cmpuint (dataset->image_width, ==, 0);
      g_assert_cmpmem (dataset->x_train, sizeof expect_x, expect_x, sizeof expect_x);
      g_assert_cmpmem (dataset->y_train, sizeof expect_y, expect_y, sizeof expect_y);
    }

  /* Through a file and lv_dataset_load, gzip too: the split shuffles but keeps every sample. */
  {
    g_autofree char *dir = lv_test_tmpdir ();
    g_autoptr(GBytes) plain = g_bytes_new_static (with_header, strlen (with_header));
    g_autoptr(GBytes) gz = gzip_bytes (plain);
    g_autofree char *p1 = write_bytes (dir, "a.csv", plain);
    g_autofree char *p2 = write_bytes (dir, "a.csv.gz", gz);
    const char *paths[] = { p1, p2 };
    LvDatasetOptions opts = raw_options (0);

    for (guint t = 0; t < 2; t++)
      {
        g_autofree char *spec = g_strconcat ("csv:", paths[t], NULL);
        g_autoptr(LvDataset) dataset = load_ok (spec, &opts);
        double sx = 0;
        guint sy = 0;

        g_assert_cmpstr (dataset->name, ==, spec);
        g_assert_cmpuint (dataset->n_train, ==, 3);
        g_assert_cmpuint (dataset->n_test, ==, 0);
        for (guint i = 0; i < 6; i++)
          sx += dataset->x_train[i];
        for (guint i = 0; i < 3; i++)
          sy += dataset->y_train[i];
        g_assert_cmpfloat_with_epsilon (sx, 1.5 - 2 + 3 + 0.4 + 5 + 6, 1e-5);
        g_assert_cmpuint (sy, ==, 4);
      }
  }
}

static void
check_csv_error (const char *text, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) dataset = lv_dataset_parse_csv_buffer ("bad.csv", text, strlen (text),
                                                              &error);

  g_assert_null (dataset);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bad.csv: "));
  if (strstr (error->message, needle) == NULL)
    g_error ("error '%s' does not contain '%s'", error->message, needle);
}

static void
test_csv_errors (void)
{
  check_csv_error ("1,2,0\n3,1\n", "row 2 has 2 columns, expected 3");
  check_csv_error ("a,b,c\n1,2,0\n\n3,4,5,1\n", "row 4 has 4 columns, expected 3");
  check_csv_error ("1,2,0\n3,x,1\n", "row 2, column 2: 'x' is not a number");
  check_csv_error ("1,2,0\n3,,1\n", "row 2, column 2");
  check_csv_error ("nan,2,0\n", "non-finite value at row 1, column 1");
  check_csv_error ("1,2,0\n1,-inf,0\n", "non-finite value at row 2, column 2");
  check_csv_error ("1,1e39,0\n", "single-precision");
  check_csv_error ("1,2,-1\n", "label -1 out of range");
  check_csv_error ("1,2,0.5\n", "label 0.5 out of range");
  check_csv_error ("1,2,70000\n", "out of range");
  check_csv_error ("", "empty dataset");
  check_csv_error ("\n  \n", "empty dataset");
  check_csv_error ("x,y,label\n", "empty dataset");
  check_csv_error ("1\n2\n", "at least 2");

  {
    g_autofree char *dir = lv_test_tmpdir ();
    g_autofree char *spec = g_strdup_printf ("csv:%s/missing.csv", dir);
    assert_load_error (spec, NULL, "missing.csv");
    assert_load_error ("csv:", NULL, "unknown dataset");
  }
}

/* Single-class data loads (the trainer decides what to do with it); a constant feature becomes
 * 0 when standardised instead of dividing by zero. */
static void
test_csv_single_class_constant_feature (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  const char *text = "7,1,0\n7,2,0\n7,3,0\n7,4,0\n7,5,0\n";
  g_autofree char *path = write_file (dir, "c.csv", text, strlen (text));
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  LvDatasetOptions opts;
  g_autoptr(LvDataset) dataset = NULL;

  lv_dataset_options_init (&opts);
  opts.test_fraction = 0.4;
  dataset = load_ok (spec, &opts);
  g_assert_cmpuint (dataset->n_classes, ==, 1);
  g_assert_cmpuint (dataset->n_train, ==, 3);
  g_assert_cmpuint (dataset->n_test, ==, 2);
  for (guint i = 0; i < dataset->n_train; i++)
    g_assert_cmpfloat (dataset->x_train[i * 2], ==, 0.0f);
  for (guint i = 0; i < dataset->n_test; i++)
    {
      g_assert_cmpfloat (dataset->x_test[i * 2], ==, 0.0f);
      g_assert_true (isfinite (dataset->x_test[i * 2 + 1]));
    }
}

static void
test_fashion_mnist (void)
{
  g_autofree char *dir = lv_test_tmpdir ();

  /* Absent files: the message names the package. */
  g_setenv ("LOSSVIZ_FASHION_MNIST_DIR", dir, TRUE);
  assert_load_error ("fashion-mnist", NULL, "dataset-fashion-mnist");
  g_unsetenv ("LOSSVIZ_FASHION_MNIST_DIR");

  if (!g_file_test ("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                    G_FILE_TEST_EXISTS))
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  {
    LvDatasetOptions opts;
    g_autoptr(LvDataset) dataset = NULL;
    guint counts[10] = { 0 };

    lv_dataset_options_init (&opts);
    opts.downsample = 10;
    dataset = load_ok ("fashion-mnist", &opts);
    g_assert_cmpuint (dataset->n_train, ==, 60000);
    g_assert_cmpuint (dataset->n_test, ==, 10000);
    g_assert_cmpuint (dataset->n_inputs, ==, 100);
    g_assert_cmpuint (dataset->n_classes, ==, 10);
    /* Fashion-MNIST is balanced: 1000 test images per class. */
    for (guint i = 0; i < dataset->n_test; i++)
      counts[dataset->y_test[i]]++;
    for (guint c = 0; c < 10; c++)
      g_assert_cmpuint (counts[c], ==, 1000);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();

  g_test_add_func ("/lossviz/dataset/idx-plain", test_idx_plain);
  g_test_add_func ("/lossviz/dataset/idx-gzip", test_idx_gzip);
  g_test_add_func ("/lossviz/dataset/idx-corrupt", test_idx_corrupt);
  g_test_add_func ("/lossviz/dataset/parsers-survive-mutations", test_parsers_survive_mutations);
  g_test_add_func ("/lossviz/dataset/csv-header-and-not", test_csv_header_and_not);
  g_test_add_func ("/lossviz/dataset/csv-errors", test_csv_errors);
  g_test_add_func ("/lossviz/dataset/csv-single-class-constant-feature",
                   test_csv_single_class_constant_feature);
  g_test_add_func ("/lossviz/dataset/fashion-mnist", test_fashion_mnist);
  return g_test_run ();
}
