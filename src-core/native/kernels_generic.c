/* The scalar kernels: the fallback on CPUs without a supported vector extension (and CATNET_ISA=scalar).
 * These are tuned C (cache-friendly loop orders, interleaved partial sums a compiler's auto-vectoriser
 * can use), not the definition: the definition of every kernel is the naive TypeScript reference
 * (src-core/kernels/reference.ts, reference-conv.ts), which the tests compare every ISA against. */
#include <math.h>

#include "kernels.h"

/* C[i0:i1, j0:j1] with B (K, N): each row of C is a sum of rows of B scaled by op(A)(i, k). */
#define GEMM_NN_SCALAR(NAME, BTYPE, BPTR)                                                          \
  static void NAME(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {        \
    const BTYPE *B = g->BPTR;                                                                      \
    for (size_t i = i0; i < i1; i++) {                                                             \
      float *c = g->C + i * g->N;                                                                  \
      for (size_t j = j0; j < j1; j++) c[j] = g->beta == 0.0f ? 0.0f : g->beta * c[j];             \
      for (size_t k = 0; k < g->K; k++) {                                                          \
        const float a = g->alpha * g->A[i * g->lda_i + k * g->lda_k];                              \
        const BTYPE *b = B + k * g->ldb;                                                             \
        for (size_t j = j0; j < j1; j++) c[j] += a * (float)b[j];                                  \
      }                                                                                            \
    }                                                                                              \
  }

/* C[i0:i1, j0:j1] with B (N, K): dot products of rows of A and rows of B, each in 8 interleaved
 * partial sums (independent chains a compiler can keep in flight or put in one SSE/NEON register). */
#define GEMM_NT_SCALAR(NAME, BTYPE, BPTR)                                                          \
  static void NAME(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {        \
    for (size_t i = i0; i < i1; i++) {                                                             \
      const float *a = g->A + i * g->lda_i;                                                        \
      for (size_t j = j0; j < j1; j++) {                                                           \
        const BTYPE *b = g->BPTR + j * g->ldb;                                                     \
        float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                  \
        size_t k = 0;                                                                              \
        for (; k + 8 <= g->K; k += 8)                                                              \
          for (int u = 0; u < 8; u++) part[u] += a[k + u] * (float)b[k + u];                      \
        float sum = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7])); \
        for (; k < g->K; k++) sum += a[k] * (float)b[k];                                           \
        float *c = g->C + i * g->N + j;                                                            \
        *c = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *c;                     \
      }                                                                                            \
    }                                                                                              \
  }

GEMM_NN_SCALAR(gemm_nn_f32, float, Bf)
GEMM_NN_SCALAR(gemm_nn_u8, uint8_t, Bu)
GEMM_NT_SCALAR(gemm_nt_f32, float, Bf)
GEMM_NT_SCALAR(gemm_nt_u8, uint8_t, Bu)

/* Convolution GEMMs (kernels.h: catnet_conv_nn_args, catnet_conv_nt_args). */
static void conv_nn(const catnet_conv_nn_args *g, size_t i0, size_t i1) {
  const size_t plane = g->h * g->w;
  for (size_t i = i0; i < i1; i++) {
    float *z = g->Z + i * plane;
    for (size_t y = 0; y < g->h; y++) {
      float *zy = z + y * g->w;
      for (size_t x = 0; x < g->w; x++) zy[x] = 0.0f;
      for (size_t k = 0; k < g->K; k++) {
        const float a = g->W[i * g->ldw + k];
        const float *b = g->P + g->brow[k] + y * g->wp;
        for (size_t x = 0; x < g->w; x++) zy[x] += a * b[x];
      }
    }
    const float bias = g->bias ? g->bias[i] : 0.0f;
    float *A = g->A + i * plane;
    for (size_t j = 0; j < plane; j++) {
      z[j] += bias;
      A[j] = catnet_activate(g->kind, z[j]);
    }
  }
}

static void conv_nt(const catnet_conv_nt_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  for (size_t i = i0; i < i1; i++) {
    const float *a = g->G + i * g->ldg;
    for (size_t j = j0; j < j1; j++) {
      const float *b = g->P + g->brow[j];
      float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      size_t k = 0;
      for (; k + 8 <= g->K; k += 8)
        for (int u = 0; u < 8; u++) part[u] += a[k + u] * b[k + u];
      float sum = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
      for (; k < g->K; k++) sum += a[k] * b[k];
      float *c = g->C + i * g->ldc + j;
      *c = g->beta == 0.0f ? sum : sum + *c;
    }
  }
}

static void bias_activation(int kind, float *Z, float *A, const float *b, size_t m, size_t r0, size_t r1) {
  for (size_t i = r0; i < r1; i++) {
    for (size_t j = i * m; j < (i + 1) * m; j++) {
      const float z = Z[j] + b[i];
      Z[j] = z;
      A[j] = catnet_activate(kind, z);
    }
  }
}

static void activation_backward(int kind, float *dZ, const float *dA, const float *Z, const float *A, size_t size) {
  for (size_t i = 0; i < size; i++) {
    float d;
    switch (kind) {
      case CATNET_SIGMOID:
        d = A[i] * (1.0f - A[i]);
        break;
      case CATNET_TANH:
        d = 1.0f - A[i] * A[i];
        break;
      case CATNET_RELU:
        d = Z[i] > 0.0f ? 1.0f : 0.0f;
        break;
      default:
        d = Z[i] > 0.0f ? 1.0f : CATNET_LEAKY_SLOPE;
        break;
    }
    dZ[i] = dA[i] * d;
  }
}

static void row_sum(float *out, const float *X, size_t m, float scale, size_t r0, size_t r1) {
  for (size_t i = r0; i < r1; i++) {
    double sum = 0.0;
    for (size_t j = 0; j < m; j++) sum += X[i * m + j];
    out[i] = (float)(scale * sum);
  }
}

static void axpy(float *y, const float *x, float alpha, size_t size) {
  for (size_t i = 0; i < size; i++) y[i] += alpha * x[i];
}

static void momentum_step(float *p, const float *g, float *v, float lr, float beta, size_t size) {
  if (beta == 0.0f) {
    for (size_t i = 0; i < size; i++) p[i] -= lr * g[i];
    return;
  }
  for (size_t i = 0; i < size; i++) {
    v[i] = beta * v[i] + (1.0f - beta) * g[i];
    p[i] -= lr * v[i];
  }
}

static void adam_step(float *p, const float *g, float *v, float *s, float lr, float b1, float b2, float c1, float c2,
                      float eps, size_t size) {
  for (size_t i = 0; i < size; i++) {
    v[i] = b1 * v[i] + (1.0f - b1) * g[i];
    s[i] = b2 * s[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= lr * (v[i] / c1) / (sqrtf(s[i] / c2) + eps);
  }
}

const catnet_isa catnet_isa_scalar = {
    .name = "scalar",
    .nn_mr = 4,
    .nn_nc = 64,
    .nt_mr = 4,
    .nt_nc = 4,
    .gemm_nn_f32 = gemm_nn_f32,
    .gemm_nt_f32 = gemm_nt_f32,
    .gemm_nn_u8 = gemm_nn_u8,
    .gemm_nt_u8 = gemm_nt_u8,
    .conv_nn = conv_nn,
    .conv_nt = conv_nt,
    .bias_activation = bias_activation,
    .activation_backward = activation_backward,
    .row_sum = row_sum,
    .axpy = axpy,
    .momentum_step = momentum_step,
    .adam_step = adam_step,
};
