/* A persistent, process-global thread pool: workers are created once (on first use, or when
 * set_threads asks for more) and then wait for jobs, spinning for WORKER_SPIN_NS after their last
 * chunk before sleeping on a condition variable. A job is a number of chunks that the caller and the
 * workers claim one at a time.
 * One job at a time: a call that finds the pool busy (another worker_thread is using it) runs all
 * its chunks itself, so calls from several JS threads never wait on each other.
 * CATNET_THREADS=N sets the number of threads (default: the CPUs this process may run on). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
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

/* Spin windows are measured in time, not PAUSE counts: PAUSE takes from ~3 to ~150 cycles depending on
 * the CPU (20 ns here on Zen 5, so the former 4000 rounds were only ~80 us).
 * WORKER_SPIN_NS: how long a worker spins after its last chunk before sleeping. It must cover the gaps
 * between the parallel calls of one training iteration (the hidden-layer ops, the update step and the
 * JS between iterations: ~60-150 us for the course net), else every call pays a futex wake-up
 * (~50-100 us on a VM). Bounded, so an idle pool costs no CPU 0.3 ms after the last call.
 * CALLER_SPIN_NS: how long the caller spins waiting for a worker's last chunk (a layer-1 chunk takes
 * ~40-80 us) before sleeping, which frees its core for a descheduled worker on a busy machine. */
#define WORKER_SPIN_NS 300000ull
#define CALLER_SPIN_NS 300000ull
/* PAUSEs between two reads of the clock while spinning. */
#define SPIN_CHECK_EVERY 32

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* The caller sleeps here (after a short spin) while a worker finishes the last chunk: a sleeping
 * caller frees its core, so on a busy machine the scheduler can move a descheduled worker onto it. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int caller_sleeping; /* guarded by done_lock */

static size_t n_threads = 1; /* threads used per job, the caller included */
static size_t n_workers = 0; /* workers created (never destroyed) */

/* The current job. Chunks are claimed dynamically (a descheduled worker on a busy machine then
 * costs at most one chunk): job_word = (serial << 32) | next unclaimed chunk, advanced by CAS, so
 * a chunk can only be claimed within its own job. fn, ctx and chunks are written before the job's
 * word is published and stay valid until `done` reaches `chunks`. */
static catnet_part_fn job_fn;
static void *job_ctx;
static size_t job_chunks;
static size_t job_threads; /* workers 1..job_threads-1 take part (set_threads can lower it) */
static _Atomic uint64_t job_word;
static atomic_size_t done;

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

/* Claims and runs chunks of job `serial` until none is left. */
static void run_chunks(uint64_t serial) {
  for (;;) {
    uint64_t w = atomic_load_explicit(&job_word, memory_order_acquire);
    size_t chunk;
    for (;;) {
      if ((w >> 32) != serial) return;
      chunk = (size_t)(w & 0xffffffffu);
      if (chunk >= job_chunks) return; /* a newer job's count is harmless: the CAS below fails */
      if (atomic_compare_exchange_weak_explicit(&job_word, &w, w + 1, memory_order_acq_rel, memory_order_acquire))
        break;
    }
    const size_t chunks = job_chunks;
    job_fn(job_ctx, chunk, chunks);
    if (atomic_fetch_add_explicit(&done, 1, memory_order_acq_rel) + 1 == chunks) {
      pthread_mutex_lock(&done_lock);
      if (caller_sleeping) pthread_cond_signal(&done_cv);
      pthread_mutex_unlock(&done_lock);
    }
  }
}

static void *worker_main(void *arg) {
  const size_t index = (size_t)arg; /* 1, 2, ...: the caller is thread 0 */
  uint64_t seen = 0;
  for (;;) {
    uint64_t s = atomic_load_explicit(&job_word, memory_order_acquire) >> 32;
    if (s == seen) {
      const uint64_t until = now_ns() + WORKER_SPIN_NS;
      for (unsigned spin = 1; s == seen; spin++) {
        CPU_RELAX();
        s = atomic_load_explicit(&job_word, memory_order_acquire) >> 32;
        if (spin % SPIN_CHECK_EVERY == 0 && now_ns() >= until) break;
      }
    }
    if (s == seen) {
      pthread_mutex_lock(&wake_lock);
      while ((s = atomic_load_explicit(&job_word, memory_order_acquire) >> 32) == seen)
        pthread_cond_wait(&wake, &wake_lock);
      pthread_mutex_unlock(&wake_lock);
    }
    seen = s;
    if (index < job_threads) run_chunks(seen);
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
  if (parts > 1 && parts <= 0xffffffffu && n_threads > 1 && pthread_mutex_trylock(&job_lock) == 0) {
    ensure_workers(n_threads - 1);
    if (n_workers > 0) {
      job_fn = fn;
      job_ctx = ctx;
      job_chunks = parts;
      job_threads = n_threads;
      atomic_store_explicit(&done, 0, memory_order_relaxed);
      const uint64_t serial = (atomic_load_explicit(&job_word, memory_order_relaxed) >> 32) + 1;
      pthread_mutex_lock(&wake_lock);
      atomic_store_explicit(&job_word, serial << 32, memory_order_release);
      pthread_cond_broadcast(&wake);
      pthread_mutex_unlock(&wake_lock);
      run_chunks(serial);
      if (atomic_load_explicit(&done, memory_order_acquire) != parts) {
        const uint64_t until = now_ns() + CALLER_SPIN_NS;
        for (unsigned spin = 1; atomic_load_explicit(&done, memory_order_acquire) != parts; spin++) {
          CPU_RELAX();
          if (spin % SPIN_CHECK_EVERY == 0 && now_ns() >= until) break;
        }
      }
      if (atomic_load_explicit(&done, memory_order_acquire) != parts) {
        pthread_mutex_lock(&done_lock);
        caller_sleeping = 1;
        while (atomic_load_explicit(&done, memory_order_acquire) != parts) pthread_cond_wait(&done_cv, &done_lock);
        caller_sleeping = 0;
        pthread_mutex_unlock(&done_lock);
      }
      pthread_mutex_unlock(&job_lock);
      return;
    }
    pthread_mutex_unlock(&job_lock);
  }
  /* One thread (small job, one thread configured, or the pool busy with another caller). */
  for (size_t p = 0; p < parts; p++) fn(ctx, p, parts);
}
