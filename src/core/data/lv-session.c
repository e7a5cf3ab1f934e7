/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-json-write.h>
#include <lossviz/lv-session.h>

/* Limits on what a file may ask for, so a corrupt or hostile file cannot exhaust memory. */
#define MAX_RUNS_IN_FILE 1000000
#define MAX_EPOCHS_IN_FILE 1000000

void
lv_dataset_info_from_dataset (LvDatasetInfo *info, const LvDataset *dataset)
{
  info->name = g_strdup (dataset->name);
  info->n_train = dataset->n_train;
  info->n_test = dataset->n_test;
  info->n_inputs = dataset->n_inputs;
  info->n_classes = dataset->n_classes;
  info->has_targets = dataset->t_train != NULL;
}

guint
lv_dataset_info_network_outputs (const LvDatasetInfo *info, LvLoss loss)
{
  return loss == LV_LOSS_MSE && info->has_targets ? 1 : info->n_classes;
}

void
lv_dataset_info_clear (LvDatasetInfo *info)
{
  g_clear_pointer (&info->name, g_free);
}

/**
 * lv_session_new:
 * @snapshot: (transfer full): the runs.
 *
 * Returns: (transfer full): a session holding copies of everything else.
 */
LvSession *
lv_session_new (const char *dataset_spec, const LvDatasetOptions *dataset_options,
                const LvDataset *dataset, const LvEnsembleConfig *config,
                LvEnsembleSnapshot *snapshot, guint threads, double elapsed_s)
{
  LvSession *s = g_new0 (LvSession, 1);

  s->dataset_spec = g_strdup (dataset_spec);
  s->dataset_options = *dataset_options;
  lv_dataset_info_from_dataset (&s->dataset, dataset);
  s->config = *config;
  s->snapshot = snapshot;
  s->threads = threads;
  s->elapsed_s = elapsed_s;
  return s;
}

void
lv_session_free (LvSession *s)
{
  if (s == NULL)
    return;
  g_free (s->dataset_spec);
  lv_dataset_info_clear (&s->dataset);
  lv_ensemble_snapshot_free (s->snapshot);
  g_free (s);
}

/* ---- writing ---------------------------------------------------------------------------- */

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static void
add_series (JsonBuilder *b, const char *name, const double *values, guint n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      if (isfinite (values[i]))
        json_builder_add_double_value (b, values[i]);
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_array (b);
}

static void
write_config (JsonBuilder *b, const LvEnsembleConfig *c)
{
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->n_sizes; i++)
    json_builder_add_int_value (b, c->sizes[i]);
  json_builder_end_array (b);
  add_int (b, "runs", c->runs);
  add_int (b, "depth", c->depth);
  add_string (b, "activation", lv_activation_to_string (c->activation));
  add_string (b, "loss", lv_loss_to_string (c->loss));
  add_bool (b, "bias", c->bias);
  add_string (b, "init", lv_init_to_string (c->train.init));
  add_int (b, "epochs", c->train.epochs);
  add_int (b, "batch", c->train.batch);
  add_number (b, "lr", c->train.lr);
  add_number (b, "lr_decay", c->train.lr_decay);
  add_number (b, "momentum", c->train.momentum);
  add_string (b, "reg_kind", lv_reg_kind_to_string (c->train.reg.kind));
  add_number (b, "reg_degree", c->train.reg.degree);
  add_number (b, "reg_lambda", c->train.reg.lambda);
  add_int (b, "seed", (gint64) c->seed);
  add_bool (b, "shared_order", c->shared_order);
  add_int (b, "fuse_block", c->fuse_block);
  json_builder_end_object (b);
}

/**
 * lv_session_to_json:
 *
 * Returns: (transfer full): the session as pretty-printed JSON.
 */
char *
lv_session_to_json (const LvSession *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "format", LV_SESSION_FORMAT);
  add_int (b, "version", LV_SESSION_VERSION);

  json_builder_set_member_name (b, "dataset");
  json_builder_begin_object (b);
  add_string (b, "spec", s->dataset_spec);
  add_number (b, "test_fraction", s->dataset_options.test_fraction);
  add_int (b, "downsample", s->dataset_options.downsample);
  add_bool (b, "standardize", s->dataset_options.standardize);
  add_int (b, "seed", (gint64) s->dataset_options.seed);
  add_string (b, "name", s->dataset.name);
  add_int (b, "train", s->dataset.n_train);
  add_int (b, "test", s->dataset.n_test);
  add_int (b, "inputs", s->dataset.n_inputs);
  add_int (b, "classes", s->dataset.n_classes);
  add_bool (b, "targets", s->dataset.has_targets);
  json_builder_end_object (b);

  write_config (b, &s->config);
  add_int (b, "threads", s->threads);
  add_number (b, "elapsed_s", s->elapsed_s);

  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->snapshot->n_runs; i++)
    {
      const LvRunRecord *r = &s->snapshot->runs[i];
      json_builder_begin_object (b);
      add_int (b, "hidden", r->hidden);
      add_int (b, "run", r->run);
      add_int (b, "seed", (gint64) r->seed);
      add_string (b, "state", lv_run_state_to_string (r->state));
      add_int (b, "epochs_done", r->epochs_done);
      add_number (b, "grad_norm", r->grad_norm);
      add_series (b, "train_loss", r->train_loss, r->epochs_done);
      add_series (b, "test_loss", r->test_loss, r->epochs_done);
      add_series (b, "test_accuracy", r->test_accuracy, r->epochs_done);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return lv_json_to_string (root, 1);
}

gboolean
lv_session_save (const LvSession *s, const char *path, GError **error)
{
  g_autofree char *text = lv_session_to_json (s);

  return lv_file_write_atomic (path, text, strlen (text), error);
}

/* ---- reading: every member checked, every error names the member ---------------------- */

static gboolean
bad (GError **error, const char *member, const char *what)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "experiment file: '%s' %s", member,
               what);
  return FALSE;
}

static gboolean
get_object (JsonObject *o, const char *name, JsonObject **out, GError **error)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return bad (error, name, "is missing or not an object");
  *out = json_node_get_object (n);
  return TRUE;
}

static gboolean
get_array (JsonObject *o, const char *name, JsonArray **out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (error, name, "is missing or not an array");
  *out = json_node_get_array (n);
  return TRUE;
}

static gboolean
node_number (JsonNode *n, double *out)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_INT64:
      *out = (double) json_node_get_int (n);
      return TRUE;
    case G_TYPE_DOUBLE:
      *out = json_node_get_double (n);
      return TRUE;
    default:
      return FALSE;
    }
}

/* A number, or null meaning NAN when allow_null. */
static gboolean
get_number (JsonObject *o, const char *name, gboolean allow_null, double *out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n != NULL && allow_null && JSON_NODE_HOLDS_NULL (n))
    {
      *out = NAN;
      return TRUE;
    }
  if (!node_number (n, out) || !isfinite (*out))
    return bad (error, name, "is missing or not a number");
  return TRUE;
}

static gboolean
get_uint (JsonObject *o, const char *name, guint64 min, guint64 max, guint64 *out,
          GError **error)
{
  double v;

  if (!get_number (o, name, FALSE, &v, error))
    return FALSE;
  if (v != floor (v) || v < (double) min || v > (double) max)
    {
      g_autofree char *what = g_strdup_printf ("must be a whole number from %" G_GUINT64_FORMAT
                                               " to %" G_GUINT64_FORMAT, min, max);
      return bad (error, name, what);
    }
  *out = (guint64) v;
  return TRUE;
}

static gboolean
get_guint (JsonObject *o, const char *name, guint min, guint max, guint *out, GError **error)
{
  guint64 v;

  if (!get_uint (o, name, min, max, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
get_string (JsonObject *o, const char *name, const char **out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return bad (error, name, "is missing or not a string");
  *out = json_node_get_string (n);
  return TRUE;
}

static gboolean
get_bool (JsonObject *o, const char *name, gboolean *out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return bad (error, name, "is missing or not true/false");
  *out = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
read_config (JsonObject *c, LvEnsembleConfig *config, GError **error)
{
  JsonArray *sizes;
  const char *s;
  guint64 seed;

  lv_ensemble_config_init (config);
  if (!get_array (c, "sizes", &sizes, error))
    return FALSE;
  if (json_array_get_length (sizes) == 0 ||
      json_array_get_length (sizes) > G_N_ELEMENTS (config->sizes))
    return bad (error, "sizes", "must hold 1 to 64 sizes");
  config->n_sizes = json_array_get_length (sizes);
  for (guint i = 0; i < config->n_sizes; i++)
    {
      double v;
      if (!node_number (json_array_get_element (sizes, i), &v) || v != floor (v) || v < 1 ||
          v > 1000000)
        return bad (error, "sizes", "must hold whole numbers from 1 to 1000000");
      config->sizes[i] = (guint) v;
    }
  if (!get_guint (c, "runs", 1, MAX_RUNS_IN_FILE, &config->runs, error) ||
      !get_guint (c, "depth", 1, LV_MLP_MAX_DEPTH, &config->depth, error) ||
      !get_guint (c, "epochs", 1, MAX_EPOCHS_IN_FILE, &config->train.epochs, error) ||
      !get_guint (c, "batch", 1, 1 << 20, &config->train.batch, error) ||
      !get_number (c, "lr", FALSE, &config->train.lr, error) ||
      !get_number (c, "lr_decay", FALSE, &config->train.lr_decay, error) ||
      !get_number (c, "momentum", FALSE, &config->train.momentum, error) ||
      !get_number (c, "reg_degree", FALSE, &config->train.reg.degree, error) ||
      !get_number (c, "reg_lambda", FALSE, &config->train.reg.lambda, error) ||
      !get_bool (c, "bias", &config->bias, error) ||
      !get_uint (c, "seed", 0, G_MAXINT64, &seed, error))
    return FALSE;
  config->seed = seed;
  /* Added after the first files were written: optional, with the defaults those files had. */
  if (json_object_has_member (c, "shared_order") &&
      (!get_bool (c, "shared_order", &config->shared_order, error) ||
       !get_guint (c, "fuse_block", 0, 1024, &config->fuse_block, error)))
    return FALSE;
  if (!get_string (c, "activation", &s, error))
    return FALSE;
  if (!lv_activation_from_string (s, &config->activation))
    return bad (error, "activation", "is not relu, tanh, logistic or linear");
  if (!get_string (c, "loss", &s, error))
    return FALSE;
  if (!lv_loss_from_string (s, &config->loss))
    return bad (error, "loss", "is not cross-entropy, mse or hinge");
  if (!get_string (c, "init", &s, error))
    return FALSE;
  if (!lv_init_from_string (s, &config->train.init))
    return bad (error, "init", "is not he, glorot or cube");
  if (!get_string (c, "reg_kind", &s, error))
    return FALSE;
  if (!lv_reg_kind_from_string (s, &config->train.reg.kind))
    return bad (error, "reg_kind", "is not layer or unit");
  return lv_train_config_validate (&config->train, error);
}

static gboolean
read_series (JsonObject *o, const char *name, guint n, double **out, GError **error)
{
  JsonArray *a;

  if (!get_array (o, name, &a, error))
    return FALSE;
  if (json_array_get_length (a) != n)
    return bad (error, name, "does not have epochs_done values");
  *out = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_NULL (e))
        (*out)[i] = NAN;
      else if (!node_number (e, &(*out)[i]))
        return bad (error, name, "holds something that is not a number or null");
    }
  return TRUE;
}

static gboolean
read_run (JsonObject *o, const LvEnsembleConfig *config, guint index, LvRunRecord *r,
          GError **error)
{
  const char *state;
  guint64 seed;
  guint expected_size = config->sizes[index / config->runs];

  if (!get_guint (o, "hidden", 1, 1000000, &r->hidden, error) ||
      !get_guint (o, "run", 0, MAX_RUNS_IN_FILE, &r->run, error) ||
      !get_uint (o, "seed", 0, G_MAXINT64, &seed, error) ||
      !get_guint (o, "epochs_done", 0, config->train.epochs, &r->epochs_done, error) ||
      !get_number (o, "grad_norm", TRUE, &r->grad_norm, error) ||
      !get_string (o, "state", &state, error))
    return FALSE;
  r->seed = seed;
  if (r->hidden != expected_size || r->run != index % config->runs)
    return bad (error, "runs", "are not in configuration order (size, then run)");
  for (r->state = LV_RUN_PENDING; r->state <= LV_RUN_CANCELLED; r->state++)
    if (g_strcmp0 (state, lv_run_state_to_string (r->state)) == 0)
      break;
  if (r->state > LV_RUN_CANCELLED)
    return bad (error, "state", "is not pending, running, finished, diverged or cancelled");
  /* A run that was training when the file was written is resumable, not running. */
  if (r->state == LV_RUN_RUNNING)
    r->state = LV_RUN_PENDING;
  return read_series (o, "train_loss", r->epochs_done, &r->train_loss, error) &&
         read_series (o, "test_loss", r->epochs_done, &r->test_loss, error) &&
         read_series (o, "test_accuracy", r->epochs_done, &r->test_accuracy, error);
}

static gboolean
read_dataset (JsonObject *d, LvSession *s, GError **error)
{
  const char *spec, *name;
  guint64 seed;

  lv_dataset_options_init (&s->dataset_options);
  if (!get_string (d, "spec", &spec, error) || !get_string (d, "name", &name, error) ||
      !get_number (d, "test_fraction", FALSE, &s->dataset_options.test_fraction, error) ||
      !get_guint (d, "downsample", 0, 4096, &s->dataset_options.downsample, error) ||
      !get_bool (d, "standardize", &s->dataset_options.standardize, error) ||
      !get_uint (d, "seed", 0, G_MAXINT64, &seed, error) ||
      !get_guint (d, "train", 0, G_MAXINT32, &s->dataset.n_train, error) ||
      !get_guint (d, "test", 0, G_MAXINT32, &s->dataset.n_test, error) ||
      !get_guint (d, "inputs", 1, G_MAXINT32, &s->dataset.n_inputs, error) ||
      !get_guint (d, "classes", 1, G_MAXINT32, &s->dataset.n_classes, error) ||
      !get_bool (d, "targets", &s->dataset.has_targets, error))
    return FALSE;
  s->dataset_options.seed = seed;
  s->dataset_spec = g_strdup (spec);
  s->dataset.name = g_strdup (name);
  return TRUE;
}

/**
 * lv_session_from_json:
 * @text: the file's contents.
 * @length: their length, or -1 when NUL-terminated.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error naming what is wrong.
 *
 * Returns: (transfer full) (nullable): the session.
 */
LvSession *
lv_session_from_json (const char *text, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LvSession) s = g_new0 (LvSession, 1);
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *o, *d, *c;
  JsonArray *runs;
  const char *format;
  guint version;
  guint64 expected;

  /* json-glib recurses per nesting level: 100 000 '[' would overflow the stack. */
  if (!lv_json_check_depth (text, length, LV_JSON_MAX_DEPTH, "experiment file", error))
    return NULL;
  if (!json_parser_load_from_data (parser, text, length, &local))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "experiment file is not JSON: %s",
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad (error, "(top level)", "is not an object");
      return NULL;
    }
  o = json_node_get_object (root);
  if (!get_string (o, "format", &format, error))
    return NULL;
  if (g_strcmp0 (format, LV_SESSION_FORMAT) != 0)
    {
      bad (error, "format", "is not \"" LV_SESSION_FORMAT "\"");
      return NULL;
    }
  if (!get_guint (o, "version", 1, G_MAXINT32, &version, error))
    return NULL;
  if (version > LV_SESSION_VERSION)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "experiment file version %u is newer than this LossViz reads (%d)", version,
                   LV_SESSION_VERSION);
      return NULL;
    }
  if (!get_object (o, "dataset", &d, error) || !read_dataset (d, s, error) ||
      !get_object (o, "config", &c, error) || !read_config (c, &s->config, error) ||
      !get_guint (o, "threads", 0, 4096, &s->threads, error) ||
      !get_number (o, "elapsed_s", TRUE, &s->elapsed_s, error) ||
      !get_array (o, "runs", &runs, error))
    return NULL;
  expected = (guint64) s->config.n_sizes * s->config.runs;
  if (expected > MAX_RUNS_IN_FILE || json_array_get_length (runs) != expected)
    {
      bad (error, "runs", "does not hold one entry per size and run");
      return NULL;
    }
  s->snapshot = g_new0 (LvEnsembleSnapshot, 1);
  s->snapshot->runs = g_new0 (LvRunRecord, expected);
  for (guint i = 0; i < expected; i++)
    {
      JsonNode *n = json_array_get_element (runs, i);
      LvRunRecord *r = &s->snapshot->runs[i];

      s->snapshot->n_runs = i + 1; /* so a failure frees exactly what was read */
      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          bad (error, "runs", "holds something that is not an object");
          return NULL;
        }
      if (!read_run (json_node_get_object (n), &s->config, i, r, error))
        return NULL;
      s->snapshot->finished += r->state == LV_RUN_FINISHED;
      s->snapshot->diverged += r->state == LV_RUN_DIVERGED;
      s->snapshot->cancelled += r->state == LV_RUN_CANCELLED;
    }
  return g_steal_pointer (&s);
}

LvSession *
lv_session_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GError) local = NULL;
  LvSession *s;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "%s", local->message);
      return NULL;
    }
  s = lv_session_from_json (text, (gssize) length, &local);
  if (s == NULL)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %s", path, local->message);
  return s;
}
