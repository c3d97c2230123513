/* Native helpers of the data layer's hot paths (src-core/data): a memory hint for catnet's large pixel
 * buffers, and the lstat of many files in one call for the cache check of a re-opened folder.
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
 * 10,000 cache checks took 120-430 ms. lstatFiles(paths, from, to, out) lstat()s paths[from..to)
 * (strings or Buffers of raw bytes) and writes 3 doubles per path into out[3 (i - from) ..]:
 * kind (1 regular file, 0 anything else, -1 failed or not representable here: ask Node), size in
 * bytes, and mtimeMs computed exactly as Node does (sec * 1e3 + nsec / 1e6; sec * 1e3 is exact, so
 * a fused multiply-add gives the same double). Synchronous: callers pass slices of ~1,000 paths. */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

#define STAT_PATH_MAX 4096

static napi_value js_lstat_files(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  bool is_array = false, is_ta = false;
  uint32_t n = 0;
  double from_d = 0, to_d = 0;
  napi_typedarray_type type;
  size_t out_len = 0;
  void *out_data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &n) != napi_ok || napi_get_value_double(env, argv[1], &from_d) != napi_ok ||
      napi_get_value_double(env, argv[2], &to_d) != napi_ok || napi_is_typedarray(env, argv[3], &is_ta) != napi_ok ||
      !is_ta || napi_get_typedarray_info(env, argv[3], &type, &out_len, &out_data, NULL, NULL) != napi_ok ||
      type != napi_float64_array) {
    napi_throw_type_error(env, NULL,
                          "catnet native lstatFiles: expected (paths: (string | Buffer)[], from, to, out: Float64Array)");
    return NULL;
  }
  if (!(from_d >= 0 && to_d >= from_d && to_d <= n && from_d == (double)(uint32_t)from_d &&
        to_d == (double)(uint32_t)to_d) ||
      out_len < 3 * (size_t)(to_d - from_d)) {
    napi_throw_range_error(env, NULL, "catnet native lstatFiles: from..to outside the paths, or out too short");
    return NULL;
  }
  double *out = (double *)out_data;
  char path[STAT_PATH_MAX + 1];
  for (uint32_t i = (uint32_t)from_d, k = 0; i < (uint32_t)to_d; i++, k++) {
    double *o = out + 3 * (size_t)k;
    o[0] = -1, o[1] = 0, o[2] = 0;
    napi_value item;
    napi_valuetype vt;
    bool is_buffer = false;
    size_t len = 0;
    if (napi_get_element(env, argv[0], i, &item) != napi_ok || napi_typeof(env, item, &vt) != napi_ok) continue;
    if (vt == napi_string) {
      if (napi_get_value_string_utf8(env, item, path, sizeof path, &len) != napi_ok || len >= STAT_PATH_MAX) continue;
    } else if (napi_is_buffer(env, item, &is_buffer) == napi_ok && is_buffer) {
      void *data = NULL;
      if (napi_get_buffer_info(env, item, &data, &len) != napi_ok || len >= STAT_PATH_MAX) continue;
      memcpy(path, data, len);
      path[len] = '\0';
    } else {
      continue;
    }
    if (strlen(path) != len) continue; /* an embedded NUL: let Node report it */
#if defined(__linux__) || defined(__APPLE__)
    struct stat st;
    if (lstat(path, &st) != 0) continue;
#if defined(__APPLE__)
    const struct timespec mt = st.st_mtimespec;
#else
    const struct timespec mt = st.st_mtim;
#endif
    o[0] = S_ISREG(st.st_mode) ? 1 : 0;
    o[1] = (double)st.st_size;
    o[2] = (double)mt.tv_sec * 1e3 + (double)mt.tv_nsec / 1e6;
#endif
  }
  return NULL;
}

/* Adds this file's functions to the addon's exports; 0 when that failed (an exception is pending). */
int catnet_memory_register(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"adviseHugePages", NULL, js_advise_huge_pages, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lstatFiles", NULL, js_lstat_files, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) == napi_ok;
}
