/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>
#include <lossviz/lv-teacher.h>

#include "lv-dataset-private.h"

/* Synthetic datasets: the teacher network's data and random:N:D:C. */

/* Stream tags: the data generators draw from seeds derived from the user's seed, so that the
 * teacher itself is exactly lv_teacher_new_random (d, k, seed) (other modules rebuild it to
 * compare against the ground truth) while its samples come from an independent stream. */
#define TEACHER_DATA_STREAM 0x7eac4e7du
#define RANDOM_DATA_STREAM  0x7a4d0d47u
#define MAX_CLASSES 65536u

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Gaussian inputs, responses t = f(x) + noise·N(0,1) from the teacher of @opts->seed, and class
 * labels t > median(t): two balanced classes. */
LvDataset *
lv_dataset_make_teacher (const LvDatasetOptions *opts,
                         GError                **error)
{
  g_autoptr(LvDataset) dataset = NULL;
  g_autoptr(LvTeacher) teacher = NULL;
  g_autofree double *row = NULL;
  g_autofree double *sorted = NULL;
  guint d = opts->teacher_d, k = opts->teacher_k, n = opts->teacher_samples;
  double median;
  LvRng rng;

  if (d == 0 || k == 0 || n < 2 || !isfinite (opts->teacher_noise) || opts->teacher_noise < 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "teacher: need d >= 1, k >= 1, at least 2 samples and a finite noise >= 0 "
                   "(got d %u, k %u, %u samples, noise %g)", d, k, n, opts->teacher_noise);
      return NULL;
    }
  if (!lv_dataset_check_size ("teacher", n, d, error)
      || !lv_dataset_check_size ("teacher (network)", k, d, error))
    return NULL;

  dataset = lv_dataset_alloc ("teacher", d, n, 0, TRUE, error);
  if (dataset == NULL)
    return NULL;
  teacher = lv_teacher_new_random (d, k, opts->seed);
  lv_rng_init (&rng, lv_seed_mix (opts->seed, TEACHER_DATA_STREAM, 0));
  row = g_new (double, d);
  sorted = g_new (double, n);
  for (guint s = 0; s < n; s++)
    {
      double t;

      lv_teacher_sample (teacher, &rng, 1, opts->teacher_noise, row, &t);
      for (guint i = 0; i < d; i++)
        dataset->x_train[(gsize) s * d + i] = (float) row[i];
      dataset->t_train[s] = (float) t;
      sorted[s] = dataset->t_train[s];
    }
  qsort (sorted, n, sizeof (double), compare_double);
  median = (n % 2 == 1) ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  for (guint s = 0; s < n; s++)
    dataset->y_train[s] = dataset->t_train[s] > median ? 1 : 0;
  dataset->n_classes = 2;
  return g_steal_pointer (&dataset);
}

static gboolean
parse_count (const char *spec,
             const char *text,
             const char *what,
             guint64     max,
             guint64    *value,
             GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 1, max, value, &local_error))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "bad dataset '%s': %s '%s' is not an integer in [1, %" G_GUINT64_FORMAT "]",
                   spec, what, text, max);
      return FALSE;
    }
  return TRUE;
}

/* "random:N:D:C": N samples x ~ N(0, I_D), labels uniform in [0, C). */
LvDataset *
lv_dataset_make_random (const char *spec,
                        guint64     seed,
                        GError    **error)
{
  g_auto(GStrv) parts = g_strsplit (spec + strlen ("random:"), ":", -1);
  g_autoptr(LvDataset) dataset = NULL;
  guint64 n, d, c;
  gsize n_values;
  LvRng rng;

  if (g_strv_length (parts) != 3)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "bad dataset '%s': expected random:N:D:C (samples, dimensions, classes)",
                   spec);
      return NULL;
    }
  if (!parse_count (spec, parts[0], "sample count", G_MAXUINT32, &n, error)
      || !parse_count (spec, parts[1], "dimension", G_MAXUINT32, &d, error)
      || !parse_count (spec, parts[2], "class count", MAX_CLASSES, &c, error)
      || !lv_dataset_check_size (spec, n, d, error))
    return NULL;

  dataset = lv_dataset_alloc (spec, (guint) d, (guint) n, 0, FALSE, error);
  if (dataset == NULL)
    return NULL;
  lv_rng_init (&rng, lv_seed_mix (seed, RANDOM_DATA_STREAM, 0));
  n_values = (gsize) n * d;
  for (gsize i = 0; i < n_values; i++)
    dataset->x_train[i] = (float) lv_rng_gaussian (&rng);
  for (guint s = 0; s < n; s++)
    dataset->y_train[s] = lv_rng_below (&rng, (guint32) c);
  dataset->n_classes = (guint) c;
  return g_steal_pointer (&dataset);
}
