/*
 * dp_table.c — per-worker flow tables (dp_table.h has the fast path):
 * creation, release and the incremental purge. The owning worker is the
 * only writer and reader while it runs. Expiry walks entries by index with
 * a cursor, a bounded number per call: a flow idle for its class timeout
 * becomes inactive, after twice the timeout it is deleted. On a hot
 * standby the same walk keeps every (imported) flow fresh instead.
 */
#include <errno.h>

#include <rte_malloc.h>

#include "dp.h"
#include "dp_table.h"

int dp_ftable_init(struct dp_ftable *t, const char *name, uint32_t entries, uint32_t key_len, int socket)
{
	uint32_t cap = DP_FT_WAYS * 2;
	while (cap < entries && cap < (1u << 31))
		cap <<= 1;
	memset(t, 0, sizeof(*t));
	t->klen = key_len;
	t->esz = key_len + (uint32_t)sizeof(struct dp_flow);
	t->cap = cap;
	t->mask = cap / DP_FT_WAYS - 1;
	t->seed2 = 0x5a524131;
	t->mem = rte_zmalloc_socket(name, (size_t)cap * t->esz, RTE_CACHE_LINE_SIZE, socket);
	return t->mem == NULL ? -ENOMEM : 0;
}

void dp_ftable_free(struct dp_ftable *t)
{
	rte_free(t->mem);
	t->mem = NULL;
}

uint32_t dp_ftable_purge(struct dp_worker *w, struct dp_ftable *t, const uint32_t *tmo, uint32_t now,
			 uint32_t budget, int standby)
{
	uint32_t n = 0;
	for (; n < budget; n++) {
		uint8_t *e = t->mem + (size_t)t->purge_next * t->esz;
		if (++t->purge_next >= t->cap)
			t->purge_next = 0;
		struct dp_flow *f = dp_ft_flow(t, e);
		if (!(f->flags & DP_F_VALID))
			continue;
		if (standby) {
			/* A hot standby's flows are the primary's: they end when
			 * the primary's expiry is replicated (DP_EV_DELETE), and
			 * their idle time starts at takeover. */
			f->last_seen = now;
			continue;
		}
		uint32_t idle = now - f->last_seen;
		uint32_t limit = tmo[f->tclass];
		if (idle > 2 * limit) {
			if (w->conf->flow_events)
				dp_ev_report(w, 2 /* DP_EV_EXPIRED */, t, e);
			dp_ft_delete(t, e);
			w->cnt.flows_expired++;
		} else if (idle > limit && (f->flags & DP_F_ST_MASK) != DP_F_ST_INACTIVE) {
			f->flags = (uint8_t)((f->flags & ~DP_F_ST_MASK) | DP_F_ST_INACTIVE);
			w->cnt.flows_inactive++;
		}
	}
	return n;
}
