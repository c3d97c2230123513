/* The machine's float32 FMA peak, measured: each thread runs a register-only loop of independent
 * fused multiply-adds (no loads, no stores) for a fixed count. Uses the widest instruction set the CPU
 * runs (AVX-512F, else AVX2+FMA), chosen at run time. Built and run by bench/machine.ts with the system
 * C compiler (`cc -O2 -pthread`).
 *
 * Two figures, each the best of REPEATS runs of all THREADS threads at once:
 *   gflops      = the sum over threads of 2 x lanes x FMAs / that thread's CPU time: what the cores do
 *                 while the threads run, so other processes on the machine do not lower it (threads
 *                 that share a core through SMT, running together, each count at their shared rate);
 *   gflops_wall = all threads' FLOPs / wall time: lower whenever other work takes the cores.
 *
 * Usage: fma-peak THREADS [REPEATS]   prints {"isa":"avx512","threads":T,"gflops":G,"gflops_wall":W} */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 12 accumulators: enough independent chains to cover 4-cycle FMA latency on 2-3 FMA ports. */
#define CHAINS 12
#define STEPS 20000000L

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile float sink;

__attribute__((target("avx512f"))) static void run_avx512(long steps) {
  __m512 acc[CHAINS];
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-6f);
  for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
  for (long i = 0; i < steps; i++) {
#pragma GCC unroll 12
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  }
  float out[16], s = 0;
  for (int c = 0; c < CHAINS; c++) {
    _mm512_storeu_ps(out, acc[c]);
    s += out[0];
  }
  sink = s;
}

__attribute__((target("avx2,fma"))) static void run_avx2(long steps) {
  __m256 acc[CHAINS];
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-6f);
  for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
  for (long i = 0; i < steps; i++) {
#pragma GCC unroll 12
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  }
  float out[8], s = 0;
  for (int c = 0; c < CHAINS; c++) {
    _mm256_storeu_ps(out, acc[c]);
    s += out[0];
  }
  sink = s;
}

static int use_avx512;
static long steps_per_thread;

static double thread_cpu_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* arg: where this thread writes its CPU seconds for the loop. */
static void *worker(void *arg) {
  double t0 = thread_cpu_s();
  if (use_avx512) run_avx512(steps_per_thread);
  else run_avx2(steps_per_thread);
  *(double *)arg = thread_cpu_s() - t0;
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  int repeats = argc > 2 ? atoi(argv[2]) : 5;
  if (threads < 1 || threads > 256 || repeats < 1) {
    fprintf(stderr, "fma-peak: THREADS must be 1-256 and REPEATS >= 1, got %s %s\n", argc > 1 ? argv[1] : "",
            argc > 2 ? argv[2] : "");
    return 2;
  }
  __builtin_cpu_init();
  use_avx512 = __builtin_cpu_supports("avx512f");
  if (!use_avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    printf("{\"unavailable\":\"this CPU has neither AVX-512F nor AVX2 with FMA\"}\n");
    return 0;
  }
  const int lanes = use_avx512 ? 16 : 8;
  steps_per_thread = STEPS / (use_avx512 ? 2 : 1);
  const double flop_per_thread = 2.0 * lanes * CHAINS * (double)steps_per_thread;
  pthread_t *ids = calloc((size_t)threads, sizeof *ids);
  double *cpu = calloc((size_t)threads, sizeof *cpu);
  double best = 0, best_wall = 0;
  for (int r = 0; r < repeats; r++) {
    double t0 = now_s();
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, &cpu[t]);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    double wall = flop_per_thread * threads / (now_s() - t0) / 1e9, sum = 0;
    for (int t = 0; t < threads; t++) sum += flop_per_thread / cpu[t] / 1e9;
    if (sum > best) best = sum;
    if (wall > best_wall) best_wall = wall;
  }
  free(ids);
  free(cpu);
  printf("{\"isa\":\"%s\",\"threads\":%d,\"gflops\":%.1f,\"gflops_wall\":%.1f}\n", use_avx512 ? "avx512" : "avx2",
         threads, best, best_wall);
  return 0;
}
