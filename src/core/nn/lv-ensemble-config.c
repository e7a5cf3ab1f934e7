/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-ensemble-config.h>

#include <math.h>

#include <lossviz/lv-error.h>

/*
 * LvEnsembleConfig to and from JSON, key files and a cache key, all driven by one table
 * (FIELDS below). Every reader starts from lv_ensemble_config_init(), checks every field it
 * reads against the same bounds and names the field in its error, then runs
 * lv_train_config_validate(): a hand-edited or corrupt value is an error, never a crash.
 */

/* Bounds on what a file may ask for, so a corrupt or hostile file cannot exhaust memory. */
#define MAX_SIZE 1000000
#define MAX_RUNS 1000000
#define MAX_EPOCHS 1000000

typedef enum {
  KIND_UINT,   /* guint */
  KIND_UINT64, /* guint64 */
  KIND_DOUBLE, /* double, finite */
  KIND_BOOL,   /* gboolean */
  KIND_ENUM,   /* an enum stored as its name */
} Kind;

typedef struct {
  const char *name;
  Kind kind;
  gsize offset;
  guint64 min, max;                  /* KIND_UINT, KIND_UINT64 */
  gboolean optional;                 /* added after the first files: absent = the default */
  /* KIND_ENUM: the enum's own to_string / from_string, and its names for error messages. */
  const char *(*enum_name) (guint v);
  gboolean (*enum_parse) (const char *s, guint *v);
  const char *choices;
} Field;

/* The enums' own name functions, adapted to guint (the table holds one pointer type). */
#define ENUM_ADAPTERS(Type, prefix)                                                           \
  static const char *prefix##_name (guint v) { return prefix##_to_string ((Type) v); }       \
  static gboolean prefix##_parse (const char *s, guint *v)                                    \
  {                                                                                           \
    Type t;                                                                                   \
    if (!prefix##_from_string (s, &t))                                                        \
      return FALSE;                                                                           \
    *v = (guint) t;                                                                           \
    return TRUE;                                                                              \
  }
ENUM_ADAPTERS (LvActivation, lv_activation)
ENUM_ADAPTERS (LvLoss, lv_loss)
ENUM_ADAPTERS (LvInit, lv_init)
ENUM_ADAPTERS (LvRegKind, lv_reg_kind)
ENUM_ADAPTERS (LvPrecision, lv_precision)

/* Enum members are read and written as guint: these enums have no negative values. */
G_STATIC_ASSERT (sizeof (LvActivation) == sizeof (guint) && sizeof (LvLoss) == sizeof (guint) &&
                 sizeof (LvInit) == sizeof (guint) && sizeof (LvRegKind) == sizeof (guint) &&
                 sizeof (LvPrecision) == sizeof (guint));

#define OFF(member) G_STRUCT_OFFSET (LvEnsembleConfig, member)
#define WHOLE(name, member, lo, hi, opt)                                                       \
  { name, KIND_UINT, OFF (member), lo, hi, opt, NULL, NULL, NULL }
#define REAL(name, member) { name, KIND_DOUBLE, OFF (member), 0, 0, FALSE, NULL, NULL, NULL }
#define BOOL(name, member, opt) { name, KIND_BOOL, OFF (member), 0, 0, opt, NULL, NULL, NULL }
#define ENUM(name, member, prefix, choices)                                                   \
  { name, KIND_ENUM, OFF (member), 0, 0, FALSE, prefix##_name, prefix##_parse, choices }
#define ENUM_OPTIONAL(name, member, prefix, choices)                                          \
  { name, KIND_ENUM, OFF (member), 0, 0, TRUE, prefix##_name, prefix##_parse, choices }

/* In the order the experiment file has always written them ("sizes" comes first, apart). */
static const Field FIELDS[] = {
  WHOLE ("runs", runs, 1, MAX_RUNS, FALSE),
  WHOLE ("depth", depth, 1, LV_MLP_MAX_DEPTH, FALSE),
  ENUM ("activation", activation, lv_activation, "relu, tanh, logistic or linear"),
  ENUM ("loss", loss, lv_loss, "cross-entropy, mse or hinge"),
  BOOL ("bias", bias, FALSE),
  ENUM ("init", train.init, lv_init, "he, glorot or cube"),
  WHOLE ("epochs", train.epochs, 1, MAX_EPOCHS, FALSE),
  WHOLE ("batch", train.batch, 1, 1 << 20, FALSE),
  REAL ("lr", train.lr),
  REAL ("lr_decay", train.lr_decay),
  REAL ("momentum", train.momentum),
  ENUM ("reg_kind", train.reg.kind, lv_reg_kind, "layer or unit"),
  REAL ("reg_degree", train.reg.degree),
  REAL ("reg_lambda", train.reg.lambda),
  { "seed", KIND_UINT64, OFF (seed), 0, G_MAXINT64, FALSE, NULL, NULL, NULL },
  BOOL ("shared_order", shared_order, TRUE),
  WHOLE ("fuse_block", fuse_block, 0, 1024, TRUE),
  /* Added with bf16 training; files without it trained in fp32. */
  ENUM_OPTIONAL ("precision", train.precision, lv_precision, "fp32 or bf16"),
};

#define MEMBER(type, config, f) G_STRUCT_MEMBER (type, (config), (f)->offset)

static guint64
get_whole (const LvEnsembleConfig *c, const Field *f)
{
  switch (f->kind)
    {
    case KIND_UINT64:
      return MEMBER (guint64, (gpointer) c, f);
    case KIND_BOOL:
      return MEMBER (gboolean, (gpointer) c, f) != FALSE;
    default:
      return MEMBER (guint, (gpointer) c, f);
    }
}

static void
set_whole (LvEnsembleConfig *c, const Field *f, guint64 v)
{
  if (f->kind == KIND_UINT64)
    MEMBER (guint64, c, f) = v;
  else if (f->kind == KIND_BOOL)
    MEMBER (gboolean, c, f) = v != 0;
  else
    MEMBER (guint, c, f) = (guint) v;
}

static gboolean
bad (GError **error, const char *name, const char *what)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "'%s' %s", name, what);
  return FALSE;
}

static gboolean
enum_from_name (const Field *f, const char *s, LvEnsembleConfig *c, GError **error)
{
  g_autofree char *what = NULL;
  guint v;

  if (f->enum_parse (s, &v))
    {
      set_whole (c, f, v);
      return TRUE;
    }
  what = g_strconcat ("is not ", f->choices, NULL);
  return bad (error, f->name, what);
}

static gboolean
out_of_range (const Field *f, GError **error)
{
  g_autofree char *what = g_strdup_printf ("must be a whole number from %" G_GUINT64_FORMAT
                                           " to %" G_GUINT64_FORMAT, f->min, f->max);
  return bad (error, f->name, what);
}

static gboolean
whole_in_range (const Field *f, double v, LvEnsembleConfig *c, GError **error)
{
  if (v != floor (v) || v < (double) f->min || v > (double) f->max)
    return out_of_range (f, error);
  set_whole (c, f, (guint64) v);
  return TRUE;
}

static gboolean
sizes_check (guint64 n, GError **error)
{
  if (n == 0 || n > G_N_ELEMENTS (((LvEnsembleConfig *) NULL)->sizes))
    return bad (error, "sizes", "must hold 1 to 64 sizes");
  return TRUE;
}

static gboolean
size_set (LvEnsembleConfig *c, guint i, gboolean is_number, double v, GError **error)
{
  if (!is_number || v != floor (v) || v < 1 || v > MAX_SIZE)
    return bad (error, "sizes", "must hold whole numbers from 1 to 1000000");
  c->sizes[i] = (guint) v;
  return TRUE;
}

/* ---- JSON --------------------------------------------------------------------------------- */

/**
 * lv_ensemble_config_to_json:
 * @config: the configuration.
 * @builder: a builder inside an open object.
 *
 * Adds every field except first_run as members of the open object (the experiment file's
 * "config" object). Doubles are written in full precision, so the file reads back exactly.
 */
void
lv_ensemble_config_to_json (const LvEnsembleConfig *config, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "sizes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < config->n_sizes; i++)
    json_builder_add_int_value (builder, config->sizes[i]);
  json_builder_end_array (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (FIELDS); i++)
    {
      const Field *f = &FIELDS[i];
      double d;

      json_builder_set_member_name (builder, f->name);
      switch (f->kind)
        {
        case KIND_DOUBLE:
          d = MEMBER (double, (gpointer) config, f);
          if (isfinite (d))
            json_builder_add_double_value (builder, d);
          else
            json_builder_add_null_value (builder);
          break;
        case KIND_BOOL:
          json_builder_add_boolean_value (builder, get_whole (config, f) != 0);
          break;
        case KIND_ENUM:
          json_builder_add_string_value (builder, f->enum_name ((guint) get_whole (config, f)));
          break;
        default:
          json_builder_add_int_value (builder, (gint64) get_whole (config, f));
          break;
        }
    }
}

static gboolean
json_number (JsonNode *n, double *out)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return FALSE;
  return TRUE;
}

static gboolean
json_field (JsonObject *o, const Field *f, LvEnsembleConfig *c, GError **error)
{
  JsonNode *n = json_object_get_member (o, f->name);
  gboolean is_value = n != NULL && JSON_NODE_HOLDS_VALUE (n);
  double v;

  if (n == NULL && f->optional)
    return TRUE;
  switch (f->kind)
    {
    case KIND_BOOL:
      if (!is_value || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
        return bad (error, f->name, "is missing or not true/false");
      set_whole (c, f, json_node_get_boolean (n));
      return TRUE;
    case KIND_ENUM:
      if (!is_value || json_node_get_value_type (n) != G_TYPE_STRING)
        return bad (error, f->name, "is missing or not a string");
      return enum_from_name (f, json_node_get_string (n), c, error);
    default:
      if (!json_number (n, &v) || !isfinite (v))
        return bad (error, f->name, "is missing or not a number");
      /* An integer is taken as such: a seed above 2^53 does not survive a double. */
      if (f->kind != KIND_DOUBLE && json_node_get_value_type (n) == G_TYPE_INT64)
        {
          gint64 i = json_node_get_int (n);
          if (i < 0 || (guint64) i < f->min || (guint64) i > f->max)
            return out_of_range (f, error);
          set_whole (c, f, (guint64) i);
          return TRUE;
        }
      if (f->kind != KIND_DOUBLE)
        return whole_in_range (f, v, c, error);
      MEMBER (double, c, f) = v;
      return TRUE;
    }
}

/**
 * lv_ensemble_config_from_json:
 * @object: an object written by lv_ensemble_config_to_json().
 * @config: (out): the configuration; first_run is 0.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error naming the bad member.
 *
 * Returns: %TRUE when every member is present (optional ones may be absent), of the right type
 *   and in range.
 */
gboolean
lv_ensemble_config_from_json (JsonObject *object, LvEnsembleConfig *config, GError **error)
{
  JsonNode *n = json_object_get_member (object, "sizes");
  JsonArray *sizes;

  lv_ensemble_config_init (config);
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (error, "sizes", "is missing or not an array");
  sizes = json_node_get_array (n);
  if (!sizes_check (json_array_get_length (sizes), error))
    return FALSE;
  config->n_sizes = json_array_get_length (sizes);
  for (guint i = 0; i < config->n_sizes; i++)
    {
      double v = 0;
      gboolean is_number = json_number (json_array_get_element (sizes, i), &v);

      if (!size_set (config, i, is_number, v, error))
        return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (FIELDS); i++)
    if (!json_field (object, &FIELDS[i], config, error))
      return FALSE;
  return lv_train_config_validate (&config->train, error);
}

/* ---- key files ---------------------------------------------------------------------------- */

/**
 * lv_ensemble_config_to_keyfile:
 * @config: the configuration.
 * @keyfile: where to write.
 * @group: the group to write the keys into (other keys of the group are kept).
 *
 * Writes every field except first_run, under the same names as the JSON members.
 */
void
lv_ensemble_config_to_keyfile (const LvEnsembleConfig *config, GKeyFile *keyfile,
                               const char *group)
{
  int sizes[G_N_ELEMENTS (config->sizes)];

  for (guint i = 0; i < config->n_sizes; i++)
    sizes[i] = (int) config->sizes[i];
  g_key_file_set_integer_list (keyfile, group, "sizes", sizes, config->n_sizes);
  for (gsize i = 0; i < G_N_ELEMENTS (FIELDS); i++)
    {
      const Field *f = &FIELDS[i];
      guint64 v = get_whole (config, f);

      if (f->kind == KIND_DOUBLE)
        g_key_file_set_double (keyfile, group, f->name, MEMBER (double, (gpointer) config, f));
      else if (f->kind == KIND_BOOL)
        g_key_file_set_boolean (keyfile, group, f->name, v != 0);
      else if (f->kind == KIND_ENUM)
        g_key_file_set_string (keyfile, group, f->name, f->enum_name ((guint) v));
      else
        g_key_file_set_uint64 (keyfile, group, f->name, v);
    }
}

static gboolean
keyfile_field (GKeyFile *kf, const char *group, const Field *f, LvEnsembleConfig *c,
               GError **error)
{
  g_autofree char *text = NULL;
  GError *e = NULL;
  double d;

  if (f->optional && !g_key_file_has_key (kf, group, f->name, NULL))
    return TRUE;
  if (f->kind == KIND_BOOL)
    {
      gboolean b = g_key_file_get_boolean (kf, group, f->name, &e);
      if (e != NULL)
        {
          g_error_free (e);
          return bad (error, f->name, "is missing or not true/false");
        }
      set_whole (c, f, b);
      return TRUE;
    }
  text = g_key_file_get_string (kf, group, f->name, NULL);
  if (text == NULL)
    return bad (error, f->name, "is missing");
  if (f->kind == KIND_ENUM)
    return enum_from_name (f, text, c, error);
  if (f->kind != KIND_DOUBLE)
    {
      guint64 v;
      /* Parsed as an integer: a 64-bit seed does not survive a trip through a double. */
      if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, f->min, f->max, &v, NULL))
        return out_of_range (f, error);
      set_whole (c, f, v);
      return TRUE;
    }
  d = g_key_file_get_double (kf, group, f->name, &e);
  if (e != NULL || !isfinite (d))
    {
      g_clear_error (&e);
      return bad (error, f->name, "is not a number");
    }
  MEMBER (double, c, f) = d;
  return TRUE;
}

/**
 * lv_ensemble_config_from_keyfile:
 * @keyfile: a key file holding a group written by lv_ensemble_config_to_keyfile().
 * @group: the group.
 * @config: (out): the configuration; first_run is 0.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error naming the bad key.
 *
 * Returns: %TRUE when every key is present (optional ones may be absent) and in range.
 */
gboolean
lv_ensemble_config_from_keyfile (GKeyFile *keyfile, const char *group, LvEnsembleConfig *config,
                                 GError **error)
{
  g_autofree int *sizes = NULL;
  gsize n = 0;

  lv_ensemble_config_init (config);
  sizes = g_key_file_get_integer_list (keyfile, group, "sizes", &n, NULL);
  if (sizes == NULL)
    return bad (error, "sizes", "is missing or not a list of whole numbers");
  if (!sizes_check (n, error))
    return FALSE;
  config->n_sizes = n;
  for (guint i = 0; i < n; i++)
    if (!size_set (config, i, TRUE, sizes[i], error))
      return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (FIELDS); i++)
    if (!keyfile_field (keyfile, group, &FIELDS[i], config, error))
      return FALSE;
  return lv_train_config_validate (&config->train, error);
}

/* ---- the key ------------------------------------------------------------------------------ */

/**
 * lv_ensemble_config_key:
 * @config: the configuration.
 *
 * A canonical text for the configuration: two configurations have the same key exactly when
 * every field, first_run included, is equal (doubles compared by their 17-digit text). Callers
 * that consider some fields irrelevant normalise a copy first.
 *
 * Returns: (transfer full): the key.
 */
char *
lv_ensemble_config_key (const LvEnsembleConfig *config)
{
  GString *key = g_string_new ("sizes=");

  for (guint i = 0; i < config->n_sizes; i++)
    g_string_append_printf (key, "%s%u", i == 0 ? "" : ",", config->sizes[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (FIELDS); i++)
    {
      const Field *f = &FIELDS[i];

      g_string_append_printf (key, "|%s=", f->name);
      if (f->kind == KIND_DOUBLE)
        g_string_append_printf (key, "%.17g", MEMBER (double, (gpointer) config, f));
      else if (f->kind == KIND_ENUM)
        g_string_append (key, f->enum_name ((guint) get_whole (config, f)));
      else
        g_string_append_printf (key, "%" G_GUINT64_FORMAT, get_whole (config, f));
    }
  g_string_append_printf (key, "|first_run=%u", config->first_run);
  return g_string_free (key, FALSE);
}
