/* The fast JPEG path of the image loader (jpeg64.c): bytes -> 64x64x3 HWC uint8, or a reason to use
 * the general decoder (sharp). Pure C over caller-owned memory; no Node-API here. */
#ifndef CATNET_JPEG64_H
#define CATNET_JPEG64_H

#include <stddef.h>
#include <stdint.h>

#define CN_JPEG64_SIZE 64

enum cn_fit { CN_FIT_COVER = 0, CN_FIT_FILL = 1, CN_FIT_CONTAIN = 2 };

enum cn_jpeg64_status {
  CN_JPEG64_OK = 0,       /* out holds 64*64*3 bytes */
  CN_JPEG64_FALLBACK = 1, /* decodable, but not by this path (why says which feature) */
  CN_JPEG64_ERROR = 2,    /* libjpeg failed (why has its message); the general decoder names the fault */
};

/* Decodes `data` (len bytes) to `out` (64*64*3 bytes). max_pixels: width x height above which the
 * image is left to the general decoder (which rejects it). Writes a NUL-terminated reason to `why`. */
int cn_jpeg64(const uint8_t *data, size_t len, int fit, double max_pixels, uint8_t *out, char *why, size_t why_len);

#endif
