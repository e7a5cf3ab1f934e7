/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

/* The fast fixed-disorder descent (symmetric storage, float delta steps, parallel GEMMs)
 * against an independent double reference: the same projected gradient descent written from
 * the definition H(s) = N^{-(p-1)/2} Σ_{i1 ≤ … ≤ ip} K s_i1 … s_ip, with the couplings recomputed
 * one by one by lv_spin_glass_coupling() and the gradient by a brute-force sum over every
 * sorted tuple. Endpoint energies must agree to 1e-6 per spin, and the fast path must give
 * identical results whatever the number of threads. Three variants of the delta GEMMs run
 * the same checks: the default precision (fp32; with oneDNN the couplings prepacked for its f32
 * matmul), "-blas" (fp32 through OpenBLAS's sgemm, the path of builds without oneDNN: the
 * meson test spinglass-fast-blas runs this binary with LOSSVIZ_SPINGLASS_BLAS set, and then
 * only these) and "-bf16" (LV_SPIN_GLASS_BF16: bf16 operands through oneDNN), whose subtests
 * are skipped when this build has no oneDNN. */

/* The subtests' variants (test data). */
typedef enum
{
  VARIANT_DEFAULT,
  VARIANT_BLAS,
  VARIANT_BF16,
} Variant;

typedef struct
{
  guint p, n, n_tuples;
  guint *tuples;    /* n_tuples × p sorted indices */
  double *k;        /* scaled couplings */
} Reference;

static void
reference_init (Reference *ref, const LvSpinGlass *sg)
{
  guint p = lv_spin_glass_get_p (sg), n = lv_spin_glass_get_n (sg);
  guint t[5] = { 0 }, count = 0, cap = 1024;
  double scale = pow (n, -0.5 * (p - 1));

  ref->p = p;
  ref->n = n;
  ref->tuples = g_new (guint, (gsize) cap * p);
  ref->k = g_new (double, cap);
  for (;;)
    {
      int d;

      if (count == cap)
        {
          cap *= 2;
          ref->tuples = g_renew (guint, ref->tuples, (gsize) cap * p);
          ref->k = g_renew (double, ref->k, cap);
        }
      memcpy (ref->tuples + (gsize) count * p, t, p * sizeof (guint));
      ref->k[count++] = scale * lv_spin_glass_coupling (sg, t);
      /* Next nondecreasing tuple. */
      for (d = (int) p - 1; d >= 0 && t[d] + 1 >= n; d--)
        ;
      if (d < 0)
        break;
      t[d]++;
      for (guint e = (guint) d + 1; e < p; e++)
        t[e] = t[d];
    }
  ref->n_tuples = count;
}

static void
reference_clear (Reference *ref)
{
  g_free (ref->tuples);
  g_free (ref->k);
}

/* H(s) and its Euclidean gradient, term by term. */
static double
reference_gradient (const Reference *ref, const double *s, double *grad)
{
  double h = 0.0;

  memset (grad, 0, ref->n * sizeof (double));
  for (guint c = 0; c < ref->n_tuples; c++)
    {
      const guint *t = ref->tuples + (gsize) c * ref->p;
      double prod = ref->k[c];

      for (guint d = 0; d < ref->p; d++)
        prod *= s[t[d]];
      h += prod;
      for (guint d = 0; d < ref->p; d++)
        {
          double others = ref->k[c];
          for (guint e = 0; e < ref->p; e++)
            if (e != d)
              others *= s[t[e]];
          grad[t[d]] += others;
        }
    }
  return h;
}

/* Projected gradient descent on |s|² = N until |Riemannian gradient| < tol; returns H/N. */
static double
reference_descent (const Reference *ref, double *s, double eta, double tol, guint max_steps)
{
  guint n = ref->n;
  g_autofree double *g = g_new (double, n);

  for (guint step = 0;; step++)
    {
      double h = reference_gradient (ref, s, g), radial = 0.0, norm2 = 0.0, len2 = 0.0;

      for (guint i = 0; i < n; i++)
        radial += s[i] * g[i];
      for (guint i = 0; i < n; i++)
        {
          g[i] -= radial / n * s[i];
          norm2 += g[i] * g[i];
        }
      if (sqrt (norm2) < tol || step >= max_steps)
        return h / n;
      for (guint i = 0; i < n; i++)
        {
          s[i] -= eta * g[i];
          len2 += s[i] * s[i];
        }
      for (guint i = 0; i < n; i++)
        s[i] *= sqrt (n / len2);
    }
}

static LvSpinGlassRun *
simulate (const LvSpinGlassConfig *config)
{
  g_autoptr(GError) error = NULL;
  LvSpinGlassRun *runs = g_new0 (LvSpinGlassRun, config->runs);

  g_assert_true (lv_spin_glass_simulate (config, runs, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return runs;
}

/* Fast endpoints vs the reference descent from the same starts on the same couplings (seeds
 * as documented for LvSpinGlassConfig: family = mix(seed, p, Λ), couplings mix(family, 2, 0),
 * start of run r mix(family, 1, r)). */
static void
check_against_reference (guint p, guint n, guint runs, guint64 seed,
                         LvSpinGlassPrecision precision)
{
  LvSpinGlassConfig config;
  g_autofree LvSpinGlassRun *fast = NULL;
  g_autoptr(LvSpinGlass) sg = NULL;
  g_autofree double *s = g_new (double, n);
  Reference ref;
  guint64 family;

  lv_spin_glass_config_init (&config, p, n);
  config.runs = runs;
  config.seed = seed;
  config.compute_index = FALSE;
  config.precision = precision;
  fast = simulate (&config);

  family = lv_seed_mix (seed, p, n);
  sg = lv_spin_glass_new (p, n, lv_seed_mix (family, 2, 0), 0, LV_SPIN_GLASS_DOUBLE, NULL);
  g_assert_nonnull (sg);
  reference_init (&ref, sg);
  for (guint r = 0; r < runs; r++)
    {
      double e_ref;

      lv_spin_glass_random_point (n, lv_seed_mix (family, 1, r), s);
      e_ref = reference_descent (&ref, s, config.eta, config.tol, config.max_steps);
      g_assert_true (fast[r].converged);
      g_assert_cmpfloat (fast[r].grad_norm, <, config.tol);
      g_assert_cmpfloat (fabs (fast[r].energy - e_ref), <, 1e-6);
    }
  reference_clear (&ref);
}

/* Sets up variant @data: FALSE (test marked skipped) when it needs a bf16 backend this build
 * lacks; else TRUE with the variant's precision in *precision. */
static gboolean
variant_begin (const void *data, LvSpinGlassPrecision *precision)
{
  g_autoptr(GError) error = NULL;
  LvSpinGlassConfig config;
  Variant variant = GPOINTER_TO_INT (data);

  lv_spin_glass_config_init (&config, 3, 50);
  config.precision = LV_SPIN_GLASS_BF16;
  if (variant == VARIANT_BF16 && !lv_spin_glass_config_check (&config, &error))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  *precision = variant == VARIANT_BF16 ? LV_SPIN_GLASS_BF16 : LV_SPIN_GLASS_MIXED;
  return TRUE;
}

static void
test_small_orders (const void *data)
{
  LvSpinGlassPrecision precision;

  if (!variant_begin (data, &precision))
    return;
  check_against_reference (2, 20, 6, 3, precision);
  check_against_reference (3, 24, 12, 7, precision);
  check_against_reference (4, 14, 6, 11, precision);
}

/* Λ = 130: three row blocks of the storage, and more than one column range per block. */
static void
test_several_blocks (const void *data)
{
  LvSpinGlassPrecision precision;

  if (!variant_begin (data, &precision))
    return;
  check_against_reference (3, 130, 1, 21, precision);
}

/* Without oneDNN (this build's config.h), bf16 is refused up front with a message naming
 * it; with it, accepted. */
static void
test_bf16_availability (void)
{
  LvSpinGlassConfig config;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  lv_spin_glass_config_init (&config, 3, 50);
  config.precision = LV_SPIN_GLASS_BF16;
  ok = lv_spin_glass_config_check (&config, &error);
#ifdef HAVE_DNNL
  g_assert_no_error (error);
  g_assert_true (ok);
#else
  g_assert_false (ok);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bf16"));
#endif
}

static void
assert_same_runs (const LvSpinGlassRun *a, const LvSpinGlassRun *b, guint runs)
{
  for (guint r = 0; r < runs; r++)
    {
      g_assert_cmpfloat (a[r].energy, ==, b[r].energy);
      g_assert_cmpfloat (a[r].grad_norm, ==, b[r].grad_norm);
      g_assert_cmpuint (a[r].steps, ==, b[r].steps);
    }
}

/* More runs than lanes (refill and compaction), GD and SGD, 1, 2 and 3 threads. */
static void
test_threads_identical (const void *data)
{
  LvSpinGlassPrecision precision;

  if (!variant_begin (data, &precision))
    return;
  for (int method = LV_SPIN_GLASS_GD; method <= LV_SPIN_GLASS_SGD; method++)
    {
      LvSpinGlassConfig config;
      g_autofree LvSpinGlassRun *one = NULL, *two = NULL, *three = NULL;

      lv_spin_glass_config_init (&config, 3, 140);
      config.method = method;
      config.runs = method == LV_SPIN_GLASS_GD ? 150 : 12;
      config.sgd_steps_per_part = 20;
      config.compute_index = FALSE;
      config.precision = precision;
      /* bf16 (a second pass of the same checks) stops earlier to keep the suite's time. */
      config.tol = config.precision == LV_SPIN_GLASS_BF16 ? 1e-3 : 1e-4;
      config.n_threads = 1;
      one = simulate (&config);
      config.n_threads = 2;
      two = simulate (&config);
      config.n_threads = 3;
      three = simulate (&config);
      assert_same_runs (one, two, config.runs);
      assert_same_runs (one, three, config.runs);
      for (guint r = 0; r < config.runs; r++)
        g_assert_true (one[r].converged);
    }
}

/* SGD with more runs than lanes: the stochastic phase goes in batches, the polishing of all
 * runs in one refilled descent. A run's endpoint must not depend on how many runs go with it
 * (its point after the stochastic phase is its own; the polishing only differs in when its
 * float references are refreshed), every run must converge, and the result must not depend on
 * the number of threads. */
static void
test_sgd_batches (const void *data)
{
  LvSpinGlassPrecision precision;
  LvSpinGlassConfig config;
  g_autofree LvSpinGlassRun *many = NULL, *many2 = NULL, *few = NULL;

  if (!variant_begin (data, &precision))
    return;
  lv_spin_glass_config_init (&config, 3, 40);
  config.method = LV_SPIN_GLASS_SGD;
  config.sgd_steps_per_part = 20;
  config.compute_index = FALSE;
  config.precision = precision;
  config.tol = 1e-4;
  config.runs = 140;
  config.n_threads = 1;
  many = simulate (&config);
  config.n_threads = 2;
  many2 = simulate (&config);
  assert_same_runs (many, many2, config.runs);
  for (guint r = 0; r < config.runs; r++)
    g_assert_true (many[r].converged);
  config.runs = 3;
  few = simulate (&config);
  for (guint r = 0; r < config.runs; r++)
    {
      g_assert_true (few[r].converged);
      g_assert_cmpfloat_with_epsilon (many[r].energy, few[r].energy, 1e-9);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gboolean blas = g_getenv ("LOSSVIZ_SPINGLASS_BLAS") != NULL;

  for (Variant v = VARIANT_DEFAULT; v <= VARIANT_BF16; v++)
    {
      if ((v == VARIANT_BLAS) != blas)
        continue;
      gconstpointer precision = GINT_TO_POINTER (v);
      const char *tag = v == VARIANT_BF16 ? "-bf16" : v == VARIANT_BLAS ? "-blas" : "";
      g_autofree char *a = g_strconcat ("/lossviz/spinglass-fast/small-orders", tag, NULL);
      g_autofree char *b = g_strconcat ("/lossviz/spinglass-fast/several-blocks", tag, NULL);
      g_autofree char *c = g_strconcat ("/lossviz/spinglass-fast/threads-identical", tag, NULL);

      g_test_add_data_func (a, precision, test_small_orders);
      g_test_add_data_func (b, precision, test_several_blocks);
      g_test_add_data_func (c, precision, test_threads_identical);
      g_autofree char *d = g_strconcat ("/lossviz/spinglass-fast/sgd-batches", tag, NULL);
      g_test_add_data_func (d, precision, test_sgd_batches);
    }
  if (!blas)
    g_test_add_func ("/lossviz/spinglass-fast/bf16-availability", test_bf16_availability);
  return g_test_run ();
}
