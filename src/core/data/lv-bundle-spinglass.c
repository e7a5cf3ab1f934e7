/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* Spin-glass bundles (lv-bundle.h): one group per size with each start's endpoint. Layout:
 * root attributes format, version, checkpoint_unix; /config attributes; /sizes/L<Λ> with
 * attributes lambda, complete, wall_seconds and datasets energy, index, steps, grad_norm,
 * min_eigenvalue, converged, done (one entry per start). */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <lossviz/lv-error.h>

#include "lv-bundle-private.h"

/* The "precision" attribute, indexed by LvSpinGlassPrecision. Bundles written before it was
 * added hold only "double" (1: double, 0: mixed). */
static const char *const precision_names[] = { "double", "mixed", "bf16" };
G_STATIC_ASSERT (G_N_ELEMENTS (precision_names) == LV_SPIN_GLASS_BF16 + 1);

static gboolean
write_config (hid_t file, const LvSpinGlassBundle *b)
{
  const LvSpinGlassConfig *c = &b->config;
  hid_t g = H5Gcreate2 (file, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gint64 lambdas[LV_SPIN_GLASS_BUNDLE_MAX_SIZES];
  gboolean ok;

  for (guint i = 0; i < b->n_sizes; i++)
    lambdas[i] = b->lambdas[i];
  ok = g >= 0 && lv_h5_set_int_array (g, "lambda", lambdas, b->n_sizes) &&
       lv_h5_set_int (g, "p", c->p) && lv_h5_set_int (g, "runs", c->runs) &&
       lv_h5_set_string (g, "method", c->method == LV_SPIN_GLASS_SGD ? "sgd" : "gd") &&
       lv_h5_set_string (g, "disorder", c->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN
                                          ? "per-run" : "fixed") &&
       lv_h5_set_int (g, "seed", (gint64) c->seed) && lv_h5_set_double (g, "tol", c->tol) &&
       lv_h5_set_int (g, "max_steps", c->max_steps) && lv_h5_set_double (g, "eta", c->eta) &&
       lv_h5_set_int (g, "parts", c->n_parts) &&
       lv_h5_set_int (g, "double", c->precision == LV_SPIN_GLASS_DOUBLE) &&
       lv_h5_set_string (g, "precision", precision_names[c->precision]);
  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

static gboolean
write_size (hid_t sizes, const LvSpinGlassBundle *b, guint i)
{
  guint n = b->config.runs;
  const LvSpinGlassRun *r = b->results + (gsize) i * n;
  g_autofree double *energy = g_new (double, n), *grad = g_new (double, n);
  g_autofree double *min_eig = g_new (double, n);
  g_autofree guint32 *index = g_new (guint32, n), *steps = g_new (guint32, n);
  g_autofree guint32 *converged = g_new (guint32, n), *done = g_new (guint32, n);
  char name[32];
  hid_t g;
  gboolean ok;

  for (guint k = 0; k < n; k++)
    {
      energy[k] = r[k].energy;
      grad[k] = r[k].grad_norm;
      min_eig[k] = r[k].min_eigenvalue;
      index[k] = r[k].index < 0 ? G_MAXUINT32 : (guint32) r[k].index; /* not computed */
      steps[k] = r[k].steps;
      converged[k] = r[k].converged;
      done[k] = b->done[(gsize) i * n + k];
    }
  g_snprintf (name, sizeof name, "L%u", b->lambdas[i]);
  g = H5Gcreate2 (sizes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = g >= 0 && lv_h5_set_int (g, "lambda", b->lambdas[i]) &&
       lv_h5_set_int (g, "complete", b->complete[i]) &&
       lv_h5_set_double (g, "wall_seconds", b->wall_seconds[i]) &&
       lv_h5_write_doubles (g, "energy", energy, n) &&
       lv_h5_write_uint32s (g, "index", index, n) && lv_h5_write_uint32s (g, "steps", steps, n) &&
       lv_h5_write_doubles (g, "grad_norm", grad, n) &&
       lv_h5_write_doubles (g, "min_eigenvalue", min_eig, n) &&
       lv_h5_write_uint32s (g, "converged", converged, n) &&
       lv_h5_write_uint32s (g, "done", done, n);
  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

static gboolean
write_bundle (hid_t file, gconstpointer data)
{
  const LvSpinGlassBundle *b = data;
  hid_t sizes = -1;
  gboolean ok;

  ok = lv_h5_set_string (file, "format", LV_SPIN_GLASS_BUNDLE_FORMAT) &&
       lv_h5_set_int (file, "version", LV_SPIN_GLASS_BUNDLE_VERSION) &&
       lv_h5_set_int (file, "checkpoint_unix", g_get_real_time () / G_USEC_PER_SEC) &&
       write_config (file, b) &&
       (sizes = H5Gcreate2 (file, "sizes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0;
  for (guint i = 0; ok && i < b->n_sizes; i++)
    ok = write_size (sizes, b, i);
  if (sizes >= 0 && H5Gclose (sizes) < 0)
    ok = FALSE;
  return ok;
}

gboolean
lv_spin_glass_bundle_write (const char *path, const LvSpinGlassBundle *b, GError **error)
{
  return lv_h5_write_file (path, write_bundle, b, error);
}

/* ---- reading ------------------------------------------------------------------------------ */

static gboolean
read_config (hid_t file, LvSpinGlassConfig *c, guint *lambdas, guint *n_sizes, GError **error)
{
  hid_t g = H5Lexists (file, "config", H5P_DEFAULT) > 0 ? H5Gopen2 (file, "config", H5P_DEFAULT)
                                                        : -1;
  gint64 l[LV_SPIN_GLASS_BUNDLE_MAX_SIZES], seed;
  g_autofree char *method = NULL, *disorder = NULL, *precision = NULL;
  gboolean double_only = FALSE, ok;
  gint64 dbl;

  if (g < 0)
    return lv_h5_invalid (error, "", "group 'config' is missing");
  ok = lv_h5_get_int_array (g, "config", "lambda", LV_SPIN_GLASS_BUNDLE_MAX_SIZES, l, n_sizes,
                            error) &&
       lv_h5_get_guint (g, "config", "p", LV_SPIN_GLASS_P_MIN, LV_SPIN_GLASS_P_MAX, &c->p,
                        error) &&
       lv_h5_get_guint (g, "config", "runs", 1, 1000000, &c->runs, error) &&
       lv_h5_get_string (g, "config", "method", &method, error) &&
       lv_h5_get_string (g, "config", "disorder", &disorder, error) &&
       lv_h5_get_int (g, "config", "seed", 0, G_MAXINT64, &seed, error) &&
       lv_h5_get_double (g, "config", "tol", FALSE, &c->tol, error) &&
       lv_h5_get_guint (g, "config", "max_steps", 1, 100000000, &c->max_steps, error) &&
       lv_h5_get_double (g, "config", "eta", FALSE, &c->eta, error) &&
       lv_h5_get_guint (g, "config", "parts", 1, 64, &c->n_parts, error) &&
       lv_h5_get_int (g, "config", "double", 0, 1, &dbl, error) &&
       (H5Aexists (g, "precision") <= 0 ||
        lv_h5_get_string (g, "config", "precision", &precision, error));
  H5Gclose (g);
  if (!ok)
    return FALSE;
  double_only = dbl != 0;
  c->seed = (guint64) seed;
  c->precision = double_only ? LV_SPIN_GLASS_DOUBLE : LV_SPIN_GLASS_MIXED;
  if (precision != NULL)
    {
      guint k = 0;

      while (k < G_N_ELEMENTS (precision_names) && g_strcmp0 (precision, precision_names[k]) != 0)
        k++;
      if (k == G_N_ELEMENTS (precision_names))
        return lv_h5_invalid (error, "config", "'precision' is not double, mixed or bf16");
      if ((k == LV_SPIN_GLASS_DOUBLE) != double_only)
        return lv_h5_invalid (error, "config", "'precision' and 'double' disagree");
      c->precision = (LvSpinGlassPrecision) k;
    }
  if (g_strcmp0 (method, "gd") != 0 && g_strcmp0 (method, "sgd") != 0)
    return lv_h5_invalid (error, "config", "'method' is not gd or sgd");
  if (g_strcmp0 (disorder, "fixed") != 0 && g_strcmp0 (disorder, "per-run") != 0)
    return lv_h5_invalid (error, "config", "'disorder' is not fixed or per-run");
  c->method = g_str_equal (method, "sgd") ? LV_SPIN_GLASS_SGD : LV_SPIN_GLASS_GD;
  c->disorder = g_str_equal (disorder, "per-run") ? LV_SPIN_GLASS_DISORDER_PER_RUN
                                                  : LV_SPIN_GLASS_DISORDER_FIXED;
  for (guint i = 0; i < *n_sizes; i++)
    {
      if (l[i] < LV_SPIN_GLASS_N_MIN || l[i] > LV_SPIN_GLASS_N_MAX)
        return lv_h5_invalid (error, "config", "'lambda' holds a size outside 2..4000");
      lambdas[i] = (guint) l[i];
    }
  return TRUE;
}

static gboolean
read_size (hid_t sizes, LvSpinGlassBundle *b, guint i, GError **error)
{
  guint n = b->config.runs;
  char name[32];
  g_autofree char *where = NULL;
  g_autofree double *energy = NULL, *grad = NULL, *min_eig = NULL;
  g_autofree guint32 *index = NULL, *steps = NULL, *converged = NULL, *done = NULL;
  gint64 complete;
  hid_t g;
  gboolean ok;

  g_snprintf (name, sizeof name, "L%u", b->lambdas[i]);
  where = g_strdup_printf ("sizes/%s", name);
  g = H5Lexists (sizes, name, H5P_DEFAULT) > 0 ? H5Gopen2 (sizes, name, H5P_DEFAULT) : -1;
  if (g < 0)
    return lv_h5_invalid (error, where, "group is missing");
  ok = lv_h5_get_int (g, where, "complete", 0, 1, &complete, error) &&
       lv_h5_get_double (g, where, "wall_seconds", TRUE, &b->wall_seconds[i], error) &&
       lv_h5_read_doubles (g, where, "energy", n, &energy, error) &&
       lv_h5_read_doubles (g, where, "grad_norm", n, &grad, error) &&
       lv_h5_read_doubles (g, where, "min_eigenvalue", n, &min_eig, error) &&
       lv_h5_read_uint32s (g, where, "index", n, G_MAXUINT32, &index, error) &&
       lv_h5_read_uint32s (g, where, "steps", n, G_MAXUINT32, &steps, error) &&
       lv_h5_read_uint32s (g, where, "converged", n, 2, &converged, error) &&
       lv_h5_read_uint32s (g, where, "done", n, 2, &done, error);
  H5Gclose (g);
  if (!ok)
    return FALSE;
  b->complete[i] = complete != 0;
  for (guint k = 0; k < n; k++)
    {
      LvSpinGlassRun *r = &b->results[(gsize) i * n + k];
      r->energy = energy[k];
      r->grad_norm = grad[k];
      r->min_eigenvalue = min_eig[k];
      r->index = index[k] > (guint32) G_MAXINT ? -1 : (int) index[k];
      r->steps = steps[k];
      r->converged = converged[k] != 0;
      b->done[(gsize) i * n + k] = done[k] != 0;
    }
  return TRUE;
}

static LvSpinGlassBundle *
read_bundle (hid_t file, GError **error)
{
  g_autoptr(LvSpinGlassBundle) b = NULL;
  LvSpinGlassConfig config;
  guint lambdas[LV_SPIN_GLASS_BUNDLE_MAX_SIZES], n_sizes;
  hid_t sizes;
  gboolean ok = TRUE;

  if (!lv_h5_check_format (file, LV_SPIN_GLASS_BUNDLE_FORMAT, LV_SPIN_GLASS_BUNDLE_VERSION,
                           "spin-glass bundle", error))
    return NULL;
  lv_spin_glass_config_init (&config, 3, 2);
  if (!read_config (file, &config, lambdas, &n_sizes, error))
    return NULL;
  if ((guint64) n_sizes * config.runs > 10000000)
    {
      lv_h5_invalid (error, "config", "more starts than a bundle may hold");
      return NULL;
    }
  b = lv_spin_glass_bundle_new (&config, lambdas, n_sizes);
  sizes = H5Lexists (file, "sizes", H5P_DEFAULT) > 0 ? H5Gopen2 (file, "sizes", H5P_DEFAULT) : -1;
  if (sizes < 0)
    {
      lv_h5_invalid (error, "", "group 'sizes' is missing");
      return NULL;
    }
  for (guint i = 0; ok && i < n_sizes; i++)
    ok = read_size (sizes, b, i, error);
  H5Gclose (sizes);
  return ok ? g_steal_pointer (&b) : NULL;
}

LvSpinGlassBundle *
lv_spin_glass_bundle_load (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  LvSpinGlassBundle *b = NULL;
  hid_t file;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "%s: no such file", path);
      return NULL;
    }
  lv_h5_lock ();
  file = lv_h5_open_checked (path, &local);
  if (file >= 0)
    {
      b = read_bundle (file, &local);
      H5Fclose (file);
    }
  lv_h5_unlock ();
  if (b == NULL)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %s", path, local->message);
  return b;
}
