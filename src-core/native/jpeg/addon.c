/* Node-API glue of the fast JPEG path (catnet_jpeg.node):
 * - decode64(bytes, fit, maxPixels): Promise of the 12,288-byte vector, or of { status, why, need }
 *   saying why not (the general decoder takes the bytes, or the decode budget is short: budget.h);
 * - decodeFiles64(paths, rows, out, meta, ...): files read and decoded in one job (one thread-pool
 *   round trip instead of open/stat/read/close/decode per file), vectors written straight into the
 *   caller's memory. Only a regular, non-symlink, non-empty JPEG of at most maxBytes (and 64 MiB:
 *   every phone photo) is read; any other file is handed over, and the caller's general path (which
 *   names the problem) takes it.
 * Jobs run on libuv's thread pool, never on the caller's thread; inputs stay referenced until done.
 * src-core/data/jpeg-fast.ts is the only caller and checks arguments first; this file checks them
 * again. Context-aware, so it loads in worker threads too. */
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "budget.h"
#include "jpeg64.h"

#define N_X (CN_JPEG64_SIZE * CN_JPEG64_SIZE * 3)

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

/** Files above this size take the general path (it sniffs before reading a large file whole). */
#define MAX_FAST_FILE (64 * 1024 * 1024)

struct job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
  const uint8_t *data; /* the caller's bytes */
  size_t len;
  int fit;
  double max_pixels;
  int status;
  size_t need;
  uint8_t out[N_X];
  char why[256];
};

static void execute(napi_env env, void *p) {
  (void)env;
  struct job *j = p;
  j->status = cn_jpeg64(j->data, j->len, j->fit, j->max_pixels, j->out, j->why, sizeof j->why, &j->need);
}

/* Reads the whole file when it is a regular JPEG of at most max_bytes (and MAX_FAST_FILE) and decodes
 * it into out (N_X bytes); any other file, or any problem, is CN_JPEG64_FALLBACK/ERROR with a reason
 * and the caller's general path takes it. size/mtime: as fstat saw the file that was read. */
static int read_decode(const char *path, int fit, double max_pixels, double max_bytes, uint8_t *out, double *size,
                       double *mtime_sec, double *mtime_nsec, size_t *need, char *why, size_t why_len) {
  *need = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, why_len, "open: errno %d", errno);
    return CN_JPEG64_FALLBACK;
  }
  int status = CN_JPEG64_FALLBACK;
  struct stat st;
  uint8_t *buf = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (double)st.st_size > max_bytes ||
      st.st_size > MAX_FAST_FILE) {
    snprintf(why, why_len, "not a small regular file");
    goto done;
  }
  size_t n = (size_t)st.st_size, got = 0;
  buf = malloc(n);
  if (!buf) goto done;
  /* the first bytes alone first: a PNG or a video is not read whole only to be handed over */
  while (got < 3 && got < n) {
    ssize_t r = read(fd, buf + got, (n < 3 ? n : 3) - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got < 3 || buf[0] != 0xff || buf[1] != 0xd8 || buf[2] != 0xff) {
    snprintf(why, why_len, "not a JPEG");
    goto done;
  }
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got != n) {
    snprintf(why, why_len, "changed while read");
    goto done;
  }
  *size = (double)st.st_size;
  *mtime_sec = (double)MTIME_SEC(st);
  *mtime_nsec = (double)MTIME_NSEC(st);
  status = cn_jpeg64(buf, n, fit, max_pixels, out, why, why_len, need);
done:
  free(buf);
  close(fd);
  return status;
}

static void complete(napi_env env, napi_status work_status, void *p) {
  struct job *j = p;
  napi_value result = NULL;
  if (work_status == napi_ok && j->status == CN_JPEG64_OK) {
    void *bytes;
    napi_value ab, vector;
    if (napi_create_arraybuffer(env, N_X, &bytes, &ab) == napi_ok &&
        napi_create_typedarray(env, napi_uint8_array, N_X, ab, 0, &vector) == napi_ok) {
      memcpy(bytes, j->out, N_X);
      result = vector;
    }
  }
  if (!result) { /* { status, why, need }: status CN_JPEG64_* (OK here: no memory for the vector) */
    const char *why = work_status != napi_ok ? "cancelled" : j->status == CN_JPEG64_OK ? "out of memory" : j->why;
    int status = work_status != napi_ok || j->status == CN_JPEG64_OK ? CN_JPEG64_FALLBACK : j->status;
    napi_value v;
    napi_create_object(env, &result);
    napi_create_int32(env, status, &v);
    napi_set_named_property(env, result, "status", v);
    napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, result, "why", v);
    napi_create_double(env, (double)j->need, &v);
    napi_set_named_property(env, result, "need", v);
  }
  napi_resolve_deferred(env, j->deferred, result);
  napi_delete_reference(env, j->input_ref);
  napi_delete_async_work(env, j->work);
  free(j);
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

/* Queues job j (owned from here on) and returns its promise. */
static napi_value queue(napi_env env, struct job *j) {
  napi_value promise, name;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "catnet_jpeg", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    napi_delete_reference(env, j->input_ref);
    free(j); /* (a promise made before the failure is reclaimed with the env) */
    return throw_type(env, "catnet_jpeg: could not queue the decode");
  }
  return promise;
}

/* The data pointer and length of a typed array of the given type; 0 when it is not one. */
static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  bool is_ta = false;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  return napi_is_typedarray(env, v, &is_ta) == napi_ok && is_ta &&
         napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) == napi_ok && type == want;
}

static napi_value decode64(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3)
    return throw_type(env, "catnet_jpeg decode64: expected (bytes, fit, maxPixels)");
  size_t length;
  void *data;
  if (!typed(env, argv[0], napi_uint8_array, &data, &length))
    return throw_type(env, "catnet_jpeg decode64: bytes must be a Uint8Array");
  int32_t fit;
  double max_pixels;
  if (napi_get_value_int32(env, argv[1], &fit) != napi_ok || fit < CN_FIT_COVER || fit > CN_FIT_CONTAIN)
    return throw_type(env, "catnet_jpeg decode64: fit must be 0 (cover), 1 (fill) or 2 (contain)");
  if (napi_get_value_double(env, argv[2], &max_pixels) != napi_ok || !(max_pixels >= 0))
    return throw_type(env, "catnet_jpeg decode64: maxPixels must be a non-negative number");
  struct job *j = calloc(1, sizeof *j);
  if (!j) return throw_type(env, "catnet_jpeg decode64: out of memory");
  j->data = data;
  j->len = length;
  j->fit = fit;
  j->max_pixels = max_pixels;
  if (napi_create_reference(env, argv[0], 1, &j->input_ref) != napi_ok) {
    free(j);
    return throw_type(env, "catnet_jpeg decode64: could not reference the bytes");
  }
  return queue(env, j);
}

/* A path argument (a string, or a Buffer for a name that is not UTF-8) as a malloc'd C string; NULL
 * for another type, a NUL inside, or no memory. */
static char *path_arg(napi_env env, napi_value v) {
  napi_valuetype vt;
  bool is_buffer = false;
  size_t len = 0;
  char *path = NULL;
  if (napi_typeof(env, v, &vt) != napi_ok) return NULL;
  if (vt == napi_string && napi_get_value_string_utf8(env, v, NULL, 0, &len) == napi_ok) {
    path = malloc(len + 1);
    if (path && napi_get_value_string_utf8(env, v, path, len + 1, &len) != napi_ok) path[0] = 0;
  } else if (napi_is_buffer(env, v, &is_buffer) == napi_ok && is_buffer) {
    void *bytes;
    if (napi_get_buffer_info(env, v, &bytes, &len) == napi_ok && (path = malloc(len + 1))) {
      memcpy(path, bytes, len);
      path[len] = 0;
    }
  }
  if (path && strlen(path) != len) { /* a NUL inside */
    free(path);
    path = NULL;
  }
  return path;
}

/* The (fit, maxPixels, maxBytes) arguments of decodeFiles64; throws and returns 0 when bad. */
static int limits_args(napi_env env, const napi_value *v, const char *fn, int32_t *fit, double *max_pixels,
                       double *max_bytes) {
  char msg[160];
  if (napi_get_value_int32(env, v[0], fit) != napi_ok || *fit < CN_FIT_COVER || *fit > CN_FIT_CONTAIN) {
    snprintf(msg, sizeof msg, "catnet_jpeg %s: fit must be 0 (cover), 1 (fill) or 2 (contain)", fn);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (napi_get_value_double(env, v[1], max_pixels) != napi_ok || !(*max_pixels >= 0) ||
      napi_get_value_double(env, v[2], max_bytes) != napi_ok || !(*max_bytes >= 0)) {
    snprintf(msg, sizeof msg, "catnet_jpeg %s: maxPixels and maxBytes must be non-negative numbers", fn);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* decodeFiles64(paths, rows, out, meta, fit, maxPixels, maxBytes): the files of `paths` read and
 * decoded in ONE thread-pool job (one wake-up of the caller per batch, not per file), each vector
 * written straight to out[rows[i] * N_X ...] (the caller's Dataset memory). meta (Float64Array,
 * META_PER_FILE per file) gets [status, size, mtimeSec, mtimeNsec, need]: status CN_JPEG64_OK (size
 * and mtime as read), TOO_BIG or BUSY (need: the bytes the decode needs; size and mtime as read), or
 * FALLBACK/ERROR (handed over). Resolves to the number decoded. The caller must not touch those rows
 * of out until then. */
#define META_PER_FILE 5
struct batch {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref out_ref, meta_ref;
  size_t n;
  char **paths;
  uint32_t *rows;
  uint8_t *out;
  double *meta;
  int fit;
  double max_pixels, max_bytes;
  double decoded;
};

static void free_batch(struct batch *b) {
  if (b->paths)
    for (size_t i = 0; i < b->n; i++) free(b->paths[i]);
  free(b->paths);
  free(b->rows);
  free(b);
}

static void execute_batch(napi_env env, void *p) {
  (void)env;
  struct batch *b = p;
  char why[256];
  for (size_t i = 0; i < b->n; i++) {
    double *m = b->meta + i * META_PER_FILE;
    size_t need;
    int status = read_decode(b->paths[i], b->fit, b->max_pixels, b->max_bytes, b->out + (size_t)b->rows[i] * N_X,
                             &m[1], &m[2], &m[3], &need, why, sizeof why);
    m[0] = status;
    m[4] = (double)need;
    if (status == CN_JPEG64_OK) b->decoded++;
  }
}

static void complete_batch(napi_env env, napi_status work_status, void *p) {
  struct batch *b = p;
  napi_value result;
  napi_create_double(env, work_status == napi_ok ? b->decoded : 0, &result);
  napi_resolve_deferred(env, b->deferred, result);
  napi_delete_reference(env, b->out_ref);
  napi_delete_reference(env, b->meta_ref);
  napi_delete_async_work(env, b->work);
  free_batch(b);
}

static napi_value decode_files64(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7)
    return throw_type(env, "catnet_jpeg decodeFiles64: expected (paths, rows, out, meta, fit, maxPixels, maxBytes)");
  uint32_t n = 0;
  bool is_array = false;
  if (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &n) != napi_ok)
    return throw_type(env, "catnet_jpeg decodeFiles64: paths must be an array");
  void *rows, *out, *meta;
  size_t rows_len, out_len, meta_len;
  if (!typed(env, argv[1], napi_uint32_array, &rows, &rows_len) || rows_len != n)
    return throw_type(env, "catnet_jpeg decodeFiles64: rows must be a Uint32Array, one per path");
  if (!typed(env, argv[2], napi_uint8_array, &out, &out_len))
    return throw_type(env, "catnet_jpeg decodeFiles64: out must be a Uint8Array");
  if (!typed(env, argv[3], napi_float64_array, &meta, &meta_len) || meta_len != (size_t)n * META_PER_FILE)
    return throw_type(env, "catnet_jpeg decodeFiles64: meta must be a Float64Array of 5 per path");
  for (uint32_t i = 0; i < n; i++)
    if (((uint32_t *)rows)[i] >= out_len / N_X)
      return throw_type(env, "catnet_jpeg decodeFiles64: a row is outside out");
  int32_t fit;
  double max_pixels, max_bytes;
  if (!limits_args(env, argv + 4, "decodeFiles64", &fit, &max_pixels, &max_bytes)) return NULL;
  struct batch *b = calloc(1, sizeof *b);
  if (!b) return throw_type(env, "catnet_jpeg decodeFiles64: out of memory");
  b->n = n;
  b->paths = calloc(n ? n : 1, sizeof *b->paths);
  b->rows = malloc((n ? n : 1) * sizeof *b->rows);
  if (!b->paths || !b->rows) {
    free_batch(b);
    return throw_type(env, "catnet_jpeg decodeFiles64: out of memory");
  }
  memcpy(b->rows, rows, n * sizeof *b->rows);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (napi_get_element(env, argv[0], i, &v) != napi_ok || !(b->paths[i] = path_arg(env, v))) {
      free_batch(b);
      return throw_type(env, "catnet_jpeg decodeFiles64: every path must be a string or a Buffer, without NUL");
    }
  }
  b->out = out;
  b->meta = meta;
  b->fit = fit;
  b->max_pixels = max_pixels;
  b->max_bytes = max_bytes;
  napi_value promise, name;
  if (napi_create_reference(env, argv[2], 1, &b->out_ref) != napi_ok ||
      napi_create_reference(env, argv[3], 1, &b->meta_ref) != napi_ok ||
      napi_create_promise(env, &b->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "catnet_jpeg_batch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute_batch, complete_batch, b, &b->work) != napi_ok ||
      napi_queue_async_work(env, b->work) != napi_ok) {
    free_batch(b); /* (references made before the failure are reclaimed with the env) */
    return throw_type(env, "catnet_jpeg decodeFiles64: could not queue the batch");
  }
  return promise;
}

/* The decode budget (budget.h), shared with the general decoder's large images:
 * decodeBudget() -> { total, used, peak }; setDecodeBudget(bytes); resetDecodePeak();
 * reserveDecode(bytes) -> whether reserved (never waits); releaseDecode(bytes). */
static int size_arg(napi_env env, napi_callback_info info, size_t *n) {
  size_t argc = 1;
  napi_value argv[1];
  double v;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_double(env, argv[0], &v) != napi_ok || !(v >= 0) || v > 9007199254740991.0) {
    napi_throw_type_error(env, NULL, "catnet_jpeg: expected a byte count (a non-negative integer)");
    return 0;
  }
  *n = (size_t)v;
  return 1;
}

static napi_value decode_budget(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, v;
  napi_create_object(env, &result);
  napi_create_double(env, (double)cn_budget_total(), &v);
  napi_set_named_property(env, result, "total", v);
  napi_create_double(env, (double)cn_budget_used(), &v);
  napi_set_named_property(env, result, "used", v);
  napi_create_double(env, (double)cn_budget_peak(), &v);
  napi_set_named_property(env, result, "peak", v);
  return result;
}

static napi_value set_decode_budget(napi_env env, napi_callback_info info) {
  size_t n;
  if (size_arg(env, info, &n)) cn_budget_set_total(n);
  return NULL;
}

static napi_value reset_decode_peak(napi_env env, napi_callback_info info) {
  (void)info;
  cn_budget_reset_peak();
  return NULL;
}

static napi_value reserve_decode(napi_env env, napi_callback_info info) {
  size_t n;
  napi_value result;
  if (!size_arg(env, info, &n)) return NULL;
  napi_get_boolean(env, cn_budget_try_reserve(n), &result);
  return result;
}

static napi_value release_decode(napi_env env, napi_callback_info info) {
  size_t n;
  if (size_arg(env, info, &n)) cn_budget_release(n);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decodeBudget", NAPI_AUTO_LENGTH, decode_budget, NULL, &fn);
  napi_set_named_property(env, exports, "decodeBudget", fn);
  napi_create_function(env, "setDecodeBudget", NAPI_AUTO_LENGTH, set_decode_budget, NULL, &fn);
  napi_set_named_property(env, exports, "setDecodeBudget", fn);
  napi_create_function(env, "resetDecodePeak", NAPI_AUTO_LENGTH, reset_decode_peak, NULL, &fn);
  napi_set_named_property(env, exports, "resetDecodePeak", fn);
  napi_create_function(env, "reserveDecode", NAPI_AUTO_LENGTH, reserve_decode, NULL, &fn);
  napi_set_named_property(env, exports, "reserveDecode", fn);
  napi_create_function(env, "releaseDecode", NAPI_AUTO_LENGTH, release_decode, NULL, &fn);
  napi_set_named_property(env, exports, "releaseDecode", fn);
  napi_create_function(env, "decode64", NAPI_AUTO_LENGTH, decode64, NULL, &fn);
  napi_set_named_property(env, exports, "decode64", fn);
  napi_create_function(env, "decodeFiles64", NAPI_AUTO_LENGTH, decode_files64, NULL, &fn);
  napi_set_named_property(env, exports, "decodeFiles64", fn);
  return exports;
}
