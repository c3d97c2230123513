/* GEMM range kernels written once over the vector macros of simd_kernels.h, included twice per ISA
 * file: with B float (SFX f32) and with B uint8 (SFX u8, bytes widened to float in registers).
 * Expects: SFX, BT (element type of B), BPTR (Bf or Bu), LOADB(p) (VL elements of B -> vf).
 * No include guard on purpose. */

#define SIMD_CAT2(a, b) a##b
#define SIMD_CAT(a, b) SIMD_CAT2(a, b)
#define NN_TILE SIMD_CAT(nn_tile_, SFX)
#define NN_ROWS SIMD_CAT(nn_rows_, SFX)
#define NT_TILE SIMD_CAT(nt_tile_, SFX)
#define NT_COLS SIMD_CAT(nt_cols_, SFX)

/* C[i:i+mr, j:j+nv*VL] with B (K, N): per k, nv vectors of row k of B times mr broadcasts of
 * op(A)(i+r, k), accumulated in mr*nv registers, C written once. */
static inline ALWAYS_INLINE void NN_TILE(const int mr, const int nv, const catnet_gemm_args *g, size_t i, size_t j) {
  vf acc[NN_MR][NN_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VZERO();
  const size_t lda_i = g->lda_i, lda_k = g->lda_k, ldb = g->ldb, N = g->N, K = g->K;
  const float *a = g->A + i * lda_i;
  const BT *b = g->BPTR + j;
  for (size_t k = 0; k < K; k++, a += lda_k, b += ldb) {
    vf bv[NN_NR];
    UNROLL for (int v = 0; v < nv; v++) bv[v] = LOADB(b + v * VL);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VSET1(a[r * lda_i]);
      UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VFMA(av, bv[v], acc[r][v]);
    }
  }
  const vf alpha = VSET1(g->alpha), beta = VSET1(g->beta);
  UNROLL for (int r = 0; r < mr; r++) {
    float *c = g->C + (i + r) * N + j;
    UNROLL for (int v = 0; v < nv; v++) {
      const vf out = g->beta == 0.0f ? VMUL(acc[r][v], alpha) : VFMA(acc[r][v], alpha, VMUL(VLOAD(c + v * VL), beta));
      VSTORE(c + v * VL, out);
    }
  }
}

/* Rows i0..i1 of one column strip, in tiles of NN_MR rows then 8, 4, 2, 1 for the remainder. */
static inline ALWAYS_INLINE void NN_ROWS(const int nv, const catnet_gemm_args *g, size_t i0, size_t i1, size_t j) {
  size_t i = i0;
  for (; i + NN_MR <= i1; i += NN_MR) NN_TILE(NN_MR, nv, g, i, j);
#if NN_MR > 8
  if (i + 8 <= i1) NN_TILE(8, nv, g, i, j), i += 8;
#endif
#if NN_MR > 4
  if (i + 4 <= i1) NN_TILE(4, nv, g, i, j), i += 4;
#endif
  if (i + 2 <= i1) NN_TILE(2, nv, g, i, j), i += 2;
  if (i < i1) NN_TILE(1, nv, g, i, j);
}

static void SIMD_CAT(gemm_nn_, SFX)(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  size_t j = j0;
  for (; j + NN_NR * VL <= j1; j += NN_NR * VL) NN_ROWS(NN_NR, g, i0, i1, j);
  for (; j + VL <= j1; j += VL) NN_ROWS(1, g, i0, i1, j);
  /* scalar tail: the last < VL columns */
  for (size_t i = i0; i < i1 && j < j1; i++) {
    for (size_t jj = j; jj < j1; jj++) {
      float sum = 0.0f;
      for (size_t k = 0; k < g->K; k++) sum += g->A[i * g->lda_i + k * g->lda_k] * (float)g->BPTR[k * g->ldb + jj];
      float *c = g->C + i * g->N + jj;
      *c = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *c;
    }
  }
}

/* C[i:i+mr, j:j+nc] with B (N, K): mr x nc dot products along k, vector partial sums reduced once
 * at the end, then the scalar tail of k. */
static inline ALWAYS_INLINE void NT_TILE(const int mr, const int nc, const catnet_gemm_args *g, size_t i, size_t j) {
  vf acc[NT_MR][NT_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VZERO();
  const size_t K = g->K, N = g->N, lda = g->lda_i, ldb = g->ldb;
  const float *a = g->A + i * lda;
  const BT *b = g->BPTR + j * ldb;
  size_t k = 0;
  for (; k + VL <= K; k += VL) {
    vf bv[NT_NR];
    UNROLL for (int c = 0; c < nc; c++) bv[c] = LOADB(b + c * ldb + k);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VLOAD(a + r * lda + k);
      UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VFMA(av, bv[c], acc[r][c]);
    }
  }
  UNROLL for (int r = 0; r < mr; r++) {
    UNROLL for (int c = 0; c < nc; c++) {
      float sum = VHSUM(acc[r][c]);
      for (size_t kk = k; kk < K; kk++) sum += a[r * lda + kk] * (float)b[c * ldb + kk];
      float *out = g->C + (i + r) * N + j + c;
      *out = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *out;
    }
  }
}

/* Columns j0..j1 of one row strip of mr rows: tiles of NT_NR columns, then single columns. */
static inline ALWAYS_INLINE void NT_COLS(const int mr, const catnet_gemm_args *g, size_t i, size_t j0, size_t j1) {
  size_t j = j0;
  for (; j + NT_NR <= j1; j += NT_NR) NT_TILE(mr, NT_NR, g, i, j);
  for (; j < j1; j++) NT_TILE(mr, 1, g, i, j);
}

static void SIMD_CAT(gemm_nt_, SFX)(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  size_t i = i0;
  for (; i + NT_MR <= i1; i += NT_MR) NT_COLS(NT_MR, g, i, j0, j1);
#if NT_MR > 4
  if (i + 4 <= i1) NT_COLS(4, g, i, j0, j1), i += 4;
#endif
#if NT_MR > 2
  if (i + 2 <= i1) NT_COLS(2, g, i, j0, j1), i += 2;
#endif
  if (i < i1) NT_COLS(1, g, i, j0, j1);
}

#undef NN_TILE
#undef NN_ROWS
#undef NT_TILE
#undef NT_COLS
