/*
 * dp_table.c — per-worker flow tables (dp_table.h has the fast path):
 * creation, release and the incremental purge. The owning worker is the
 * only writer and reader while it runs. Expiry walks entries by index with
 * a cursor, a bounded number per call: a flow idle for its class timeout
 * becomes inactive, after twice the timeout it is deleted. On a hot
 * standby the same walk keeps every (imported) flow fresh instead.
 */
#include <errno.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "dp.h"
#include "dp_table.h"

/* Bytes of flow tables mapped outside the DPDK heap (dp_ftable_map), for
 * the memory measurement (memory.go). */
uint64_t dp_ftable_mapped;

/* dp_ftable_map allocates a table outside the DPDK heap, on transparent
 * huge pages, when the EAL runs without hugepages: its --no-huge memory is
 * a memfd on 4 KiB pages, and a lookup touches a random bucket, so a table
 * beyond the TLB's reach would cost a page walk per packet on top of the
 * cache miss. Anonymous memory, zeroed by the kernel; NULL when THP is not
 * available (the caller then uses the DPDK heap). */
static void *dp_ftable_map(size_t len)
{
	const size_t huge = 2u << 20;
	if (len < huge)
		return NULL;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	if (madvise(m, len, MADV_HUGEPAGE) != 0) {
		munmap(m, len);
		return NULL;
	}
	__atomic_fetch_add(&dp_ftable_mapped, len, __ATOMIC_RELAXED);
	return m;
}

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
	size_t len = (size_t)cap * t->esz;
	if (!rte_eal_has_hugepages() && (t->mem = dp_ftable_map(len)) != NULL) {
		t->mapped = 1;
		return 0;
	}
	t->mem = rte_zmalloc_socket(name, len, RTE_CACHE_LINE_SIZE, socket);
	return t->mem == NULL ? -ENOMEM : 0;
}

void dp_ftable_free(struct dp_ftable *t)
{
	if (t->mapped) {
		size_t len = (size_t)t->cap * t->esz;
		munmap(t->mem, len);
		__atomic_fetch_sub(&dp_ftable_mapped, len, __ATOMIC_RELAXED);
		t->mapped = 0;
	} else {
		rte_free(t->mem);
	}
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
