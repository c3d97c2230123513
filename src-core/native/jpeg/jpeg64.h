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
  CN_JPEG64_TOO_BIG = 3,  /* decoding needs *need bytes, more than the whole decode budget (budget.h) */
  CN_JPEG64_BUSY = 4,     /* decoding needs *need bytes and the budget has not that much left now: retry */
};

/* Decodes needing at most this much memory do not reserve from the budget (every ordinary photo). */
#define CN_JPEG64_SMALL_DECODE ((size_t)8 << 20)

/* Decodes `data` (len bytes) to `out` (64*64*3 bytes). max_pixels: width x height above which the
 * image is left to the general decoder (which rejects it). Writes a NUL-terminated reason to `why`,
 * and to *need the memory the decode needs (estimated from the header; 0 when it stopped earlier).
 * A decode needing more than CN_JPEG64_SMALL_DECODE reserves it from the budget for its duration. */
int cn_jpeg64(const uint8_t *data, size_t len, int fit, double max_pixels, uint8_t *out, char *why, size_t why_len,
              size_t *need);

#endif
