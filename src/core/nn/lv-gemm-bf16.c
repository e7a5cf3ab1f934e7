/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"
#include "lv-target-clones.h"

#include "lv-gemm-bf16.h"
#include "lv-dnnl-private.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include <lossviz/lv-error.h>

#ifdef HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#endif

/* The vector loop below is written with GCC vector extensions and cloned for AVX2, as the
 * kernels of lv-train-fused-kernels.c are (see the comment there). */
#pragma GCC diagnostic ignored "-Wpsabi"
#define LV_CLONES LV_TARGET_CLONES ("avx2", "default")

/* GCC ≥ 10 on x86-64 has the AVX512-BF16 intrinsics (picked at run time); sanitizer and
 * clang builds keep the portable loop. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10 && \
    !defined(__SANITIZE_THREAD__)
#define LV_HAVE_AVX512BF16 1
#include <immintrin.h>
#endif

typedef guint32 v8u __attribute__ ((vector_size (32)));
typedef guint16 v8h __attribute__ ((vector_size (16)));

static inline LvBf16
round_one (guint32 bits)
{
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return (LvBf16) ((bits >> 16) | 0x40u); /* a quiet NaN of the same sign */
  return (LvBf16) ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

/* Round to nearest even by adding 0x7fff plus the kept part's lowest bit, then truncating;
 * NaN lanes (exponent all ones, mantissa non-zero) are made quiet instead, so no NaN can
 * round into an infinity. */
LV_CLONES static void
from_f32_generic (LvBf16 *dst, const float *src, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      v8u bits, rounded, nan;
      v8h out;

      memcpy (&bits, src + i, sizeof bits);
      rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
      nan = (v8u) ((bits & 0x7fffffffu) > 0x7f800000u);
      rounded = (rounded & ~nan) | (((bits >> 16) | 0x40u) & nan);
      out = __builtin_convertvector (rounded, v8h);
      memcpy (dst + i, &out, sizeof out);
    }
  for (; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, src + i, sizeof bits);
      dst[i] = round_one (bits);
    }
}

#ifdef LV_HAVE_AVX512BF16
/* The CPU's own conversion (VCVTNEPS2BF16, 16 lanes): the same rounding, 5× faster than the
 * integer emulation. It flushes subnormal inputs to zero, as oneDNN's own reorders do; a
 * subnormal weight or activation (below 1.2e-38) is zero for any product of this code. */
__attribute__ ((target ("avx512f,avx512bw,avx512vl,avx512bf16"))) static void
from_f32_avx512bf16 (LvBf16 *dst, const float *src, gsize n)
{
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m256bh v = _mm512_cvtneps_pbh (_mm512_loadu_ps (src + i));
      _mm256_storeu_si256 ((__m256i *) (dst + i), (__m256i) v);
    }
  if (i < n)
    {
      __mmask16 m = (__mmask16) ((1u << (n - i)) - 1);
      __m256bh v = _mm512_cvtneps_pbh (_mm512_maskz_loadu_ps (m, src + i));
      _mm256_mask_storeu_epi16 (dst + i, m, (__m256i) v);
    }
}
#endif

void
lv_bf16_from_f32 (LvBf16 *dst, const float *src, gsize n)
{
#ifdef LV_HAVE_AVX512BF16
  static int has_bf16 = -1;

  if (G_UNLIKELY (has_bf16 < 0))
    has_bf16 = __builtin_cpu_supports ("avx512bf16") ? 1 : 0;
  if (has_bf16)
    {
      from_f32_avx512bf16 (dst, src, n);
      return;
    }
#endif
  from_f32_generic (dst, src, n);
}

float
lv_bf16_to_f32 (LvBf16 x)
{
  guint32 bits = (guint32) x << 16;
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

#ifdef HAVE_DNNL

struct _LvGemmBf16
{
  dnnl_primitive_t prim;
  dnnl_stream_t stream;
  dnnl_memory_t mem_a, mem_b, mem_c;
  char *impl;
};

static dnnl_engine_t engine; /* one CPU engine for the process, made once, never freed */

gboolean
lv_dnnl_check (dnnl_status_t status, const char *what, GError **error)
{
  if (status == dnnl_success)
    return TRUE;
  g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "oneDNN: %s failed (status %d)", what,
               (int) status);
  return FALSE;
}

/*
 * oneDNN here runs on OpenMP (Debian builds it so): a plain thread calling it would start a
 * team of one OpenMP thread per core. The trainers already run one task per core, so each
 * calling thread is limited to itself, as OpenBLAS is (one thread per worker).
 */
void
lv_dnnl_limit_to_caller (void)
{
  static GPrivate done;

  if (g_private_get (&done) == NULL)
    {
      omp_set_num_threads (1);
      g_private_set (&done, GINT_TO_POINTER (1));
    }
}

#define check lv_dnnl_check

dnnl_engine_t
lv_dnnl_engine (GError **error)
{
  static gsize once;
  static dnnl_status_t status;

  lv_dnnl_limit_to_caller ();
  if (g_once_init_enter (&once))
    {
      status = dnnl_engine_create (&engine, dnnl_cpu, 0);
      g_once_init_leave (&once, 1);
    }
  return lv_dnnl_check (status, "creating the CPU engine", error) ? engine : NULL;
}

gboolean
lv_bf16_available (GError **error)
{
  return lv_dnnl_engine (error) != NULL;
}

/* A bf16 or f32 batch × rows × cols matrix with the given element strides. */
static void
strided_desc (dnnl_memory_desc_t *md, guint batch, guint rows, guint cols, const gsize *strides,
              dnnl_data_type_t type)
{
  dnnl_dims_t dims = { batch, rows, cols };
  dnnl_dims_t st = { (dnnl_dim_t) strides[0], (dnnl_dim_t) strides[1], (dnnl_dim_t) strides[2] };

  dnnl_memory_desc_init_by_strides (md, 3, dims, type, st);
}

/*
 * The epilogue as oneDNN post-ops: ReLU as an eltwise post-op; the rounding to bf16 is the
 * destination's type. Both come (nearly) free with the brgemm kernel (measured: 400×100×100 in
 * 20.7 µs plain, 20.7–21.9 µs with them). A per-row bias is deliberately not offered: as a binary post-op
 * broadcast along the columns it nearly doubles that time (37.7 µs, more than the separate
 * bias pass costs), and as the matmul's bias argument oneDNN 2.6 serves it only in its
 * reference implementation.
 */
static gboolean
epilogue_attr (dnnl_primitive_attr_t *attr, guint epilogue, GError **error)
{
  dnnl_post_ops_t po = NULL;
  gboolean ok;

  ok = check (dnnl_primitive_attr_create (attr), "primitive_attr_create", error) &&
       check (dnnl_post_ops_create (&po), "post_ops_create", error) &&
       (!(epilogue & LV_GEMM_BF16_RELU) ||
        check (dnnl_post_ops_append_eltwise (po, 1.0f, dnnl_eltwise_relu, 0, 0), "ReLU post-op",
               error)) &&
       check (dnnl_primitive_attr_set_post_ops (*attr, po), "attr_set_post_ops", error);
  if (po != NULL)
    dnnl_post_ops_destroy (po);
  return ok;
}

static gboolean
build (LvGemmBf16 *g, const LvGemmBf16Layout *ly, GError **error)
{
  dnnl_memory_desc_t a_md, b_md, c_md;
  dnnl_matmul_desc_t desc;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_primitive_desc_t pd = NULL;
  const char *impl = NULL;
  guint epilogue = ly->epilogue;
  gboolean ok;

  strided_desc (&a_md, ly->batch, ly->m, ly->k, ly->a_strides, dnnl_bf16);
  strided_desc (&b_md, ly->batch, ly->k, ly->n, ly->b_strides, dnnl_bf16);
  strided_desc (&c_md, ly->batch, ly->m, ly->n, ly->c_strides,
                (epilogue & LV_GEMM_BF16_DST_BF16) ? dnnl_bf16 : dnnl_f32);
  ok = check (dnnl_matmul_desc_init (&desc, &a_md, &b_md, NULL, &c_md), "matmul_desc_init",
              error) &&
       epilogue_attr (&attr, epilogue, error) &&
       check (dnnl_primitive_desc_create (&pd, &desc, attr, engine, NULL),
              "creating the bf16 matmul (does this CPU lack AVX512-BF16/AVX512?)", error) &&
       check (dnnl_primitive_desc_query (pd, dnnl_query_impl_info_str, 0, &impl), "query",
              error) &&
       check (dnnl_primitive_create (&g->prim, pd), "primitive_create", error) &&
       check (dnnl_stream_create (&g->stream, engine, dnnl_stream_default_flags),
              "stream_create", error) &&
       check (dnnl_memory_create (&g->mem_a, &a_md, engine, DNNL_MEMORY_NONE), "memory", error) &&
       check (dnnl_memory_create (&g->mem_b, &b_md, engine, DNNL_MEMORY_NONE), "memory", error) &&
       check (dnnl_memory_create (&g->mem_c, &c_md, engine, DNNL_MEMORY_NONE), "memory", error);
  if (impl != NULL)
    g->impl = g_strdup (impl);
  if (pd != NULL)
    dnnl_primitive_desc_destroy (pd);
  if (attr != NULL)
    dnnl_primitive_attr_destroy (attr);
  return ok;
}

/**
 * lv_gemm_bf16_new:
 *
 * Builds the matmul described in lv-gemm-bf16.h. Call it from the thread that will run it.
 *
 * Returns: (transfer full) (nullable): the GEMM, or NULL with @error set (no oneDNN, or a
 *   CPU oneDNN cannot serve).
 */
LvGemmBf16 *
lv_gemm_bf16_new (guint batch, gboolean trans_a, gboolean trans_b, guint m, guint n, guint k,
                  GError **error)
{
  return lv_gemm_bf16_new_epilogue (batch, trans_a, trans_b, m, n, k, 0, error);
}

/**
 * lv_gemm_bf16_new_epilogue:
 *
 * As lv_gemm_bf16_new(), with the epilogue @epilogue (#LvGemmBf16Epilogue flags) applied to
 * each product before it is stored.
 *
 * Returns: (transfer full) (nullable): the GEMM, or NULL with @error set
 */
LvGemmBf16 *
lv_gemm_bf16_new_epilogue (guint batch, gboolean trans_a, gboolean trans_b, guint m, guint n,
                           guint k, guint epilogue, GError **error)
{
  /* Contiguous operands: a stored matrix's row stride is its column count. */
  LvGemmBf16Layout ly = {
    batch, m, n, k,
    { (gsize) m * k, trans_a ? 1 : k, trans_a ? m : 1 },
    { (gsize) k * n, trans_b ? 1 : n, trans_b ? k : 1 },
    { (gsize) m * n, n, 1 },
    epilogue,
  };

  return lv_gemm_bf16_new_layout (&ly, error);
}

/**
 * lv_gemm_bf16_new_layout:
 *
 * Builds the matmul of @layout (see #LvGemmBf16Layout). Call it from the thread that will run
 * it.
 *
 * Returns: (transfer full) (nullable): the GEMM, or NULL with @error set
 */
LvGemmBf16 *
lv_gemm_bf16_new_layout (const LvGemmBf16Layout *layout, GError **error)
{
  LvGemmBf16 *g;

  g_return_val_if_fail (layout->batch > 0 && layout->m > 0 && layout->n > 0 && layout->k > 0,
                        NULL);
  if (!lv_bf16_available (error))
    return NULL;
  g = g_new0 (LvGemmBf16, 1);
  if (!build (g, layout, error))
    {
      lv_gemm_bf16_free (g);
      return NULL;
    }
  return g;
}

void
lv_gemm_bf16_run (LvGemmBf16 *g, const LvBf16 *a, const LvBf16 *b, float *c)
{
  lv_gemm_bf16_run_to (g, a, b, c);
}

void
lv_gemm_bf16_run_to (LvGemmBf16 *g, const LvBf16 *a, const LvBf16 *b, gpointer c)
{
  dnnl_exec_arg_t args[3] = { { DNNL_ARG_SRC, g->mem_a }, { DNNL_ARG_WEIGHTS, g->mem_b },
                              { DNNL_ARG_DST, g->mem_c } };
  dnnl_status_t status;

  dnnl_memory_set_data_handle (g->mem_a, (void *) a);
  dnnl_memory_set_data_handle (g->mem_b, (void *) b);
  dnnl_memory_set_data_handle (g->mem_c, c);
  status = dnnl_primitive_execute (g->prim, g->stream, 3, args);
  /* Executing a primitive that was built only fails on an internal error (out of memory for
   * the scratchpad): not recoverable mid-training. */
  if (status != dnnl_success)
    g_error ("oneDNN: executing a bf16 matmul failed (status %d)", (int) status);
}

const char *
lv_gemm_bf16_impl (LvGemmBf16 *g)
{
  return g->impl != NULL ? g->impl : "?";
}

guint
lv_gemm_bf16_reduction_tile (void)
{
  const char *env = g_getenv ("LOSSVIZ_BF16_TILE");
  dnnl_cpu_isa_t isa;

  if (env != NULL && (g_strcmp0 (env, "1") == 0 || g_strcmp0 (env, "32") == 0))
    return (guint) atoi (env);
  isa = dnnl_get_effective_cpu_isa ();
  return (isa & dnnl_cpu_isa_avx512_core_amx) == dnnl_cpu_isa_avx512_core_amx ? 32 : 1;
}

void
lv_gemm_bf16_free (LvGemmBf16 *g)
{
  if (g == NULL)
    return;
  if (g->mem_a != NULL)
    dnnl_memory_destroy (g->mem_a);
  if (g->mem_b != NULL)
    dnnl_memory_destroy (g->mem_b);
  if (g->mem_c != NULL)
    dnnl_memory_destroy (g->mem_c);
  if (g->stream != NULL)
    dnnl_stream_destroy (g->stream);
  if (g->prim != NULL)
    dnnl_primitive_destroy (g->prim);
  g_free (g->impl);
  g_free (g);
}

#else /* !HAVE_DNNL */

struct _LvGemmBf16
{
  int unused;
};

gboolean
lv_bf16_available (GError **error)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "bf16 precision needs oneDNN: this build has none (install libdnnl-dev and "
               "reconfigure with -Ddnnl=enabled)");
  return FALSE;
}

LvGemmBf16 *
lv_gemm_bf16_new (guint batch, gboolean trans_a, gboolean trans_b, guint m, guint n, guint k,
                  GError **error)
{
  lv_bf16_available (error);
  return NULL;
}

LvGemmBf16 *
lv_gemm_bf16_new_epilogue (guint batch, gboolean trans_a, gboolean trans_b, guint m, guint n,
                           guint k, guint epilogue, GError **error)
{
  lv_bf16_available (error);
  return NULL;
}

LvGemmBf16 *
lv_gemm_bf16_new_layout (const LvGemmBf16Layout *layout, GError **error)
{
  lv_bf16_available (error);
  return NULL;
}

void
lv_gemm_bf16_run (LvGemmBf16 *g, const LvBf16 *a, const LvBf16 *b, float *c)
{
  g_return_if_reached ();
}

void
lv_gemm_bf16_run_to (LvGemmBf16 *g, const LvBf16 *a, const LvBf16 *b, gpointer c)
{
  g_return_if_reached ();
}

const char *
lv_gemm_bf16_impl (LvGemmBf16 *g)
{
  return "none";
}

guint
lv_gemm_bf16_reduction_tile (void)
{
  return 1;
}

void
lv_gemm_bf16_free (LvGemmBf16 *g)
{
  g_free (g);
}

#endif /* HAVE_DNNL */

/* The cblas_sgemm drop-in: per-thread operand scratch and a small cache of primitives. */

#define SGEMM_CACHE 16

typedef struct
{
  int trans_a, trans_b, m, n, k;
  LvGemmBf16 *gemm;
} CacheEntry;

typedef struct
{
  CacheEntry entries[SGEMM_CACHE];
  guint n_entries, next_evict;
  LvBf16 *a, *b;
  gsize a_size, b_size;
} ThreadCache;

static void
thread_cache_free (gpointer data)
{
  ThreadCache *tc = data;

  for (guint i = 0; i < tc->n_entries; i++)
    lv_gemm_bf16_free (tc->entries[i].gemm);
  g_free (tc->a);
  g_free (tc->b);
  g_free (tc);
}

static GPrivate thread_cache = G_PRIVATE_INIT (thread_cache_free);

static LvGemmBf16 *
cached_gemm (ThreadCache *tc, int trans_a, int trans_b, int m, int n, int k)
{
  CacheEntry *e;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < tc->n_entries; i++)
    {
      e = &tc->entries[i];
      if (e->trans_a == trans_a && e->trans_b == trans_b && e->m == m && e->n == n && e->k == k)
        return e->gemm;
    }
  /* Training asks for a handful of shapes (3 per layer, plus the last minibatch's): the cache
   * holds them all; a full cache replaces its entries in turn. */
  if (tc->n_entries < SGEMM_CACHE)
    e = &tc->entries[tc->n_entries++];
  else
    {
      e = &tc->entries[tc->next_evict++ % SGEMM_CACHE];
      lv_gemm_bf16_free (e->gemm);
    }
  *e = (CacheEntry) { trans_a, trans_b, m, n, k, NULL };
  e->gemm = lv_gemm_bf16_new (1, trans_a, trans_b, (guint) m, (guint) n, (guint) k, &error);
  /* Callers check lv_bf16_available() before training in bf16; a shape oneDNN then refuses
   * is a bug, not an input error. */
  if (e->gemm == NULL)
    g_error ("%s", error->message);
  return e->gemm;
}

static LvBf16 *
scratch (LvBf16 **buf, gsize *size, gsize need)
{
  if (*size < need)
    {
      g_free (*buf);
      *buf = g_new (LvBf16, need);
      *size = need;
    }
  return *buf;
}

void
lv_gemm_bf16_sgemm (int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                    const float *a, int lda, const float *b, int ldb, float beta, float *c,
                    int ldc)
{
  ThreadCache *tc = g_private_get (&thread_cache);
  gboolean ta = trans_a != CblasNoTrans, tb = trans_b != CblasNoTrans;
  LvBf16 *a16, *b16;

  /* Only the contract lv-mlp-template.h uses: contiguous row-major operands, C = A·B. */
  g_return_if_fail (order == CblasRowMajor && alpha == 1 && beta == 0 && ldc == n);
  g_return_if_fail (lda == (ta ? m : k) && ldb == (tb ? k : n));
  if (tc == NULL)
    {
      tc = g_new0 (ThreadCache, 1);
      g_private_set (&thread_cache, tc);
    }
  a16 = scratch (&tc->a, &tc->a_size, (gsize) m * k);
  b16 = scratch (&tc->b, &tc->b_size, (gsize) k * n);
  lv_bf16_from_f32 (a16, a, (gsize) m * k);
  lv_bf16_from_f32 (b16, b, (gsize) k * n);
  lv_gemm_bf16_run (cached_gemm (tc, ta, tb, m, n, k), a16, b16, c);
}
