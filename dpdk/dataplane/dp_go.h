/* dp_go.h — small helpers Go calls once per control operation. */
#ifndef SARA_DP_GO_H
#define SARA_DP_GO_H
#include <rte_ring.h>
#include "dp.h"
#include "dp_sig.h"

static inline struct rte_ring *dp_ring(const char *name, unsigned size, int socket)
{
	return rte_ring_create(name, size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
}
static inline uint64_t dp_epoch(struct dp_worker *w)
{
	return __atomic_load_n(&w->epoch, __ATOMIC_ACQUIRE);
}
int dp_sig_dequeue(struct dp_worker **ws, int nw, struct dp_sigmsg *out, int max);
void dp_sig_complete(struct dp_worker **ws, int nw, const struct dp_sigmsg *msgs, const uint16_t *servers, int n);
int32_t dp_xput(struct dp_xtable *x, const struct dp_xkey *k, uint32_t idx, const struct dp_xcand *c, uint32_t n);
int32_t dp_xdel(struct dp_xtable *x, const struct dp_xkey *k);
int dp_xfree_pos(struct dp_xtable *x, int32_t pos);

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
