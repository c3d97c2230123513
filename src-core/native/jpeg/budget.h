/* The process-wide memory budget of image decodes: every decode that needs more than a little memory
 * (a progressive JPEG's whole-image coefficient buffer, a large image on the general path) reserves
 * its estimate first and releases it after, so the decode memory in flight stays under one bound
 * whatever the number of threads. Lock-free; safe from any thread. */
#ifndef CATNET_BUDGET_H
#define CATNET_BUDGET_H

#include <stddef.h>

/* Reserves n bytes if they fit in what is left; 1 when reserved, 0 when not (nothing changes). */
int cn_budget_try_reserve(size_t n);
void cn_budget_release(size_t n);
/* The bound (bytes); set once at start, or by tests. Reservations already made stay valid. */
void cn_budget_set_total(size_t n);
size_t cn_budget_total(void);
size_t cn_budget_used(void);
/* The most ever reserved at once since start (or the last reset). */
size_t cn_budget_peak(void);
void cn_budget_reset_peak(void);

#endif
