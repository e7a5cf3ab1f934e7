/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lossviz.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one lossviz-cli invocation produced. */
typedef struct
{
  int exit_code;
  char *out;
  char *err;
} LvCliResult;

void lv_cli_result_clear (LvCliResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliResult, lv_cli_result_clear)

/* Runs the built lossviz-cli (path from $LOSSVIZ_CLI) with a NULL-terminated argument list. */
void      lv_test_run_cli (LvCliResult *result, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
void      lv_test_run_cli_argv (LvCliResult *result, const char *const *args);
/* Parses stdout as exactly one JSON object; fails the test otherwise. Returns a new ref. */
JsonObject *lv_test_parse_json_object (const char *text);
/* Asserts exit code 2 and a single "lossviz-cli: error: " line that contains @needle. */
void      lv_test_assert_bad_input (const LvCliResult *result, const char *needle);
/* A fresh temporary directory removed at the end of the test (g_test_queue_destroy). */
char     *lv_test_tmpdir (void);

/* UI tests: a fresh $XDG_STATE_HOME of this test program's own (autosaves; inherited by the
 * app it starts), removed at exit. Call first in main(), before any thread starts. */
void      lv_test_isolate_state (void);
/* Final test losses of every run of @config trained by the core alone on digits (2 workers). */
GArray   *lv_test_core_final_test_losses (const LvEnsembleConfig *config);

/* lv_test_run_cli_argv with setrlimit (@resource, @limit) in the child (RLIMIT_AS,
 * RLIMIT_FSIZE). */
void      lv_test_run_cli_limited (LvCliResult *result, int resource, guint64 limit,
                                   const char *const *args);

G_END_DECLS
