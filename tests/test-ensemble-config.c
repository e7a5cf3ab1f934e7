/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-config.h>

/*
 * The one (de)serialiser of LvEnsembleConfig: JSON and key-file round trips of every field, the
 * key telling apart any two configurations that differ in one field, and the files written
 * before shared_order / fuse_block existed still loading.
 */

/* A configuration whose every field differs from lv_ensemble_config_init()'s default. */
static void
unusual_config (LvEnsembleConfig *c)
{
  lv_ensemble_config_init (c);
  c->sizes[0] = 7;
  c->sizes[1] = 1000000;
  c->sizes[2] = 3;
  c->sizes[3] = 64;
  c->n_sizes = 4;
  c->runs = 17;
  c->depth = 3;
  c->activation = LV_ACTIVATION_LOGISTIC;
  c->loss = LV_LOSS_HINGE;
  c->bias = FALSE;
  c->train.epochs = 123;
  c->train.batch = 48;
  c->train.lr = 0.1 + 0.2; /* 0.30000000000000004: must survive as written */
  c->train.lr_decay = 1.0 / 3.0;
  c->train.momentum = 0.25;
  c->train.reg.kind = LV_REG_UNIT;
  c->train.reg.degree = 2.75;
  c->train.reg.lambda = 1e-7;
  c->train.init = LV_INIT_CUBE;
  c->seed = G_GUINT64_CONSTANT (9007199254740993); /* 2^53 + 1: not a double */
  c->shared_order = TRUE;
  c->fuse_block = 5;
  c->train.precision = LV_PRECISION_BF16;
  c->first_run = 0; /* not serialised: readers return 0 */
}

static void
assert_config_equal (const LvEnsembleConfig *a, const LvEnsembleConfig *b)
{
  g_assert_cmpuint (a->n_sizes, ==, b->n_sizes);
  for (guint i = 0; i < a->n_sizes; i++)
    g_assert_cmpuint (a->sizes[i], ==, b->sizes[i]);
  g_assert_cmpuint (a->runs, ==, b->runs);
  g_assert_cmpuint (a->depth, ==, b->depth);
  g_assert_cmpint (a->activation, ==, b->activation);
  g_assert_cmpint (a->loss, ==, b->loss);
  g_assert_cmpint (a->bias, ==, b->bias);
  g_assert_cmpuint (a->train.epochs, ==, b->train.epochs);
  g_assert_cmpuint (a->train.batch, ==, b->train.batch);
  /* Exact: doubles must read back bit for bit. */
  g_assert_true (a->train.lr == b->train.lr);
  g_assert_true (a->train.lr_decay == b->train.lr_decay);
  g_assert_true (a->train.momentum == b->train.momentum);
  g_assert_cmpint (a->train.reg.kind, ==, b->train.reg.kind);
  g_assert_true (a->train.reg.degree == b->train.reg.degree);
  g_assert_true (a->train.reg.lambda == b->train.reg.lambda);
  g_assert_cmpint (a->train.init, ==, b->train.init);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpint (a->shared_order, ==, b->shared_order);
  g_assert_cmpuint (a->fuse_block, ==, b->fuse_block);
  g_assert_cmpint (a->train.precision, ==, b->train.precision);
  g_assert_cmpuint (a->first_run, ==, b->first_run);
}

static JsonObject *
config_to_json_object (const LvEnsembleConfig *c, char **text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  lv_ensemble_config_to_json (c, b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  *text = json_generator_to_data (gen, NULL);
  /* Through text, as a file would go. */
  g_assert_true (json_parser_load_from_data (parser, *text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_json_round_trip (void)
{
  LvEnsembleConfig in, out;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(GError) error = NULL;
  /* The experiment file's "config" members, as the README documents the format. */
  static const char *const members[] = {
    "sizes", "runs", "depth", "activation", "loss", "bias", "init", "epochs", "batch", "lr",
    "lr_decay", "momentum", "reg_kind", "reg_degree", "reg_lambda", "seed", "shared_order",
    "fuse_block", "precision",
  };

  unusual_config (&in);
  o = config_to_json_object (&in, &text);
  g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (members));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (o, members[i]));
  g_assert_cmpstr (json_object_get_string_member (o, "activation"), ==, "logistic");
  g_assert_cmpstr (json_object_get_string_member (o, "reg_kind"), ==, "unit");
  g_assert_true (lv_ensemble_config_from_json (o, &out, &error));
  g_assert_no_error (error);
  assert_config_equal (&in, &out);
}

static void
test_keyfile_round_trip (void)
{
  LvEnsembleConfig in, out;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GKeyFile) back = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *dataset = NULL;

  unusual_config (&in);
  g_key_file_set_string (kf, "experiment", "dataset", "digits");
  lv_ensemble_config_to_keyfile (&in, kf, "experiment");
  text = g_key_file_to_data (kf, NULL, NULL);
  g_assert_true (g_key_file_load_from_data (back, text, -1, G_KEY_FILE_NONE, NULL));
  g_assert_true (lv_ensemble_config_from_keyfile (back, "experiment", &out, &error));
  g_assert_no_error (error);
  assert_config_equal (&in, &out);
  /* Other keys of the group are left alone. */
  dataset = g_key_file_get_string (back, "experiment", "dataset", NULL);
  g_assert_cmpstr (dataset, ==, "digits");
}

/* Each entry changes exactly one field of the unusual configuration. */
typedef void (*Mutate) (LvEnsembleConfig *c);
static void m_size (LvEnsembleConfig *c) { c->sizes[2] = 4; }
static void m_n_sizes (LvEnsembleConfig *c) { c->n_sizes = 3; }
static void m_runs (LvEnsembleConfig *c) { c->runs = 18; }
static void m_depth (LvEnsembleConfig *c) { c->depth = 2; }
static void m_activation (LvEnsembleConfig *c) { c->activation = LV_ACTIVATION_TANH; }
static void m_loss (LvEnsembleConfig *c) { c->loss = LV_LOSS_MSE; }
static void m_bias (LvEnsembleConfig *c) { c->bias = TRUE; }
static void m_epochs (LvEnsembleConfig *c) { c->train.epochs = 124; }
static void m_batch (LvEnsembleConfig *c) { c->train.batch = 49; }
static void m_lr (LvEnsembleConfig *c) { c->train.lr = 0.3; /* one ulp from 0.1 + 0.2 */ }
static void m_lr_decay (LvEnsembleConfig *c) { c->train.lr_decay = 0.5; }
static void m_momentum (LvEnsembleConfig *c) { c->train.momentum = 0.5; }
static void m_reg_kind (LvEnsembleConfig *c) { c->train.reg.kind = LV_REG_LAYER; }
static void m_reg_degree (LvEnsembleConfig *c) { c->train.reg.degree = 3; }
static void m_reg_lambda (LvEnsembleConfig *c) { c->train.reg.lambda = 2e-7; }
static void m_init (LvEnsembleConfig *c) { c->train.init = LV_INIT_GLOROT; }
static void m_seed (LvEnsembleConfig *c) { c->seed += 1; }
static void m_shared_order (LvEnsembleConfig *c) { c->shared_order = FALSE; }
static void m_fuse_block (LvEnsembleConfig *c) { c->fuse_block = 6; }
static void m_first_run (LvEnsembleConfig *c) { c->first_run = 1; }
static void m_precision (LvEnsembleConfig *c) { c->train.precision = LV_PRECISION_FP32; }

static void
test_key_tells_apart (void)
{
  static const Mutate mutations[] = {
    m_size, m_n_sizes, m_runs, m_depth, m_activation, m_loss, m_bias, m_epochs, m_batch, m_lr,
    m_lr_decay, m_momentum, m_reg_kind, m_reg_degree, m_reg_lambda, m_init, m_seed,
    m_shared_order, m_fuse_block, m_first_run, m_precision,
  };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  LvEnsembleConfig a, b;
  g_autofree char *ka = NULL, *kb = NULL;

  /* Equal configurations, built separately, have equal keys. */
  unusual_config (&a);
  unusual_config (&b);
  ka = lv_ensemble_config_key (&a);
  kb = lv_ensemble_config_key (&b);
  g_assert_cmpstr (ka, ==, kb);
  g_hash_table_add (seen, g_steal_pointer (&ka));
  /* Each one-field change gives a key not seen before (so also different pairwise). */
  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      LvEnsembleConfig m;
      char *key;

      unusual_config (&m);
      mutations[i] (&m);
      key = lv_ensemble_config_key (&m);
      if (g_hash_table_contains (seen, key))
        g_error ("mutation %u gives a key already seen: %s", i, key);
      g_hash_table_add (seen, key);
    }
}

/* A settings string as LossViz wrote it before shared_order and fuse_block were kept. */
static void
test_old_keyfile_loads (void)
{
  static const char old[] =
    "[experiment]\ndataset=digits\nsizes=5;25;100;\nruns=10\ndepth=1\nactivation=relu\n"
    "loss=cross-entropy\nbias=true\ninit=he\nepochs=10\nbatch=32\nlr=0.050000000000000003\n"
    "lr_decay=0\nmomentum=0.90000000000000002\nreg_kind=layer\nreg_degree=2\nreg_lambda=0\n"
    "seed=1\n";
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig c, def;

  g_assert_true (g_key_file_load_from_data (kf, old, -1, G_KEY_FILE_NONE, NULL));
  g_assert_true (lv_ensemble_config_from_keyfile (kf, "experiment", &c, &error));
  g_assert_no_error (error);
  lv_ensemble_config_init (&def);
  def.train.epochs = 10;
  def.train.batch = 32;
  def.train.lr = 0.05;
  def.train.momentum = 0.9;
  def.train.lr_decay = 0;
  def.train.reg.kind = LV_REG_LAYER;
  def.train.reg.degree = 2;
  def.train.reg.lambda = 0;
  def.train.init = LV_INIT_HE;
  assert_config_equal (&def, &c);
}

/* Bad values: an error that names the key, never a crash. */
static void
test_keyfile_bad_values (void)
{
  static const struct
  {
    const char *key, *value;
  } edits[] = {
    { "runs", "0" }, { "runs", "-3" }, { "runs", "ten" }, { "depth", "99" },
    { "activation", "swish" }, { "reg_kind", "both" }, { "lr", "fast" }, { "bias", "maybe" },
    { "seed", "18446744073709551615" }, { "fuse_block", "2000" }, { "sizes", "5;0;" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GKeyFile) kf = g_key_file_new ();
      g_autoptr(GError) error = NULL;
      LvEnsembleConfig c;

      unusual_config (&c);
      lv_ensemble_config_to_keyfile (&c, kf, "g");
      g_key_file_set_value (kf, "g", edits[i].key, edits[i].value);
      g_assert_false (lv_ensemble_config_from_keyfile (kf, "g", &c, &error));
      g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
      if (strstr (error->message, edits[i].key) == NULL)
        g_error ("%s=%s: message '%s' lacks the key", edits[i].key, edits[i].value,
                 error->message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/ensemble-config/json-round-trip", test_json_round_trip);
  g_test_add_func ("/lossviz/ensemble-config/keyfile-round-trip", test_keyfile_round_trip);
  g_test_add_func ("/lossviz/ensemble-config/key-tells-apart", test_key_tells_apart);
  g_test_add_func ("/lossviz/ensemble-config/old-keyfile", test_old_keyfile_loads);
  g_test_add_func ("/lossviz/ensemble-config/keyfile-bad-values", test_keyfile_bad_values);
  return g_test_run ();
}
