/* The convolution GEMM kernels (conv_nn, conv_nt of the catnet_isa table; kernels.h states them) over
 * the vector vocabulary of simd_kernels.h, included once per ISA file after vactivate. conv.c turns
 * each convolution into these GEMMs with an implicit im2col: row r of B is the run of a zero-padded
 * image starting at P + brow[r]. */

/* conv_nn: the output pixels of one example taken VL columns at a time ("slots": slot s is row
 * s / spr, columns (s % spr) VL .. + VL, spr = w / VL slots per row). A tile is mr output channels x
 * nv slots: per k, nv vectors of B (one per slot, each from its own row) times mr broadcast weights.
 * The tile's epilogue adds the bias, writes Z and A = g(Z) straight into the (M, h, w) outputs. */
static inline ALWAYS_INLINE void conv_nn_tile(const int mr, const int nv, const catnet_conv_nn_args *g, size_t i,
                                              size_t s) {
  const size_t spr = g->w / VL;
  size_t boff[CONV_NR], zoff[CONV_NR];
  UNROLL for (int v = 0; v < nv; v++) {
    const size_t y = (s + v) / spr, x = (s + v) % spr * VL;
    boff[v] = y * g->wp + x;
    zoff[v] = y * g->w + x;
  }
  vf acc[CONV_MR][CONV_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VZERO();
  const size_t ldw = g->ldw, K = g->K;
  const float *a = g->W + i * ldw;
  for (size_t k = 0; k < K; k++) {
    const float *b = g->P + g->brow[k];
    vf bv[CONV_NR];
    UNROLL for (int v = 0; v < nv; v++) bv[v] = VLOAD(b + boff[v]);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VSET1(a[r * ldw + k]);
      UNROLL for (int v = 0; v < nv; v++) acc[r][v] = VFMA(av, bv[v], acc[r][v]);
    }
  }
  const size_t plane = g->h * g->w;
  UNROLL for (int r = 0; r < mr; r++) {
    const vf bias = VSET1(g->bias ? g->bias[i + r] : 0.0f);
    float *z = g->Z + (i + r) * plane, *A = g->A + (i + r) * plane;
    UNROLL for (int v = 0; v < nv; v++) {
      const vf zv = VADD(acc[r][v], bias);
      VSTORE(z + zoff[v], zv);
      if (g->kind != CATNET_IDENTITY) VSTORE(A + zoff[v], vactivate(g->kind, zv));
      else if (A != z) VSTORE(A + zoff[v], zv);
    }
  }
}

/* Output channels i0..i1 of the slots s0..s1: tiles of CONV_MR channels, then 4, 2, 1. */
static inline ALWAYS_INLINE void conv_nn_channels(const int nv, const catnet_conv_nn_args *g, size_t i0, size_t i1,
                                                  size_t s) {
  size_t i = i0;
  for (; i + CONV_MR <= i1; i += CONV_MR) conv_nn_tile(CONV_MR, nv, g, i, s);
#if CONV_MR > 4
  if (i + 4 <= i1) conv_nn_tile(4, nv, g, i, s), i += 4;
#endif
  if (i + 2 <= i1) conv_nn_tile(2, nv, g, i, s), i += 2;
  if (i < i1) conv_nn_tile(1, nv, g, i, s);
}

static void conv_nn(const catnet_conv_nn_args *g, size_t i0, size_t i1) {
  const size_t slots = g->h * (g->w / VL);
  size_t s = 0;
  for (; s + CONV_NR <= slots; s += CONV_NR) conv_nn_channels(CONV_NR, g, i0, i1, s);
  for (; s < slots; s++) conv_nn_channels(1, g, i0, i1, s);
  /* scalar tail: the last w % VL columns of every row */
  const size_t plane = g->h * g->w;
  for (size_t i = i0; i < i1; i++)
    for (size_t y = 0; y < g->h; y++)
      for (size_t x = g->w / VL * VL; x < g->w; x++) {
        float sum = 0.0f;
        for (size_t k = 0; k < g->K; k++) sum += g->W[i * g->ldw + k] * g->P[g->brow[k] + y * g->wp + x];
        const float z = sum + (g->bias ? g->bias[i] : 0.0f);
        g->Z[i * plane + y * g->w + x] = z;
        g->A[i * plane + y * g->w + x] = catnet_activate(g->kind, z);
      }
}

/* conv_nt: C[i:i+mr, j:j+nc] as mr x nc dot products along k (the pixels of the padded grid). */
static inline ALWAYS_INLINE void conv_nt_tile(const int mr, const int nc, const catnet_conv_nt_args *g, size_t i,
                                              size_t j) {
  vf acc[NT_MR][NT_NR];
  UNROLL for (int r = 0; r < mr; r++) UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VZERO();
  const size_t K = g->K, ldg = g->ldg;
  const float *a = g->G + i * ldg;
  const float *b[NT_NR];
  UNROLL for (int c = 0; c < nc; c++) b[c] = g->P + g->brow[j + c];
  size_t k = 0;
  for (; k + VL <= K; k += VL) {
    vf bv[NT_NR];
    UNROLL for (int c = 0; c < nc; c++) bv[c] = VLOAD(b[c] + k);
    UNROLL for (int r = 0; r < mr; r++) {
      const vf av = VLOAD(a + r * ldg + k);
      UNROLL for (int c = 0; c < nc; c++) acc[r][c] = VFMA(av, bv[c], acc[r][c]);
    }
  }
  UNROLL for (int r = 0; r < mr; r++) {
    UNROLL for (int c = 0; c < nc; c++) {
      float sum = VHSUM(acc[r][c]);
      for (size_t kk = k; kk < K; kk++) sum += a[r * ldg + kk] * b[c][kk];
      float *out = g->C + (i + r) * g->ldc + j + c;
      *out = g->beta == 0.0f ? sum : sum + *out;
    }
  }
}

static inline ALWAYS_INLINE void conv_nt_cols(const int mr, const catnet_conv_nt_args *g, size_t i, size_t j0,
                                              size_t j1) {
  size_t j = j0;
  for (; j + NT_NR <= j1; j += NT_NR) conv_nt_tile(mr, NT_NR, g, i, j);
  for (; j < j1; j++) conv_nt_tile(mr, 1, g, i, j);
}

static void conv_nt(const catnet_conv_nt_args *g, size_t i0, size_t i1, size_t j0, size_t j1) {
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
