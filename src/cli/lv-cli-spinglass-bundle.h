/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * `spinglass simulate --out FILE.h5`, --checkpoint SECONDS and --resume FILE.h5 (issue 13):
 * every start's endpoint is stored; the file is brought up to date at least every
 * --checkpoint seconds and on SIGINT/SIGTERM; a resumed simulation keeps the sizes that
 * finished whole and recomputes the others whole (so results equal an uninterrupted run's).
 */
typedef struct
{
  char *out;
  char *resume;
  int checkpoint; /* seconds; -1: not given (60) */
  LvSpinGlassBundle *bundle;
  GMutex lock;
  gint64 last_write;
  guint size; /* the size being simulated */
} LvCliSpinGlassBundle;

void     lv_cli_sg_bundle_clear (LvCliSpinGlassBundle *b);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliSpinGlassBundle, lv_cli_sg_bundle_clear)
void     lv_cli_sg_bundle_options_add (GOptionContext *context, LvCliSpinGlassBundle *b);
/* Before parsing: with --resume, refuses every option that would change the stored
 * simulation; returns TRUE and sets *@resume when --resume is given. */
gboolean lv_cli_sg_bundle_check_args (int argc, char **argv, gboolean *resume, GError **error);
/* After the options are read into @base and @lambdas: with --resume, replaces them by what
 * the bundle stores (except the thread count); sets up the bundle to fill. */
gboolean lv_cli_sg_bundle_prepare (LvCliSpinGlassBundle *b, LvSpinGlassConfig *base,
                                   guint *lambdas, guint *n_sizes, GError **error);
/* Simulates size @i into @runs (or copies it, when the bundle holds it whole), with
 * checkpoints. Returns 0, or the exit code after printing the error (128 + signal when
 * interrupted, after a last checkpoint). */
int      lv_cli_sg_bundle_simulate (LvCliSpinGlassBundle *b, guint i,
                                    const LvSpinGlassConfig *config, LvSpinGlassRun *runs,
                                    LvSpinGlassStats *stats);

G_END_DECLS
