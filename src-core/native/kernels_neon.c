/* NEON kernels for AArch64 (4 floats per vector, 32 registers). NEON is part of the AArch64
 * baseline, so this file needs no extra flags and dispatch.c always offers it on arm64. */
#include <arm_neon.h>
#include <string.h>

#define SIMD_NAME "neon"
#define SIMD_TABLE catnet_isa_neon
#define VL 4
typedef float32x4_t vf;

/* 4 bytes -> 4 floats, reading exactly 4 bytes. */
static inline float32x4_t neon_load_u8(const uint8_t *p) {
  uint32_t word;
  memcpy(&word, p, 4);
  const uint16x8_t h = vmovl_u8(vreinterpret_u8_u32(vdup_n_u32(word)));
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(h)));
}

#define VZERO() vdupq_n_f32(0.0f)
#define VSET1(x) vdupq_n_f32(x)
#define VLOAD(p) vld1q_f32(p)
#define VSTORE(p, v) vst1q_f32(p, v)
#define VLOAD_U8(p) neon_load_u8(p)
#define VADD(a, b) vaddq_f32(a, b)
#define VSUB(a, b) vsubq_f32(a, b)
#define VMUL(a, b) vmulq_f32(a, b)
#define VDIV(a, b) vdivq_f32(a, b)
#define VMAX(a, b) vmaxq_f32(a, b)
#define VMIN(a, b) vminq_f32(a, b)
#define VSQRT(a) vsqrtq_f32(a)
#define VABS(a) vabsq_f32(a)
#define VFMA(a, b, c) vfmaq_f32(c, a, b)
#define VHSUM(v) vaddvq_f32(v)
#define VSEL_GT(x, y, a, b) vbslq_f32(vcgtq_f32(x, y), a, b)
#define VROUND(x) vrndnq_f32(x)
#define VEXP2I(n) vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23))

/* nn: 6 rows x 4 vectors = 24 accumulators; nt: 4 rows x 4 columns = 16 accumulators. */
#define NN_MR 6
#define NN_NR 4
#define NT_MR 4
#define NT_NR 4

/* conv_nn: 6 rows x 4 vectors (output channels x pixels of the padded grid). */
#define CONV_MR 6
#define CONV_NR 4

#include "simd_kernels.h"
