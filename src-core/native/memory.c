/* Native helpers of the data path's hot loops (src-core/data, src-core/train): a memory hint for
 * catnet's large pixel buffers, the lstat of many files in one call for the cache check of a
 * re-opened folder, and the row gather of a training mini-batch.
 *
 * 1. adviseHugePages.
 * On a virtual machine a first touch of fresh memory can cost tens of us per 4 KiB page (figures in
 * bench/README.md, "Machine figures behind design choices"); with transparent huge pages one fault
 * maps 2 MiB. THP is often in `madvise` mode, so the buffer must ask for them:
 * adviseHugePages(view) calls madvise(MADV_HUGEPAGE) on the page-aligned interior of a typed array's
 * memory BEFORE it is written. Only a hint: contents never change, and where it is unsupported (not
 * Linux, THP off, tiny views) nothing happens. Huge pages also cut TLB misses of random row gathers.
 *
 * JS: adviseHugePages(view: Uint8Array) -> bytes advised (0: nothing done). Never throws for a
 * failing madvise (a hint), only for a wrong argument.
 *
 * 2. lstatFiles. Node's lstatSync can cost several times the lstat syscall per file (figures in
 * bench/README.md), all of it on the main thread. lstatFiles(paths, from, to) copies
 * paths[from..to) (strings or Buffers of raw bytes) and lstat()s them on the thread pool; the promise
 * gives 3 doubles per path at 3 (i - from): kind (1 regular file, 0 anything else, -1 failed or not
 * representable here: ask Node), size in bytes, and mtimeMs computed exactly as Node does
 * (sec * 1e3 + nsec / 1e6; sec * 1e3 is exact, so a fused multiply-add gives the same double).
 *
 * 3. gatherRows. A mini-batch is 256 random rows of 12 KiB from a Dataset of up to 1.2 GB in a
 * SharedArrayBuffer; V8 copies out of shared memory with relaxed-atomic word copies, so JS's
 * TypedArray.set took 1-6 us per row (the larger the set, the worse), memcpy 0.3-1.4 us.
 * gatherRows(src, rowBytes, rows, from, count, dst): dst row i = src row rows[from + i], i < count.
 * Every index is checked before anything is copied (RangeError names the first bad one).
 *
 * 4. crc32Rows. The cache checks each 12 KiB vector against its CRC-32 (zlib's). zlib.crc32 from JS
 * ran at ~3 GB/s plus ~3 us per call: ~4-7 ms of the main thread per 1,000 re-opened images, the
 * longest part of a re-open once the reads are fast. crc32Rows(src, rowBytes, row, count, out, at):
 * out[at + k] = CRC-32 of row `row + k`, with PCLMULQDQ folding where the CPU has it (13 GB/s
 * measured, the Intel/Linux crc32-pclmul method and constants), else a byte table. */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
#include <immintrin.h>
#define CRC_PCLMUL 1
#endif

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

static uint32_t crc_table[256];
static int crc_use_pclmul;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
#if defined(CRC_PCLMUL)
  __builtin_cpu_init();
  crc_use_pclmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
}

/* The reflected CRC-32 register after `n` more bytes (no pre/post inversion). */
static uint32_t crc_bytes(uint32_t c, const uint8_t *p, size_t n) {
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(CRC_PCLMUL)
/* Same register update for len >= 64, len a multiple of 16: four 128-bit lanes folded 64 bytes at a
 * time, folded into one, then reduced 128 -> 64 -> 32 bits and a Barrett reduction. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc_pclmul(uint32_t crc, const uint8_t *buf, size_t len) {
  const __m128i k1k2 = _mm_set_epi64x(0x00000001c6e41596LL, 0x0000000154442bd4LL);
  const __m128i k3k4 = _mm_set_epi64x(0x00000000ccaa009eLL, 0x00000001751997d0LL);
  const __m128i k5 = _mm_set_epi64x(0, 0x0000000163cd6124LL);
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  const __m128i poly = _mm_set_epi64x(0x00000001F7011641LL, 0x00000001DB710641LL);
  __m128i x1 = _mm_loadu_si128((const __m128i *)buf), x2 = _mm_loadu_si128((const __m128i *)(buf + 16));
  __m128i x3 = _mm_loadu_si128((const __m128i *)(buf + 32)), x4 = _mm_loadu_si128((const __m128i *)(buf + 48));
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
  buf += 64, len -= 64;
  while (len >= 64) {
    const __m128i h1 = _mm_clmulepi64_si128(x1, k1k2, 0x11), h2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
    const __m128i h3 = _mm_clmulepi64_si128(x3, k1k2, 0x11), h4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k1k2, 0x00), h1), _mm_loadu_si128((const __m128i *)buf));
    x2 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x2, k1k2, 0x00), h2),
                       _mm_loadu_si128((const __m128i *)(buf + 16)));
    x3 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x3, k1k2, 0x00), h3),
                       _mm_loadu_si128((const __m128i *)(buf + 32)));
    x4 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x4, k1k2, 0x00), h4),
                       _mm_loadu_si128((const __m128i *)(buf + 48)));
    buf += 64, len -= 64;
  }
#define CRC_FOLD(a, b)                                                                                     \
  do {                                                                                                     \
    const __m128i hi_ = _mm_clmulepi64_si128(a, k3k4, 0x11);                                               \
    a = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(a, k3k4, 0x00), hi_), b);                         \
  } while (0)
  CRC_FOLD(x1, x2);
  CRC_FOLD(x1, x3);
  CRC_FOLD(x1, x4);
  for (; len >= 16; buf += 16, len -= 16) CRC_FOLD(x1, _mm_loadu_si128((const __m128i *)buf));
#undef CRC_FOLD
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(k3k4, x1, 0x01)); /* 128 -> 64 */
  __m128i t = _mm_srli_si128(x1, 4);                                                  /* 64 -> 32 */
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00), t);
  t = x1; /* Barrett reduction */
  x1 = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x10);
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x00), t);
  return (uint32_t)_mm_extract_epi32(x1, 1);
}
#endif

/* zlib's crc32(0, p, n). */
static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
#if defined(CRC_PCLMUL)
  if (crc_use_pclmul && n >= 64) {
    const size_t m = n & ~(size_t)15;
    c = crc_pclmul(c, p, m);
    p += m, n -= m;
  }
#endif
  return ~crc_bytes(c, p, n);
}

static napi_value js_crc32_rows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  void *src = NULL, *out = NULL;
  size_t src_len = 0, out_len = 0;
  napi_typedarray_type t_src, t_out;
  double d[4];
  bool a = false, b = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 ||
      napi_is_typedarray(env, argv[0], &a) != napi_ok || napi_is_typedarray(env, argv[4], &b) != napi_ok || !a || !b ||
      napi_get_typedarray_info(env, argv[0], &t_src, &src_len, &src, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[4], &t_out, &out_len, &out, NULL, NULL) != napi_ok ||
      t_src != napi_uint8_array || t_out != napi_uint32_array || napi_get_value_double(env, argv[1], &d[0]) != napi_ok ||
      napi_get_value_double(env, argv[2], &d[1]) != napi_ok || napi_get_value_double(env, argv[3], &d[2]) != napi_ok ||
      napi_get_value_double(env, argv[5], &d[3]) != napi_ok) {
    napi_throw_type_error(env, NULL,
                          "catnet native crc32Rows: expected (src: Uint8Array, rowBytes, row, count, out: "
                          "Uint32Array, at)");
    return NULL;
  }
  for (int k = 0; k < 4; k++)
    if (!(d[k] >= 0 && d[k] <= 9007199254740991.0 && d[k] == (double)(size_t)d[k])) {
      napi_throw_range_error(env, NULL, "catnet native crc32Rows: sizes must be non-negative integers");
      return NULL;
    }
  const size_t row_bytes = (size_t)d[0], row = (size_t)d[1], count = (size_t)d[2], at = (size_t)d[3];
  if (row_bytes == 0 || row > src_len / row_bytes || count > src_len / row_bytes - row || at > out_len ||
      count > out_len - at) {
    napi_throw_range_error(env, NULL, "catnet native crc32Rows: rows outside src, or out too short");
    return NULL;
  }
  pthread_once(&crc_once, crc_init);
  for (size_t k = 0; k < count; k++)
    ((uint32_t *)out)[at + k] = crc32_of((const uint8_t *)src + (row + k) * row_bytes, row_bytes);
  return NULL;
}

/* Adds this file's functions to the addon's exports; 0 when that failed (an exception is pending). */
int catnet_memory_register(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"adviseHugePages", NULL, js_advise_huge_pages, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lstatFiles", NULL, js_lstat_files, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gatherRows", NULL, js_gather_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32Rows", NULL, js_crc32_rows, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) == napi_ok;
}
