/* AVX-512F kernels (16 floats per vector, 32 registers). Compiled with -mavx512f -mavx2 -mfma on
 * this file only; dispatch.c calls it only after CPUID and XGETBV say the CPU and OS support it. */
#include <immintrin.h>

#define SIMD_NAME "avx512"
#define SIMD_TABLE catnet_isa_avx512
#define VL 16
typedef __m512 vf;
#define VZERO() _mm512_setzero_ps()
#define VSET1(x) _mm512_set1_ps(x)
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VLOAD_U8(p) _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p))))
#define VADD(a, b) _mm512_add_ps(a, b)
#define VSUB(a, b) _mm512_sub_ps(a, b)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VDIV(a, b) _mm512_div_ps(a, b)
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VMIN(a, b) _mm512_min_ps(a, b)
#define VSQRT(a) _mm512_sqrt_ps(a)
#define VABS(a) _mm512_abs_ps(a)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VHSUM(v) _mm512_reduce_add_ps(v)
#define VSEL_GT(x, y, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, y, _CMP_GT_OQ), b, a)
#define VROUND(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VEXP2I(n) \
  _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23))

/* nn: 10 rows x 2 vectors = 20 accumulators; nt: 5 rows x 4 columns = 20 accumulators. */
#define NN_MR 10
#define NN_NR 2
#define NT_MR 5
#define NT_NR 4

/* conv_nn: 8 rows x 3 vectors (output channels x pixels of the padded grid). */
#define CONV_MR 8
#define CONV_NR 3

#include "simd_kernels.h"
