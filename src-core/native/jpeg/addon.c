/* Node-API glue of the fast JPEG path (catnet_jpeg.node):
 * - decode64(bytes, fit, maxPixels): Promise of the 12,288-byte vector, or of a string saying why the
 *   general decoder must take these bytes;
 * - decodeFile64(path, fit, maxPixels, maxBytes): the same for a file, read in the same job (one
 *   thread-pool round trip instead of open/stat/read/close/decode), resolving to
 *   { vector, size, mtimeSec, mtimeNsec }. Only a regular, non-symlink, non-empty JPEG of at most
 *   maxBytes (and 64 MiB: every phone photo) is read; anything else resolves to a string and the caller's general path
 *   (which names the problem) takes the file.
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
  const uint8_t *data; /* decode64: the caller's bytes */
  size_t len;
  char *path; /* decodeFile64: NUL-terminated path (owned) */
  double max_bytes;
  double size, mtime_sec, mtime_nsec;
  int fit;
  double max_pixels;
  int status;
  uint8_t out[N_X];
  char why[256];
};

static void execute(napi_env env, void *p) {
  (void)env;
  struct job *j = p;
  j->status = cn_jpeg64(j->data, j->len, j->fit, j->max_pixels, j->out, j->why, sizeof j->why);
}

/* Reads the whole file when it is a small regular JPEG; otherwise leaves it to the general path. */
static void execute_file(napi_env env, void *p) {
  (void)env;
  struct job *j = p;
  j->status = CN_JPEG64_FALLBACK;
  int fd = open(j->path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    snprintf(j->why, sizeof j->why, "open: errno %d", errno);
    return;
  }
  struct stat st;
  uint8_t *buf = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (double)st.st_size > j->max_bytes ||
      st.st_size > MAX_FAST_FILE) {
    snprintf(j->why, sizeof j->why, "not a small regular file");
    goto done;
  }
  size_t n = (size_t)st.st_size, got = 0;
  buf = malloc(n);
  if (!buf) goto done;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got != n || n < 3 || buf[0] != 0xff || buf[1] != 0xd8 || buf[2] != 0xff) {
    snprintf(j->why, sizeof j->why, "not a JPEG, or changed while read");
    goto done;
  }
  j->size = (double)st.st_size;
  j->mtime_sec = (double)MTIME_SEC(st);
  j->mtime_nsec = (double)MTIME_NSEC(st);
  j->status = cn_jpeg64(buf, n, j->fit, j->max_pixels, j->out, j->why, sizeof j->why);
done:
  free(buf);
  close(fd);
}

static void complete(napi_env env, napi_status work_status, void *p) {
  struct job *j = p;
  napi_value result = NULL;
  if (work_status == napi_ok && j->status == CN_JPEG64_OK) {
    void *bytes;
    napi_value ab;
    napi_value vector;
    if (napi_create_arraybuffer(env, N_X, &bytes, &ab) == napi_ok &&
        napi_create_typedarray(env, napi_uint8_array, N_X, ab, 0, &vector) == napi_ok) {
      memcpy(bytes, j->out, N_X);
      if (!j->path) result = vector;
      else if (napi_create_object(env, &result) == napi_ok) {
        napi_value size, sec, nsec;
        napi_create_double(env, j->size, &size);
        napi_create_double(env, j->mtime_sec, &sec);
        napi_create_double(env, j->mtime_nsec, &nsec);
        napi_set_named_property(env, result, "vector", vector);
        napi_set_named_property(env, result, "size", size);
        napi_set_named_property(env, result, "mtimeSec", sec);
        napi_set_named_property(env, result, "mtimeNsec", nsec);
      }
    }
  }
  if (!result) {
    const char *why = work_status != napi_ok ? "cancelled" : j->status == CN_JPEG64_OK ? "out of memory" : j->why;
    napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &result);
  }
  napi_resolve_deferred(env, j->deferred, result);
  if (j->input_ref) napi_delete_reference(env, j->input_ref);
  napi_delete_async_work(env, j->work);
  free(j->path);
  free(j);
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

/* Queues job j (owned from here on) and returns its promise. */
static napi_value queue(napi_env env, struct job *j, napi_async_execute_callback run) {
  napi_value promise, name;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "catnet_jpeg", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, run, complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->input_ref) napi_delete_reference(env, j->input_ref);
    free(j->path);
    free(j); /* (a promise made before the failure is reclaimed with the env) */
    return throw_type(env, "catnet_jpeg: could not queue the decode");
  }
  return promise;
}

static napi_value decode64(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3)
    return throw_type(env, "catnet_jpeg decode64: expected (bytes, fit, maxPixels)");
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value ab;
  if (napi_is_typedarray(env, argv[0], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset) != napi_ok ||
      type != napi_uint8_array)
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
  return queue(env, j, execute);
}

static napi_value decode_file64(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4)
    return throw_type(env, "catnet_jpeg decodeFile64: expected (path, fit, maxPixels, maxBytes)");
  int32_t fit;
  double max_pixels, max_bytes;
  if (napi_get_value_int32(env, argv[1], &fit) != napi_ok || fit < CN_FIT_COVER || fit > CN_FIT_CONTAIN)
    return throw_type(env, "catnet_jpeg decodeFile64: fit must be 0 (cover), 1 (fill) or 2 (contain)");
  if (napi_get_value_double(env, argv[2], &max_pixels) != napi_ok || !(max_pixels >= 0) ||
      napi_get_value_double(env, argv[3], &max_bytes) != napi_ok || !(max_bytes >= 0))
    return throw_type(env, "catnet_jpeg decodeFile64: maxPixels and maxBytes must be non-negative numbers");
  struct job *j = calloc(1, sizeof *j);
  if (!j) return throw_type(env, "catnet_jpeg decodeFile64: out of memory");
  bool is_buffer = false;
  napi_valuetype vt;
  napi_typeof(env, argv[0], &vt);
  napi_is_buffer(env, argv[0], &is_buffer);
  size_t len = 0;
  if (vt == napi_string && napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) == napi_ok) {
    j->path = malloc(len + 1);
    if (j->path) napi_get_value_string_utf8(env, argv[0], j->path, len + 1, &len);
  } else if (is_buffer) { /* a path that is not UTF-8: its bytes */
    void *bytes;
    napi_get_buffer_info(env, argv[0], &bytes, &len);
    j->path = malloc(len + 1);
    if (j->path) memcpy(j->path, bytes, len), j->path[len] = 0;
  } else {
    free(j);
    return throw_type(env, "catnet_jpeg decodeFile64: path must be a string or a Buffer");
  }
  if (!j->path || strlen(j->path) != len) { /* out of memory, or a NUL inside the path */
    free(j->path);
    free(j);
    return throw_type(env, "catnet_jpeg decodeFile64: bad path");
  }
  j->fit = fit;
  j->max_pixels = max_pixels;
  j->max_bytes = max_bytes;
  return queue(env, j, execute_file);
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decode64", NAPI_AUTO_LENGTH, decode64, NULL, &fn);
  napi_set_named_property(env, exports, "decode64", fn);
  napi_create_function(env, "decodeFile64", NAPI_AUTO_LENGTH, decode_file64, NULL, &fn);
  napi_set_named_property(env, exports, "decodeFile64", fn);
  return exports;
}
