/* Convolutions (stride 1, "same" zero padding p = (k - 1) / 2, k odd) as GEMMs with an implicit
 * im2col, on the thread pool. The definition is src-core/kernels/reference-conv.ts; this file only
 * reorders its sums.
 *
 * The trick (no im2col matrix is ever written): one example's input (c, h, w) is copied into a
 * zero-padded image P (c, hp, wp), hp = h + 2p, wp = w + 2p. The output is computed on the padded
 * grid: column j = y * wp + x for y < h and every x < wp (the last 2p columns of each row are
 * junk and dropped). Then the im2col row r = (c, u, v) is the contiguous run of P starting at
 * brow[r] = c hp wp + u wp + v, and
 *   forward:          Z (c_out, h wp) = W (c_out, c_in k k) . B,         B(r, j) = P[brow[r] + j]
 *   backward data:    the same with the filters flipped and transposed, P = padded dZ
 *   backward weights: dW (c_out, c_in k k) = G (c_out, h wp) . B^T,       G = dZ on the grid, junk = 0
 * The ISA files (conv_nn, conv_nt) only see "row r of B starts at brow[r]". conv_nn never computes
 * the junk columns: it takes VL output columns at a time within a row and writes Z (+ bias) and
 * A = g(Z) straight into the outputs. conv_nt sums over the whole grid, junk included (they are
 * zeros of G: 3% more multiply-adds at 64x64, 12% at 16x16). Why this and not an explicit im2col,
 * direct loops or Winograd: docs/native.md.
 *
 * Threads: forward and backward data give each example to one part. Backward weights sums over
 * examples in fixed chunks of DW_CHUNK examples (each chunk one part, its examples added in order),
 * then adds the chunks in order: the sum's order depends on m only, so results are the same bits for
 * any number of threads. Scratch is per thread (catnet_thread_scratch) and only grows. */
#include <stdatomic.h>
#include <string.h>

#include "kernels.h"

/* Examples per chunk of the backward-weights sum (batch 32: 16 chunks, enough to balance 2-3 threads). */
#define DW_CHUNK 2
/* Channels per call of the row sum for db (a stack buffer). */
#define DB_BLOCK 64

/* The padded geometry of one shape. */
typedef struct {
  size_t p, hp, wp;
  size_t plane; /* hp * wp */
  size_t n;     /* columns of the padded grid: h * wp */
} padded_grid;

static padded_grid grid_of(const catnet_conv_shape *s) {
  padded_grid g;
  g.p = (s->k - 1) / 2;
  g.hp = s->h + 2 * g.p;
  g.wp = s->w + 2 * g.p;
  g.plane = g.hp * g.wp;
  g.n = s->h * g.wp;
  return g;
}

/* Floats of a padded image of `planes` planes: the last im2col row reads k - 1 values past the end. */
static size_t padded_size(const padded_grid *g, size_t planes, size_t k) { return planes * g->plane + k; }

/* brow[(c k + u) k + v] = c plane + u wp + v, for c < planes. */
static void fill_rows(size_t *brow, const padded_grid *g, size_t planes, size_t k) {
  for (size_t c = 0; c < planes; c++)
    for (size_t u = 0; u < k; u++)
      for (size_t v = 0; v < k; v++) brow[(c * k + u) * k + v] = c * g->plane + u * g->wp + v;
}

/* P (planes, hp, wp) = x (planes, h, w) with a border of p zeros, and the k slack values zeroed. */
static void pad_floats(float *P, const float *x, const padded_grid *g, size_t planes, size_t h, size_t w, size_t k) {
  const size_t p = g->p, wp = g->wp;
  for (size_t c = 0; c < planes; c++) {
    float *plane = P + c * g->plane;
    memset(plane, 0, p * wp * sizeof(float));
    for (size_t y = 0; y < h; y++) {
      float *row = plane + (y + p) * wp;
      memset(row, 0, p * sizeof(float));
      memcpy(row + p, x + (c * h + y) * w, w * sizeof(float));
      memset(row + p + w, 0, p * sizeof(float));
    }
    memset(plane + (h + p) * wp, 0, p * wp * sizeof(float));
  }
  memset(P + planes * g->plane, 0, k * sizeof(float));
}

/* P (c, hp, wp) = x_scale * X (h, w, c) (the image bytes, HWC) with a border of p zeros. */
static void pad_bytes(float *P, const uint8_t *X, float x_scale, const padded_grid *g, size_t c_in, size_t h, size_t w,
                      size_t k) {
  memset(P, 0, padded_size(g, c_in, k) * sizeof(float));
  for (size_t y = 0; y < h; y++)
    for (size_t x = 0; x < w; x++) {
      const uint8_t *px = X + (y * w + x) * c_in;
      float *at = P + (y + g->p) * g->wp + x + g->p;
      for (size_t c = 0; c < c_in; c++) at[c * g->plane] = x_scale * (float)px[c];
    }
}

typedef struct {
  const catnet_isa *isa;
  const catnet_conv_shape *s;
  padded_grid g;
  const size_t *brow;
  int kind;
  float *Z, *A;            /* forward outputs; backward data: Z = dAprev */
  const float *in;         /* forward, backward weights: Aprev (NULL with bytes); backward data: dZ */
  const uint8_t *X;        /* image bytes (m, h, w, c_in) or NULL */
  float x_scale;
  const float *W, *b;      /* forward: W, b; backward data: the flipped filters (c_in, c_out k k) */
  const float *dZ;         /* backward weights */
  float *partials;         /* backward weights: chunk q's dW at q * per_chunk, its db right after */
  size_t per_chunk;
  float *dW, *db;
  float scale;
  atomic_int failed;
} conv_job;

/* Example i's input padded into this thread's IMAGE scratch; NULL when out of memory. */
static float *padded_input(conv_job *job, size_t i) {
  const catnet_conv_shape *s = job->s;
  float *P = catnet_thread_scratch(CATNET_SCRATCH_IMAGE, padded_size(&job->g, s->c_in, s->k));
  if (!P) return NULL;
  if (job->X)
    pad_bytes(P, job->X + i * s->h * s->w * s->c_in, job->x_scale, &job->g, s->c_in, s->h, s->w, s->k);
  else
    pad_floats(P, job->in + i * s->c_in * s->h * s->w, &job->g, s->c_in, s->h, s->w, s->k);
  return P;
}

static void forward_part(void *ctx, size_t i, size_t parts) {
  (void)parts;
  conv_job *job = ctx;
  const catnet_conv_shape *s = job->s;
  const size_t out = s->c_out * s->h * s->w;
  float *P = padded_input(job, i);
  if (!P) {
    atomic_store(&job->failed, 1);
    return;
  }
  const catnet_conv_nn_args a = {.W = job->W, .ldw = s->c_in * s->k * s->k, .P = P, .brow = job->brow,
                                 .M = s->c_out, .K = s->c_in * s->k * s->k, .h = s->h, .w = s->w, .wp = job->g.wp,
                                 .bias = job->b, .kind = job->kind, .Z = job->Z + i * out, .A = job->A + i * out};
  job->isa->conv_nn(&a, 0, a.M);
}

int catnet_conv2d_forward(int kind, float *Z, float *A, const float *Aprev, const uint8_t *X, float x_scale,
                          const float *W, const float *b, const catnet_conv_shape *s) {
  if (s->m == 0 || s->c_out == 0 || s->h == 0 || s->w == 0) return 1;
  conv_job job = {.isa = catnet_active_isa(), .s = s, .g = grid_of(s), .kind = kind, .Z = Z, .A = A,
                  .in = Aprev, .X = X, .x_scale = x_scale, .W = W, .b = b};
  const size_t K = s->c_in * s->k * s->k;
  size_t *brow = (size_t *)catnet_thread_scratch(CATNET_SCRATCH_TABLE, K * sizeof(size_t) / sizeof(float) + 1);
  if (!brow) return 0;
  fill_rows(brow, &job.g, s->c_in, s->k);
  job.brow = brow;
  catnet_parallel_for(s->m, forward_part, &job);
  return !atomic_load(&job.failed);
}

static void backward_data_part(void *ctx, size_t i, size_t parts) {
  (void)parts;
  conv_job *job = ctx;
  const catnet_conv_shape *s = job->s;
  const size_t K = s->c_out * s->k * s->k, hw = s->h * s->w;
  float *P = catnet_thread_scratch(CATNET_SCRATCH_IMAGE, padded_size(&job->g, s->c_out, s->k));
  if (!P) {
    atomic_store(&job->failed, 1);
    return;
  }
  pad_floats(P, job->in + i * s->c_out * hw, &job->g, s->c_out, s->h, s->w, s->k);
  float *dAprev = job->Z + i * s->c_in * hw;
  const catnet_conv_nn_args a = {.W = job->W, .ldw = K, .P = P, .brow = job->brow, .M = s->c_in, .K = K,
                                 .h = s->h, .w = s->w, .wp = job->g.wp, .kind = CATNET_IDENTITY, .Z = dAprev,
                                 .A = dAprev};
  job->isa->conv_nn(&a, 0, a.M);
}

/* dAprev[c, y', x'] = sum_{o, u', v'} Wf[c, o, u', v'] dZpad[o, y' + u', x' + v'] with
 * Wf[c, o, u', v'] = W[o, c, k-1-u', k-1-v'] (the reference's y = y' - u + p with u = k-1-u'). */
int catnet_conv2d_backward_data(float *dAprev, const float *dZ, const float *W, const catnet_conv_shape *s) {
  if (s->m == 0 || s->c_in == 0 || s->h == 0 || s->w == 0) return 1;
  const size_t k = s->k, kk = k * k, K = s->c_out * kk;
  conv_job job = {.isa = catnet_active_isa(), .s = s, .g = grid_of(s), .Z = dAprev, .in = dZ};
  size_t *brow = (size_t *)catnet_thread_scratch(CATNET_SCRATCH_TABLE, K * sizeof(size_t) / sizeof(float) + 1);
  float *Wf = catnet_thread_scratch(CATNET_SCRATCH_PARTIALS, s->c_in * K);
  if (!brow || !Wf) return 0;
  fill_rows(brow, &job.g, s->c_out, k);
  for (size_t o = 0; o < s->c_out; o++)
    for (size_t c = 0; c < s->c_in; c++)
      for (size_t u = 0; u < kk; u++) Wf[c * K + o * kk + u] = W[(o * s->c_in + c) * kk + (kk - 1 - u)];
  job.brow = brow;
  job.W = Wf;
  catnet_parallel_for(s->m, backward_data_part, &job);
  return !atomic_load(&job.failed);
}

/* Chunk q: partial dW and db over examples [q DW_CHUNK, (q + 1) DW_CHUNK), example by example. */
static void backward_weights_part(void *ctx, size_t q, size_t parts) {
  (void)parts;
  conv_job *job = ctx;
  const catnet_conv_shape *s = job->s;
  const size_t K = s->c_in * s->k * s->k, hw = s->h * s->w, n = job->g.n, wp = job->g.wp;
  float *dW = job->partials + q * job->per_chunk, *db = dW + s->c_out * K;
  const size_t end = (q + 1) * DW_CHUNK < s->m ? (q + 1) * DW_CHUNK : s->m;
  for (size_t i = q * DW_CHUNK; i < end; i++) {
    float *P = padded_input(job, i);
    float *G = catnet_thread_scratch(CATNET_SCRATCH_PRODUCT, s->c_out * n);
    if (!P || !G) {
      atomic_store(&job->failed, 1);
      return;
    }
    const float *dZ = job->dZ + i * s->c_out * hw;
    const int first = i == q * DW_CHUNK;
    for (size_t o = 0; o < s->c_out; o++) {
      for (size_t y = 0; y < s->h; y++) {
        float *to = G + o * n + y * wp;
        memcpy(to, dZ + (o * s->h + y) * s->w, s->w * sizeof(float));
        memset(to + s->w, 0, (wp - s->w) * sizeof(float));
      }
    }
    /* db: each channel's sum with the ISA's row sum (vector partial sums; a plain double loop is one
     * dependent add per value, which took as long as the whole layer-1 GEMM). */
    for (size_t o0 = 0; o0 < s->c_out; o0 += DB_BLOCK) {
      const size_t o1 = o0 + DB_BLOCK < s->c_out ? o0 + DB_BLOCK : s->c_out;
      float sums[DB_BLOCK];
      job->isa->row_sum(sums, dZ + o0 * hw, hw, 1.0f, 0, o1 - o0);
      for (size_t o = o0; o < o1; o++) db[o] = first ? sums[o - o0] : db[o] + sums[o - o0];
    }
    const catnet_conv_nt_args a = {.G = G, .ldg = n, .P = P, .brow = job->brow, .C = dW, .ldc = K, .M = s->c_out,
                                   .N = K, .K = n, .beta = first ? 0.0f : 1.0f};
    job->isa->conv_nt(&a, 0, a.M, 0, a.N);
  }
}

/* Elements [e0, e1) of dW then db (one array of per_chunk values) = scale * the chunks' sum, in order. */
static void reduce_part(void *ctx, size_t part, size_t parts) {
  conv_job *job = ctx;
  const size_t total = job->per_chunk, chunks = (job->s->m + DW_CHUNK - 1) / DW_CHUNK;
  const size_t dw_size = total - job->s->c_out;
  const size_t e0 = total * part / parts, e1 = total * (part + 1) / parts;
  for (size_t e = e0; e < e1; e++) {
    float sum = 0.0f;
    for (size_t q = 0; q < chunks; q++) sum += job->partials[q * total + e];
    if (e < dw_size) job->dW[e] = job->scale * sum;
    else job->db[e - dw_size] = job->scale * sum;
  }
}

int catnet_conv2d_backward_weights(float *dW, float *db, const float *dZ, const float *Aprev, const uint8_t *X,
                                   float x_scale, float scale, const catnet_conv_shape *s) {
  const size_t K = s->c_in * s->k * s->k;
  if (s->m == 0 || s->h == 0 || s->w == 0) {
    memset(dW, 0, s->c_out * K * sizeof(float));
    memset(db, 0, s->c_out * sizeof(float));
    return 1;
  }
  if (s->c_out == 0) return 1;
  conv_job job = {.isa = catnet_active_isa(), .s = s, .g = grid_of(s), .in = Aprev, .X = X, .x_scale = x_scale,
                  .dZ = dZ, .dW = dW, .db = db, .scale = scale, .per_chunk = s->c_out * K + s->c_out};
  const size_t chunks = (s->m + DW_CHUNK - 1) / DW_CHUNK;
  size_t *brow = (size_t *)catnet_thread_scratch(CATNET_SCRATCH_TABLE, K * sizeof(size_t) / sizeof(float) + 1);
  job.partials = catnet_thread_scratch(CATNET_SCRATCH_PARTIALS, chunks * job.per_chunk);
  if (!brow || !job.partials) return 0;
  fill_rows(brow, &job.g, s->c_in, s->k);
  job.brow = brow;
  catnet_parallel_for(chunks, backward_weights_part, &job);
  if (atomic_load(&job.failed)) return 0;
  const size_t parts = job.per_chunk * chunks < ((size_t)1 << 15) ? 1 : catnet_threads();
  catnet_parallel_for(parts, reduce_part, &job);
  return 1;
}
