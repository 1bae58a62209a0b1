/*
 * dp_table.c — per-worker flow tables: rte_hash (CRC32 of the key) maps a
 * key to a position, struct dp_flow at that position holds the state. The
 * owning worker is the only writer and reader; nobody else touches them
 * while it runs. Expiry is incremental: dp_ftable_purge examines a bounded
 * number of entries per call, marking flows inactive after their timeout and
 * deleting them after twice their timeout; the walk goes by position over
 * the state array, so each call costs at most budget entries.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dp.h"

int dp_ftable_init(struct dp_ftable *t, const char *name, uint32_t cap, uint32_t key_len, int socket)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = cap,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0x5a524100,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	t->h = rte_hash_create(&hp);
	if (t->h == NULL)
		return -rte_errno;
	/* positions are below cap (+1 slack for rte_hash's reserved slot) */
	t->flows = rte_zmalloc_socket(name, (size_t)(cap + 1) * sizeof(struct dp_flow),
				      RTE_CACHE_LINE_SIZE, socket);
	if (t->flows == NULL) {
		rte_hash_free(t->h);
		t->h = NULL;
		return -ENOMEM;
	}
	t->cap = cap;
	t->purge_next = 0;
	return 0;
}

void dp_ftable_free(struct dp_ftable *t)
{
	rte_hash_free(t->h);
	rte_free(t->flows);
	t->h = NULL;
	t->flows = NULL;
}

uint32_t dp_ftable_purge(struct dp_worker *w, struct dp_ftable *t, uint32_t now, uint32_t budget)
{
	/* Walk the state array by position: bounded work per call whatever the
	 * table's occupancy (rte_hash_iterate scans empty buckets unbounded). */
	const uint32_t *tmo = w->conf->timeout_ms;
	uint32_t n = 0;
	for (; n < budget; n++) {
		uint32_t pos = t->purge_next++;
		if (t->purge_next >= t->cap)
			t->purge_next = 0;
		struct dp_flow *f = &t->flows[pos];
		if (!(f->flags & DP_F_VALID))
			continue;
		uint32_t idle = now - f->last_seen;
		uint32_t limit = tmo[f->tclass];
		if (idle > 2 * limit) {
			void *key;
			if (rte_hash_get_key_with_position(t->h, (int32_t)pos, &key) == 0)
				rte_hash_del_key(t->h, key);
			f->flags = 0;
			w->cnt.flows_expired++;
		} else if (idle > limit && (f->flags & DP_F_ST_MASK) != DP_F_ST_INACTIVE) {
			f->flags = (uint8_t)((f->flags & ~DP_F_ST_MASK) | DP_F_ST_INACTIVE);
			w->cnt.flows_inactive++;
		}
	}
	return n;
}
