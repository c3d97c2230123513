/* 2x2 max-pooling, stride 2 (the definition: maxPool2Forward / maxPool2Backward in
 * src-core/kernels/reference-conv.ts). Plain C for every ISA: the work is one pass over memory, and
 * the compiler vectorises these loops well enough; planes are split over the thread pool in
 * contiguous ranges. An odd last row or column is dropped (forward) and gets 0 (backward). */
#include <string.h>

#include "kernels.h"

/* Below this many input values a pooling call runs on one thread. */
#define POOL_PARALLEL ((size_t)1 << 16)

typedef struct {
  float *out;
  const float *dA, *Aprev, *A;
  size_t planes, h, w;
} pool_job;

static size_t pool_parts(size_t planes, size_t h, size_t w) {
  const size_t parts = planes * h * w < POOL_PARALLEL ? 1 : catnet_threads() * 4;
  return parts < planes ? parts : planes;
}

/* max of a and b as the reference's Math.max for non-NaN values (b wins only when greater). */
static inline float max2(float a, float b) { return b > a ? b : a; }

static void forward_part(void *ctx, size_t part, size_t parts) {
  const pool_job *job = ctx;
  const size_t h = job->h, w = job->w, ho = h / 2, wo = w / 2;
  for (size_t q = job->planes * part / parts; q < job->planes * (part + 1) / parts; q++) {
    for (size_t y = 0; y < ho; y++) {
      const float *r0 = job->Aprev + (q * h + 2 * y) * w, *r1 = r0 + w;
      float *out = job->out + (q * ho + y) * wo;
      for (size_t x = 0; x < wo; x++)
        out[x] = max2(max2(r0[2 * x], r0[2 * x + 1]), max2(r1[2 * x], r1[2 * x + 1]));
    }
  }
}

void catnet_max_pool2_forward(float *A, const float *Aprev, size_t planes, size_t h, size_t w) {
  if (planes == 0 || h < 2 || w < 2) return;
  pool_job job = {.out = A, .Aprev = Aprev, .planes = planes, .h = h, .w = w};
  catnet_parallel_for(pool_parts(planes, h, w), forward_part, &job);
}

/* Each window's four positions written once: dA to the first (in the order (0,0), (0,1), (1,0),
 * (1,1)) whose value equals the window's max, 0 to the others. */
static void backward_part(void *ctx, size_t part, size_t parts) {
  const pool_job *job = ctx;
  const size_t h = job->h, w = job->w, ho = h / 2, wo = w / 2;
  for (size_t q = job->planes * part / parts; q < job->planes * (part + 1) / parts; q++) {
    float *plane = job->out + q * h * w;
    for (size_t y = 0; y < ho; y++) {
      const float *a0 = job->Aprev + (q * h + 2 * y) * w, *a1 = a0 + w;
      const float *max = job->A + (q * ho + y) * wo, *grad = job->dA + (q * ho + y) * wo;
      float *d0 = plane + 2 * y * w, *d1 = d0 + w;
      for (size_t x = 0; x < wo; x++) {
        /* branch-free: on random data a branch per window position mispredicts half the time */
        const float m = max[x], g = grad[x];
        const int e0 = a0[2 * x] == m, e1 = !e0 & (a0[2 * x + 1] == m);
        const int e2 = !(e0 | e1) & (a1[2 * x] == m), e3 = !(e0 | e1 | e2) & (a1[2 * x + 1] == m);
        d0[2 * x] = e0 ? g : 0.0f;
        d0[2 * x + 1] = e1 ? g : 0.0f;
        d1[2 * x] = e2 ? g : 0.0f;
        d1[2 * x + 1] = e3 ? g : 0.0f;
      }
      if (w & 1) d0[w - 1] = d1[w - 1] = 0.0f;
    }
    if (h & 1) memset(plane + (h - 1) * w, 0, w * sizeof(float));
  }
}

void catnet_max_pool2_backward(float *dAprev, const float *dA, const float *Aprev, const float *A, size_t planes,
                               size_t h, size_t w) {
  if (planes == 0 || h == 0 || w == 0) return;
  if (h < 2 || w < 2) {
    memset(dAprev, 0, planes * h * w * sizeof(float));
    return;
  }
  pool_job job = {.out = dAprev, .dA = dA, .Aprev = Aprev, .A = A, .planes = planes, .h = h, .w = w};
  catnet_parallel_for(pool_parts(planes, h, w), backward_part, &job);
}
