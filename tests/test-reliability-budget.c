/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/*
 * Issue 16, classes 4 and 5: inputs that crash or hang (deep JSON, FIFOs, devices, too many
 * threads) and work that does not fit (ulimit -v 2000000) end in one clear error line before
 * anything large is allocated.
 */

/* `ulimit -v 2000000`: 2 000 000 KiB of address space. */
#define ULIMIT_V (2000000ull * 1024)

/* AddressSanitizer reserves terabytes of shadow memory: it cannot start under `ulimit -v`, so
 * the tests that set RLIMIT_AS skip themselves in sanitizer builds. */
static gboolean
can_limit_address_space (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer cannot run under an address-space limit");
  return FALSE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  g_test_skip ("AddressSanitizer cannot run under an address-space limit");
  return FALSE;
#endif
#endif
  return TRUE;
}

/* The "X" of "needs about X GB" in @err; fails when absent. */
static double
needs_gb (const char *err)
{
  const char *p = strstr (err, "needs about ");

  if (p == NULL)
    g_error ("no memory estimate in: %s", err);
  return g_ascii_strtod (p + strlen ("needs about "), NULL);
}

static void
assert_refused_for_memory (const LvCliResult *r)
{
  /* Progress lines may come first; the error line is one of them. */
  if (r->exit_code != 2 || strstr (r->err, "lossviz-cli: error: ") == NULL ||
      strstr (r->err, "GB of memory") == NULL)
    g_error ("expected a memory refusal (exit 2), got exit %d: %s", r->exit_code, r->err);
  g_assert_null (strstr (r->err, "GLib-ERROR"));
}

static void
test_deep_json (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "deep.json", NULL);
  g_autofree char *deep = g_strnfill (100000, '[');
  g_auto(LvCliResult) r = { 0 };

  g_assert_true (g_file_set_contents (path, deep, -1, NULL));
  lv_test_run_cli (&r, "render", "--session", path, NULL);
  lv_test_assert_bad_input (&r, "nested more than 64 levels");
}

/* FIFOs and devices as inputs: refused at once (a FIFO would block forever). */
static void
test_special_inputs (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "in", NULL);
  g_autofree char *csv_spec = g_strconcat ("csv:", fifo, NULL);
  const char *const inputs[] = { fifo, "/dev/zero" };

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_auto(LvCliResult) render = { 0 }, certify = { 0 }, dataset = { 0 };
      g_autofree char *spec = g_strconcat ("csv:", inputs[i], NULL);

      lv_test_run_cli (&render, "render", "--session", inputs[i], NULL);
      lv_test_assert_bad_input (&render, "not a regular file");
      lv_test_run_cli (&certify, "certify", "--matrix", inputs[i], "--lambda", "1", "--rank", "1",
                       NULL);
      lv_test_assert_bad_input (&certify, "not a regular file");
      lv_test_run_cli (&dataset, "ensemble", "--dataset", spec, NULL);
      lv_test_assert_bad_input (&dataset, "not a regular file");
    }
}

/* --threads 256 under the limit: a refusal (each thread reserves a stack and an arena), not a
 * spin; and the limit of the option itself. */
static void
test_threads_under_limit (void)
{
  g_auto(LvCliResult) r = { 0 }, fine = { 0 };
  const char *args[] = { "ensemble", "--dataset", "random:40:3:2", "--sizes", "2", "--runs", "4",
                         "--epochs", "1", "--threads", "256", NULL };
  const char *few[] = { "ensemble", "--dataset", "random:40:3:2", "--sizes", "2", "--runs", "4",
                        "--epochs", "1", "--threads", "2", "--json", NULL };

  if (!can_limit_address_space ())
    return;

  lv_test_run_cli_limited (&r, RLIMIT_AS, ULIMIT_V, args);
  assert_refused_for_memory (&r);
  g_assert_nonnull (strstr (r.err, "256 worker threads"));
  /* 256 × (8 MiB stack + 64 MiB arena) = 19.3 GB. */
  g_assert_cmpfloat (fabs (needs_gb (r.err) - 256 * 72.0 * 1048576 / 1e9), <, 0.1);
  lv_test_run_cli_limited (&fine, RLIMIT_AS, ULIMIT_V, few);
  g_assert_cmpint (fine.exit_code, ==, 0);
}

/* Activation and gradient buffers: 16 000 training rows (20 000 × 0.8) in one batch through a
 * 20 000-wide layer keep 3 × 16 000 × 20 000 floats = 3.84 GB; the parameters are tiny. */
static void
test_activation_buffers (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { "ensemble", "--dataset", "random:20000:2:2", "--sizes", "20000",
                         "--batch", "20000", "--runs", "1", "--epochs", "1", "--threads", "1",
                         NULL };

  if (!can_limit_address_space ())
    return;

  lv_test_run_cli_limited (&r, RLIMIT_AS, ULIMIT_V, args);
  assert_refused_for_memory (&r);
  g_assert_cmpfloat (fabs (needs_gb (r.err) - 3.0 * 16000 * 20000 * 4 / 1e9), <, 0.1);
}

/* Buffers sized for the data, not for 256 rows: two samples through a 1 000 000-wide layer take
 * 2 rows of activations (24 MB), where 256 rows would be 3.1 GB and abort under the limit. */
static void
test_buffers_fit_the_data (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { "ensemble", "--dataset", "random:2:2:2", "--test-fraction", "0",
                         "--sizes", "1000000", "--runs", "1", "--epochs", "1", "--threads", "1",
                         "--loss", "mse", "--json", NULL };

  if (!can_limit_address_space ())
    return;
  lv_test_run_cli_limited (&r, RLIMIT_AS, ULIMIT_V, args);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"finished\":1,"));
}

/* PCA directions keep one parameter vector per epoch (and PCA a double copy): 100 epochs of
 * 1.06 M parameters. */
static void
test_trajectory_checkpoints (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { "slice", "--dataset", "random:200:50:2", "--hidden", "20000",
                         "--epochs", "100", "--directions", "pca", NULL };
  double np = 50.0 * 20000 + 20000 + 20000 * 2 + 2;

  if (!can_limit_address_space ())
    return;

  lv_test_run_cli_limited (&r, RLIMIT_AS, ULIMIT_V, args);
  assert_refused_for_memory (&r);
  g_assert_cmpfloat (needs_gb (r.err), >=, 100 * np * 20 / 1e9 - 0.05);
}

/* One flushed chunk of @len zeros from @z: after a flush the stream is byte-aligned and the
 * window holds only zeros, so every later chunk compresses to the same bytes. */
static GBytes *
compress_chunk (GZlibCompressor *z, const guint8 *zeros, gsize len, GConverterFlags flags)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 buf[1 << 16];
  gsize fed = 0;

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult res = g_converter_convert (G_CONVERTER (z), zeros + fed, len - fed, buf,
                                                  sizeof buf, flags, &read, &written, NULL);
      g_assert_cmpint (res, !=, G_CONVERTER_ERROR);
      g_byte_array_append (out, buf, (guint) written);
      fed += read;
      if (res == G_CONVERTER_FINISHED || (res == G_CONVERTER_FLUSHED && fed == len))
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Spin-glass couplings within the fixed 3 GiB limit but beyond `ulimit -v`: 12 Λ C(Λ+1, 2)
 * bytes for p = 3 (README), 2.06 GB at Λ = 700; with per-run disorder one draw per worker. */
static void
test_spin_glass_couplings (void)
{
  g_auto(LvCliResult) r = { 0 }, per_run = { 0 };
  const char *args[] = { "spinglass", "simulate", "--lambda", "700", "--runs", "2", NULL };
  const char *per_run_args[] = { "spinglass", "simulate", "--lambda", "500", "--runs", "4",
                                 "--threads", "4", "--disorder", "per-run", NULL };

  if (!can_limit_address_space ())
    return;
  lv_test_run_cli_limited (&r, RLIMIT_AS, ULIMIT_V, args);
  assert_refused_for_memory (&r);
  g_assert_cmpfloat (fabs (needs_gb (r.err) - 12.0 * 700 * (701.0 * 700 / 2) / 1e9), <, 0.06);
  /* Per-run disorder: one 0.75 GB draw per worker, 4 workers; refused before any run starts. */
  lv_test_run_cli_limited (&per_run, RLIMIT_AS, ULIMIT_V, per_run_args);
  assert_refused_for_memory (&per_run);
  g_assert_true (g_str_has_prefix (per_run.err, "lossviz-cli: error: "));
  g_assert_cmpfloat (fabs (needs_gb (per_run.err) - 4 * 12.0 * 500 * (501.0 * 500 / 2) / 1e9), <,
                     0.06);
}

/* Writes a gzip stream of @mib MiB of zeros, a few kilobytes that inflate to gigabytes, without
 * compressing gigabytes: the repeated flushed chunk is copied. The trailer's CRC is not that of
 * the data (the readers must refuse long before checking it); its size field is @mib MiB when
 * @keep_size, else 0 (a stream that hides its size). */
static void
write_gzip_bomb (const char *path, guint mib, gboolean keep_size)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autofree guint8 *zeros = g_malloc0 (1 << 20);
  g_autoptr(GBytes) first = compress_chunk (z, zeros, 1 << 20, G_CONVERTER_FLUSH);
  g_autoptr(GBytes) second = compress_chunk (z, zeros, 1 << 20, G_CONVERTER_FLUSH);
  g_autoptr(GBytes) third = compress_chunk (z, zeros, 1 << 20, G_CONVERTER_FLUSH);
  g_autoptr(GBytes) last = compress_chunk (z, zeros, 0, G_CONVERTER_INPUT_AT_END);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize len;
  const guint8 *tail = g_bytes_get_data (last, &len);
  guint32 size = keep_size ? (guint32) mib << 20 : 0;
  guint8 size_le[4] = { size & 255, (size >> 8) & 255, (size >> 16) & 255, size >> 24 };

  g_assert_true (g_bytes_equal (second, third));
  g_byte_array_append (out, g_bytes_get_data (first, NULL), (guint) g_bytes_get_size (first));
  for (guint i = 1; i < mib; i++)
    g_byte_array_append (out, g_bytes_get_data (second, NULL), (guint) g_bytes_get_size (second));
  g_assert_cmpuint (len, >=, 8);
  g_byte_array_append (out, tail, (guint) len - 4);
  g_byte_array_append (out, size_le, 4);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, NULL));
}

/* A 3 GB inflation refused with an estimate, whether the gzip trailer tells the size or not. */
static void
test_decompression_bomb (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *honest = g_build_filename (dir, "bomb.csv.gz", NULL);
  g_autofree char *liar = g_build_filename (dir, "liar.csv.gz", NULL);
  g_autofree char *spec1 = g_strconcat ("csv:", honest, NULL);
  g_autofree char *spec2 = g_strconcat ("csv:", liar, NULL);
  g_auto(LvCliResult) r1 = { 0 }, r2 = { 0 };
  const char *args1[] = { "ensemble", "--dataset", spec1, NULL };
  const char *args2[] = { "ensemble", "--dataset", spec2, NULL };

  if (!can_limit_address_space ())
    return;

  write_gzip_bomb (honest, 3000, TRUE);
  write_gzip_bomb (liar, 3000, FALSE);
  lv_test_run_cli_limited (&r1, RLIMIT_AS, ULIMIT_V, args1);
  assert_refused_for_memory (&r1);
  g_assert_nonnull (strstr (r1.err, "decompressing"));
  /* The trailer's 3000 MiB, counted twice (text + parsed values). */
  g_assert_cmpfloat (fabs (needs_gb (r1.err) - 2 * 3000.0 * 1048576 / 1e9), <, 0.1);
  lv_test_run_cli_limited (&r2, RLIMIT_AS, ULIMIT_V, args2);
  assert_refused_for_memory (&r2);
  g_assert_nonnull (strstr (r2.err, "decompressing"));
}

/* Issue example: certify on 1000 × 1000 at rank 1000 would take days: refused with the work. */
static void
test_certify_work_estimate (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "m.csv", NULL);
  g_autoptr(GString) csv = g_string_new (NULL);
  g_auto(LvCliResult) r = { 0 };
  const char *p;

  for (guint i = 0; i < 1000; i++)
    for (guint j = 0; j < 1000; j++)
      g_string_append_printf (csv, "%u%s", (i * 7 + j * 13) % 10, j + 1 < 1000 ? "," : "\n");
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  lv_test_run_cli (&r, "certify", "--matrix", path, "--lambda", "1", "--rank", "1000", NULL);
  lv_test_assert_bad_input (&r, "floating-point operations");
  /* 6 m n r per iteration × 200 000 iterations = 1.2e15. */
  p = strstr (r.err, "is about ");
  g_assert_nonnull (p);
  g_assert_cmpfloat (fabs (g_ascii_strtod (p + 9, NULL) / 1.2e15 - 1), <, 0.01);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/budget/deep-json", test_deep_json);
  g_test_add_func ("/reliability/budget/special-inputs", test_special_inputs);
  g_test_add_func ("/reliability/budget/threads", test_threads_under_limit);
  g_test_add_func ("/reliability/budget/activation-buffers", test_activation_buffers);
  g_test_add_func ("/reliability/budget/buffers-fit-data", test_buffers_fit_the_data);
  g_test_add_func ("/reliability/budget/trajectory", test_trajectory_checkpoints);
  g_test_add_func ("/reliability/budget/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/reliability/budget/spin-glass-couplings", test_spin_glass_couplings);
  g_test_add_func ("/reliability/budget/certify-work", test_certify_work_estimate);
  return g_test_run ();
}
