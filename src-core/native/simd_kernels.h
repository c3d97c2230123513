/* The vector kernels, written once over a small set of macros that each ISA file defines before
 * including this file (ggml's approach: one body, one instantiation per instruction set):
 *   VL lanes; vf vector type; VZERO() VSET1(x) VLOAD(p) VSTORE(p, v) VLOAD_U8(p) (VL bytes -> floats)
 *   VADD VSUB VMUL VDIV VMAX VMIN VSQRT VABS; VFMA(a, b, c) = a * b + c; VHSUM(v) -> float;
 *   VSEL_GT(x, y, a, b) = x > y ? a : b lane-wise; VROUND(x) to nearest integer; VEXP2I(n) = 2^n for
 *   integral n in [-126, 127]; tile sizes NN_MR, NN_NR (vectors), NT_MR, NT_NR; SIMD_NAME, SIMD_TABLE.
 *   CONV_MR, CONV_NR (conv_nn tiles).
 * Every vector loop ends with a scalar tail (no reads or writes past `size`). Each ISA file includes
 * this once, so every kernel here and in simd_gemm.h / simd_conv.h has one plain name (static in
 * each ISA's translation unit): grep finds its body. The scalar kernels (kernels_generic.c) are
 * tuned C, not the definition: the definition is the TypeScript reference (src-core/kernels). */
#include <math.h>

#include "kernels.h"

#if defined(_MSC_VER) && !defined(__clang__)
#define ALWAYS_INLINE __forceinline
#define UNROLL /* MSVC unrolls the constant-bound tile loops itself */
#else
#define ALWAYS_INLINE __attribute__((always_inline))
#define UNROLL _Pragma("GCC unroll 16")
#endif

#include "simd_gemm.h"

/* e^x for x <= 0 (Cephes expf: x = n ln2 + r, |r| <= ln2 / 2, degree-6 polynomial, about 1 ulp);
 * clamped below at -87.3 so 2^n stays a normal number. */
static inline ALWAYS_INLINE vf vexp_nonpositive(vf x) {
  x = VMIN(VMAX(x, VSET1(-87.3f)), VSET1(0.0f));
  const vf n = VROUND(VMUL(x, VSET1(1.44269504088896341f)));
  vf r = VFMA(n, VSET1(-0.693359375f), x);
  r = VFMA(n, VSET1(2.12194440e-4f), r);
  vf p = VSET1(1.9875691500e-4f);
  p = VFMA(p, r, VSET1(1.3981999507e-3f));
  p = VFMA(p, r, VSET1(8.3334519073e-3f));
  p = VFMA(p, r, VSET1(4.1665795894e-2f));
  p = VFMA(p, r, VSET1(1.6666665459e-1f));
  p = VFMA(p, r, VSET1(5.0000001201e-1f));
  p = VFMA(p, VMUL(r, r), VADD(r, VSET1(1.0f)));
  return VMUL(p, VEXP2I(n));
}

/* Stable sigmoid: e = e^-|z|; z >= 0: 1 / (1 + e), z < 0: e / (1 + e). */
static inline ALWAYS_INLINE vf vsigmoid(vf z) {
  const vf e = vexp_nonpositive(VSUB(VZERO(), VABS(z)));
  const vf s = VDIV(VSET1(1.0f), VADD(VSET1(1.0f), e));
  return VSEL_GT(VZERO(), z, VMUL(e, s), s);
}

/* tanh (Cephes tanhf): odd polynomial for |z| < 0.625, else sign(z) (1 - e) / (1 + e), e = e^-2|z|. */
static inline ALWAYS_INLINE vf vtanh(vf z) {
  const vf az = VABS(z);
  const vf z2 = VMUL(z, z);
  vf p = VSET1(-5.70498872745e-3f);
  p = VFMA(p, z2, VSET1(2.06390887954e-2f));
  p = VFMA(p, z2, VSET1(-5.37397155531e-2f));
  p = VFMA(p, z2, VSET1(1.33314422036e-1f));
  p = VFMA(p, z2, VSET1(-3.33332819422e-1f));
  p = VFMA(VMUL(p, z2), z, z);
  const vf e = vexp_nonpositive(VMUL(VSET1(-2.0f), VMIN(az, VSET1(10.0f))));
  const vf t = VDIV(VSUB(VSET1(1.0f), e), VADD(VSET1(1.0f), e));
  const vf big = VSEL_GT(VZERO(), z, VSUB(VZERO(), t), t);
  return VSEL_GT(VSET1(0.625f), az, p, big);
}

static inline ALWAYS_INLINE vf vactivate(const int kind, vf z) {
  switch (kind) {
    case CATNET_SIGMOID:
      return vsigmoid(z);
    case CATNET_TANH:
      return vtanh(z);
    case CATNET_RELU:
      return VSEL_GT(z, VZERO(), z, VZERO());
    case CATNET_LEAKY_RELU:
      return VSEL_GT(z, VZERO(), z, VMUL(z, VSET1(CATNET_LEAKY_SLOPE)));
    default:
      return z;
  }
}

#include "simd_conv.h"

static inline ALWAYS_INLINE void bias_activation_rows(const int kind, float *Z, float *A, const float *b, size_t m,
                                                      size_t r0, size_t r1) {
  for (size_t i = r0; i < r1; i++) {
    float *z = Z + i * m, *a = A + i * m;
    const vf bv = VSET1(b[i]);
    size_t j = 0;
    for (; j + VL <= m; j += VL) {
      const vf zv = VADD(VLOAD(z + j), bv);
      VSTORE(z + j, zv);
      VSTORE(a + j, vactivate(kind, zv));
    }
    for (; j < m; j++) {
      z[j] += b[i];
      a[j] = catnet_activate(kind, z[j]); /* the scalar kernels' formula */
    }
  }
}

static void bias_activation(int kind, float *Z, float *A, const float *b, size_t m, size_t r0, size_t r1) {
  switch (kind) {
    case CATNET_SIGMOID:
      bias_activation_rows(CATNET_SIGMOID, Z, A, b, m, r0, r1);
      break;
    case CATNET_TANH:
      bias_activation_rows(CATNET_TANH, Z, A, b, m, r0, r1);
      break;
    case CATNET_RELU:
      bias_activation_rows(CATNET_RELU, Z, A, b, m, r0, r1);
      break;
    case CATNET_LEAKY_RELU:
      bias_activation_rows(CATNET_LEAKY_RELU, Z, A, b, m, r0, r1);
      break;
    default:
      bias_activation_rows(CATNET_IDENTITY, Z, A, b, m, r0, r1);
      break;
  }
}

/* g'(z) from A for sigmoid (a (1 - a)) and tanh (1 - a^2), from Z for (leaky) ReLU (left derivative at 0). */
static void activation_backward(int kind, float *dZ, const float *dA, const float *Z, const float *A, size_t size) {
  const vf one = VSET1(1.0f);
  const vf low = VSET1(kind == CATNET_RELU ? 0.0f : CATNET_LEAKY_SLOPE);
  size_t i = 0;
  if (kind == CATNET_SIGMOID) {
    for (; i + VL <= size; i += VL) {
      const vf a = VLOAD(A + i);
      VSTORE(dZ + i, VMUL(VLOAD(dA + i), VMUL(a, VSUB(one, a))));
    }
    for (; i < size; i++) dZ[i] = dA[i] * (A[i] * (1.0f - A[i]));
  } else if (kind == CATNET_TANH) {
    for (; i + VL <= size; i += VL) {
      const vf a = VLOAD(A + i);
      VSTORE(dZ + i, VMUL(VLOAD(dA + i), VSUB(one, VMUL(a, a))));
    }
    for (; i < size; i++) dZ[i] = dA[i] * (1.0f - A[i] * A[i]);
  } else {
    const float lows = kind == CATNET_RELU ? 0.0f : CATNET_LEAKY_SLOPE;
    for (; i + VL <= size; i += VL) VSTORE(dZ + i, VMUL(VLOAD(dA + i), VSEL_GT(VLOAD(Z + i), VZERO(), one, low)));
    for (; i < size; i++) dZ[i] = dA[i] * (Z[i] > 0.0f ? 1.0f : lows);
  }
}

/* Per row: float vector partial sums over blocks of 16 vectors, blocks added in double. */
static void row_sum(float *out, const float *X, size_t m, float scale, size_t r0, size_t r1) {
  for (size_t i = r0; i < r1; i++) {
    const float *x = X + i * m;
    double sum = 0.0;
    size_t j = 0;
    while (j + VL <= m) {
      vf acc = VZERO();
      const size_t end = j + 16 * VL <= m ? j + 16 * VL : m;
      for (; j + VL <= end; j += VL) acc = VADD(acc, VLOAD(x + j));
      sum += VHSUM(acc);
    }
    for (; j < m; j++) sum += x[j];
    out[i] = (float)(scale * sum);
  }
}

static void axpy(float *y, const float *x, float alpha, size_t size) {
  const vf av = VSET1(alpha);
  size_t i = 0;
  for (; i + VL <= size; i += VL) VSTORE(y + i, VFMA(av, VLOAD(x + i), VLOAD(y + i)));
  for (; i < size; i++) y[i] += alpha * x[i];
}

static void momentum_step(float *p, const float *g, float *v, float lr, float beta, size_t size) {
  const vf nlr = VSET1(-lr), bv = VSET1(beta), b1 = VSET1(1.0f - beta);
  size_t i = 0;
  if (beta == 0.0f) {
    for (; i + VL <= size; i += VL) VSTORE(p + i, VFMA(nlr, VLOAD(g + i), VLOAD(p + i)));
    for (; i < size; i++) p[i] -= lr * g[i];
    return;
  }
  for (; i + VL <= size; i += VL) {
    const vf vv = VFMA(bv, VLOAD(v + i), VMUL(b1, VLOAD(g + i)));
    VSTORE(v + i, vv);
    VSTORE(p + i, VFMA(nlr, vv, VLOAD(p + i)));
  }
  for (; i < size; i++) {
    v[i] = beta * v[i] + (1.0f - beta) * g[i];
    p[i] -= lr * v[i];
  }
}

static void adam_step(float *p, const float *g, float *v, float *s, float lr, float b1, float b2, float c1, float c2,
                      float eps, size_t size) {
  const vf b1v = VSET1(b1), b1c = VSET1(1.0f - b1), b2v = VSET1(b2), b2c = VSET1(1.0f - b2);
  const vf lrc1 = VSET1(lr / c1), inv_c2 = VSET1(1.0f / c2), epsv = VSET1(eps);
  size_t i = 0;
  for (; i + VL <= size; i += VL) {
    const vf gv = VLOAD(g + i);
    const vf vv = VFMA(b1v, VLOAD(v + i), VMUL(b1c, gv));
    const vf sv = VFMA(b2v, VLOAD(s + i), VMUL(b2c, VMUL(gv, gv)));
    VSTORE(v + i, vv);
    VSTORE(s + i, sv);
    const vf step = VDIV(VMUL(lrc1, vv), VADD(VSQRT(VMUL(sv, inv_c2)), epsv));
    VSTORE(p + i, VSUB(VLOAD(p + i), step));
  }
  for (; i < size; i++) {
    v[i] = b1 * v[i] + (1.0f - b1) * g[i];
    s[i] = b2 * s[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= lr * (v[i] / c1) / (sqrtf(s[i] / c2) + eps);
  }
}

const catnet_isa SIMD_TABLE = {
    .name = SIMD_NAME,
    .nn_mr = NN_MR,
    .nn_nc = NN_NR * VL,
    .nt_mr = NT_MR,
    .nt_nc = NT_NR,
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
