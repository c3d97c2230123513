/* GEMM range kernels over the vector vocabulary of simd_kernels.h, included once per ISA file. B is
 * float (the *_f32 kernels) or uint8 (the *_u8 kernels: pixels widened to float in registers). The
 * bodies take `u8` as a compile-time constant (always inlined), so each named kernel below compiles
 * to its own specialised loop; every kernel name appears written out in full. */

/* VL elements of B at `at` elements past the pointers bu (uint8) / bf (float), as floats. */
#define LOADB(u8, bu, bf, at) ((u8) ? VLOAD_U8((bu) + (at)) : VLOAD((bf) + (at)))
/* One element of B, as a float. */
#define ELEMB(u8, g, at) ((u8) ? (float)(g)->Bu[at] : (g)->Bf[at])

/* C[i:i+mr, j:j+nv*VL] with B (K, N): per k, nv vectors of row k of B times mr broadcasts of
 * op(A)(i+r, k), accumulated in mr*nv registers, C written once. */
static inline ALWAYS_INLINE void nn_tile(const int u8, const int mr, const int nv, const catnet_gemm_args *g, size_t i,
                                         size_t j) {
  vf acc[NN_MR][NN_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VZERO();
  const size_t lda_i = g->lda_i, lda_k = g->lda_k, ldb = g->ldb, N = g->N, K = g->K;
  const float *a = g->A + i * lda_i;
  const uint8_t *bu = u8 ? g->Bu + j : NULL;
  const float *bf = u8 ? NULL : g->Bf + j;
  for (size_t k = 0; k < K; k++, a += lda_k) {
    vf bv[NN_NR];
    UNROLL for (int v = 0; v < nv; v++) bv[v] = LOADB(u8, bu, bf, k * ldb + v * VL);
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
static inline ALWAYS_INLINE void nn_rows(const int u8, const int nv, const catnet_gemm_args *g, size_t i0, size_t i1,
                                         size_t j) {
  size_t i = i0;
  for (; i + NN_MR <= i1; i += NN_MR) nn_tile(u8, NN_MR, nv, g, i, j);
#if NN_MR > 8
  if (i + 8 <= i1) nn_tile(u8, 8, nv, g, i, j), i += 8;
#endif
#if NN_MR > 4
  if (i + 4 <= i1) nn_tile(u8, 4, nv, g, i, j), i += 4;
#endif
  if (i + 2 <= i1) nn_tile(u8, 2, nv, g, i, j), i += 2;
  if (i < i1) nn_tile(u8, 1, nv, g, i, j);
}

static inline ALWAYS_INLINE void gemm_nn(const int u8, const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0,
                                         size_t j1) {
  size_t j = j0;
  for (; j + NN_NR * VL <= j1; j += NN_NR * VL) nn_rows(u8, NN_NR, g, i0, i1, j);
  for (; j + VL <= j1; j += VL) nn_rows(u8, 1, g, i0, i1, j);
  /* scalar tail: the last < VL columns */
  for (size_t i = i0; i < i1 && j < j1; i++) {
    for (size_t jj = j; jj < j1; jj++) {
      float sum = 0.0f;
      for (size_t k = 0; k < g->K; k++) sum += g->A[i * g->lda_i + k * g->lda_k] * ELEMB(u8, g, k * g->ldb + jj);
      float *c = g->C + i * g->N + jj;
      *c = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *c;
    }
  }
}

/* C[i:i+mr, j:j+nc] with B (N, K): mr x nc dot products along k, vector partial sums reduced once
 * at the end, then the scalar tail of k. */
static inline ALWAYS_INLINE void nt_tile(const int u8, const int mr, const int nc, const catnet_gemm_args *g, size_t i,
                                         size_t j) {
  vf acc[NT_MR][NT_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VZERO();
  const size_t K = g->K, N = g->N, lda = g->lda_i, ldb = g->ldb;
  const float *a = g->A + i * lda;
  const uint8_t *bu = u8 ? g->Bu + j * ldb : NULL;
  const float *bf = u8 ? NULL : g->Bf + j * ldb;
  size_t k = 0;
  for (; k + VL <= K; k += VL) {
    vf bv[NT_NR];
    UNROLL for (int c = 0; c < nc; c++) bv[c] = LOADB(u8, bu, bf, c * ldb + k);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VLOAD(a + r * lda + k);
      UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VFMA(av, bv[c], acc[r][c]);
    }
  }
  UNROLL for (int r = 0; r < mr; r++) {
    UNROLL for (int c = 0; c < nc; c++) {
      float sum = VHSUM(acc[r][c]);
      for (size_t kk = k; kk < K; kk++) sum += a[r * lda + kk] * ELEMB(u8, g, (j + c) * ldb + kk);
      float *out = g->C + (i + r) * N + j + c;
      *out = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *out;
    }
  }
}

/* Columns j0..j1 of one row strip of mr rows: tiles of NT_NR columns, then single columns. */
static inline ALWAYS_INLINE void nt_cols(const int u8, const int mr, const catnet_gemm_args *g, size_t i, size_t j0,
                                         size_t j1) {
  size_t j = j0;
  for (; j + NT_NR <= j1; j += NT_NR) nt_tile(u8, mr, NT_NR, g, i, j);
  for (; j < j1; j++) nt_tile(u8, mr, 1, g, i, j);
}

static inline ALWAYS_INLINE void gemm_nt(const int u8, const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0,
                                         size_t j1) {
  size_t i = i0;
  for (; i + NT_MR <= i1; i += NT_MR) nt_cols(u8, NT_MR, g, i, j0, j1);
#if NT_MR > 4
  if (i + 4 <= i1) nt_cols(u8, 4, g, i, j0, j1), i += 4;
#endif
#if NT_MR > 2
  if (i + 2 <= i1) nt_cols(u8, 2, g, i, j0, j1), i += 2;
#endif
  if (i < i1) nt_cols(u8, 1, g, i, j0, j1);
}

/* The four kernels of the catnet_isa table (kernels.h, catnet_gemm_range). */
static void gemm_nn_f32(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  gemm_nn(0, g, i0, i1, j0, j1);
}
static void gemm_nn_u8(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  gemm_nn(1, g, i0, i1, j0, j1);
}
static void gemm_nt_f32(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  gemm_nt(0, g, i0, i1, j0, j1);
}
static void gemm_nt_u8(const catnet_gemm_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
  gemm_nt(1, g, i0, i1, j0, j1);
}

#undef LOADB
#undef ELEMB
