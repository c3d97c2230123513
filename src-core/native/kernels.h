/* catnet native kernels: the contract between the instruction-set files and the drivers.
 * Each ISA file (kernels_generic.c, kernels_avx2.c, kernels_avx512.c, kernels_neon.c) exports one
 * catnet_isa table of range kernels; ops.c splits work across the thread pool and calls them.
 * Semantics are those of src-core/kernels/kernels.ts (the TypeScript reference is the spec).
 * All matrices are row-major float32; sizes are element counts; nothing here allocates. */
#ifndef CATNET_KERNELS_H
#define CATNET_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Activation kinds; the numbers are shared with src-core/kernels/native.ts. */
enum catnet_activation {
  CATNET_IDENTITY = 0,
  CATNET_SIGMOID = 1,
  CATNET_TANH = 2,
  CATNET_RELU = 3,
  CATNET_LEAKY_RELU = 4,
};

/* g(z) = z for z > 0, else CATNET_LEAKY_SLOPE * z (LEAKY_SLOPE in src-core/nn/model.ts). */
#define CATNET_LEAKY_SLOPE 0.01f

/* g(z) for one value: the scalar kernels, and the scalar tails of the vector kernels. The sigmoid is
 * the stable form (never overflows expf): e = e^-|z|; z >= 0: 1 / (1 + e), z < 0: e / (1 + e). */
static inline float catnet_activate(int kind, float z) {
  switch (kind) {
    case CATNET_SIGMOID: {
      const float e = expf(-fabsf(z));
      return z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    }
    case CATNET_TANH:
      return tanhf(z);
    case CATNET_RELU:
      return z > 0.0f ? z : 0.0f;
    case CATNET_LEAKY_RELU:
      return z > 0.0f ? z : CATNET_LEAKY_SLOPE * z;
    default:
      return z;
  }
}

/* One GEMM call: C (M, N) = alpha * op(A) op(B) + beta * C; beta == 0 overwrites C.
 * op(A)(i, k) = A[i * lda_i + k * lda_k] (the "nn" kernels accept any strides; the "nt" kernels
 * need lda_k == 1). B is Bf (float) or Bu (uint8), row-major with rows ldb elements apart: stored
 * (K, N) for "nn" kernels and (N, K) for "nt" kernels (ldb >= K there, so ops.c can hand the "nt"
 * kernels one block of k at a time). C is dense (M, N). */
typedef struct {
  const float *A;
  size_t lda_i, lda_k;
  const float *Bf;
  const uint8_t *Bu;
  size_t ldb;
  float *C;
  size_t M, N, K;
  float alpha, beta;
} catnet_gemm_args;

/* Computes the block C[i0:i1, j0:j1] of one GEMM (rows and columns of C). */
typedef void (*catnet_gemm_range)(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1);

/* The GEMMs of a convolution on one example (conv.c), with B never stored (implicit im2col): row r
 * of B is the contiguous run starting at P + brow[r] of a zero-padded image P (planes, hp, wp).
 *
 * conv_nn, forward and backward data, fused with the bias and the activation, output rows i0..i1:
 *   Z[i, y, x] = bias[i] + sum_k W[i, k] P[brow[k] + y wp + x]   (Z (M, h, w); bias NULL: 0)
 *   A = g(Z) (A may be Z; kind CATNET_IDENTITY with A == Z: just Z). Columns x are done VL at a time
 *   within a row (a tile's vectors may come from different rows), the last w % VL of a row one by one. */
typedef struct {
  const float *W;
  size_t ldw; /* W (M, K), rows ldw apart */
  const float *P;
  const size_t *brow;
  size_t M, K, h, w, wp;
  const float *bias;
  int kind;
  float *Z, *A;
} catnet_conv_nn_args;

/* conv_nt, backward weights, block C[i0:i1, j0:j1] of
 *   C (M, N) = G (M, K) . B(N, K)^T,  B(n, k) = P[brow[n] + k];  beta 0 overwrites C, 1 adds to it.
 * Every C element is one dot product along k summed in the same order whatever the tile shape
 * (vector partial sums, reduced once, then the scalar tail), so a block's result does not depend on
 * how C is cut. */
typedef struct {
  const float *G;
  size_t ldg;
  const float *P;
  const size_t *brow;
  float *C;
  size_t ldc;
  size_t M, N, K;
  float beta;
} catnet_conv_nt_args;
typedef struct {
  const char *name; /* "avx512" | "avx2" | "neon" | "scalar" */
  /* Register tile sizes, used by ops.c to cut work into whole tiles:
   * nn: nn_mr rows x nn_nc columns; nt: nt_mr rows x nt_nc columns. */
  size_t nn_mr, nn_nc, nt_mr, nt_nc;
  catnet_gemm_range gemm_nn_f32, gemm_nt_f32, gemm_nn_u8, gemm_nt_u8;
  /* Convolution GEMMs (conv.c; catnet_conv_nn_args, catnet_conv_nt_args). */
  void (*conv_nn)(const catnet_conv_nn_args *g, size_t i0, size_t i1);
  void (*conv_nt)(const catnet_conv_nt_args *g, size_t i0, size_t i1, size_t j0, size_t j1);
  /* Rows r0..r1 of: Z (n, m) += b (n, 1); A = g(Z). A may equal Z. */
  void (*bias_activation)(int kind, float *Z, float *A, const float *b, size_t m, size_t r0, size_t r1);
  /* dZ = dA * g'(Z, A) over size values (kind is never CATNET_IDENTITY). */
  void (*activation_backward)(int kind, float *dZ, const float *dA, const float *Z, const float *A, size_t size);
  /* Rows r0..r1 of out (n) = scale * sum_j X (n, m)[i, j]. */
  void (*row_sum)(float *out, const float *X, size_t m, float scale, size_t r0, size_t r1);
  void (*axpy)(float *y, const float *x, float alpha, size_t size);
  void (*momentum_step)(float *p, const float *g, float *v, float lr, float beta, size_t size);
  void (*adam_step)(float *p, const float *g, float *v, float *s, float lr, float b1, float b2, float c1, float c2,
                    float eps, size_t size);
} catnet_isa;

extern const catnet_isa catnet_isa_scalar;
#if defined(__x86_64__) || defined(_M_X64)
extern const catnet_isa catnet_isa_avx2;
extern const catnet_isa catnet_isa_avx512;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
extern const catnet_isa catnet_isa_neon;
#endif

/* dispatch.c: the instruction set in use, chosen once at load (CPUID + XGETBV, CATNET_ISA). */
const catnet_isa *catnet_active_isa(void);
/* Best supported ISA, or the forced one; writes why a request was refused into reason (or ""). */
void catnet_dispatch_init(void);
/* Forces an ISA by name (tests, benchmarks); returns 0 when it is not available here. */
int catnet_set_isa(const char *name);
/* Why the ISA in use is not the one asked for by CATNET_ISA or set_isa ("" when it is). */
const char *catnet_isa_reason(void);
/* Comma-separated ISAs this CPU and OS can run, best first, e.g. "avx512,avx2,scalar". */
const char *catnet_isa_supported(void);

/* threads.c: a persistent pool. parallel_for runs fn(ctx, part, parts) once for each part =
 * 0..parts-1, on the calling thread and up to catnet_threads() - 1 workers, in any order. Calls from several JS threads at once are
 * safe: a call that finds the pool busy runs all its parts on the calling thread. */
typedef void (*catnet_part_fn)(void *ctx, size_t part, size_t parts);
void catnet_parallel_for(size_t parts, catnet_part_fn fn, void *ctx);
size_t catnet_threads(void);
/* Sets the number of threads used (1..CATNET_MAX_THREADS); workers are created on demand. */
void catnet_set_threads(size_t n);
#define CATNET_MAX_THREADS 64

/* ops.c: the whole operations, split across threads. */
void catnet_gemm(int transA, int transB, size_t M, size_t N, size_t K, float alpha, const float *A, const float *B,
                 float beta, float *C);
void catnet_gemm_u8(int transB, size_t M, size_t N, size_t K, float alpha, const float *A, const uint8_t *B,
                    float beta, float *C);
void catnet_bias_activation(int kind, float *Z, float *A, const float *b, size_t n, size_t m);
void catnet_activation_backward(int kind, float *dZ, const float *dA, const float *Z, const float *A, size_t size);
void catnet_row_sum(float *out, const float *X, size_t n, size_t m, float scale);
double catnet_sigmoid_cross_entropy(const float *Z, const float *Y, size_t m, float *A, float *dZ);
void catnet_axpy(float *y, const float *x, float alpha, size_t size);
void catnet_momentum_step(float *p, const float *g, float *v, float lr, float beta, size_t size);
void catnet_adam_step(float *p, const float *g, float *v, float *s, float lr, float b1, float b2, float c1, float c2,
                      float eps, size_t size);
/* Per-thread scratch that only grows (64-byte aligned; NULL when out of memory): slot < CATNET_SCRATCH_SLOTS. */
#define CATNET_SCRATCH_SLOTS 5
enum {
  CATNET_SCRATCH_PACK = 0,     /* ops.c: A^T for the transA+transB GEMM */
  CATNET_SCRATCH_IMAGE = 1,    /* conv.c, per part: one zero-padded example */
  CATNET_SCRATCH_PRODUCT = 2,  /* conv.c, per part: one example's GEMM output or gradient on the padded grid */
  CATNET_SCRATCH_PARTIALS = 3, /* conv.c, caller: per-chunk dW, db; or the flipped filters */
  CATNET_SCRATCH_TABLE = 4,    /* conv.c, caller: the row offsets of the implicit im2col */
};
float *catnet_thread_scratch(int slot, size_t n);

/* conv.c: convolutions of src-core/kernels/kernels.ts, shapes (m, c_in, h, w) -> (m, c_out, h, w),
 * k odd, stride 1, zero padding (k - 1) / 2. Each returns 0 when out of memory for its scratch. */
typedef struct {
  size_t m, c_in, h, w, c_out, k;
} catnet_conv_shape;
int catnet_conv2d_forward(int kind, float *Z, float *A, const float *Aprev, const uint8_t *X, float x_scale,
                          const float *W, const float *b, const catnet_conv_shape *s);
int catnet_conv2d_backward_data(float *dAprev, const float *dZ, const float *W, const catnet_conv_shape *s);
int catnet_conv2d_backward_weights(float *dW, float *db, const float *dZ, const float *Aprev, const uint8_t *X,
                                   float x_scale, float scale, const catnet_conv_shape *s);

/* pool.c: 2x2 max-pooling, stride 2, over `planes` planes of (h, w). */
void catnet_max_pool2_forward(float *A, const float *Aprev, size_t planes, size_t h, size_t w);
void catnet_max_pool2_backward(float *dAprev, const float *dA, const float *Aprev, const float *A, size_t planes,
                               size_t h, size_t w);

#endif
