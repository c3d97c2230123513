/* JPEG bytes -> the network's 64x64 RGB input (HWC), the fast way: libjpeg-turbo decodes at 1/8, 1/4
 * or 1/2 scale in the DCT domain (the smallest scale still >= 64 pixels where the crop needs it, like
 * Pillow's draft mode), EXIF orientation is applied, and an area-weighted box filter maps the crop to
 * 64x64 ('cover' centre crop, 'fill' stretch, 'contain' black letterbox).
 *
 * It deliberately handles only the common case and returns a reason for everything else (CMYK, ICC
 * profiles other than sRGB, libjpeg warnings such as truncated data, too many pixels, a crop smaller
 * than 64 pixels, more than 256 progressive scans): the caller then decodes with sharp, which produces the colour-managed result or the user-facing
 * error. It never longjmps out of this file and never writes outside `out` (N_X bytes). */
#include "jpeg64.h"

#include "budget.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define S CN_JPEG64_SIZE

struct error_mgr {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int warned;
  char message[JMSG_LENGTH_MAX];
};

static void on_error(j_common_ptr cinfo) {
  struct error_mgr *err = (struct error_mgr *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

/* Level -1 is a warning (corrupt or truncated data); higher levels are traces, ignored. */
static void on_message(j_common_ptr cinfo, int level) {
  struct error_mgr *err = (struct error_mgr *)cinfo->err;
  if (level < 0 && !err->warned) {
    err->warned = 1;
    (*cinfo->err->format_message)(cinfo, err->message);
  }
}

/* A progressive JPEG may hold thousands of tiny scans (a known CPU-exhaustion trick); real files have
 * at most a few dozen. Past MAX_SCANS this path gives up and sharp judges the file. */
#define MAX_SCANS 256
static void on_progress(j_common_ptr cinfo) {
  j_decompress_ptr d = (j_decompress_ptr)cinfo;
  if (d->input_scan_number > MAX_SCANS) {
    struct error_mgr *err = (struct error_mgr *)cinfo->err;
    snprintf(err->message, sizeof err->message, "more than %d scans", MAX_SCANS);
    longjmp(err->jump, 1);
  }
}

static unsigned read16(const uint8_t *p, int little) { return little ? p[0] | p[1] << 8 : p[0] << 8 | p[1]; }
static uint32_t read32(const uint8_t *p, int little) {
  return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
                : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* EXIF orientation 1..8 from an APP1 segment, 1 when absent or unreadable. Every read bounds-checked. */
static int exif_orientation(const uint8_t *d, size_t n) {
  if (n < 14 || memcmp(d, "Exif\0\0", 6) != 0) return 1;
  const uint8_t *t = d + 6; /* TIFF header */
  size_t tn = n - 6;
  int little;
  if (t[0] == 'I' && t[1] == 'I') little = 1;
  else if (t[0] == 'M' && t[1] == 'M') little = 0;
  else return 1;
  uint32_t ifd = read32(t + 4, little);
  if (ifd > tn || tn - ifd < 2) return 1;
  unsigned count = read16(t + ifd, little);
  for (unsigned i = 0; i < count; i++) {
    size_t e = (size_t)ifd + 2 + (size_t)i * 12;
    if (e + 12 > tn) return 1;
    if (read16(t + e, little) == 0x0112) {
      unsigned type = read16(t + e + 2, little), v = read16(t + e + 8, little);
      return type == 3 && v >= 1 && v <= 8 ? (int)v : 1;
    }
  }
  return 1;
}

static int contains(const uint8_t *p, size_t n, const char *needle, size_t k) {
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(p + i, needle, k) == 0) return 1;
  return 0;
}

/* Whether an APP2 ICC_PROFILE segment holds a whole RGB profile whose description names sRGB (as
 * cameras, phones and editors embed): decoding it as sRGB is what colour management would do, within
 * rounding. Anything else (Display P3, Adobe RGB, a profile split over several segments) is left to
 * sharp, which converts it. Every read bounds-checked. */
static int icc_is_srgb(const uint8_t *d, size_t n) {
  if (n < 14 + 132 || memcmp(d, "ICC_PROFILE\0", 12) != 0 || d[12] != 1 || d[13] != 1) return 0;
  const uint8_t *p = d + 14;
  size_t pn = n - 14;
  if (memcmp(p + 16, "RGB ", 4) != 0) return 0;
  uint32_t tags = read32(p + 128, 0);
  for (uint32_t i = 0; i < tags; i++) {
    size_t e = 132 + (size_t)i * 12;
    if (e + 12 > pn) return 0;
    if (memcmp(p + e, "desc", 4) != 0) continue;
    uint32_t off = read32(p + e + 4, 0), len = read32(p + e + 8, 0);
    if (off > pn || len > pn - off) return 0;
    /* 'desc' (ASCII) or 'mluc' (UTF-16BE) text: look for the name either way */
    return contains(p + off, len, "sRGB", 4) || contains(p + off, len, "\0s\0R\0G\0B", 8);
  }
  return 0;
}

/* The w x h image as displayed under EXIF orientation o (2..8), into `to` (same size, sides swapped
 * for 5..8): displayed pixel (x, y) is stored pixel (sx, sy). */
static void orient(const uint8_t *from, int w, int h, int o, uint8_t *to) {
  int dw = o >= 5 ? h : w, dh = o >= 5 ? w : h;
  for (int y = 0; y < dh; y++)
    for (int x = 0; x < dw; x++) {
      int sx, sy;
      switch (o) {
      case 2: sx = w - 1 - x, sy = y; break;
      case 3: sx = w - 1 - x, sy = h - 1 - y; break;
      case 4: sx = x, sy = h - 1 - y; break;
      case 5: sx = y, sy = x; break;
      case 6: sx = y, sy = h - 1 - x; break;
      case 7: sx = w - 1 - y, sy = h - 1 - x; break;
      default: sx = w - 1 - y, sy = x; break; /* 8 */
      }
      memcpy(to + ((size_t)y * dw + x) * 3, from + ((size_t)sy * w + sx) * 3, 3);
    }
}

/* Per-thread scratch memory, grown as needed and kept between images: a fresh malloc of these sizes
 * (26 KB-2 MB) was often a fresh mmap or heap growth, and page faults cost more than the decode on
 * VMs. Anything over SCRATCH_KEEP is returned after the image. */
#define SCRATCH_KEEP (8u << 20)
static _Thread_local struct {
  void *p;
  size_t n;
} scratch[3];

static void *scratch_get(int i, size_t n) {
  if (scratch[i].n < n) {
    free(scratch[i].p);
    scratch[i].p = malloc(n);
    scratch[i].n = scratch[i].p ? n : 0;
  }
  return scratch[i].p;
}

static void scratch_trim(void) {
  for (int i = 0; i < 3; i++)
    if (scratch[i].n > SCRATCH_KEEP) free(scratch[i].p), scratch[i].p = NULL, scratch[i].n = 0;
}

/* Box-filter weights of one axis: destination pixel j covers source [x0 + j*step, x0 + (j+1)*step).
 * first[j] = first source pixel, w[j*stride + k] its k-th weight (they sum to 1). */
#define MAX_TAPS 64
static int axis_weights(double x0, double len, int n_src, int n_dst, int *first, int *taps, float *w) {
  double step = len / n_dst;
  if (step > MAX_TAPS - 2) return 0; /* a panorama stretched by 'fill': the general decoder */
  for (int j = 0; j < n_dst; j++) {
    double a = x0 + j * step, b = a + step;
    int i0 = (int)a, k = 0;
    if (i0 >= n_src) i0 = n_src - 1;
    first[j] = i0;
    for (int i = i0; i < b && i < n_src && k < MAX_TAPS; i++, k++) {
      double lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
      w[j * MAX_TAPS + k] = (float)((hi - lo) / step);
    }
    taps[j] = k;
  }
  return 1;
}

/* img: the decoded (scaled) w x h image as stored; w0 x h0: the full-size image as stored, whose
 * proportions decide the crop and the letterbox (as sharp computes them), mapped onto img. */
static int resample(const uint8_t *img, int w, int h, int w0, int h0, int o, int fit, uint8_t *out) {
  int dw = o >= 5 ? h : w, dh = o >= 5 ? w : h;       /* display size, decoded */
  double DW = o >= 5 ? h0 : w0, DH = o >= 5 ? w0 : h0; /* display size, full */
  double kx = dw / DW, ky = dh / DH;
  double x0 = 0, y0 = 0, sw = dw, sh = dh;
  int ox = 0, oy = 0, ow = S, oh = S;
  if (fit == CN_FIT_COVER) {
    double side = DW < DH ? DW : DH;
    x0 = (DW - side) / 2 * kx, y0 = (DH - side) / 2 * ky, sw = side * kx, sh = side * ky;
  } else if (fit == CN_FIT_CONTAIN) {
    if (DW >= DH) {
      oh = (int)(S * DH / DW + 0.5);
      if (oh < 1) oh = 1;
      oy = (S - oh) / 2;
    } else {
      ow = (int)(S * DW / DH + 0.5);
      if (ow < 1) ow = 1;
      ox = (S - ow) / 2;
    }
  }
  int fx[S], nx[S], fy[S], ny[S];
  float wx[S * MAX_TAPS], wy[S * MAX_TAPS];
  if (!axis_weights(x0, sw, dw, ow, fx, nx, wx) || !axis_weights(y0, sh, dh, oh, fy, ny, wy)) return 0;
  const uint8_t *src = img;
  uint8_t *turned = NULL;
  if (o != 1) {
    turned = scratch_get(1, (size_t)dw * dh * 3);
    if (!turned) return 0;
    orient(img, w, h, o, turned);
    src = turned;
  }
  /* Vertical pass first, over the columns the horizontal taps read (contiguous, so it vectorises):
   * V(i, x) = sum_a wy[i, a] src(fy[i] + a, x); then out(i, j) = sum_c wx[j, c] V(i, fx[j] + c). */
  int x_lo = fx[0], x_hi = fx[ow - 1] + nx[ow - 1], vw = (x_hi - x_lo) * 3;
  float *V = scratch_get(2, (size_t)vw * sizeof(float));
  if (!V) return 0;
  memset(out, 0, S * S * 3);
  for (int i = 0; i < oh; i++) {
    const float *k = wy + i * MAX_TAPS;
    const uint8_t *row = src + ((size_t)fy[i] * dw + x_lo) * 3;
    for (int t = 0; t < vw; t++) V[t] = k[0] * row[t];
    for (int a = 1; a < ny[i]; a++) {
      row += (size_t)dw * 3;
      for (int t = 0; t < vw; t++) V[t] += k[a] * row[t];
    }
    uint8_t *q = out + ((size_t)(oy + i) * S + ox) * 3;
    for (int j = 0; j < ow; j++) {
      const float *kw = wx + j * MAX_TAPS, *v = V + (fx[j] - x_lo) * 3;
      float r = 0.5f, g = 0.5f, b = 0.5f;
      for (int c = 0; c < nx[j]; c++, v += 3) r += kw[c] * v[0], g += kw[c] * v[1], b += kw[c] * v[2];
      q[j * 3] = r >= 255 ? 255 : (uint8_t)r; /* r >= 0.5: the sums of non-negative terms */
      q[j * 3 + 1] = g >= 255 ? 255 : (uint8_t)g;
      q[j * 3 + 2] = b >= 255 ? 255 : (uint8_t)b;
    }
  }
  return 1;
}

/* Bytes this decode allocates beyond small tables, after jpeg_calc_output_dimensions: the whole
 * image's coefficient buffer when the file has several scans (progressive, or components in separate
 * scans: libjpeg keeps every DCT block until the last scan; 2 bytes per pixel and component at 4:4:4),
 * as jdcoefct.c sizes it, plus the scaled output image (twice when it is turned by EXIF). */
static size_t decode_bytes(j_decompress_ptr c, int turned) {
  size_t n = (size_t)c->output_width * c->output_height * 3 * (turned ? 2 : 1);
  if (jpeg_has_multiple_scans(c))
    for (int i = 0; i < c->num_components; i++) {
      const jpeg_component_info *k = &c->comp_info[i];
      size_t w = ((size_t)k->width_in_blocks + k->h_samp_factor - 1) / k->h_samp_factor * k->h_samp_factor;
      size_t h = ((size_t)k->height_in_blocks + k->v_samp_factor - 1) / k->v_samp_factor * k->v_samp_factor;
      n += w * h * sizeof(JBLOCK);
    }
  return n;
}

/* libjpeg's own cap on its whole-image buffers, above the estimate (tables, row buffers): if the
 * estimate were ever short, libjpeg stops with an error instead of allocating past the budget. */
#define CAP_SLACK ((size_t)32 << 20)

int cn_jpeg64(const uint8_t *data, size_t len, int fit, double max_pixels, uint8_t *out, char *why, size_t why_len,
              size_t *need_bytes) {
  struct jpeg_decompress_struct cinfo;
  struct error_mgr err;
  uint8_t *volatile img = NULL;
  volatile int status = CN_JPEG64_OK;
  volatile size_t reserved = 0;
  *need_bytes = 0;
  memset(&err, 0, sizeof err);
  why[0] = 0;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  struct jpeg_progress_mgr progress = {.progress_monitor = on_progress};
  if (setjmp(err.jump)) {
    snprintf(why, why_len, "libjpeg: %s", err.message);
    jpeg_destroy_decompress(&cinfo);
    scratch_trim();
    if (reserved) cn_budget_release(reserved);
    return CN_JPEG64_ERROR;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)len);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_read_header(&cinfo, TRUE);

  int o = 1;
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 && memcmp(m->data, "ICC_PROFILE\0", 12) == 0 &&
        !icc_is_srgb(m->data, m->data_length)) {
      snprintf(why, why_len, "has an ICC profile other than sRGB");
      status = CN_JPEG64_FALLBACK;
    } else if (m->marker == JPEG_APP0 + 1 && o == 1) o = exif_orientation(m->data, m->data_length);
  }
  int w = (int)cinfo.image_width, h = (int)cinfo.image_height;
  if (status == CN_JPEG64_OK && (double)w * h > max_pixels) {
    snprintf(why, why_len, "more than the pixel limit");
    status = CN_JPEG64_FALLBACK;
  }
  if (status == CN_JPEG64_OK && !(cinfo.jpeg_color_space == JCS_YCbCr || cinfo.jpeg_color_space == JCS_GRAYSCALE ||
                                  cinfo.jpeg_color_space == JCS_RGB)) {
    snprintf(why, why_len, "colour space %d (CMYK or YCCK)", (int)cinfo.jpeg_color_space);
    status = CN_JPEG64_FALLBACK;
  }
  /* The side that must stay >= 64 pixels: the short one for cover/fill, the long one for contain. */
  int need = fit == CN_FIT_CONTAIN ? (w > h ? w : h) : (w < h ? w : h);
  if (status == CN_JPEG64_OK && need < S) {
    snprintf(why, why_len, "smaller than 64 pixels (enlarged by the general decoder)");
    status = CN_JPEG64_FALLBACK;
  }
  if (status != CN_JPEG64_OK) {
    jpeg_destroy_decompress(&cinfo);
    return status;
  }
  int denom = 8;
  while (denom > 1 && (need + denom - 1) / denom < S) denom /= 2;
  cinfo.scale_num = 1;
  cinfo.scale_denom = (unsigned)denom;
  cinfo.out_color_space = JCS_RGB;
  if (denom > 1) { /* a reduced image is box-filtered again: the faster IDCT and upsampling do not show */
    cinfo.dct_method = JDCT_IFAST;
    cinfo.do_fancy_upsampling = FALSE;
  }
  jpeg_calc_output_dimensions(&cinfo);
  size_t bytes = decode_bytes(&cinfo, o != 1);
  *need_bytes = bytes;
  if (bytes > CN_JPEG64_SMALL_DECODE) {
    if (bytes > cn_budget_total()) {
      snprintf(why, why_len, "needs %.0f MB to decode, more than the %.0f MB decode budget", bytes / 1048576.0,
               cn_budget_total() / 1048576.0);
      jpeg_destroy_decompress(&cinfo);
      return CN_JPEG64_TOO_BIG;
    }
    if (!cn_budget_try_reserve(bytes)) {
      snprintf(why, why_len, "waiting for %.0f MB of decode budget", bytes / 1048576.0);
      jpeg_destroy_decompress(&cinfo);
      return CN_JPEG64_BUSY;
    }
    reserved = bytes;
  }
  cinfo.mem->max_memory_to_use = (long)((bytes > CN_JPEG64_SMALL_DECODE ? bytes : CN_JPEG64_SMALL_DECODE) + CAP_SLACK);
  jpeg_start_decompress(&cinfo);
  int ow = (int)cinfo.output_width, oh = (int)cinfo.output_height;
  if (cinfo.output_components != 3 || ow <= 0 || oh <= 0) {
    snprintf(why, why_len, "decoded to %d components", cinfo.output_components);
    jpeg_destroy_decompress(&cinfo);
    if (reserved) cn_budget_release(reserved);
    return CN_JPEG64_FALLBACK;
  }
  img = scratch_get(0, (size_t)ow * oh * 3);
  if (!img) {
    snprintf(why, why_len, "out of memory");
    jpeg_destroy_decompress(&cinfo);
    if (reserved) cn_budget_release(reserved);
    return CN_JPEG64_FALLBACK;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = img + (size_t)cinfo.output_scanline * ow * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo); /* frees the coefficient buffer */
  if (reserved) cn_budget_release(reserved);
  reserved = 0;
  if (err.warned) { /* truncated or damaged: sharp decides (it rejects truncated files, names the fault) */
    snprintf(why, why_len, "libjpeg warning: %s", err.message);
    scratch_trim();
    return CN_JPEG64_FALLBACK;
  }
  int done = resample(img, ow, oh, w, h, o, fit, out);
  scratch_trim();
  if (!done) {
    snprintf(why, why_len, "aspect ratio too far from the crop for the box filter");
    return CN_JPEG64_FALLBACK;
  }
  return CN_JPEG64_OK;
}
