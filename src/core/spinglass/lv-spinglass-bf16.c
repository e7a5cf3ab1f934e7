/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-bf16.h"
#include "lv-dnnl-private.h"

#include <string.h>

#include <lossviz/lv-error.h>

#ifdef HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

/* Lane counts are rounded up to this (the primitives exist for 32, 64, 96 and 128 lanes). */
#define BUCKET 32

#ifdef HAVE_DNNL

struct _LvSgBf16Pack
{
  LvSgBf16Shape shape;
  LvSgPackType type;
  dnnl_memory_t *w;             /* per GEMM (u of each range, then v): packed weights */
};

typedef struct
{
  dnnl_primitive_t prim;
  gsize scratch;                /* scratchpad bytes */
  guint lanes;                  /* rows (v) or columns (u) it multiplies */
} Prim;

struct _LvSgBf16Exec
{
  LvSgBf16Shape shape;
  LvSgPackType type;
  guint ld, n_buckets;
  Prim *prim;                   /* [GEMM][bucket] */
  dnnl_stream_t *stream;        /* per GEMM */
  guint8 **scratch;             /* per GEMM */
};

static dnnl_engine_t engine;    /* the process's one CPU engine (lv_dnnl_engine) */

#define check lv_dnnl_check

static gboolean
engine_ready (GError **error)
{
  engine = lv_dnnl_engine (error);
  return engine != NULL;
}

static void
md_2d (dnnl_memory_desc_t *md, gsize rows, gsize cols, gsize s0, gsize s1, dnnl_data_type_t t)
{
  dnnl_dims_t dims = { (dnnl_dim_t) rows, (dnnl_dim_t) cols };
  dnnl_dims_t strides = { (dnnl_dim_t) s0, (dnnl_dim_t) s1 };

  dnnl_memory_desc_init_by_strides (md, 2, dims, t, strides);
}

/* A matmul src (m × k) · weights (k × n) → dst (m × n) with a user scratchpad; the weights
 * layout it uses is copied into @wei_out when non-NULL. */
static gboolean
make_prim (Prim *p, const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *wei,
           const dnnl_memory_desc_t *dst, dnnl_memory_desc_t *wei_out, GError **error)
{
  dnnl_matmul_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  gboolean ok;

  ok = check (dnnl_primitive_attr_create (&attr), "attr_create", error) &&
       check (dnnl_primitive_attr_set_scratchpad_mode (attr, dnnl_scratchpad_mode_user),
              "set_scratchpad_mode", error) &&
       check (dnnl_matmul_desc_init (&desc, src, wei, NULL, dst), "matmul_desc_init", error) &&
       check (dnnl_primitive_desc_create (&pd, &desc, attr, engine, NULL),
              "primitive_desc_create", error);
  if (ok)
    {
      p->scratch = dnnl_memory_desc_get_size (
        dnnl_primitive_desc_query_md (pd, dnnl_query_scratchpad_md, 0));
      if (wei_out != NULL)
        *wei_out = *dnnl_primitive_desc_query_md (pd, dnnl_query_weights_md, 0);
      ok = check (dnnl_primitive_create (&p->prim, pd), "primitive_create", error);
    }
  if (attr != NULL)
    dnnl_primitive_attr_destroy (attr);
  if (pd != NULL)
    dnnl_primitive_desc_destroy (pd);
  return ok;
}

/* GEMM @g of the shape (u of each range, then v of each range): dst (lanes × nn, row stride
 * ldd) = src (lanes × k, row stride lds) · W (k × nn); W read from the float couplings with
 * strides (wk, wn) from offset @w0. */
typedef struct
{
  gsize k, nn, lds, ldd, wk, wn, w0;
} GemmDims;

static GemmDims
gemm_dims (const LvSgBf16Shape *sh, guint g)
{
  const LvSgBf16Range *rg = &sh->ranges[g % sh->n_ranges];
  gsize nc = rg->c1 - rg->c0, rows = sh->n - rg->m0, w0 = (gsize) rg->m0 * sh->n_cols + rg->c0;

  if (g < sh->n_ranges)
    return (GemmDims) { rows, nc, sh->n, nc, sh->n_cols, 1, w0 };
  return (GemmDims) { nc, rows, nc, rows, 1, sh->n_cols, w0 };
}

/* The matmul of GEMM @g for @lanes rows with the weights layout @wei (NULL: the one oneDNN
 * prefers, copied into @chosen). */
static gboolean
gemm_prim (const LvSgBf16Shape *sh, LvSgPackType type, guint g, guint lanes,
           const dnnl_memory_desc_t *wei, dnnl_memory_desc_t *chosen, Prim *p, GError **error)
{
  GemmDims d = gemm_dims (sh, g);
  dnnl_memory_desc_t src, any, dst;
  dnnl_dims_t wd = { (dnnl_dim_t) d.k, (dnnl_dim_t) d.nn };
  dnnl_data_type_t dt = type == LV_SG_PACK_F32 ? dnnl_f32 : dnnl_bf16;

  md_2d (&src, lanes, d.k, d.lds, 1, dt);
  md_2d (&dst, lanes, d.nn, d.ldd, 1, dnnl_f32);
  dnnl_memory_desc_init_by_tag (&any, 2, wd, dt, dnnl_format_tag_any);
  p->lanes = lanes;
  return make_prim (p, &src, wei != NULL ? wei : &any, &dst, chosen, error);
}

static void
prim_clear (Prim *p)
{
  if (p->prim != NULL)
    dnnl_primitive_destroy (p->prim);
  p->prim = NULL;
}

/* Reorders the weights of GEMM @g from the float couplings into the packed @pk->w[g]. */
static gboolean
pack_gemm (LvSgBf16Pack *pk, guint g, const float *a, GError **error)
{
  const LvSgBf16Shape *sh = &pk->shape;
  GemmDims d = gemm_dims (sh, g);
  dnnl_memory_desc_t chosen, from_md;
  const dnnl_memory_desc_t *to_md;
  dnnl_memory_t from = NULL;
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_primitive_t reorder = NULL;
  dnnl_stream_t stream = NULL;
  Prim probe = { 0 };
  gboolean ok;

  ok = gemm_prim (sh, pk->type, g, LV_SG_BF16_LANES, NULL, &chosen, &probe, error) &&
       check (dnnl_memory_create (&pk->w[g], &chosen, engine, DNNL_MEMORY_ALLOCATE),
              "memory_create", error);
  prim_clear (&probe);
  if (!ok)
    return FALSE;
  md_2d (&from_md, d.k, d.nn, d.wk, d.wn, dnnl_f32);
  dnnl_memory_get_memory_desc (pk->w[g], &to_md);
  ok = check (dnnl_memory_create (&from, &from_md, engine, (void *) (a + d.w0)),
              "memory_create", error) &&
       check (dnnl_reorder_primitive_desc_create (&rpd, &from_md, engine, to_md, engine, NULL),
              "reorder_primitive_desc_create", error) &&
       check (dnnl_primitive_create (&reorder, rpd), "primitive_create", error) &&
       check (dnnl_stream_create (&stream, engine, dnnl_stream_default_flags), "stream_create",
              error);
  if (ok)
    {
      dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, pk->w[g] } };
      ok = check (dnnl_primitive_execute (reorder, stream, 2, args), "reorder", error) &&
           check (dnnl_stream_wait (stream), "stream_wait", error);
    }
  if (stream != NULL)
    dnnl_stream_destroy (stream);
  if (reorder != NULL)
    dnnl_primitive_destroy (reorder);
  if (rpd != NULL)
    dnnl_primitive_desc_destroy (rpd);
  if (from != NULL)
    dnnl_memory_destroy (from);
  return ok;
}

LvSgBf16Pack *
lv_sg_bf16_pack_new (const LvSgBf16Shape *shape, const float *a, LvSgPackType type,
                     GError **error)
{
  LvSgBf16Pack *pk;
  guint n_gemms = 2 * shape->n_ranges;

  if (!engine_ready (error))
    return NULL;
  pk = g_new0 (LvSgBf16Pack, 1);
  pk->shape = *shape;
  pk->type = type;
  pk->w = g_new0 (dnnl_memory_t, n_gemms);
  for (guint g = 0; g < n_gemms; g++)
    if (!pack_gemm (pk, g, a, error))
      {
        lv_sg_bf16_pack_free (pk);
        return NULL;
      }
  return pk;
}

LvSgPackType
lv_sg_bf16_pack_type (const LvSgBf16Pack *pk)
{
  return pk->type;
}

void
lv_sg_bf16_pack_free (LvSgBf16Pack *pk)
{
  if (pk == NULL)
    return;
  for (guint g = 0; g < 2 * pk->shape.n_ranges; g++)
    if (pk->w[g] != NULL)
      dnnl_memory_destroy (pk->w[g]);
  g_free (pk->w);
  g_free (pk);
}

/* Primitives of every GEMM and lane bucket. A bucket whose preferred weights layout differs
 * from the packed one falls back to the full LV_SG_BF16_LANES rows (the packing's own). */
static gboolean
exec_build (LvSgBf16Exec *x, const LvSgBf16Pack *pk, GError **error)
{
  const LvSgBf16Shape *sh = &x->shape;

  for (guint g = 0; g < 2 * sh->n_ranges; g++)
    for (guint j = 0; j < x->n_buckets; j++)
      {
        const dnnl_memory_desc_t *packed;
        dnnl_memory_desc_t chosen;
        Prim *p = &x->prim[g * x->n_buckets + j];

        dnnl_memory_get_memory_desc (pk->w[g], &packed);
        if (!gemm_prim (sh, x->type, g, MIN ((j + 1) * BUCKET, x->ld), NULL, &chosen, p, error))
          return FALSE;
        if (!dnnl_memory_desc_equal (&chosen, packed))
          {
            prim_clear (p);
            if (!gemm_prim (sh, x->type, g, LV_SG_BF16_LANES, packed, NULL, p, error))
              return FALSE;
          }
      }
  return TRUE;
}

LvSgBf16Exec *
lv_sg_bf16_exec_new (const LvSgBf16Pack *pk, guint ld, GError **error)
{
  LvSgBf16Exec *x;
  guint n_items;

  g_return_val_if_fail (ld >= 1 && ld <= LV_SG_BF16_LANES, NULL);
  if (!engine_ready (error))
    return NULL;
  x = g_new0 (LvSgBf16Exec, 1);
  x->shape = pk->shape;
  x->type = pk->type;
  x->ld = ld;
  x->n_buckets = (ld + BUCKET - 1) / BUCKET;
  n_items = 2 * x->shape.n_ranges;
  x->prim = g_new0 (Prim, (gsize) n_items * x->n_buckets);
  x->stream = g_new0 (dnnl_stream_t, n_items);
  x->scratch = g_new0 (guint8 *, n_items);
  if (!exec_build (x, pk, error))
    {
      lv_sg_bf16_exec_free (x);
      return NULL;
    }
  for (guint i = 0; i < n_items; i++)
    {
      const Prim *ps = &x->prim[(gsize) i * x->n_buckets];
      gsize bytes = 64;

      for (guint j = 0; j < x->n_buckets; j++)
        bytes = MAX (bytes, ps[j].scratch);
      x->scratch[i] = g_malloc (bytes);
      if (!check (dnnl_stream_create (&x->stream[i], engine, dnnl_stream_default_flags),
                  "stream_create", error))
        {
          lv_sg_bf16_exec_free (x);
          return NULL;
        }
    }
  return x;
}

void
lv_sg_bf16_exec_free (LvSgBf16Exec *x)
{
  guint n_items;

  if (x == NULL)
    return;
  n_items = 2 * x->shape.n_ranges;
  for (gsize i = 0; x->prim != NULL && i < (gsize) n_items * x->n_buckets; i++)
    prim_clear (&x->prim[i]);
  for (guint i = 0; i < n_items; i++)
    {
      if (x->stream[i] != NULL)
        dnnl_stream_destroy (x->stream[i]);
      g_free (x->scratch[i]);
    }
  g_free (x->prim);
  g_free (x->stream);
  g_free (x->scratch);
  g_free (x);
}

/* Runs @p with src, weights and dst at the given addresses (memory descs from the primitive). */
static void
execute (const Prim *p, dnnl_stream_t stream, guint8 *scratch, const void *src,
         dnnl_memory_t wei_mem, void *dst)
{
  const_dnnl_primitive_desc_t pd;
  dnnl_memory_t m[4] = { NULL };
  const dnnl_query_t q[4] = { dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md,
                              dnnl_query_scratchpad_md };
  void *ptr[4] = { (void *) src, NULL, dst, scratch };
  dnnl_exec_arg_t args[4];
  const int which[4] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_SCRATCHPAD };
  dnnl_status_t st = dnnl_success;

  lv_dnnl_limit_to_caller ();
  dnnl_primitive_get_primitive_desc (p->prim, &pd);
  for (int i = 0; i < 4; i++)
    {
      if (i == 1)
        m[i] = wei_mem;
      else if (st == dnnl_success)
        st = dnnl_memory_create (&m[i], dnnl_primitive_desc_query_md (pd, q[i], 0), engine,
                                 ptr[i]);
      args[i] = (dnnl_exec_arg_t) { which[i], m[i] };
    }
  if (st == dnnl_success)
    st = dnnl_primitive_execute (p->prim, stream, 4, args);
  if (st == dnnl_success)
    st = dnnl_stream_wait (stream);
  for (int i = 0; i < 4; i++)
    if (m[i] != NULL && m[i] != wei_mem)
      dnnl_memory_destroy (m[i]);
  /* Every descriptor was accepted when the primitive was built: a failure here is a bug. */
  if (st != dnnl_success)
    g_error ("oneDNN: matmul execution failed (status %d)", (int) st);
}

void
lv_sg_bf16_run (LvSgBf16Exec *x, const LvSgBf16Pack *pk, guint g, guint R, const void *src,
                float *dst)
{
  const Prim *p = &x->prim[g * x->n_buckets + (R - 1) / BUCKET];
  gsize skip = g < x->shape.n_ranges ? x->shape.ranges[g].m0 : 0;

  g_return_if_fail (pk->type == x->type);
  execute (p, x->stream[g], x->scratch[g],
           (const guint8 *) src + skip * lv_sg_pack_elem_size (x->type), pk->w[g], dst);
}

#else /* !HAVE_DNNL */

static gboolean
unavailable (GError **error)
{
  return lv_bf16_available (error);
}

LvSgBf16Pack *
lv_sg_bf16_pack_new (const LvSgBf16Shape *shape, const float *a, LvSgPackType type,
                     GError **error)
{
  unavailable (error);
  return NULL;
}

LvSgPackType
lv_sg_bf16_pack_type (const LvSgBf16Pack *pack)
{
  g_assert_not_reached ();
}

void
lv_sg_bf16_pack_free (LvSgBf16Pack *pack)
{
}

LvSgBf16Exec *
lv_sg_bf16_exec_new (const LvSgBf16Pack *pack, guint ld, GError **error)
{
  unavailable (error);
  return NULL;
}

void
lv_sg_bf16_exec_free (LvSgBf16Exec *x)
{
}

void
lv_sg_bf16_run (LvSgBf16Exec *x, const LvSgBf16Pack *pack, guint g, guint R, const void *src,
                float *dst)
{
  g_assert_not_reached ();
}

#endif
