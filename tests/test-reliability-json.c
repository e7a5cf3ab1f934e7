/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-json-write.h>

#include "lv-test-util.h"

/*
 * Issue 16, class 1: every number LossViz writes is strict JSON and reads back as the same
 * double. The judge is Python's json module (an independent parser), with NaN/Infinity refused,
 * and float.fromhex() of the exact bit pattern as the expected value.
 */

/* Python: argv[1] is a JSON file, argv[2] a JSON object {"path.to.member": "hex float"}.
 * Fails on any non-strict token, any non-finite number, or any member not exactly equal. */
static const char *const check_py =
  "import json, sys, math\n"
  "def bad(c): raise ValueError('non-strict constant ' + c)\n"
  "doc = json.load(open(sys.argv[1], encoding='utf-8'), parse_constant=bad)\n"
  "def walk(v):\n"
  "    if isinstance(v, float) and not math.isfinite(v): raise ValueError('non-finite')\n"
  "    if isinstance(v, dict): [walk(x) for x in v.values()]\n"
  "    if isinstance(v, list): [walk(x) for x in v]\n"
  "walk(doc)\n"
  "for path, hexv in json.loads(sys.argv[2]).items():\n"
  "    v = doc\n"
  "    for part in path.split('.'):\n"
  "        v = v[int(part)] if isinstance(v, list) else v[part]\n"
  "    e = float.fromhex(hexv)\n"
  "    if float(v) != e or math.copysign(1, float(v)) != math.copysign(1, e):\n"
  "        raise ValueError('%s: %r != %s' % (path, v, hexv))\n";

static gboolean
have_python (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    g_test_skip ("python3 not found");
  return python != NULL;
}

/* Checks @json_path strictly; @expect is "member.path=hexfloat;..." pairs (may be empty). */
static void
assert_strict_json (const char *json_path, const char *expect_json)
{
  const char *argv[] = { "python3", "-c", check_py, json_path, expect_json, NULL };
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s is not strict JSON or does not round-trip: %s", json_path, err);
}

static void
assert_strict_json_text (const char *text, const char *expect_json)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.json", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  assert_strict_json (path, expect_json);
}

/* Every output is a JSON number (RFC 8259 grammar), reads back exactly, and is no longer than
 * %.17g (plus ".0"). The values: the extremes of the double range and 200 000 random bit
 * patterns. */
static void
test_format_double (void)
{
  g_autoptr(GRegex) number = g_regex_new ("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$",
                                          0, 0, NULL);
  const double fixed[] = { 0.0, -0.0, 1e-8, 1e-300, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX, 0.1,
                           1.0 / 3.0, 1e21, 1e22, 123456789012345678.0, 2.5e-16, 1e6, 1e-12 };
  LvRng rng;

  lv_rng_init (&rng, 16);
  for (guint i = 0; i < 200000 + G_N_ELEMENTS (fixed); i++)
    {
      char buf[LV_JSON_DOUBLE_BUF_SIZE], longest[64];
      double v;

      if (i < G_N_ELEMENTS (fixed))
        v = fixed[i];
      else
        {
          guint64 bits = lv_rng_next (&rng);
          memcpy (&v, &bits, sizeof v);
          if (!isfinite (v))
            continue;
        }
      lv_json_format_double (buf, sizeof buf, v);
      g_assert_true (g_regex_match (number, buf, 0, NULL));
      g_assert_true (g_ascii_strtod (buf, NULL) == v);
      g_assert_cmpint (signbit (g_ascii_strtod (buf, NULL)), ==, signbit (v));
      g_ascii_formatd (longest, sizeof longest, "%.17g", v);
      g_assert_cmpuint (strlen (buf), <=, strlen (longest) + 2); /* + ".0" */
    }
}

static void
test_format_non_finite (void)
{
  char buf[LV_JSON_DOUBLE_BUF_SIZE];

  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, NAN), ==, "null");
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, INFINITY), ==, "null");
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, -INFINITY), ==, "null");
  /* The shortest form, not %.17g's 0.10000000000000001. */
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, 0.1), ==, "0.1");
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, 1e-8), ==, "1e-08");
  /* Integral doubles stay doubles for every reader, and -0 keeps its sign. */
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, 3.0), ==, "3.0");
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, -0.0), ==, "-0.0");
  g_assert_cmpstr (lv_json_format_double (buf, sizeof buf, 1e21), ==, "1e+21");
}

/* A tree with the extremes, control characters and invalid UTF-8, judged by Python. */
static void
test_tree_python (void)
{
  const double values[] = { 1e-8, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX, -0.0, 1e21 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) expect = g_string_new ("{");
  g_autofree char *compact = NULL, *pretty = NULL;

  if (!have_python ())
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "values");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      char hex[64];
      json_builder_add_double_value (b, values[i]);
      g_snprintf (hex, sizeof hex, "%a", values[i]);
      g_string_append_printf (expect, "%s\"values.%u\": \"%s\"", i ? ", " : "", i, hex);
    }
  json_builder_add_double_value (b, NAN);
  json_builder_add_int_value (b, G_MININT64);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "text\t\"\\");
  json_builder_add_string_value (b, "bad \xff\xfe bytes \x01 \x7f é");
  json_builder_end_object (b);
  g_string_append (expect, "}");
  root = json_builder_get_root (b);

  compact = lv_json_to_string (root, 0);
  pretty = lv_json_to_string (root, 2);
  g_assert_nonnull (strstr (compact, "\"values\":[1e-08,"));
  g_assert_nonnull (strstr (compact, "null,-9223372036854775808]"));
  g_assert_true (g_utf8_validate (compact, -1, NULL));
  g_assert_nonnull (strstr (compact, "\\u0001"));
  assert_strict_json_text (compact, expect->str);
  assert_strict_json_text (pretty, expect->str);
}

static void
test_depth_check (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = g_strnfill (100000, '[');
  const char *ok = "{\"a\": [[[\"[[[[[[[[[[[[\\\"[[[[[\"]]]}";

  g_assert_true (lv_json_check_depth (ok, -1, 4, "t", &error));
  g_assert_no_error (error);
  g_assert_false (lv_json_check_depth (ok, -1, 3, "t", &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (lv_json_check_depth (deep, -1, LV_JSON_MAX_DEPTH, "t", &error));
  g_assert_nonnull (strstr (error->message, "nested more than 64"));
}

/* The example of the issue: --lr 1e-8 saved, reopened, and every field at its extreme. */
static void
test_session_extremes (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "f.json", NULL);
  g_auto(LvCliResult) run = { 0 }, render = { 0 };
  char expect[512];

  if (!have_python ())
    return;
  lv_test_run_cli (&run, "ensemble", "--dataset", "random:1000:3:2", "--sizes", "2", "--runs", "2",
                   "--epochs", "2", "--lr", "1e-8", "--lr-decay", "1e6", "--momentum",
                   "0.999999", "--reg-lambda", "1e-300", "--reg-degree", "0.1",
                   "--test-fraction", "0.99", "--seed", "9223372036854775807", "--out", path,
                   "--json", NULL);
  g_assert_cmpint (run.exit_code, ==, 0);
  g_snprintf (expect, sizeof expect,
              "{\"config.lr\": \"%a\", \"config.lr_decay\": \"%a\", \"config.momentum\": \"%a\", "
              "\"config.reg_lambda\": \"%a\", \"config.reg_degree\": \"%a\", "
              "\"dataset.test_fraction\": \"%a\"}", 1e-8, 1e6, 0.999999, 1e-300, 0.1, 0.99);
  assert_strict_json (path, expect);
  assert_strict_json_text (run.out, "{}");
  lv_test_run_cli (&render, "render", "--session", path, "--json", NULL);
  g_assert_cmpint (render.exit_code, ==, 0);
  assert_strict_json_text (render.out, "{}");
  g_assert_cmpstr (render.out, ==, run.out);
}

/* stdout of the other commands with small and large values. */
static void
test_commands_stdout (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *matrix = g_build_filename (dir, "y.csv", NULL);
  const char *const small = "1e-300", *const large = "1e20";
  char expect[256];

  if (!have_python ())
    return;
  g_assert_true (g_file_set_contents (matrix, "1e-8,2e-9\n3e-8,-1e-7\n", -1, NULL));
  for (guint i = 0; i < 2; i++)
    {
      const char *lambda = i == 0 ? small : large;
      g_auto(LvCliResult) r = { 0 };

      lv_test_run_cli (&r, "certify", "--matrix", matrix, "--lambda", lambda, "--rank", "2",
                       "--max-iters", "50", "--json", NULL);
      g_assert_cmpint (r.exit_code, ==, 0);
      g_snprintf (expect, sizeof expect, "{\"lambda\": \"%a\"}", g_ascii_strtod (lambda, NULL));
      assert_strict_json_text (r.out, expect);
    }
  {
    /* So large that descent overflows: an error (exit 1), never "stationary" with nulls. */
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "certify", "--matrix", matrix, "--lambda", "1e300", "--rank", "2",
                     "--max-iters", "50", "--json", NULL);
    g_assert_cmpint (r.exit_code, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_nonnull (strstr (r.err, "lossviz-cli: error: gradient descent diverged"));
  }
  {
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "spinglass", "complexity", "--u", "-1e-8,-1.6,-1e300,1e-300", "--json",
                     NULL);
    g_assert_cmpint (r.exit_code, ==, 0);
    g_snprintf (expect, sizeof expect, "{\"points.0.u\": \"%a\", \"points.2.u\": \"%a\"}",
                -1e-8, -1e300);
    assert_strict_json_text (r.out, expect);
  }
  {
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "slice", "--dataset", "random:40:3:2", "--hidden", "2", "--epochs", "1",
                     "--lr", "1e-12", "--grid", "3", "--span", "1e-8", "--json", NULL);
    g_assert_cmpint (r.exit_code, ==, 0);
    assert_strict_json_text (r.out, "{}");
  }
  {
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "hessian", "--dataset", "random:40:3:2", "--hidden", "2", "--epochs",
                     "1", "--lr", "1e-12", "--tolerance", "1e-300", "--json", NULL);
    g_assert_cmpint (r.exit_code, ==, 0);
    assert_strict_json_text (r.out, "{}");
  }
  {
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "lift", "--d", "2", "--k", "1", "--samples", "400", "--test-samples",
                     "50", "--sgd-runs", "0", "--noise", "1e-300", "--json", NULL);
    g_assert_cmpint (r.exit_code, ==, 0);
    assert_strict_json_text (r.out, "{}");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/json/format-double", test_format_double);
  g_test_add_func ("/reliability/json/format-non-finite", test_format_non_finite);
  g_test_add_func ("/reliability/json/tree-python", test_tree_python);
  g_test_add_func ("/reliability/json/depth-check", test_depth_check);
  g_test_add_func ("/reliability/json/session-extremes", test_session_extremes);
  g_test_add_func ("/reliability/json/commands-stdout", test_commands_stdout);
  return g_test_run ();
}
