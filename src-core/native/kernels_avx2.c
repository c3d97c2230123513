/* AVX2 + FMA kernels (8 floats per vector, 16 registers). Compiled with -mavx2 -mfma on this file
 * only; dispatch.c calls it only after CPUID and XGETBV say the CPU and OS support it. */
#include <immintrin.h>

#define SIMD_NAME "avx2"
#define SIMD_TABLE catnet_isa_avx2
#define VL 8
typedef __m256 vf;

static inline float avx2_hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

#define VZERO() _mm256_setzero_ps()
#define VSET1(x) _mm256_set1_ps(x)
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VLOAD_U8(p) _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(p))))
#define VADD(a, b) _mm256_add_ps(a, b)
#define VSUB(a, b) _mm256_sub_ps(a, b)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VDIV(a, b) _mm256_div_ps(a, b)
#define VMAX(a, b) _mm256_max_ps(a, b)
#define VMIN(a, b) _mm256_min_ps(a, b)
#define VSQRT(a) _mm256_sqrt_ps(a)
#define VABS(a) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a)
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VHSUM(v) avx2_hsum(v)
#define VSEL_GT(x, y, a, b) _mm256_blendv_ps(b, a, _mm256_cmp_ps(x, y, _CMP_GT_OQ))
#define VROUND(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VEXP2I(n) \
  _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23))

/* nn: 4 rows x 3 vectors = 12 accumulators (measured best of 6x2, 5x2, 4x3, 12x1, 8x1 for the
 * layer-1 backward product: 75 vs 66 GFLOP/s); nt: 3 rows x 3 columns = 9 accumulators. */
#define NN_MR 4
#define NN_NR 3
#define NT_MR 3
#define NT_NR 3

/* conv_nn: 4 rows x 3 vectors (output channels x pixels of the padded grid). */
#define CONV_MR 4
#define CONV_NR 3

#include "simd_kernels.h"
