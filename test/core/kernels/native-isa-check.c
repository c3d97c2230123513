/* Standalone check of the best ISA this build can run against the scalar kernels, without Node:
 * used by native-neon.test.ts to run the NEON kernels under qemu-aarch64 (cross-compiled). Prints
 * "ok <isa> <checks>" and exits 0, or names the first mismatch and exits 1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src-core/native/kernels.h"

static unsigned state = 12345;
static float uniform(float lo, float hi) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return lo + (hi - lo) * (float)(state / 4294967296.0);
}

static float *floats(size_t n, float lo, float hi) {
  float *x = malloc((n + 1) * sizeof *x); /* +1: odd offset views below */
  for (size_t i = 0; i < n + 1; i++) x[i] = uniform(lo, hi);
  return x;
}

static long checks;
static const char *isa_name;

static void compare(const char *what, const float *got, const float *want, size_t n, double rtol, double atol,
                    const float *scale) {
  for (size_t i = 0; i < n; i++) {
    const double s = scale ? fabs((double)scale[i]) : fabs((double)want[i]);
    if (!(fabs((double)got[i] - (double)want[i]) <= atol + rtol * s)) {
      printf("FAIL %s %s: element %zu is %.9g, scalar %.9g\n", isa_name, what, i, got[i], want[i]);
      exit(1);
    }
  }
  checks++;
}

static void use(const char *isa) {
  if (!catnet_set_isa(isa)) {
    printf("FAIL cannot select %s\n", isa);
    exit(1);
  }
}

static void check_gemm(size_t M, size_t N, size_t K, int u8, int tA, int tB, float beta) {
  float *A = floats(M * K, -1, 1), *Bf = floats(K * N, -1, 1), *C0 = floats(M * N, -1, 1);
  uint8_t *Bu = malloc(K * N + 1);
  for (size_t i = 0; i < K * N + 1; i++) Bu[i] = (uint8_t)uniform(0, 256);
  float *Cs = malloc((M * N + 1) * sizeof(float)), *Cv = malloc((M * N + 1) * sizeof(float));
  float *mag = malloc((M * N + 1) * sizeof(float));
  float *absA = malloc((M * K + 1) * sizeof(float)), *absB = malloc((K * N + 1) * sizeof(float));
  for (size_t i = 0; i < M * K + 1; i++) absA[i] = fabsf(A[i]);
  for (size_t i = 0; i < K * N + 1; i++) absB[i] = u8 ? Bu[i] : fabsf(Bf[i]);
  memcpy(Cs, C0, (M * N + 1) * sizeof(float));
  memcpy(Cv, C0, (M * N + 1) * sizeof(float));
  if (beta == 0.0f)
    for (size_t i = 0; i < M * N + 1; i++) Cv[i] = NAN;
  /* odd offsets: views starting one float / one byte in */
  use("scalar");
  if (u8) catnet_gemm_u8(tB, M, N, K, 0.37f, A + 1, Bu + 1, beta, Cs + 1);
  else catnet_gemm(tA, tB, M, N, K, 0.37f, A + 1, Bf + 1, beta, Cs + 1);
  catnet_gemm(tA, tB, M, N, K, 0.37f, absA + 1, absB + 1, 0.0f, mag + 1);
  for (size_t i = 1; i < M * N + 1; i++) mag[i] += fabsf(beta * C0[i]);
  use(isa_name);
  if (u8) catnet_gemm_u8(tB, M, N, K, 0.37f, A + 1, Bu + 1, beta, Cv + 1);
  else catnet_gemm(tA, tB, M, N, K, 0.37f, A + 1, Bf + 1, beta, Cv + 1);
  char what[96];
  snprintf(what, sizeof what, "gemm%s(tA=%d, tB=%d, %zu, %zu, %zu, beta=%g)", u8 ? "U8" : "", tA, tB, M, N, K, beta);
  compare(what, Cv + 1, Cs + 1, M * N, 2e-5, 1e-6, mag + 1);
  free(A), free(Bf), free(C0), free(Bu), free(Cs), free(Cv), free(mag), free(absA), free(absB);
}

/* The convolution kernels (conv.c: conv_nn, conv_nt) on one shape, ISA against scalar. */
static void check_conv(size_t m, size_t c_in, size_t h, size_t w, size_t c_out, size_t k) {
  const catnet_conv_shape s = {.m = m, .c_in = c_in, .h = h, .w = w, .c_out = c_out, .k = k};
  const size_t in = m * c_in * h * w, out = m * c_out * h * w, wn = c_out * c_in * k * k;
  float *X = floats(in, -1, 1), *W = floats(wn, -1, 1), *b = floats(c_out, -1, 1), *dZ = floats(out, -1, 1);
  float *absX = malloc(in * sizeof(float)), *absW = malloc(wn * sizeof(float)), *absdZ = malloc(out * sizeof(float));
  for (size_t i = 0; i < in; i++) absX[i] = fabsf(X[i]);
  for (size_t i = 0; i < wn; i++) absW[i] = fabsf(W[i]);
  for (size_t i = 0; i < out; i++) absdZ[i] = fabsf(dZ[i]);
  float *r[2][4], *mag[4];
  const size_t len[4] = {out, in, wn, c_out};
  for (int q = 0; q < 4; q++) {
    mag[q] = malloc(len[q] * sizeof(float));
    for (int v = 0; v < 2; v++) r[v][q] = malloc(len[q] * sizeof(float));
  }
  for (int v = 0; v < 2; v++) {
    use(v ? isa_name : "scalar");
    catnet_conv2d_forward(CATNET_RELU, r[v][0], r[v][0], X, NULL, 1.0f, W, b, &s);
    catnet_conv2d_backward_data(r[v][1], dZ, W, &s);
    catnet_conv2d_backward_weights(r[v][2], r[v][3], dZ, X, NULL, 1.0f, 1.0f / m, &s);
  }
  use("scalar");
  catnet_conv2d_forward(CATNET_IDENTITY, mag[0], mag[0], absX, NULL, 1.0f, absW, b, &s);
  catnet_conv2d_backward_data(mag[1], absdZ, absW, &s);
  catnet_conv2d_backward_weights(mag[2], mag[3], absdZ, absX, NULL, 1.0f, 1.0f / m, &s);
  for (size_t i = 0; i < c_out; i++) mag[3][i] = 1.0f; /* db: the same double sums on every ISA */
  static const char *names[4] = {"conv2dForward", "conv2dBackwardData", "conv2dBackwardWeights dW",
                                 "conv2dBackwardWeights db"};
  use(isa_name);
  for (int q = 0; q < 4; q++) compare(names[q], r[1][q], r[0][q], len[q], 4e-5, 1e-6, mag[q]);
  for (int q = 0; q < 4; q++) free(mag[q]), free(r[0][q]), free(r[1][q]);
  free(X), free(W), free(b), free(dZ), free(absX), free(absW), free(absdZ);
}

int main(void) {
  catnet_dispatch_init();
  isa_name = catnet_active_isa()->name;
  const size_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 19}, {20, 209, 45}, {7, 20, 209}, {4, 3, 0}, {21, 211, 97}, {5, 7, 4099}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int tA = 0; tA < 2; tA++)
      for (int tB = 0; tB < 2; tB++)
        for (int b = 0; b < 2; b++) {
          check_gemm(shapes[s][0], shapes[s][1], shapes[s][2], 0, tA, tB, b ? 0.7f : 0.0f);
          if (!tA) check_gemm(shapes[s][0], shapes[s][1], shapes[s][2], 1, 0, tB, b ? 0.7f : 0.0f);
        }

  check_conv(3, 5, 13, 11, 17, 3);
  check_conv(2, 3, 7, 9, 7, 5);
  check_conv(2, 16, 16, 16, 32, 3);

  const size_t n = 7, m = 211, size = n * m;
  float *Z0 = floats(size, -12, 12), *b = floats(n, -1, 1), *dA = floats(size, -1, 1);
  float *Zs = malloc(size * sizeof(float)), *As = malloc(size * sizeof(float));
  float *Zv = malloc(size * sizeof(float)), *Av = malloc(size * sizeof(float));
  float *dZs = malloc(size * sizeof(float)), *dZv = malloc(size * sizeof(float));
  for (int kind = CATNET_IDENTITY; kind <= CATNET_LEAKY_RELU; kind++) {
    memcpy(Zs, Z0, size * sizeof(float));
    memcpy(Zv, Z0, size * sizeof(float));
    use("scalar");
    catnet_bias_activation(kind, Zs, As, b, n, m);
    use(isa_name);
    catnet_bias_activation(kind, Zv, Av, b, n, m);
    compare("biasActivation Z", Zv, Zs, size, 0, 0, NULL);
    compare("biasActivation A", Av, As, size, 6e-7, 1e-12, NULL);
    if (kind == CATNET_IDENTITY) continue;
    use("scalar");
    catnet_activation_backward(kind, dZs, dA, Zs, As, size);
    use(isa_name);
    catnet_activation_backward(kind, dZv, dA, Zs, As, size);
    compare("activationBackward", dZv, dZs, size, 1e-6, 1e-7, NULL);
  }
  float outs[7], outv[7];
  use("scalar");
  catnet_row_sum(outs, Z0, n, m, 1.0f / m);
  use(isa_name);
  catnet_row_sum(outv, Z0, n, m, 1.0f / m);
  compare("rowSum", outv, outs, n, 1e-6, 1e-6, NULL);

  float *p0 = floats(size, -1, 1), *v0 = floats(size, -1, 1), *s0 = floats(size, 0, 1);
  float *ps = malloc(size * sizeof(float)), *pv = malloc(size * sizeof(float));
  float *vs = malloc(size * sizeof(float)), *vv = malloc(size * sizeof(float));
  float *ss = malloc(size * sizeof(float)), *sv = malloc(size * sizeof(float));
#define RESET()                                 \
  memcpy(ps, p0, size * sizeof(float));         \
  memcpy(pv, p0, size * sizeof(float));         \
  memcpy(vs, v0, size * sizeof(float));         \
  memcpy(vv, v0, size * sizeof(float));         \
  memcpy(ss, s0, size * sizeof(float));         \
  memcpy(sv, s0, size * sizeof(float));
  RESET();
  use("scalar");
  catnet_axpy(ps, dA, 0.03f, size);
  use(isa_name);
  catnet_axpy(pv, dA, 0.03f, size);
  compare("axpy", pv, ps, size, 1e-6, 1e-7, NULL);
  for (int beta = 0; beta < 2; beta++) {
    RESET();
    use("scalar");
    catnet_momentum_step(ps, dA, vs, 0.1f, beta ? 0.9f : 0.0f, size);
    use(isa_name);
    catnet_momentum_step(pv, dA, vv, 0.1f, beta ? 0.9f : 0.0f, size);
    compare("momentumStep p", pv, ps, size, 1e-6, 1e-7, NULL);
    compare("momentumStep v", vv, vs, size, 1e-6, 1e-7, NULL);
  }
  RESET();
  use("scalar");
  catnet_adam_step(ps, dA, vs, ss, 0.01f, 0.9f, 0.999f, 0.271f, 0.003f, 1e-8f, size);
  use(isa_name);
  catnet_adam_step(pv, dA, vv, sv, 0.01f, 0.9f, 0.999f, 0.271f, 0.003f, 1e-8f, size);
  compare("adamStep p", pv, ps, size, 1e-6, 1e-6, NULL);
  compare("adamStep s", sv, ss, size, 1e-6, 1e-7, NULL);
  printf("ok %s %ld\n", isa_name, checks);
  return 0;
}
