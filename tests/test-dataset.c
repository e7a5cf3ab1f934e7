/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include <lossviz/lossviz.h>

#include "lv-test-dataset-util.h"

/* ---------------------------------------------------------------- options, digits */

static void
test_options_defaults (void)
{
  LvDatasetOptions opts;

  memset (&opts, 0xab, sizeof opts);
  lv_dataset_options_init (&opts);
  g_assert_cmpfloat (opts.test_fraction, ==, -1.0);
  g_assert_cmpuint (opts.downsample, ==, 0);
  g_assert_true (opts.standardize);
  g_assert_cmpuint (opts.seed, ==, 1);
  g_assert_cmpuint (opts.teacher_d, ==, 8);
  g_assert_cmpuint (opts.teacher_k, ==, 4);
  g_assert_cmpuint (opts.teacher_samples, ==, 4000);
  g_assert_cmpfloat (opts.teacher_noise, ==, 0.05);
}

static void
test_digits (void)
{
  LvDatasetOptions opts = raw_options (-1);
  g_autoptr(LvDataset) dataset = load_ok ("digits", &opts);
  guint counts[10] = { 0 };

  g_assert_cmpstr (dataset->name, ==, "digits");
  g_assert_cmpuint (dataset->n_train + dataset->n_test, ==, 1797);
  /* No own split: 20 % held out, rounded. */
  g_assert_cmpuint (dataset->n_test, ==, 359);
  g_assert_cmpuint (dataset->n_inputs, ==, 64);
  g_assert_cmpuint (dataset->n_classes, ==, 10);
  g_assert_cmpuint (dataset->image_width, ==, 8);
  g_assert_cmpuint (dataset->image_height, ==, 8);
  g_assert_null (dataset->t_train);
  for (guint i = 0; i < dataset->n_train; i++)
    counts[dataset->y_train[i]]++;
  for (guint i = 0; i < dataset->n_test; i++)
    counts[dataset->y_test[i]]++;
  for (guint c = 0; c < 10; c++)
    {
      g_assert_cmpuint (counts[c], >=, 174);
      g_assert_cmpuint (counts[c], <=, 183);
    }
  /* Raw pixels are the UCI counts 0..16. */
  for (gsize i = 0; i < (gsize) dataset->n_train * 64; i++)
    {
      float v = dataset->x_train[i];
      g_assert_true (v >= 0 && v <= 16 && v == floorf (v));
    }
}

/* ---------------------------------------------------------------- downsampling */

/* Loads @n images of side @side through IDX files with the file's own (empty) split kept in
 * order: four files, test part one image. */
static LvDataset *
load_images (const char *dir, const guint8 *px, guint n, guint side, guint downsample)
{
  guint8 lab[16] = { 0 };
  gsize size = (gsize) side * side;
  g_autoptr(GBytes) ti = idx_images (0x803, n - 1, side, side, px, size * (n - 1));
  g_autoptr(GBytes) tl = idx_labels (n - 1, lab, n - 1);
  g_autoptr(GBytes) si = idx_images (0x803, 1, side, side, px + size * (n - 1), size);
  g_autoptr(GBytes) sl = idx_labels (1, lab, 1);
  g_autofree char *p1 = write_bytes (dir, "i1", ti), *p2 = write_bytes (dir, "l1", tl);
  g_autofree char *p3 = write_bytes (dir, "i2", si), *p4 = write_bytes (dir, "l2", sl);
  g_autofree char *spec = g_strdup_printf ("idx:%s:%s:%s:%s", p1, p2, p3, p4);
  LvDatasetOptions opts = raw_options (-1);

  g_assert_cmpuint (n, <=, 16);
  opts.downsample = downsample;
  return load_ok (spec, &opts);
}

static void
test_downsample_4_to_2 (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  /* Two 4×4 images; the 2×2 result is the mean of each 2×2 block. */
  const guint8 px[32] = {
    0, 10, 20, 30,   40, 50, 60, 70,   80, 90, 100, 110,   120, 130, 140, 150,
    255, 255, 0, 0,  255, 255, 0, 0,   0, 0, 51, 51,       0, 0, 51, 153,
  };
  const double expect[2][4] = {
    { (0 + 10 + 40 + 50) / 4.0, (20 + 30 + 60 + 70) / 4.0,
      (80 + 90 + 120 + 130) / 4.0, (100 + 110 + 140 + 150) / 4.0 },
    { 255, 0, 0, (51 + 51 + 51 + 153) / 4.0 },
  };
  g_autoptr(LvDataset) dataset = load_images (dir, px, 2, 4, 2);

  g_assert_cmpuint (dataset->n_inputs, ==, 4);
  g_assert_cmpuint (dataset->image_width, ==, 2);
  g_assert_cmpuint (dataset->image_height, ==, 2);
  for (guint p = 0; p < 4; p++)
    {
      g_assert_cmpfloat_with_epsilon (dataset->x_train[p], expect[0][p] / 255.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (dataset->x_test[p], expect[1][p] / 255.0, 1e-6);
    }
}

/* 28 → 10 (and 28 → 3) against a brute-force area integral: each source pixel is replicated
 * into an S×S block of a (28·S)² grid, on which every target pixel is exactly a 28×28 block, and
 * the block is averaged. No overlap formula is shared with the code. */
static void
check_downsample_brute_force (guint s)
{
  g_autofree char *dir = lv_test_tmpdir ();
  const guint n = 3, side = 28;
  g_autofree guint8 *px = g_new (guint8, n * side * side);
  g_autoptr(LvDataset) dataset = NULL;

  for (guint k = 0; k < n; k++)
    for (guint i = 0; i < side; i++)
      for (guint j = 0; j < side; j++)
        px[(k * side + i) * side + j] = (guint8) ((i * 7 + j * 13 + k * 5 + i * j) % 256);
  dataset = load_images (dir, px, n, side, s);
  g_assert_cmpuint (dataset->n_inputs, ==, s * s);
  g_assert_cmpuint (dataset->image_width, ==, s);

  for (guint k = 0; k < n; k++)
    {
      const float *out = k < n - 1 ? dataset->x_train + (gsize) k * s * s : dataset->x_test;

      for (guint I = 0; I < s; I++)
        for (guint J = 0; J < s; J++)
          {
            double sum = 0;

            for (guint a = I * side; a < (I + 1) * side; a++)
              for (guint b = J * side; b < (J + 1) * side; b++)
                sum += px[(k * side + a / s) * side + b / s];
            g_assert_cmpfloat_with_epsilon (out[I * s + J],
                                            sum / (side * side) / 255.0, 1e-5);
          }
    }
}

static void
test_downsample_28_to_10 (void)
{
  check_downsample_brute_force (10);
  check_downsample_brute_force (3);
}

static void
test_downsample_errors (void)
{
  LvDatasetOptions opts = raw_options (-1);
  g_autoptr(LvDataset) same = NULL;

  opts.downsample = 9;
  assert_load_error ("digits", &opts, "cannot downsample 8x8 images to 9x9");
  opts.downsample = 4;
  assert_load_error ("random:10:16:2", &opts, "not an image dataset");
  /* S equal to the side keeps the images. */
  opts.downsample = 8;
  same = load_ok ("digits", &opts);
  g_assert_cmpuint (same->n_inputs, ==, 64);
}

/* ---------------------------------------------------------------- split, standardisation */

static void
test_standardize_moments (void)
{
  LvDatasetOptions opts;
  g_autoptr(LvDataset) std = NULL;
  g_autoptr(LvDataset) raw = NULL;
  guint d;

  lv_dataset_options_init (&opts);
  opts.test_fraction = 0.25;
  opts.seed = 5;
  std = load_ok ("digits", &opts);
  opts.standardize = FALSE;
  raw = load_ok ("digits", &opts);
  d = std->n_inputs;
  g_assert_cmpuint (std->n_train, ==, raw->n_train);

  for (guint f = 0; f < d; f++)
    {
      double m = 0, v = 0, rm = 0, rv = 0;
      gboolean constant = TRUE;

      for (guint i = 0; i < std->n_train; i++)
        {
          m += std->x_train[i * d + f];
          rm += raw->x_train[i * d + f];
          constant = constant && raw->x_train[i * d + f] == raw->x_train[f];
        }
      m /= std->n_train;
      rm /= raw->n_train;
      for (guint i = 0; i < std->n_train; i++)
        {
          v += pow (std->x_train[i * d + f] - m, 2);
          rv += pow (raw->x_train[i * d + f] - rm, 2);
        }
      v /= std->n_train;
      rv /= raw->n_train;
      g_assert_cmpfloat (fabs (m), <, 1e-5);
      if (constant)
        {
          /* digits has always-blank corner pixels: they become 0, never NaN. */
          g_assert_cmpfloat (v, ==, 0.0);
          for (guint i = 0; i < std->n_test; i++)
            g_assert_cmpfloat (std->x_test[i * d + f], ==, 0.0f);
          continue;
        }
      g_assert_cmpfloat (fabs (v - 1.0), <, 1e-4);
      /* The test part uses the training statistics. */
      for (guint i = 0; i < std->n_test; i++)
        g_assert_cmpfloat_with_epsilon (std->x_test[i * d + f],
                                        (raw->x_test[i * d + f] - rm) / sqrt (rv),
                                        1e-4 * (1 + fabs (std->x_test[i * d + f])));
    }
}

/* Each sample carries its id as feature 0: the split is a partition, reproducible by seed. */
static void
test_split_determinism_disjoint (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autoptr(GString) text = g_string_new ("id,noise,label\n");
  g_autofree char *path = NULL, *spec = NULL;
  LvDatasetOptions opts = raw_options (0.25);
  g_autoptr(LvDataset) a = NULL, b = NULL, c = NULL;
  guint seen[100] = { 0 };

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "%u,%g,%u\n", i, i * 0.5, i % 3);
  path = write_file (dir, "ids.csv", text->str, text->len);
  spec = g_strconcat ("csv:", path, NULL);
  opts.seed = 11;
  a = load_ok (spec, &opts);
  b = load_ok (spec, &opts);
  opts.seed = 12;
  c = load_ok (spec, &opts);

  g_assert_cmpuint (a->n_train, ==, 75);
  g_assert_cmpuint (a->n_test, ==, 25);
  g_assert_cmpmem (a->x_train, 75 * 2 * sizeof (float), b->x_train, 75 * 2 * sizeof (float));
  g_assert_cmpmem (a->x_test, 25 * 2 * sizeof (float), b->x_test, 25 * 2 * sizeof (float));
  g_assert_cmpmem (a->y_test, 25 * sizeof (guint32), b->y_test, 25 * sizeof (guint32));
  g_assert_true (memcmp (a->x_test, c->x_test, 25 * 2 * sizeof (float)) != 0);

  for (guint i = 0; i < a->n_train; i++)
    seen[(guint) a->x_train[i * 2]]++;
  for (guint i = 0; i < a->n_test; i++)
    seen[(guint) a->x_test[i * 2]]++;
  for (guint i = 0; i < 100; i++)
    g_assert_cmpuint (seen[i], ==, 1);
  /* Rows stay intact: label = id mod 3, noise = id / 2. */
  for (guint i = 0; i < a->n_test; i++)
    {
      guint id = (guint) a->x_test[i * 2];
      g_assert_cmpuint (a->y_test[i], ==, id % 3);
      g_assert_cmpfloat (a->x_test[i * 2 + 1], ==, id * 0.5f);
    }
  /* The order of the training part is shuffled too. */
  {
    gboolean sorted = TRUE;
    for (guint i = 1; i < a->n_train; i++)
      sorted = sorted && a->x_train[i * 2] > a->x_train[(i - 1) * 2];
    g_assert_false (sorted);
  }
}

static void
test_fraction_zero_and_invalid (void)
{
  LvDatasetOptions opts = raw_options (0);
  g_autoptr(LvDataset) dataset = load_ok ("random:50:3:2", &opts);
  const double bad[] = { 1.0, 1.5, -0.5, -2.0, NAN, INFINITY };

  g_assert_cmpuint (dataset->n_train, ==, 50);
  g_assert_cmpuint (dataset->n_test, ==, 0);
  g_assert_null (dataset->x_test);
  g_assert_null (dataset->y_test);
  g_assert_null (dataset->t_test);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      opts.test_fraction = bad[i];
      assert_load_error ("random:50:3:2", &opts, "test fraction");
    }
  /* A tiny positive fraction still holds out one sample. */
  opts.test_fraction = 0.001;
  g_clear_pointer (&dataset, lv_dataset_unref);
  dataset = load_ok ("random:50:3:2", &opts);
  g_assert_cmpuint (dataset->n_test, ==, 1);
}

/* ---------------------------------------------------------------- synthetic */

static void
test_teacher_dataset (void)
{
  LvDatasetOptions opts = raw_options (0.25);
  g_autoptr(LvDataset) dataset = NULL;
  g_autoptr(LvTeacher) teacher = NULL;
  guint d, n, ones = 0;
  double ss = 0;

  opts.seed = 3;
  opts.teacher_d = 5;
  opts.teacher_k = 3;
  opts.teacher_samples = 4000;
  opts.teacher_noise = 0.05;
  dataset = load_ok ("teacher", &opts);
  d = dataset->n_inputs;
  n = dataset->n_train + dataset->n_test;
  g_assert_cmpuint (d, ==, 5);
  g_assert_cmpuint (n, ==, 4000);
  g_assert_cmpuint (dataset->n_test, ==, 1000);
  g_assert_cmpuint (dataset->n_classes, ==, 2);
  g_assert_nonnull (dataset->t_train);
  g_assert_nonnull (dataset->t_test);

  /* The teacher is exactly lv_teacher_new_random (d, k, seed): the residual t - f(x) has the
   * noise's variance (6 standard errors of a variance estimate). */
  teacher = lv_teacher_new_random (5, 3, 3);
  for (guint s = 0; s < n; s++)
    {
      gboolean train = s < dataset->n_train;
      guint q = train ? s : s - dataset->n_train;
      const float *xf = (train ? dataset->x_train : dataset->x_test) + (gsize) q * d;
      double x[5], t = (train ? dataset->t_train : dataset->t_test)[q];

      for (guint i = 0; i < d; i++)
        x[i] = xf[i];
      ss += pow (t - lv_teacher_eval (teacher, x), 2);
      ones += (train ? dataset->y_train : dataset->y_test)[q];
    }
  g_assert_cmpfloat (fabs (ss / n - 0.0025), <, 6 * 0.0025 * sqrt (2.0 / n));
  /* Labels split at the median: exactly half are 1. */
  g_assert_cmpuint (ones, ==, n / 2);
  {
    float min_one = INFINITY, max_zero = -INFINITY;
    for (guint s = 0; s < dataset->n_train; s++)
      {
        if (dataset->y_train[s])
          min_one = MIN (min_one, dataset->t_train[s]);
        else
          max_zero = MAX (max_zero, dataset->t_train[s]);
      }
    g_assert_cmpfloat (max_zero, <, min_one);
  }

  opts.teacher_samples = 1;
  assert_load_error ("teacher", &opts, "teacher");
  opts.teacher_samples = 100;
  opts.teacher_noise = NAN;
  assert_load_error ("teacher", &opts, "noise");
}

static void
test_random_dataset (void)
{
  LvDatasetOptions opts = raw_options (0);
  g_autoptr(LvDataset) dataset = load_ok ("random:20000:4:3", &opts);
  gsize n_values = (gsize) dataset->n_train * dataset->n_inputs;
  double m = 0, v = 0;
  guint counts[3] = { 0 };

  g_assert_cmpuint (dataset->n_train, ==, 20000);
  g_assert_cmpuint (dataset->n_inputs, ==, 4);
  g_assert_cmpuint (dataset->n_classes, ==, 3);
  for (gsize i = 0; i < n_values; i++)
    {
      m += dataset->x_train[i];
      v += dataset->x_train[i] * (double) dataset->x_train[i];
    }
  m /= n_values;
  v /= n_values;
  g_assert_cmpfloat (fabs (m), <, 6 / sqrt (n_values));
  g_assert_cmpfloat (fabs (v - 1), <, 6 * sqrt (2.0 / n_values));
  for (guint i = 0; i < dataset->n_train; i++)
    {
      g_assert_cmpuint (dataset->y_train[i], <, 3);
      counts[dataset->y_train[i]]++;
    }
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (fabs (counts[c] - 20000 / 3.0), <, 6 * sqrt (20000 * 2.0 / 9));

  assert_load_error ("random:100000:100000:2", NULL, "too large");
  assert_load_error ("random:0:5:2", NULL, "sample count");
  assert_load_error ("random:10:5:0", NULL, "class count");
  assert_load_error ("random:10:5:99999999999", NULL, "class count");
  assert_load_error ("random:10:x:2", NULL, "dimension");
  assert_load_error ("random:10:5", NULL, "random:N:D:C");
  assert_load_error ("random:-1:5:2", NULL, "sample count");
  assert_load_error ("mnist", NULL, "unknown dataset 'mnist'");
  assert_load_error ("mnist", NULL, "random:N:D:C");
}

/* ---------------------------------------------------------------- arrays, refs */

static void
test_new_from_arrays (void)
{
  const float x[6] = { 1, 2, 3, 4, 5, 6 };
  const guint32 y[3] = { 0, 2, 1 };
  const float t[3] = { 0.5f, 1.5f, 2.5f };
  LvDataset *dataset = lv_dataset_new_from_arrays ("m", 2, 3, 2, x, y, t, 1, x + 4, y + 2,
                                                   t + 2);
  LvDataset *ref;

  g_assert_cmpstr (dataset->name, ==, "m");
  g_assert_cmpuint (dataset->n_train, ==, 2);
  g_assert_cmpuint (dataset->n_test, ==, 1);
  g_assert_true (dataset->x_train != x);
  g_assert_cmpmem (dataset->x_train, 4 * sizeof (float), x, 4 * sizeof (float));
  g_assert_cmpfloat (dataset->x_test[1], ==, 6.0f);
  g_assert_cmpuint (dataset->y_test[0], ==, 1);
  g_assert_cmpfloat (dataset->t_test[0], ==, 2.5f);

  ref = lv_dataset_ref (dataset);
  g_assert_true (ref == dataset);
  lv_dataset_unref (ref);
  g_assert_cmpuint (dataset->n_train, ==, 2);  /* still alive */
  lv_dataset_unref (dataset);

  /* NULL labels mean all 0, no test part means NULL arrays. */
  dataset = lv_dataset_new_from_arrays (NULL, 3, 1, 2, x, NULL, NULL, 0, NULL, NULL, NULL);
  g_assert_cmpuint (dataset->y_train[0] + dataset->y_train[1], ==, 0);
  g_assert_null (dataset->x_test);
  g_assert_null (dataset->t_train);
  lv_dataset_unref (dataset);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();

  g_test_add_func ("/lossviz/dataset/options-defaults", test_options_defaults);
  g_test_add_func ("/lossviz/dataset/digits", test_digits);
  g_test_add_func ("/lossviz/dataset/downsample-4-to-2", test_downsample_4_to_2);
  g_test_add_func ("/lossviz/dataset/downsample-28-to-10", test_downsample_28_to_10);
  g_test_add_func ("/lossviz/dataset/downsample-errors", test_downsample_errors);
  g_test_add_func ("/lossviz/dataset/standardize-moments", test_standardize_moments);
  g_test_add_func ("/lossviz/dataset/split-determinism-disjoint",
                   test_split_determinism_disjoint);
  g_test_add_func ("/lossviz/dataset/test-fraction-zero-and-invalid",
                   test_fraction_zero_and_invalid);
  g_test_add_func ("/lossviz/dataset/teacher", test_teacher_dataset);
  g_test_add_func ("/lossviz/dataset/random", test_random_dataset);
  g_test_add_func ("/lossviz/dataset/new-from-arrays", test_new_from_arrays);
  return g_test_run ();
}
