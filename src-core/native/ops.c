/* The whole operations of the Kernels contract: pick the GEMM form, cut the work into whole
 * register tiles, and spread big problems over the thread pool (small ones run on the calling
 * thread: waking workers costs more than a few microseconds of work). Arguments were validated by
 * the JS wrapper and again by addon.c; nothing here allocates except the per-thread scratch
 * (catnet_thread_scratch), which only grows. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

/* Below this many multiply-adds a GEMM runs on one thread. */
#define GEMM_PARALLEL_MACS ((size_t)1 << 18)
/* Below this many values an elementwise kernel runs on one thread. The course net's 246K-value
 * update step is split: with 2 threads half of dW1 was just written by the worker's core, and one
 * thread reading all of it from there took 150 us; split, 75-80 us (33 us with 1 thread, data local). */
#define ELEMENTWISE_PARALLEL ((size_t)1 << 16)
/* Chunks per thread: enough that a thread slowed down by other processes does not hold up the rest. */
#define CHUNKS_PER_THREAD 4

/* The "nt" kernels walk k in blocks of NT_KC so that the block of A (M x NT_KC floats) and the
 * block of B (a chunk's columns x NT_KC) stay in L2 while every tile of the chunk uses them: the
 * layer-1 forward pass then reads each pixel and each weight from memory once per chunk instead of
 * once per row tile. Blocks after the first accumulate into C (beta = 1). */
#define NT_KC ((size_t)2048)

/* Row split ("core-affine"): each thread computes its own contiguous rows of C, reading only those
 * rows of op(A) and all of B. The course's layer-1 products are split this way: thread t then
 * writes the same rows of dW1 (backward, C = dW1) that it updates in the elementwise step (split in
 * contiguous ranges, i.e. rows of W1, over the same threads) and reads in the next forward pass
 * (A = W1), so W1 and dW1 stay in that core's cache. Used when every thread gets at least
 * ROW_SPLIT_MIN_ROWS rows, and B is small enough to be read by every thread from the shared cache. */
#define ROW_SPLIT_MIN_ROWS 4
#define ROW_SPLIT_MAX_B_BYTES ((size_t)4 << 20)
/* In a row split, the "nt" kernels walk the columns of a k block in blocks of about this many bytes
 * of B, so a B block is read from the shared cache once and reused by every row tile from L2. */
#define ROW_SPLIT_B_BLOCK_BYTES ((size_t)128 << 10)

/* Parts of the row split per thread: the thread's rows, cut into this many column ranges, so a thread
 * that finishes early can take over part of a descheduled one's work. */
#define ROW_SPLIT_COL_PARTS_NN 4
#define ROW_SPLIT_COL_PARTS_NT 2

/* C is cut into row_parts x col_parts blocks (part p: row range p / col_parts, column range
 * p % col_parts), each range made of whole units (row_unit rows, col_unit columns) but the last. */
typedef struct {
  const catnet_gemm_args *g;
  catnet_gemm_range fn;
  size_t row_unit, row_parts, col_unit, col_parts;
  size_t kc; /* 0: the kernel takes all of K at once */
  size_t nb; /* columns per kernel call inside a k block (0: all of the part's columns at once) */
} gemm_job;

/* [*lo, *hi) = range `part` of `parts` over `extent`, in whole `unit`s but the last. */
static void unit_range(size_t extent, size_t unit, size_t part, size_t parts, size_t *lo, size_t *hi) {
  const size_t units = (extent + unit - 1) / unit;
  const size_t u0 = units * part / parts, u1 = units * (part + 1) / parts;
  *lo = u0 * unit;
  *hi = u1 == units ? extent : u1 * unit;
}

static void gemm_columns(const gemm_job *job, const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0,
                         size_t j1) {
  if (!job->nb) {
    job->fn(g, i0, i1, j0, j1);
    return;
  }
  for (size_t j = j0; j < j1; j += job->nb) job->fn(g, i0, i1, j, j1 - j < job->nb ? j1 : j + job->nb);
}

static void gemm_part(void *ctx, size_t part, size_t parts) {
  (void)parts;
  const gemm_job *job = ctx;
  size_t i0, i1, j0, j1;
  unit_range(job->g->M, job->row_unit, part / job->col_parts, job->row_parts, &i0, &i1);
  unit_range(job->g->N, job->col_unit, part % job->col_parts, job->col_parts, &j0, &j1);
  if (i0 >= i1 || j0 >= j1) return;
  if (!job->kc || job->g->K <= job->kc) {
    gemm_columns(job, job->g, i0, i1, j0, j1);
    return;
  }
  catnet_gemm_args block = *job->g;
  for (size_t k0 = 0; k0 < job->g->K; k0 += job->kc) {
    block.A = job->g->A + k0;
    if (job->g->Bf) block.Bf = job->g->Bf + k0;
    if (job->g->Bu) block.Bu = job->g->Bu + k0;
    block.K = job->g->K - k0 < job->kc ? job->g->K - k0 : job->kc;
    block.beta = k0 == 0 ? job->g->beta : 1.0f;
    gemm_columns(job, &block, i0, i1, j0, j1);
  }
}

/* Splits C by rows, one contiguous range per thread (the row split above, each cut into a few column
 * ranges), when that is allowed; else by columns in units of `nc` (every thread then reuses the
 * whole A from its cache) unless there are too few column tiles, then by rows in units of `mr`.
 * Every element of C is computed with the same operations in the same order however C is split (the
 * kernels' per-element sums do not depend on the tile shape, and the k blocks are fixed), so results
 * do not depend on the number of threads. */
static void run_gemm(const catnet_gemm_args *g, catnet_gemm_range fn, size_t mr, size_t nc, size_t kc) {
  if (g->M == 0 || g->N == 0) return;
  const size_t threads = catnet_threads();
  gemm_job job = {.g = g, .fn = fn, .kc = kc, .row_unit = mr, .row_parts = 1, .col_unit = nc, .col_parts = 1};
  const int parallel = threads > 1 && g->M * g->N * (g->K ? g->K : 1) >= GEMM_PARALLEL_MACS;
  const size_t b_size = g->Bu ? 1 : sizeof(float);
  if (parallel && g->M >= ROW_SPLIT_MIN_ROWS * threads && g->K * g->N * b_size <= ROW_SPLIT_MAX_B_BYTES) {
    job.row_unit = 1, job.row_parts = threads;
    job.col_parts = kc ? ROW_SPLIT_COL_PARTS_NT : ROW_SPLIT_COL_PARTS_NN;
    if (kc) {
      /* "nt": B rows are k-contiguous; a column block holds nb rows of B of one k block each. */
      const size_t k_block = g->K == 0 ? 1 : g->K < kc ? g->K : kc;
      const size_t tiles = ROW_SPLIT_B_BLOCK_BYTES / (k_block * b_size * nc);
      job.nb = nc * (tiles ? tiles : 1);
    }
    catnet_parallel_for(threads * job.col_parts, gemm_part, &job);
    return;
  }
  const size_t col_units = (g->N + nc - 1) / nc, row_units = (g->M + mr - 1) / mr;
  const int split_cols = col_units >= 2 * threads || col_units >= row_units;
  size_t parts = parallel ? threads * CHUNKS_PER_THREAD : 1;
  if (parts > (split_cols ? col_units : row_units)) parts = split_cols ? col_units : row_units;
  if (split_cols) job.col_parts = parts;
  else job.row_parts = parts;
  catnet_parallel_for(parts, gemm_part, &job);
}

/* Per-thread scratch buffers (the transA+transB packing buffer, conv.c's padded images, products and
 * partial sums): kept per thread for the life of the thread and only grown, so a training step
 * allocates nothing once the first step has sized them. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
typedef struct {
  float *data[CATNET_SCRATCH_SLOTS];
  size_t capacity[CATNET_SCRATCH_SLOTS];
} thread_scratch;

/* 64-byte aligned blocks: C11 aligned_alloc, or the CRT's own on Windows (no aligned_alloc there). */
#ifdef _WIN32
#include <malloc.h>
static void *aligned_block(size_t bytes) { return _aligned_malloc(bytes, 64); }
static void aligned_free(void *p) { _aligned_free(p); }
#else
static void *aligned_block(size_t bytes) { return aligned_alloc(64, bytes); }
static void aligned_free(void *p) { free(p); }
#endif

static void scratch_free(void *p) {
  thread_scratch *t = p;
  for (int i = 0; i < CATNET_SCRATCH_SLOTS; i++) aligned_free(t->data[i]);
  free(t);
}

static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }

float *catnet_thread_scratch(int slot, size_t n) {
  pthread_once(&scratch_once, scratch_init);
  thread_scratch *t = pthread_getspecific(scratch_key);
  if (!t) {
    t = calloc(1, sizeof *t);
    if (!t || pthread_setspecific(scratch_key, t) != 0) {
      free(t);
      return NULL;
    }
  }
  if (n == 0) n = 1;
  if (t->capacity[slot] < n) {
    aligned_free(t->data[slot]);
    const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    t->data[slot] = aligned_block(bytes);
    t->capacity[slot] = t->data[slot] ? n : 0;
  }
  return t->data[slot];
}

void catnet_gemm(int transA, int transB, size_t M, size_t N, size_t K, float alpha, const float *A, const float *B,
                 float beta, float *C) {
  const catnet_isa *isa = catnet_active_isa();
  catnet_gemm_args g = {.A = A, .Bf = B, .C = C, .M = M, .N = N, .K = K, .alpha = alpha, .beta = beta};
  /* op(A)(i, k) is A[i K + k], or A[k M + i] when transA. */
  g.lda_i = transA ? 1 : K;
  g.lda_k = transA ? M : 1;
  g.ldb = transB ? K : N;
  if (!transB) {
    run_gemm(&g, isa->gemm_nn_f32, isa->nn_mr, isa->nn_nc, 0);
    return;
  }
  if (transA) {
    /* The dot-product kernels need op(A) rows contiguous: pack A^T (M, K) once. */
    float *At = catnet_thread_scratch(CATNET_SCRATCH_PACK, M * K);
    if (!At) {
      /* Out of memory for the packing buffer: the strided scalar path still gives the answer. */
      for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
          float sum = 0.0f;
          for (size_t k = 0; k < K; k++) sum += A[k * M + i] * B[j * K + k];
          C[i * N + j] = beta == 0.0f ? alpha * sum : alpha * sum + beta * C[i * N + j];
        }
      return;
    }
    for (size_t k = 0; k < K; k++)
      for (size_t i = 0; i < M; i++) At[i * K + k] = A[k * M + i];
    g.A = At;
    g.lda_i = K;
    g.lda_k = 1;
  }
  run_gemm(&g, isa->gemm_nt_f32, isa->nt_mr, isa->nt_nc, NT_KC);
}

void catnet_gemm_u8(int transB, size_t M, size_t N, size_t K, float alpha, const float *A, const uint8_t *B,
                    float beta, float *C) {
  const catnet_isa *isa = catnet_active_isa();
  const catnet_gemm_args g = {.A = A,
                               .lda_i = K,
                               .lda_k = 1,
                               .Bu = B,
                               .ldb = transB ? K : N,
                               .C = C,
                               .M = M,
                               .N = N,
                               .K = K,
                               .alpha = alpha,
                               .beta = beta};
  if (transB) run_gemm(&g, isa->gemm_nt_u8, isa->nt_mr, isa->nt_nc, NT_KC);
  else run_gemm(&g, isa->gemm_nn_u8, isa->nn_mr, isa->nn_nc, 0);
}

/* Rows [r0, r1) of `part` of `parts` contiguous ranges over n rows. */
static void row_range(size_t n, size_t part, size_t parts, size_t *r0, size_t *r1) {
  *r0 = n * part / parts;
  *r1 = n * (part + 1) / parts;
}

/* Parts for an (n, m) row operation: one when small, else a few per thread, at most one per row. */
static size_t row_parts(size_t n, size_t m) {
  const size_t parts = n * m < ELEMENTWISE_PARALLEL ? 1 : catnet_threads() * CHUNKS_PER_THREAD;
  return parts < n ? parts : n;
}

typedef struct {
  const catnet_isa *isa;
  int kind;
  float *Z, *A;
  const float *b;
  size_t n, m;
} bias_activation_job;

static void bias_activation_part(void *ctx, size_t part, size_t parts) {
  const bias_activation_job *job = ctx;
  size_t r0, r1;
  row_range(job->n, part, parts, &r0, &r1);
  job->isa->bias_activation(job->kind, job->Z, job->A, job->b, job->m, r0, r1);
}

void catnet_bias_activation(int kind, float *Z, float *A, const float *b, size_t n, size_t m) {
  bias_activation_job job = {.isa = catnet_active_isa(), .kind = kind, .Z = Z, .A = A, .b = b, .n = n, .m = m};
  catnet_parallel_for(row_parts(n, m), bias_activation_part, &job);
}

typedef struct {
  const catnet_isa *isa;
  float *out;
  const float *X;
  size_t n, m;
  float scale;
} row_sum_job;

static void row_sum_part(void *ctx, size_t part, size_t parts) {
  const row_sum_job *job = ctx;
  size_t r0, r1;
  row_range(job->n, part, parts, &r0, &r1);
  job->isa->row_sum(job->out, job->X, job->m, job->scale, r0, r1);
}

void catnet_row_sum(float *out, const float *X, size_t n, size_t m, float scale) {
  row_sum_job job = {.isa = catnet_active_isa(), .out = out, .X = X, .n = n, .m = m, .scale = scale};
  catnet_parallel_for(row_parts(n, m), row_sum_part, &job);
}

/* Elementwise kernels: contiguous chunks with boundaries on multiples of 64 values (whole cache
 * lines). [*a, *b) = chunk `part` of `parts` over size values; returns 0 when it is empty. */
static int elementwise_range(size_t size, size_t part, size_t parts, size_t *a, size_t *b) {
  const size_t blocks = (size + 63) / 64;
  const size_t end = blocks * (part + 1) / parts * 64;
  *a = blocks * part / parts * 64;
  *b = end < size ? end : size;
  return *a < *b;
}

static size_t elementwise_parts(size_t size) {
  return size < ELEMENTWISE_PARALLEL ? 1 : catnet_threads() * CHUNKS_PER_THREAD;
}

typedef struct {
  const catnet_isa *isa;
  int kind;
  float *dZ;
  const float *dA, *Z, *A;
  size_t size;
} activation_backward_job;

static void activation_backward_part(void *ctx, size_t part, size_t parts) {
  const activation_backward_job *j = ctx;
  size_t a, b;
  if (elementwise_range(j->size, part, parts, &a, &b))
    j->isa->activation_backward(j->kind, j->dZ + a, j->dA + a, j->Z + a, j->A + a, b - a);
}

void catnet_activation_backward(int kind, float *dZ, const float *dA, const float *Z, const float *A, size_t size) {
  activation_backward_job job = {
      .isa = catnet_active_isa(), .kind = kind, .dZ = dZ, .dA = dA, .Z = Z, .A = A, .size = size};
  catnet_parallel_for(elementwise_parts(size), activation_backward_part, &job);
}

typedef struct {
  const catnet_isa *isa;
  float *y;
  const float *x;
  float alpha;
  size_t size;
} axpy_job;

static void axpy_part(void *ctx, size_t part, size_t parts) {
  const axpy_job *j = ctx;
  size_t a, b;
  if (elementwise_range(j->size, part, parts, &a, &b)) j->isa->axpy(j->y + a, j->x + a, j->alpha, b - a);
}

void catnet_axpy(float *y, const float *x, float alpha, size_t size) {
  axpy_job job = {.isa = catnet_active_isa(), .y = y, .x = x, .alpha = alpha, .size = size};
  catnet_parallel_for(elementwise_parts(size), axpy_part, &job);
}

typedef struct {
  const catnet_isa *isa;
  float *p, *v; /* v is NULL when beta == 0 */
  const float *g;
  float lr, beta;
  size_t size;
} momentum_job;

static void momentum_part(void *ctx, size_t part, size_t parts) {
  const momentum_job *j = ctx;
  size_t a, b;
  if (elementwise_range(j->size, part, parts, &a, &b))
    j->isa->momentum_step(j->p + a, j->g + a, j->v ? j->v + a : NULL, j->lr, j->beta, b - a);
}

void catnet_momentum_step(float *p, const float *g, float *v, float lr, float beta, size_t size) {
  momentum_job job = {.isa = catnet_active_isa(), .p = p, .v = v, .g = g, .lr = lr, .beta = beta, .size = size};
  catnet_parallel_for(elementwise_parts(size), momentum_part, &job);
}

typedef struct {
  const catnet_isa *isa;
  float *p, *v, *s;
  const float *g;
  float lr, b1, b2, c1, c2, eps;
  size_t size;
} adam_job;

static void adam_part(void *ctx, size_t part, size_t parts) {
  const adam_job *j = ctx;
  size_t a, b;
  if (elementwise_range(j->size, part, parts, &a, &b))
    j->isa->adam_step(j->p + a, j->g + a, j->v + a, j->s + a, j->lr, j->b1, j->b2, j->c1, j->c2, j->eps, b - a);
}

void catnet_adam_step(float *p, const float *g, float *v, float *s, float lr, float b1, float b2, float c1, float c2,
                      float eps, size_t size) {
  adam_job job = {.isa = catnet_active_isa(), .p = p, .v = v, .s = s, .g = g, .lr = lr, .b1 = b1, .b2 = b2,
                  .c1 = c1, .c2 = c2, .eps = eps, .size = size};
  catnet_parallel_for(elementwise_parts(size), adam_part, &job);
}

/* Summed cross-entropy from the logits, in double like the reference:
 * L = max(z, 0) - z y + log1p(e^-|z|); A = sigmoid(z); dZ = A - y. m is one batch: not threaded. */
double catnet_sigmoid_cross_entropy(const float *Z, const float *Y, size_t m, float *A, float *dZ) {
  double cost = 0.0;
  for (size_t i = 0; i < m; i++) {
    const double z = Z[i], y = Y[i];
    const double e = exp(-fabs(z));
    cost += (z > 0.0 ? z : 0.0) - z * y + log1p(e);
    const double a = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    if (A) A[i] = (float)a;
    if (dZ) dZ[i] = (float)(a - y);
  }
  return cost;
}
