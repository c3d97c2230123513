/* Chooses the instruction set once, at load: the best one that both the CPU (CPUID) and the OS
 * (XGETBV: the OS saves the YMM / ZMM registers on context switch) support. CATNET_ISA=avx512|avx2|
 * neon|scalar forces one; a forced ISA that cannot run here falls back with the reason recorded. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
/* r = CPUID(leaf, subleaf) as eax, ebx, ecx, edx; 0 when the leaf is beyond the CPU's maximum. */
static int cpuid(unsigned leaf, unsigned subleaf, unsigned r[4]) {
  int v[4];
  __cpuid(v, (int)(leaf & 0x80000000u));
  if ((unsigned)v[0] < leaf) return 0;
  __cpuidex(v, (int)leaf, (int)subleaf);
  for (int i = 0; i < 4; i++) r[i] = (unsigned)v[i];
  return 1;
}
static uint64_t read_xcr0(void) { return _xgetbv(0); }
#else
#include <cpuid.h>
static int cpuid(unsigned leaf, unsigned subleaf, unsigned r[4]) {
  if (__get_cpuid_max(leaf & 0x80000000u, 0) < leaf) return 0;
  __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
  return 1;
}
static uint64_t read_xcr0(void) {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t)edx << 32) | eax;
}
#endif

/* AVX2 and FMA in CPUID, and the OS saves XMM and YMM state (XCR0 bits 1, 2). */
static int cpu_has_avx2(void) {
  unsigned r[4];
  if (!cpuid(1, 0, r)) return 0;
  const unsigned c = r[2];
  const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (!fma || !osxsave || !avx) return 0;
  if ((read_xcr0() & 0x6) != 0x6) return 0;
  if (!cpuid(7, 0, r)) return 0;
  return (r[1] >> 5) & 1;
}

/* AVX-512F in CPUID, and the OS saves opmask and ZMM state too (XCR0 bits 5, 6, 7). */
static int cpu_has_avx512(void) {
  unsigned r[4];
  if (!cpu_has_avx2() || !cpuid(7, 0, r)) return 0;
  if (!((r[1] >> 16) & 1)) return 0;
  return (read_xcr0() & 0xE6) == 0xE6;
}
#endif

static const catnet_isa *supported[4];
static size_t n_supported;
static _Atomic(const catnet_isa *) active;
static char reason[256];
static char supported_names[64];

static const catnet_isa *find_supported(const char *name) {
  for (size_t i = 0; i < n_supported; i++)
    if (strcmp(supported[i]->name, name) == 0) return supported[i];
  return NULL;
}

static int known_name(const char *name) {
  return strcmp(name, "avx512") == 0 || strcmp(name, "avx2") == 0 || strcmp(name, "neon") == 0 ||
         strcmp(name, "scalar") == 0;
}

void catnet_dispatch_init(void) {
  n_supported = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if (cpu_has_avx512()) supported[n_supported++] = &catnet_isa_avx512;
  if (cpu_has_avx2()) supported[n_supported++] = &catnet_isa_avx2;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
  supported[n_supported++] = &catnet_isa_neon;
#endif
  supported[n_supported++] = &catnet_isa_scalar;
  supported_names[0] = '\0';
  for (size_t i = 0; i < n_supported; i++) {
    if (i) strncat(supported_names, ",", sizeof supported_names - strlen(supported_names) - 1);
    strncat(supported_names, supported[i]->name, sizeof supported_names - strlen(supported_names) - 1);
  }
  reason[0] = '\0';
  atomic_store(&active, supported[0]);
  const char *forced = getenv("CATNET_ISA");
  if (forced && *forced && !catnet_set_isa(forced)) {
    snprintf(reason, sizeof reason, "CATNET_ISA=%.40s %s (this CPU/OS supports %s); using %s", forced,
             known_name(forced) ? "is not supported here" : "is not one of avx512|avx2|neon|scalar", supported_names,
             supported[0]->name);
  }
}

int catnet_set_isa(const char *name) {
  const catnet_isa *isa = find_supported(name);
  if (!isa) return 0;
  atomic_store(&active, isa);
  reason[0] = '\0';
  return 1;
}

const catnet_isa *catnet_active_isa(void) { return atomic_load_explicit(&active, memory_order_relaxed); }

const char *catnet_isa_reason(void) { return reason; }

const char *catnet_isa_supported(void) { return supported_names; }
