/* See budget.h. C11 atomics: a reservation is one compare-and-swap loop on `used`. */
#include "budget.h"

#include <stdatomic.h>

static _Atomic size_t total = (size_t)768 << 20;
static _Atomic size_t used;
static _Atomic size_t peak;

int cn_budget_try_reserve(size_t n) {
  size_t now = atomic_load(&used);
  do {
    if (n > atomic_load(&total) || now > atomic_load(&total) - n) return 0;
  } while (!atomic_compare_exchange_weak(&used, &now, now + n));
  size_t p = atomic_load(&peak);
  while (now + n > p && !atomic_compare_exchange_weak(&peak, &p, now + n)) {
  }
  return 1;
}

void cn_budget_release(size_t n) { atomic_fetch_sub(&used, n); }
void cn_budget_set_total(size_t n) { atomic_store(&total, n); }
size_t cn_budget_total(void) { return atomic_load(&total); }
size_t cn_budget_used(void) { return atomic_load(&used); }
size_t cn_budget_peak(void) { return atomic_load(&peak); }
void cn_budget_reset_peak(void) { atomic_store(&peak, atomic_load(&used)); }
