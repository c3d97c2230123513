/* Node-API glue: converts JS arguments, checks them again (types, integer sizes, array lengths:
 * a wrong call must throw, never read or write out of bounds), and calls ops.c. Context-aware
 * (NAPI_MODULE_INIT), so it loads in every worker_thread; all state (ISA choice, thread pool) is
 * process-global. src-core/kernels/native.ts is the only caller. */
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernels.h"

#define MAX_ARGS 16

/* Throws a RangeError/TypeError naming the method and the argument; returns 0 so callers can `return`. */
static int fail(napi_env env, int type_error, const char *method, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "catnet native %s: %s", method, what);
  if (type_error) napi_throw_type_error(env, NULL, msg);
  else napi_throw_range_error(env, NULL, msg);
  return 0;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *method) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return fail(env, 1, method, "bad call");
  if (argc < want) {
    char what[64];
    snprintf(what, sizeof what, "expected %zu arguments, got %zu", want, argc);
    return fail(env, 1, method, what);
  }
  return 1;
}

/* TypeError "catnet native <method>: <name> must be <must>"; returns 0. */
static int fail_arg(napi_env env, const char *method, const char *name, const char *must) {
  char what[96];
  snprintf(what, sizeof what, "%s must be %s", name, must);
  return fail(env, 1, method, what);
}

static int get_size(napi_env env, napi_value v, const char *method, const char *name, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740991.0 || d != floor(d))
    return fail_arg(env, method, name, "a non-negative integer");
  *out = (size_t)d;
  return 1;
}

static int get_float(napi_env env, napi_value v, const char *method, const char *name, float *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return fail_arg(env, method, name, "a number");
  *out = (float)d;
  return 1;
}

static int get_bool(napi_env env, napi_value v, const char *method, const char *name, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) return fail_arg(env, method, name, "a boolean");
  *out = b;
  return 1;
}

/* A typed array of the given element type holding at least `need` elements. */
static int get_array(napi_env env, napi_value v, napi_typedarray_type want, const char *method, const char *name,
                     size_t need, void **out) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok ||
      !(type == want || (want == napi_uint8_array && type == napi_uint8_clamped_array)))
    return fail_arg(env, method, name, want == napi_float32_array ? "a Float32Array" : "a Uint8Array");
  if (length < need) {
    char what[160];
    snprintf(what, sizeof what, "%s has %zu values but the sizes given need %zu", name, length, need);
    return fail(env, 0, method, what);
  }
  *out = data;
  return 1;
}

static int is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

/* a * b, failing on overflow (sizes come from JS numbers up to 2^53). */
static int mul(napi_env env, const char *method, size_t a, size_t b, size_t *out) {
  if (b != 0 && a > SIZE_MAX / b) return fail(env, 0, method, "sizes too large");
  *out = a * b;
  return 1;
}

static napi_value js_gemm(napi_env env, napi_callback_info info) {
  const char *me = "gemm";
  napi_value v[MAX_ARGS];
  int tA, tB;
  size_t M, N, K, MK, KN, MN;
  float alpha, beta;
  void *A, *B, *C;
  if (!get_args(env, info, 10, v, me) || !get_bool(env, v[0], me, "transA", &tA) ||
      !get_bool(env, v[1], me, "transB", &tB) || !get_size(env, v[2], me, "M", &M) ||
      !get_size(env, v[3], me, "N", &N) || !get_size(env, v[4], me, "K", &K) ||
      !get_float(env, v[5], me, "alpha", &alpha) || !get_float(env, v[8], me, "beta", &beta) ||
      !mul(env, me, M, K, &MK) || !mul(env, me, K, N, &KN) || !mul(env, me, M, N, &MN) ||
      !get_array(env, v[6], napi_float32_array, me, "A", MK, &A) ||
      !get_array(env, v[7], napi_float32_array, me, "B", KN, &B) ||
      !get_array(env, v[9], napi_float32_array, me, "C", MN, &C))
    return NULL;
  catnet_gemm(tA, tB, M, N, K, alpha, A, B, beta, C);
  return NULL;
}

static napi_value js_gemm_u8(napi_env env, napi_callback_info info) {
  const char *me = "gemmU8";
  napi_value v[MAX_ARGS];
  int tB;
  size_t M, N, K, MK, KN, MN;
  float alpha, beta;
  void *A, *B, *C;
  if (!get_args(env, info, 9, v, me) || !get_bool(env, v[0], me, "transB", &tB) ||
      !get_size(env, v[1], me, "M", &M) || !get_size(env, v[2], me, "N", &N) || !get_size(env, v[3], me, "K", &K) ||
      !get_float(env, v[4], me, "alpha", &alpha) || !get_float(env, v[7], me, "beta", &beta) ||
      !mul(env, me, M, K, &MK) || !mul(env, me, K, N, &KN) || !mul(env, me, M, N, &MN) ||
      !get_array(env, v[5], napi_float32_array, me, "A", MK, &A) ||
      !get_array(env, v[6], napi_uint8_array, me, "B", KN, &B) ||
      !get_array(env, v[8], napi_float32_array, me, "C", MN, &C))
    return NULL;
  catnet_gemm_u8(tB, M, N, K, alpha, A, B, beta, C);
  return NULL;
}

static int get_kind(napi_env env, napi_value v, const char *method, int min, int *out) {
  size_t k;
  if (!get_size(env, v, method, "kind", &k)) return 0;
  if (k < (size_t)min || k > CATNET_LEAKY_RELU) return fail(env, 0, method, "unknown activation kind");
  *out = (int)k;
  return 1;
}

static napi_value js_bias_activation(napi_env env, napi_callback_info info) {
  const char *me = "biasActivation";
  napi_value v[MAX_ARGS];
  int kind;
  size_t n, m, nm;
  void *Z, *A, *b;
  if (!get_args(env, info, 6, v, me) || !get_kind(env, v[0], me, CATNET_IDENTITY, &kind) ||
      !get_size(env, v[4], me, "n", &n) || !get_size(env, v[5], me, "m", &m) || !mul(env, me, n, m, &nm) ||
      !get_array(env, v[1], napi_float32_array, me, "Z", nm, &Z) ||
      !get_array(env, v[2], napi_float32_array, me, "A", nm, &A) ||
      !get_array(env, v[3], napi_float32_array, me, "b", n, &b))
    return NULL;
  catnet_bias_activation(kind, Z, A, b, n, m);
  return NULL;
}

static napi_value js_activation_backward(napi_env env, napi_callback_info info) {
  const char *me = "activationBackward";
  napi_value v[MAX_ARGS];
  int kind;
  size_t size;
  void *dZ, *dA, *Z, *A;
  if (!get_args(env, info, 6, v, me) || !get_kind(env, v[0], me, CATNET_SIGMOID, &kind) ||
      !get_size(env, v[5], me, "size", &size) || !get_array(env, v[1], napi_float32_array, me, "dZ", size, &dZ) ||
      !get_array(env, v[2], napi_float32_array, me, "dA", size, &dA) ||
      !get_array(env, v[3], napi_float32_array, me, "Z", size, &Z) ||
      !get_array(env, v[4], napi_float32_array, me, "A", size, &A))
    return NULL;
  catnet_activation_backward(kind, dZ, dA, Z, A, size);
  return NULL;
}

static napi_value js_row_sum(napi_env env, napi_callback_info info) {
  const char *me = "rowSum";
  napi_value v[MAX_ARGS];
  size_t n, m, nm;
  float scale;
  void *out, *X;
  if (!get_args(env, info, 5, v, me) || !get_size(env, v[2], me, "n", &n) || !get_size(env, v[3], me, "m", &m) ||
      !get_float(env, v[4], me, "scale", &scale) || !mul(env, me, n, m, &nm) ||
      !get_array(env, v[0], napi_float32_array, me, "out", n, &out) ||
      !get_array(env, v[1], napi_float32_array, me, "X", nm, &X))
    return NULL;
  catnet_row_sum(out, X, n, m, scale);
  return NULL;
}

static napi_value js_sigmoid_cross_entropy(napi_env env, napi_callback_info info) {
  const char *me = "sigmoidCrossEntropy";
  napi_value v[MAX_ARGS];
  size_t m;
  void *Z, *Y, *A = NULL, *dZ = NULL;
  if (!get_args(env, info, 5, v, me) || !get_size(env, v[2], me, "m", &m) ||
      !get_array(env, v[0], napi_float32_array, me, "Z", m, &Z) ||
      !get_array(env, v[1], napi_float32_array, me, "Y", m, &Y) ||
      (!is_null(env, v[3]) && !get_array(env, v[3], napi_float32_array, me, "A", m, &A)) ||
      (!is_null(env, v[4]) && !get_array(env, v[4], napi_float32_array, me, "dZ", m, &dZ)))
    return NULL;
  napi_value result;
  napi_create_double(env, catnet_sigmoid_cross_entropy(Z, Y, m, A, dZ), &result);
  return result;
}

static napi_value js_axpy(napi_env env, napi_callback_info info) {
  const char *me = "axpy";
  napi_value v[MAX_ARGS];
  size_t size;
  float alpha;
  void *y, *x;
  if (!get_args(env, info, 4, v, me) || !get_float(env, v[2], me, "alpha", &alpha) ||
      !get_size(env, v[3], me, "size", &size) || !get_array(env, v[0], napi_float32_array, me, "y", size, &y) ||
      !get_array(env, v[1], napi_float32_array, me, "x", size, &x))
    return NULL;
  catnet_axpy(y, x, alpha, size);
  return NULL;
}

static napi_value js_momentum_step(napi_env env, napi_callback_info info) {
  const char *me = "momentumStep";
  napi_value v[MAX_ARGS];
  size_t size;
  float lr, beta;
  void *p, *g, *vel = NULL;
  if (!get_args(env, info, 6, v, me) || !get_float(env, v[3], me, "lr", &lr) ||
      !get_float(env, v[4], me, "beta", &beta) || !get_size(env, v[5], me, "size", &size) ||
      !get_array(env, v[0], napi_float32_array, me, "p", size, &p) ||
      !get_array(env, v[1], napi_float32_array, me, "g", size, &g) ||
      (beta != 0.0f && !get_array(env, v[2], napi_float32_array, me, "v", size, &vel)))
    return NULL;
  catnet_momentum_step(p, g, vel, lr, beta, size);
  return NULL;
}

static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  const char *me = "adamStep";
  napi_value v[MAX_ARGS];
  size_t size;
  float f[6];
  void *p, *g, *vel, *s;
  static const char *names[] = {"lr", "b1", "b2", "c1", "c2", "eps"};
  if (!get_args(env, info, 11, v, me)) return NULL;
  for (int i = 0; i < 6; i++)
    if (!get_float(env, v[4 + i], me, names[i], &f[i])) return NULL;
  if (!get_size(env, v[10], me, "size", &size) || !get_array(env, v[0], napi_float32_array, me, "p", size, &p) ||
      !get_array(env, v[1], napi_float32_array, me, "g", size, &g) ||
      !get_array(env, v[2], napi_float32_array, me, "v", size, &vel) ||
      !get_array(env, v[3], napi_float32_array, me, "s", size, &s))
    return NULL;
  catnet_adam_step(p, g, vel, s, f[0], f[1], f[2], f[3], f[4], f[5], size);
  return NULL;
}

/* Largest filter side the addon accepts (the padded image of one example grows with k). */
#define MAX_CONV_K 255

/* The 6 numbers m, c_in, h, w, c_out, k at v[0..5]; *in_size, *out_size, *w_size = the element
 * counts of (m, c_in, h, w), (m, c_out, h, w) and (c_out, c_in, k, k), checked for overflow. */
static int get_shape(napi_env env, napi_value *v, const char *me, catnet_conv_shape *s, size_t *in_size,
                     size_t *out_size, size_t *w_size) {
  static const char *names[] = {"m", "c_in", "h", "w", "c_out", "k"};
  size_t d[6], hw, t;
  for (int i = 0; i < 6; i++)
    if (!get_size(env, v[i], me, names[i], &d[i])) return 0;
  *s = (catnet_conv_shape){.m = d[0], .c_in = d[1], .h = d[2], .w = d[3], .c_out = d[4], .k = d[5]};
  if (s->k % 2 == 0 || s->k > MAX_CONV_K) return fail(env, 0, me, "k must be odd, 1..255");
  /* The padded grids: (h + k) (w + k) values per channel, for up to max(c_in, c_out) channels. */
  if (!mul(env, me, s->h, s->w, &hw) || !mul(env, me, hw, s->m, &t) || !mul(env, me, t, s->c_in, in_size) ||
      !mul(env, me, t, s->c_out, out_size) || !mul(env, me, s->c_out, s->c_in, &t) ||
      !mul(env, me, t, s->k * s->k, w_size) || !mul(env, me, s->h + s->k, s->w + s->k, &t) ||
      !mul(env, me, t, s->c_in + s->c_out + 1, &t) || !mul(env, me, t, 2 * sizeof(float), &t))
    return 0;
  return 1;
}

static napi_value out_of_memory(napi_env env, const char *me) {
  fail(env, 0, me, "out of memory for the convolution's scratch buffers; use a smaller batch");
  return NULL;
}

static napi_value js_conv2d_forward(napi_env env, napi_callback_info info) {
  const char *me = "conv2dForward";
  napi_value v[MAX_ARGS];
  int kind;
  catnet_conv_shape s;
  size_t in, out, wn;
  void *Z, *A, *Aprev, *W, *b;
  if (!get_args(env, info, 12, v, me) || !get_kind(env, v[0], me, CATNET_IDENTITY, &kind) ||
      !get_shape(env, v + 6, me, &s, &in, &out, &wn) || !get_array(env, v[1], napi_float32_array, me, "Z", out, &Z) ||
      !get_array(env, v[2], napi_float32_array, me, "A", out, &A) ||
      !get_array(env, v[3], napi_float32_array, me, "Aprev", in, &Aprev) ||
      !get_array(env, v[4], napi_float32_array, me, "W", wn, &W) ||
      !get_array(env, v[5], napi_float32_array, me, "b", s.c_out, &b))
    return NULL;
  if (!catnet_conv2d_forward(kind, Z, A, Aprev, NULL, 1.0f, W, b, &s)) return out_of_memory(env, me);
  return NULL;
}

static napi_value js_conv2d_forward_u8(napi_env env, napi_callback_info info) {
  const char *me = "conv2dForwardU8";
  napi_value v[MAX_ARGS];
  int kind;
  catnet_conv_shape s;
  size_t in, out, wn;
  float x_scale;
  void *Z, *A, *X, *W, *b;
  if (!get_args(env, info, 13, v, me) || !get_kind(env, v[0], me, CATNET_IDENTITY, &kind) ||
      !get_float(env, v[4], me, "xScale", &x_scale) || !get_shape(env, v + 7, me, &s, &in, &out, &wn) ||
      !get_array(env, v[1], napi_float32_array, me, "Z", out, &Z) ||
      !get_array(env, v[2], napi_float32_array, me, "A", out, &A) ||
      !get_array(env, v[3], napi_uint8_array, me, "X", in, &X) ||
      !get_array(env, v[5], napi_float32_array, me, "W", wn, &W) ||
      !get_array(env, v[6], napi_float32_array, me, "b", s.c_out, &b))
    return NULL;
  if (!catnet_conv2d_forward(kind, Z, A, NULL, X, x_scale, W, b, &s)) return out_of_memory(env, me);
  return NULL;
}

static napi_value js_conv2d_backward_data(napi_env env, napi_callback_info info) {
  const char *me = "conv2dBackwardData";
  napi_value v[MAX_ARGS];
  catnet_conv_shape s;
  size_t in, out, wn;
  void *dAprev, *dZ, *W;
  if (!get_args(env, info, 9, v, me) || !get_shape(env, v + 3, me, &s, &in, &out, &wn) ||
      !get_array(env, v[0], napi_float32_array, me, "dAprev", in, &dAprev) ||
      !get_array(env, v[1], napi_float32_array, me, "dZ", out, &dZ) ||
      !get_array(env, v[2], napi_float32_array, me, "W", wn, &W))
    return NULL;
  if (!catnet_conv2d_backward_data(dAprev, dZ, W, &s)) return out_of_memory(env, me);
  return NULL;
}

static napi_value js_conv2d_backward_weights(napi_env env, napi_callback_info info) {
  const char *me = "conv2dBackwardWeights";
  napi_value v[MAX_ARGS];
  catnet_conv_shape s;
  size_t in, out, wn;
  float scale;
  void *dW, *db, *dZ, *Aprev;
  if (!get_args(env, info, 11, v, me) || !get_float(env, v[4], me, "scale", &scale) ||
      !get_shape(env, v + 5, me, &s, &in, &out, &wn) || !get_array(env, v[0], napi_float32_array, me, "dW", wn, &dW) ||
      !get_array(env, v[1], napi_float32_array, me, "db", s.c_out, &db) ||
      !get_array(env, v[2], napi_float32_array, me, "dZ", out, &dZ) ||
      !get_array(env, v[3], napi_float32_array, me, "Aprev", in, &Aprev))
    return NULL;
  if (!catnet_conv2d_backward_weights(dW, db, dZ, Aprev, NULL, 1.0f, scale, &s)) return out_of_memory(env, me);
  return NULL;
}

static napi_value js_conv2d_backward_weights_u8(napi_env env, napi_callback_info info) {
  const char *me = "conv2dBackwardWeightsU8";
  napi_value v[MAX_ARGS];
  catnet_conv_shape s;
  size_t in, out, wn;
  float x_scale, scale;
  void *dW, *db, *dZ, *X;
  if (!get_args(env, info, 12, v, me) || !get_float(env, v[4], me, "xScale", &x_scale) ||
      !get_float(env, v[5], me, "scale", &scale) || !get_shape(env, v + 6, me, &s, &in, &out, &wn) ||
      !get_array(env, v[0], napi_float32_array, me, "dW", wn, &dW) ||
      !get_array(env, v[1], napi_float32_array, me, "db", s.c_out, &db) ||
      !get_array(env, v[2], napi_float32_array, me, "dZ", out, &dZ) ||
      !get_array(env, v[3], napi_uint8_array, me, "X", in, &X))
    return NULL;
  if (!catnet_conv2d_backward_weights(dW, db, dZ, NULL, X, x_scale, scale, &s)) return out_of_memory(env, me);
  return NULL;
}

/* planes, h, w at v[0..2]; *in_size = planes h w, *out_size = planes floor(h/2) floor(w/2). */
static int get_pool_shape(napi_env env, napi_value *v, const char *me, size_t *planes, size_t *h, size_t *w,
                          size_t *in_size, size_t *out_size) {
  size_t t;
  if (!get_size(env, v[0], me, "planes", planes) || !get_size(env, v[1], me, "h", h) ||
      !get_size(env, v[2], me, "w", w) || !mul(env, me, *planes, *h, &t) || !mul(env, me, t, *w, in_size))
    return 0;
  *out_size = *planes * (*h / 2) * (*w / 2);
  return 1;
}

static napi_value js_max_pool2_forward(napi_env env, napi_callback_info info) {
  const char *me = "maxPool2Forward";
  napi_value v[MAX_ARGS];
  size_t planes, h, w, in, out;
  void *A, *Aprev;
  if (!get_args(env, info, 5, v, me) || !get_pool_shape(env, v + 2, me, &planes, &h, &w, &in, &out) ||
      !get_array(env, v[0], napi_float32_array, me, "A", out, &A) ||
      !get_array(env, v[1], napi_float32_array, me, "Aprev", in, &Aprev))
    return NULL;
  catnet_max_pool2_forward(A, Aprev, planes, h, w);
  return NULL;
}

static napi_value js_max_pool2_backward(napi_env env, napi_callback_info info) {
  const char *me = "maxPool2Backward";
  napi_value v[MAX_ARGS];
  size_t planes, h, w, in, out;
  void *dAprev, *dA, *Aprev, *A;
  if (!get_args(env, info, 7, v, me) || !get_pool_shape(env, v + 4, me, &planes, &h, &w, &in, &out) ||
      !get_array(env, v[0], napi_float32_array, me, "dAprev", in, &dAprev) ||
      !get_array(env, v[1], napi_float32_array, me, "dA", out, &dA) ||
      !get_array(env, v[2], napi_float32_array, me, "Aprev", in, &Aprev) ||
      !get_array(env, v[3], napi_float32_array, me, "A", out, &A))
    return NULL;
  catnet_max_pool2_backward(dAprev, dA, Aprev, A, planes, h, w);
  return NULL;
}

static void set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value s;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, key, s);
}

/* { isa, threads, supported: "avx512,avx2,scalar", reason: "" } */
static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, threads;
  napi_create_object(env, &obj);
  set_string(env, obj, "isa", catnet_active_isa()->name);
  napi_create_uint32(env, (uint32_t)catnet_threads(), &threads);
  napi_set_named_property(env, obj, "threads", threads);
  set_string(env, obj, "supported", catnet_isa_supported());
  set_string(env, obj, "reason", catnet_isa_reason());
  return obj;
}

/* Test and benchmark hook: setIsa(name) -> true when that ISA can run here (process-wide). */
static napi_value js_set_isa(napi_env env, napi_callback_info info) {
  napi_value v[MAX_ARGS], result;
  char name[16];
  size_t len;
  if (!get_args(env, info, 1, v, "setIsa")) return NULL;
  if (napi_get_value_string_utf8(env, v[0], name, sizeof name, &len) != napi_ok) {
    fail(env, 1, "setIsa", "name must be a string");
    return NULL;
  }
  napi_get_boolean(env, catnet_set_isa(name) != 0, &result);
  return result;
}

/* Test and benchmark hook: setThreads(n), 1..64 (process-wide). */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value v[MAX_ARGS];
  size_t n;
  if (!get_args(env, info, 1, v, "setThreads") || !get_size(env, v[0], "setThreads", "n", &n)) return NULL;
  catnet_set_threads(n);
  return NULL;
}

static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

NAPI_MODULE_INIT() {
  pthread_once(&dispatch_once, catnet_dispatch_init);
  const napi_property_descriptor methods[] = {
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemmU8", NULL, js_gemm_u8, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, js_bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"activationBackward", NULL, js_activation_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rowSum", NULL, js_row_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sigmoidCrossEntropy", NULL, js_sigmoid_cross_entropy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"axpy", NULL, js_axpy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"momentumStep", NULL, js_momentum_step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adamStep", NULL, js_adam_step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dForward", NULL, js_conv2d_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dForwardU8", NULL, js_conv2d_forward_u8, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackwardData", NULL, js_conv2d_backward_data, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackwardWeights", NULL, js_conv2d_backward_weights, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackwardWeightsU8", NULL, js_conv2d_backward_weights_u8, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool2Forward", NULL, js_max_pool2_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool2Backward", NULL, js_max_pool2_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, js_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setIsa", NULL, js_set_isa, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) != napi_ok) return NULL;
  { extern int catnet_memory_register(napi_env, napi_value); if (!catnet_memory_register(env, exports)) return NULL; } /* memory.c */
  return exports;
}
