/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvSummary:
 *
 * Summary statistics of a sample. Non-finite values are skipped; @count says how many were used.
 * With @count == 0 every field is NAN.
 */
typedef struct {
  guint  count;
  double mean;
  double std;     /* sample standard deviation (n - 1); 0 for one value */
  double min;
  double median;
  double max;
} LvSummary;

void   lv_summary_compute (const double *values, gsize n, LvSummary *out);
double lv_pearson (const double *x, const double *y, gsize n);

G_END_DECLS
