/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The fuzz targets, shared by the libFuzzer harnesses (fuzz-<name>.c, built with
 * -Dfuzzing=true by build-aux/fuzz.sh) and by the core test that replays the seed corpora and
 * every saved crash (tests/test-reliability-fuzz-replay.c). Each takes arbitrary bytes, must
 * never crash, leak or read out of bounds, and returns normally whatever the input.
 */

/* [u16 big-endian images length][IDX images][IDX labels], each part plain or gzip. */
void lv_fuzz_idx (const guint8 *data, gsize size);
/* The same layout; both parts are gzip-compressed before parsing (valid gzip streams). */
void lv_fuzz_idx_gzip (const guint8 *data, gsize size);
/* CSV text (or gzip of it). */
void lv_fuzz_csv (const guint8 *data, gsize size);
/* An experiment file (LvSession JSON), as `lossviz-cli render --session` and the app open. */
void lv_fuzz_session (const guint8 *data, gsize size);
/* `lossviz-cli ensemble` arguments, one per line: option parsing and validation only. */
void lv_fuzz_cli_ensemble (const guint8 *data, gsize size);

/* `certify --matrix` CSV text (reliability II). */
void lv_fuzz_matrix_csv (const guint8 *data, gsize size);
/* JSON text: depth check, json-glib, then LossViz's JSON writer, read back and written again. */
void lv_fuzz_json_write (const guint8 *data, gsize size);
/* An experiment bundle (HDF5 bytes), as `--resume`, `--from` and the app read it. */
void lv_fuzz_bundle (const guint8 *data, gsize size);

typedef void (*LvFuzzTarget) (const guint8 *data, gsize size);

G_END_DECLS
