/* The convolution GEMM kernels (conv_nn, conv_nt of the catnet_isa table) over the vector vocabulary
 * of simd_kernels.h, included once per ISA file. conv.c turns each convolution into these GEMMs with
 * an implicit im2col: row r of B is the run of a zero-padded image starting at B + brow[r]. */

/* Convolution GEMMs (kernels.h, catnet_conv_gemm_args; conv.c): row r of B starts at B + brow[r].
 * conv_nn tiles are CONV_MR rows x CONV_NR vectors, like the nn GEMM tiles but with B's row pointer
 * read from the table; conv_nt tiles are the nt GEMM's NT_MR x NT_NR dot products. */
static inline ALWAYS_INLINE void conv_nn_tile(const int mr, const int nv, const catnet_conv_gemm_args *g, size_t i,
                                              size_t j) {
  vf acc[CONV_MR][CONV_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VZERO();
  const size_t lda = g->lda, K = g->K;
  const float *a = g->A + i * lda;
  const float *B = g->B + j;
  for (size_t k = 0; k < K; k++) {
    const float *b = B + g->brow[k];
    vf bv[CONV_NR];
    UNROLL for (int v = 0; v < nv; v++) bv[v] = VLOAD(b + v * VL);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VSET1(a[r * lda + k]);
      UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VFMA(av, bv[v], acc[r][v]);
    }
  }
  UNROLL for (int r = 0; r < mr; r++) {
    float *c = g->C + (i + r) * g->ldc + j;
    UNROLL for (int v = 0; v < nv; v++) VSTORE(c + v * VL, g->beta == 0.0f ? acc[r][v] : VADD(acc[r][v], VLOAD(c + v * VL)));
  }
}

static inline ALWAYS_INLINE void conv_nn_rows(const int nv, const catnet_conv_gemm_args *g, size_t i0, size_t i1,
                                              size_t j) {
  size_t i = i0;
  for (; i + CONV_MR <= i1; i += CONV_MR) conv_nn_tile(CONV_MR, nv, g, i, j);
#if CONV_MR > 4
  if (i + 4 <= i1) conv_nn_tile(4, nv, g, i, j), i += 4;
#endif
  if (i + 2 <= i1) conv_nn_tile(2, nv, g, i, j), i += 2;
  if (i < i1) conv_nn_tile(1, nv, g, i, j);
}

static void conv_nn(const catnet_conv_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  size_t j = j0;
  for (; j + CONV_NR * VL <= j1; j += CONV_NR * VL) conv_nn_rows(CONV_NR, g, i0, i1, j);
  for (; j + VL <= j1; j += VL) conv_nn_rows(1, g, i0, i1, j);
  for (size_t i = i0; i < i1 && j < j1; i++) {
    for (size_t jj = j; jj < j1; jj++) {
      float sum = 0.0f;
      for (size_t k = 0; k < g->K; k++) sum += g->A[i * g->lda + k] * g->B[g->brow[k] + jj];
      float *c = g->C + i * g->ldc + jj;
      *c = g->beta == 0.0f ? sum : sum + *c;
    }
  }
}

static inline ALWAYS_INLINE void conv_nt_tile(const int mr, const int nc, const catnet_conv_gemm_args *g, size_t i,
                                              size_t j) {
  vf acc[NT_MR][NT_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VZERO();
  const size_t K = g->K, lda = g->lda;
  const float *a = g->A + i * lda;
  const float *b[NT_NR];
  UNROLL for (int c = 0; c < nc; c++) b[c] = g->B + g->brow[j + c];
  size_t k = 0;
  for (; k + VL <= K; k += VL) {
    vf bv[NT_NR];
    UNROLL for (int c = 0; c < nc; c++) bv[c] = VLOAD(b[c] + k);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VLOAD(a + r * lda + k);
      UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VFMA(av, bv[c], acc[r][c]);
    }
  }
  UNROLL for (int r = 0; r < mr; r++) {
    UNROLL for (int c = 0; c < nc; c++) {
      float sum = VHSUM(acc[r][c]);
      for (size_t kk = k; kk < K; kk++) sum += a[r * lda + kk] * b[c][kk];
      float *out = g->C + (i + r) * g->ldc + j + c;
      *out = g->beta == 0.0f ? sum : sum + *out;
    }
  }
}

static inline ALWAYS_INLINE void conv_nt_cols(const int mr, const catnet_conv_gemm_args *g, size_t i, size_t j0,
                                              size_t j1) {
  size_t j = j0;
  for (; j + NT_NR <= j1; j += NT_NR) conv_nt_tile(mr, NT_NR, g, i, j);
  for (; j < j1; j++) conv_nt_tile(mr, 1, g, i, j);
}

static void conv_nt(const catnet_conv_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  size_t i = i0;
  for (; i + NT_MR <= i1; i += NT_MR) conv_nt_cols(NT_MR, g, i, j0, j1);
#if NT_MR > 4
  if (i + 4 <= i1) conv_nt_cols(4, g, i, j0, j1), i += 4;
#endif
#if NT_MR > 2
  if (i + 2 <= i1) conv_nt_cols(2, g, i, j0, j1), i += 2;
#endif
  if (i < i1) conv_nt_cols(1, g, i, j0, j1);
}

