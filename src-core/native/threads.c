/* A persistent, process-global thread pool: workers are created once (on first use, or when
 * set_threads asks for more) and then wait for jobs, spinning briefly before sleeping on a condition
 * variable. One job at a time: a call that finds the pool busy (another worker_thread is using it)
 * runs all its parts itself, so calls from several JS threads never wait on each other.
 * CATNET_THREADS=N sets the number of threads (default: the CPUs this process may run on). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ volatile("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

/* About 20-50 us of spinning before a worker sleeps: covers the gap between the kernel calls of
 * one training iteration without burning a core when idle. */
#define SPIN_ROUNDS 20000

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static size_t n_threads = 1; /* threads used per job, the caller included */
static size_t n_workers = 0; /* workers created (never destroyed) */

/* The current job: fn and ctx, then published by one store of `generation` = (serial << 8) | parts,
 * so a worker reads the part count and the job's identity in one load. fn and ctx stay valid until
 * every participant has decremented `pending`. */
static catnet_part_fn job_fn;
static void *job_ctx;
static _Atomic uint64_t generation;
static atomic_size_t pending;

static size_t cpu_count(void) {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return (size_t)n;
  }
#endif
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
}

static size_t clamp_threads(size_t n) { return n < 1 ? 1 : n > CATNET_MAX_THREADS ? CATNET_MAX_THREADS : n; }

static void init_once(void) {
  const char *env = getenv("CATNET_THREADS");
  const long forced = env ? strtol(env, NULL, 10) : 0;
  n_threads = clamp_threads(forced > 0 ? (size_t)forced : cpu_count());
}

static void *worker_main(void *arg) {
  const size_t part = (size_t)arg; /* worker w always takes part w (1-based; the caller takes 0) */
  uint64_t seen = 0;
  for (;;) {
    uint64_t g = atomic_load_explicit(&generation, memory_order_acquire);
    for (int spin = 0; g == seen && spin < SPIN_ROUNDS; spin++) {
      CPU_RELAX();
      g = atomic_load_explicit(&generation, memory_order_acquire);
    }
    if (g == seen) {
      pthread_mutex_lock(&wake_lock);
      while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &wake_lock);
      pthread_mutex_unlock(&wake_lock);
    }
    seen = g;
    const size_t parts = (size_t)(g & 0xff);
    if (part < parts) {
      job_fn(job_ctx, part, parts);
      atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel);
    }
  }
  return NULL;
}

/* Called with job_lock held. */
static void ensure_workers(size_t wanted) {
  while (n_workers < wanted) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&t, &attr, worker_main, (void *)(n_workers + 1));
    pthread_attr_destroy(&attr);
    if (failed) break;
    n_workers++;
  }
}

size_t catnet_threads(void) {
  pthread_once(&once, init_once);
  return n_threads;
}

void catnet_set_threads(size_t n) {
  pthread_once(&once, init_once);
  pthread_mutex_lock(&job_lock);
  n_threads = clamp_threads(n);
  pthread_mutex_unlock(&job_lock);
}

void catnet_parallel_for(size_t parts, catnet_part_fn fn, void *ctx) {
  pthread_once(&once, init_once);
  if (parts > 1 && pthread_mutex_trylock(&job_lock) == 0) {
    if (parts > n_threads) parts = n_threads;
    ensure_workers(parts - 1);
    if (parts > n_workers + 1) parts = n_workers + 1;
    if (parts > 1) {
      job_fn = fn;
      job_ctx = ctx;
      atomic_store_explicit(&pending, parts - 1, memory_order_relaxed);
      pthread_mutex_lock(&wake_lock);
      const uint64_t serial = (atomic_load_explicit(&generation, memory_order_relaxed) >> 8) + 1;
      atomic_store_explicit(&generation, (serial << 8) | parts, memory_order_release);
      pthread_cond_broadcast(&wake);
      pthread_mutex_unlock(&wake_lock);
      fn(ctx, 0, parts);
      for (unsigned spin = 0; atomic_load_explicit(&pending, memory_order_acquire) != 0; spin++) {
        if (spin < SPIN_ROUNDS) CPU_RELAX();
        else sched_yield();
      }
      pthread_mutex_unlock(&job_lock);
      return;
    }
    pthread_mutex_unlock(&job_lock);
  }
  /* One thread (small job, one thread configured, or the pool busy with another caller). */
  for (size_t p = 0; p < parts; p++) fn(ctx, p, parts);
}
