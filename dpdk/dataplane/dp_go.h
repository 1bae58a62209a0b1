/* dp_go.h — small helpers Go calls once per control operation. */
#ifndef SARA_DP_GO_H
#define SARA_DP_GO_H
#include "dp.h"

static inline void dp_publish(struct dp_shared *s, struct dp_policy *p)
{
	__atomic_store_n(&s->policy, p, __ATOMIC_RELEASE);
}
static inline void dp_set_stop(struct dp_worker *w)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
}
static inline uint64_t dp_policy_seen(struct dp_worker *w)
{
	return __atomic_load_n(&w->policy_seen, __ATOMIC_ACQUIRE);
}
static inline void *dp_worker_fn(void) { return (void *)dp_worker_run; }
#endif
