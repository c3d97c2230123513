/* A persistent, process-global thread pool: workers are created once (on first use, or when
 * set_threads asks for more) and then wait for jobs, spinning for WORKER_SPIN_NS after their last
 * chunk before sleeping on a condition variable. A job is a number of chunks (parts).
 * Core-affine chunks: thread t (the caller is 0, workers 1, 2, ...) owns the contiguous parts
 * [parts t / T, parts (t + 1) / T) and runs those first, then takes unclaimed parts of the other
 * threads (so a descheduled worker on a busy machine holds up nobody). A call split the same way
 * therefore gives the same data to the same thread every time: the rows of W1 a thread updates are
 * the rows it reads in the next forward pass and the rows of dW1 it writes (ops.c), which stay in
 * that core's cache instead of crossing to the other core (measured: the update step took 2x the
 * 1-thread time when parts were claimed first come, first served).
 * One job at a time: a call that finds the pool busy (another worker_thread is using it) runs all
 * its chunks itself, so calls from several JS threads never wait on each other.
 * CATNET_THREADS=N sets the number of threads (default: the CPUs this process may run on). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__) && !defined(_MSC_VER)
#define CPU_RELAX() __asm__ volatile("yield")
#elif defined(_M_ARM64)
#define CPU_RELAX() __yield()
#else
#define CPU_RELAX() ((void)0)
#endif

/* Spin windows are measured in time, not PAUSE counts: PAUSE takes from ~3 to ~150 cycles depending on
 * the CPU, so a fixed count of rounds spins for very different times (figures in bench/README.md).
 * WORKER_SPIN_NS: how long a worker spins after its last chunk before sleeping. It must cover the gaps
 * between the parallel calls of one training iteration (the hidden-layer ops, the update step and the
 * JS between iterations: ~60-150 us for the course net), else every call pays a futex wake-up
 * (~50-100 us on a VM). Bounded, so an idle pool costs no CPU 0.3 ms after the last call.
 * A worker that found all of a job's parts taken when it got there (it was not running: another
 * process has its core, or it shares the caller's core) sleeps at once instead (LATE_WORKER_SPIN_NS):
 * spinning would only take CPU time from the caller, which then runs slower than with one thread.
 * It spins again after a job where it ran parts.
 * CALLER_SPIN_NS: how long the caller spins waiting for a worker's last chunk (a layer-1 chunk takes
 * ~40-80 us) before sleeping, which frees its core for a descheduled worker on a busy machine.
 * Every YIELD_EVERY_NS of spinning, a spinning thread calls sched_yield(): free when nothing else wants
 * the core, and when the caller and a worker share one core it hands the core to the other. */
#define WORKER_SPIN_NS 300000ull
#define LATE_WORKER_SPIN_NS 0ull
#define CALLER_SPIN_NS 300000ull
#define YIELD_EVERY_NS 20000ull
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

/* The current job. Thread t's parts are claimed through slot t, one word advanced by CAS:
 * (serial << 32) | (next unclaimed part << 16) | end of its range, so a part can only be claimed
 * within its own job and its range travels with it (a worker waking late never reads a newer job's
 * bounds). fn and ctx are written before the slots are published and stay valid until `done`
 * reaches `chunks`: a successful claim means the job is not over. Workers wait for job_serial. */
#define MAX_POOL_PARTS 0xffffu
typedef struct {
  _Alignas(64) _Atomic uint64_t word; /* one cache line per slot: no false sharing between claims */
} claim_slot;
static claim_slot slots[CATNET_MAX_THREADS];
static catnet_part_fn job_fn;
static void *job_ctx;
static size_t job_chunks;
static _Atomic size_t job_threads; /* workers 1..job_threads-1 take part (set_threads can lower it) */
static _Atomic uint64_t job_serial;
static atomic_size_t done;

static size_t cpu_count(void) {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return (size_t)n;
  }
#endif
#ifdef _WIN32
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  return info.dwNumberOfProcessors > 0 ? (size_t)info.dwNumberOfProcessors : 1;
#else
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
#endif
}

static size_t clamp_threads(size_t n) { return n < 1 ? 1 : n > CATNET_MAX_THREADS ? CATNET_MAX_THREADS : n; }

static void init_once(void) {
  const char *env = getenv("CATNET_THREADS");
  const long forced = env ? strtol(env, NULL, 10) : 0;
  n_threads = clamp_threads(forced > 0 ? (size_t)forced : cpu_count());
}

/* Claims and runs the parts of job `serial` left in slot `t`, adding them to *ran; returns 0 once the
 * job is over (a newer one was published), else 1 when the slot's range is exhausted. */
static int run_slot(uint32_t serial, size_t t, size_t *ran) {
  _Atomic uint64_t *word = &slots[t].word;
  for (;;) {
    uint64_t w = atomic_load_explicit(word, memory_order_acquire);
    if ((uint32_t)(w >> 32) != serial) return 0;
    const size_t part = (size_t)(w >> 16) & MAX_POOL_PARTS, end = (size_t)w & MAX_POOL_PARTS;
    if (part >= end) return 1;
    if (!atomic_compare_exchange_weak_explicit(word, &w, w + (1u << 16), memory_order_acq_rel, memory_order_acquire))
      continue;
    const size_t chunks = job_chunks;
    job_fn(job_ctx, part, chunks);
    ++*ran;
    if (atomic_fetch_add_explicit(&done, 1, memory_order_acq_rel) + 1 == chunks) {
      pthread_mutex_lock(&done_lock);
      if (caller_sleeping) pthread_cond_signal(&done_cv);
      pthread_mutex_unlock(&done_lock);
    }
  }
}

/* Thread `self` runs its own parts of job `serial`, then whatever the other threads left; returns how
 * many parts it ran. */
static size_t run_chunks(uint32_t serial, size_t self, size_t threads) {
  size_t ran = 0;
  for (size_t k = 0; k < threads; k++)
    if (!run_slot(serial, (self + k) % threads, &ran)) break;
  return ran;
}

/* Spins until *word differs from `seen` or `ns` have passed; returns the last value read. */
static uint64_t spin_while_equal(_Atomic uint64_t *word, uint64_t seen, uint64_t ns) {
  uint64_t s = atomic_load_explicit(word, memory_order_acquire);
  if (s != seen || ns == 0) return s;
  const uint64_t start = now_ns();
  uint64_t yield_at = start + YIELD_EVERY_NS;
  for (unsigned spin = 1; s == seen; spin++) {
    CPU_RELAX();
    s = atomic_load_explicit(word, memory_order_acquire);
    if (spin % SPIN_CHECK_EVERY == 0) {
      const uint64_t t = now_ns();
      if (t >= start + ns) break;
      if (t >= yield_at) sched_yield(), yield_at = t + YIELD_EVERY_NS;
    }
  }
  return s;
}

static void *worker_main(void *arg) {
  const size_t index = (size_t)arg; /* 1, 2, ...: the caller is thread 0 */
  uint64_t seen = 0;
  uint64_t spin_ns = WORKER_SPIN_NS;
  for (;;) {
    uint64_t s = spin_while_equal(&job_serial, seen, spin_ns);
    if (s == seen) {
      pthread_mutex_lock(&wake_lock);
      while ((s = atomic_load_explicit(&job_serial, memory_order_acquire)) == seen)
        pthread_cond_wait(&wake, &wake_lock);
      pthread_mutex_unlock(&wake_lock);
    }
    seen = s;
    /* job_threads may already be a newer job's: then this job is over and its slots say so. */
    const size_t threads = atomic_load_explicit(&job_threads, memory_order_relaxed);
    if (index < threads) spin_ns = run_chunks((uint32_t)seen, index, threads) ? WORKER_SPIN_NS : LATE_WORKER_SPIN_NS;
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
  if (parts > 1 && parts <= MAX_POOL_PARTS && n_threads > 1 && pthread_mutex_trylock(&job_lock) == 0) {
    ensure_workers(n_threads - 1);
    if (n_workers > 0) {
      const size_t threads = n_threads <= n_workers + 1 ? n_threads : n_workers + 1;
      job_fn = fn;
      job_ctx = ctx;
      job_chunks = parts;
      atomic_store_explicit(&job_threads, threads, memory_order_relaxed);
      atomic_store_explicit(&done, 0, memory_order_relaxed);
      const uint64_t serial = atomic_load_explicit(&job_serial, memory_order_relaxed) + 1;
      for (size_t t = 0; t < threads; t++) {
        const uint64_t begin = parts * t / threads, end = parts * (t + 1) / threads;
        atomic_store_explicit(&slots[t].word, ((uint64_t)(uint32_t)serial << 32) | (begin << 16) | end,
                              memory_order_release);
      }
      pthread_mutex_lock(&wake_lock);
      atomic_store_explicit(&job_serial, serial, memory_order_release);
      pthread_cond_broadcast(&wake);
      pthread_mutex_unlock(&wake_lock);
      run_chunks((uint32_t)serial, 0, threads);
      if (atomic_load_explicit(&done, memory_order_acquire) != parts) {
        const uint64_t start = now_ns();
        uint64_t yield_at = start + YIELD_EVERY_NS;
        for (unsigned spin = 1; atomic_load_explicit(&done, memory_order_acquire) != parts; spin++) {
          CPU_RELAX();
          if (spin % SPIN_CHECK_EVERY == 0) {
            const uint64_t t = now_ns();
            if (t >= start + CALLER_SPIN_NS) break;
            if (t >= yield_at) sched_yield(), yield_at = t + YIELD_EVERY_NS;
          }
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
