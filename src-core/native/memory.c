/* Native helpers of the data path's hot loops (src-core/data, src-core/train): a memory hint for
 * catnet's large pixel buffers, the lstat of many files in one call for the cache check of a
 * re-opened folder, and the row gather of a training mini-batch.
 *
 * 1. adviseHugePages.
 * On the reference VM a first touch of fresh memory costs ~17 us per 4 KiB page (245 MB/s: a 12 MB
 * cached re-open spent ~50 ms faulting its Dataset in); with transparent huge pages one fault maps
 * 2 MiB (6-11 GB/s measured). THP there is in `madvise` mode, so the buffer must ask for them:
 * adviseHugePages(view) calls madvise(MADV_HUGEPAGE) on the page-aligned interior of a typed array's
 * memory BEFORE it is written. Only a hint: contents never change, and where it is unsupported (not
 * Linux, THP off, tiny views) nothing happens. Huge pages also cut TLB misses of random row gathers.
 *
 * JS: adviseHugePages(view: Uint8Array) -> bytes advised (0: nothing done). Never throws for a
 * failing madvise (a hint), only for a wrong argument.
 *
 * 2. lstatFiles. Node's lstatSync costs 5-40 us per file on the reference VM (the syscall is 2 us):
 * 10,000 cache checks took 120-430 ms of the main thread. lstatFiles(paths, from, to) copies
 * paths[from..to) (strings or Buffers of raw bytes) and lstat()s them on the thread pool; the promise
 * gives 3 doubles per path at 3 (i - from): kind (1 regular file, 0 anything else, -1 failed or not
 * representable here: ask Node), size in bytes, and mtimeMs computed exactly as Node does
 * (sec * 1e3 + nsec / 1e6; sec * 1e3 is exact, so a fused multiply-add gives the same double).
 *
 * 3. gatherRows. A mini-batch is 256 random rows of 12 KiB from a Dataset of up to 1.2 GB in a
 * SharedArrayBuffer; V8 copies out of shared memory with relaxed-atomic word copies, so JS's
 * TypedArray.set took 1-6 us per row (the larger the set, the worse), memcpy 0.3-1.4 us.
 * gatherRows(src, rowBytes, rows, from, count, dst): dst row i = src row rows[from + i], i < count.
 * Every index is checked before anything is copied (RangeError names the first bad one). */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

/* Below this the faults are cheap enough and a huge page would not fit anyway. */
#define MIN_ADVISE_BYTES ((size_t)4 << 20)

static napi_value js_advise_huge_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_is_typedarray(env, argv[0], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      (type != napi_uint8_array && type != napi_uint8_clamped_array)) {
    napi_throw_type_error(env, NULL, "catnet native adviseHugePages: the argument must be a Uint8Array");
    return NULL;
  }
  double advised = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (data != NULL && length >= MIN_ADVISE_BYTES) {
    const long page_size = sysconf(_SC_PAGESIZE);
    const uintptr_t page = page_size > 0 ? (uintptr_t)page_size : 4096;
    const uintptr_t start = ((uintptr_t)data + page - 1) & ~(page - 1);
    const uintptr_t end = ((uintptr_t)data + length) & ~(page - 1);
    if (end > start && madvise((void *)start, end - start, MADV_HUGEPAGE) == 0) advised = (double)(end - start);
  }
#endif
  napi_create_double(env, advised, &result);
  return result;
}

/* Parts of a gather spread over the kernels' thread pool: two cores fetch rows from memory at once
 * (measured 0.95 -> 0.57 us per 12 KiB row from a 1.2 GB set). */
#define GATHER_PARTS 8
#define GATHER_STEP 256

typedef struct {
  const uint8_t *src;
  uint8_t *dst;
  const uint32_t *rows;
  size_t row_bytes, count;
} gather_job;

/* Rows [count * part / parts, count * (part + 1) / parts): copied a step at a time while the same
 * step of the next row is prefetched, so two rows' memory streams are in flight. */
static void gather_part(void *ctx, size_t part, size_t parts) {
  const gather_job *g = (const gather_job *)ctx;
  const size_t i0 = g->count * part / parts, i1 = g->count * (part + 1) / parts, n = g->row_bytes;
  for (size_t i = i0; i < i1; i++) {
    const uint8_t *s = g->src + (size_t)g->rows[i] * n;
    const uint8_t *next = i + 1 < i1 ? g->src + (size_t)g->rows[i + 1] * n : NULL;
    uint8_t *d = g->dst + i * n;
    size_t off = 0;
    for (; off + GATHER_STEP <= n; off += GATHER_STEP) {
#if defined(__GNUC__)
      if (next)
        for (size_t l = 0; l < GATHER_STEP; l += 64) __builtin_prefetch(next + off + l, 0, 0);
#endif
      memcpy(d + off, s + off, GATHER_STEP);
    }
    memcpy(d + off, s + off, n - off);
  }
}

static napi_value js_gather_rows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  void *src = NULL, *rows_data = NULL, *dst = NULL;
  size_t src_len = 0, rows_len = 0, dst_len = 0;
  napi_typedarray_type t_src, t_rows, t_dst;
  double row_bytes_d = 0, from_d = 0, count_d = 0;
  bool a = false, b = false, c = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 ||
      napi_is_typedarray(env, argv[0], &a) != napi_ok || napi_is_typedarray(env, argv[2], &b) != napi_ok ||
      napi_is_typedarray(env, argv[5], &c) != napi_ok || !a || !b || !c ||
      napi_get_typedarray_info(env, argv[0], &t_src, &src_len, &src, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &t_rows, &rows_len, &rows_data, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[5], &t_dst, &dst_len, &dst, NULL, NULL) != napi_ok ||
      t_src != napi_uint8_array || t_rows != napi_uint32_array || t_dst != napi_uint8_array ||
      napi_get_value_double(env, argv[1], &row_bytes_d) != napi_ok ||
      napi_get_value_double(env, argv[3], &from_d) != napi_ok || napi_get_value_double(env, argv[4], &count_d) != napi_ok) {
    napi_throw_type_error(env, NULL,
                          "catnet native gatherRows: expected (src: Uint8Array, rowBytes, rows: Uint32Array, from, "
                          "count, dst: Uint8Array)");
    return NULL;
  }
  if (!(row_bytes_d >= 1 && row_bytes_d <= 1e9 && row_bytes_d == (double)(size_t)row_bytes_d && from_d >= 0 &&
        count_d >= 0 && from_d == (double)(size_t)from_d && count_d == (double)(size_t)count_d &&
        from_d + count_d <= (double)rows_len)) {
    napi_throw_range_error(env, NULL, "catnet native gatherRows: rowBytes, from or count out of range");
    return NULL;
  }
  const size_t row_bytes = (size_t)row_bytes_d, from = (size_t)from_d, count = (size_t)count_d;
  const uint32_t *rows = (const uint32_t *)rows_data + from;
  const size_t src_rows = src_len / row_bytes;
  if (count > dst_len / row_bytes) {
    napi_throw_range_error(env, NULL, "catnet native gatherRows: dst holds fewer than count rows");
    return NULL;
  }
  for (size_t i = 0; i < count; i++)
    if (rows[i] >= src_rows) {
      char msg[160];
      snprintf(msg, sizeof msg, "catnet native gatherRows: row %u (index %zu) outside the %zu rows of src",
               (unsigned)rows[i], from + i, src_rows);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
  gather_job job = {(const uint8_t *)src, (uint8_t *)dst, rows, row_bytes, count};
  catnet_parallel_for(count < GATHER_PARTS ? (count > 0 ? count : 1) : GATHER_PARTS, gather_part, &job);
  return NULL;
}

#define STAT_PATH_MAX 4096
#define NO_PATH ((size_t)-1)

/* Copies path `item` (a string, or a Buffer of raw bytes) NUL-terminated to `path`; its length, or -1
 * when it is neither, too long, or holds a NUL (Node then reports the problem itself). */
static long copy_path(napi_env env, napi_value item, char path[STAT_PATH_MAX + 1]) {
  napi_valuetype vt;
  bool is_buffer = false;
  size_t len = 0;
  if (napi_typeof(env, item, &vt) != napi_ok) return -1;
  if (vt == napi_string) {
    if (napi_get_value_string_utf8(env, item, path, STAT_PATH_MAX + 1, &len) != napi_ok || len >= STAT_PATH_MAX)
      return -1;
  } else if (napi_is_buffer(env, item, &is_buffer) == napi_ok && is_buffer) {
    void *data = NULL;
    if (napi_get_buffer_info(env, item, &data, &len) != napi_ok || len >= STAT_PATH_MAX) return -1;
    memcpy(path, data, len);
    path[len] = '\0';
  } else {
    return -1;
  }
  return strlen(path) == len ? (long)len : -1;
}

/* o = { kind, size, mtimeMs } of `path` (kind -1 when lstat fails or is not available here). */
static void stat_one(const char *path, double *o) {
  o[0] = -1, o[1] = 0, o[2] = 0;
#if defined(__linux__) || defined(__APPLE__)
  struct stat st;
  if (lstat(path, &st) != 0) return;
#if defined(__APPLE__)
  const struct timespec mt = st.st_mtimespec;
#else
  const struct timespec mt = st.st_mtim;
#endif
  o[0] = S_ISREG(st.st_mode) ? 1 : 0;
  o[1] = (double)st.st_size;
  o[2] = (double)mt.tv_sec * 1e3 + (double)mt.tv_nsec / 1e6;
#else
  (void)path;
#endif
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  size_t n;
  char *names;     /* the paths, NUL-terminated, back to back */
  size_t *offsets; /* where path k starts in names, or NO_PATH */
  double *out;     /* 3 n */
} stat_job;

static void stat_job_free(stat_job *job) {
  free(job->names);
  free(job->offsets);
  free(job->out);
  free(job);
}

/* On a thread-pool thread: no JS, only the syscalls. */
static void stat_execute(napi_env env, void *data) {
  (void)env;
  stat_job *job = (stat_job *)data;
  for (size_t k = 0; k < job->n; k++) {
    if (job->offsets[k] == NO_PATH) {
      double *o = job->out + 3 * k;
      o[0] = -1, o[1] = 0, o[2] = 0;
    } else {
      stat_one(job->names + job->offsets[k], job->out + 3 * k);
    }
  }
}

static void stat_complete(napi_env env, napi_status status, void *data) {
  stat_job *job = (stat_job *)data;
  napi_value buffer, array, error, message;
  void *bytes = NULL;
  const size_t size = 3 * job->n * sizeof(double);
  if (status == napi_ok && napi_create_arraybuffer(env, size > 0 ? size : 8, &bytes, &buffer) == napi_ok &&
      napi_create_typedarray(env, napi_float64_array, 3 * job->n, buffer, 0, &array) == napi_ok) {
    if (size > 0) memcpy(bytes, job->out, size);
    napi_resolve_deferred(env, job->deferred, array);
  } else {
    napi_create_string_utf8(env, "catnet native lstatFiles: the job failed", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_async_work(env, job->work);
  stat_job_free(job);
}

/* lstatFiles(paths, from, to) -> Promise<Float64Array(3 (to - from))>; the paths are copied here, the
 * lstats run on the thread pool. */
static napi_value js_lstat_files(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], promise, name;
  bool is_array = false;
  uint32_t n = 0;
  double from_d = 0, to_d = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &n) != napi_ok || napi_get_value_double(env, argv[1], &from_d) != napi_ok ||
      napi_get_value_double(env, argv[2], &to_d) != napi_ok) {
    napi_throw_type_error(env, NULL, "catnet native lstatFiles: expected (paths: (string | Buffer)[], from, to)");
    return NULL;
  }
  if (!(from_d >= 0 && to_d >= from_d && to_d <= n && from_d == (double)(uint32_t)from_d &&
        to_d == (double)(uint32_t)to_d)) {
    napi_throw_range_error(env, NULL, "catnet native lstatFiles: from..to outside the paths");
    return NULL;
  }
  const size_t from = (size_t)from_d, count = (size_t)(to_d - from_d);
  stat_job *job = (stat_job *)calloc(1, sizeof *job);
  size_t cap = 64 * (count + 1), used = 0;
  if (job) {
    job->n = count;
    job->names = (char *)malloc(cap);
    job->offsets = (size_t *)malloc((count + 1) * sizeof(size_t));
    job->out = (double *)malloc((3 * count + 1) * sizeof(double));
  }
  if (!job || !job->names || !job->offsets || !job->out) {
    if (job) stat_job_free(job);
    napi_throw_error(env, NULL, "catnet native lstatFiles: out of memory");
    return NULL;
  }
  char path[STAT_PATH_MAX + 1];
  for (size_t k = 0; k < count; k++) {
    napi_value item;
    const long len = napi_get_element(env, argv[0], (uint32_t)(from + k), &item) == napi_ok ? copy_path(env, item, path) : -1;
    if (len < 0) {
      job->offsets[k] = NO_PATH;
      continue;
    }
    if (used + (size_t)len + 1 > cap) {
      size_t grown = 2 * cap + (size_t)len + 1;
      char *names = (char *)realloc(job->names, grown);
      if (!names) {
        stat_job_free(job);
        napi_throw_error(env, NULL, "catnet native lstatFiles: out of memory");
        return NULL;
      }
      job->names = names, cap = grown;
    }
    memcpy(job->names + used, path, (size_t)len + 1);
    job->offsets[k] = used;
    used += (size_t)len + 1;
  }
  napi_create_string_utf8(env, "catnet.lstatFiles", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, stat_execute, stat_complete, job, &job->work) != napi_ok) {
    stat_job_free(job);
    napi_throw_error(env, NULL, "catnet native lstatFiles: cannot start the job");
    return NULL;
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    stat_job_free(job);
    napi_throw_error(env, NULL, "catnet native lstatFiles: cannot queue the job");
    return NULL;
  }
  return promise;
}

/* Adds this file's functions to the addon's exports; 0 when that failed (an exception is pending). */
int catnet_memory_register(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"adviseHugePages", NULL, js_advise_huge_pages, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lstatFiles", NULL, js_lstat_files, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gatherRows", NULL, js_gather_rows, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) == napi_ok;
}
