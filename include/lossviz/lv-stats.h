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
/* Sorts @values ascending and drops repeats in place; returns how many distinct values are
 * left at the front (network sizes, spin-glass sizes Λ). */
guint  lv_uint_sort_unique (guint *values, guint n);

G_END_DECLS

/* Two-sample Kolmogorov–Smirnov test (lv-ks-test.c). */

G_BEGIN_DECLS

/* D = sup_t |F_x(t) − F_y(t)|, the empirical CDFs of x (n values) and y (m values). */
double lv_ks_statistic (const double *x, gsize n, const double *y, gsize m);
/* P(D_{n,m} ≥ d) for two samples of one continuous distribution: exact (lattice-path count)
 * when n·m ≤ 10^8, else Kolmogorov's limit with Stephens' small-sample correction. */
double lv_ks_p_value (double d, gsize n, gsize m);
/* Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}: the limiting P(√(nm/(n+m)) D > λ). */
double lv_kolmogorov_q (double lambda);
/* Both samples' finite values (non-finite ones are dropped); returns the p-value, *d the
 * statistic (either may be NAN when a sample has no finite value). */
double lv_ks_test (const double *x, gsize n, const double *y, gsize m, double *d);

G_END_DECLS
