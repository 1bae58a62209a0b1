/*
 * dp_sig.c — the expectation table and the Go side of the signalling rings
 * (see dp_sig.h). Everything here but dp_xmatch runs on Go's signalling
 * goroutine, one call per burst or per control update.
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dp_parse.h"
#include "dp_sig.h"

int dp_xtable_init(struct dp_xtable *x, const char *name, uint32_t cap, int socket)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = cap,
		.key_len = sizeof(struct dp_xkey),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0x5a524158,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	x->h = rte_hash_create(&hp);
	if (x->h == NULL)
		return -rte_errno;
	x->e = rte_zmalloc_socket(name, (size_t)cap * sizeof(struct dp_xentry), RTE_CACHE_LINE_SIZE, socket);
	x->ports = rte_zmalloc_socket(name, DP_XPORT_WORDS * sizeof(uint64_t), RTE_CACHE_LINE_SIZE, socket);
	if (x->e == NULL || x->ports == NULL) {
		rte_free(x->e);
		rte_free(x->ports);
		rte_hash_free(x->h);
		x->h = NULL;
		x->e = NULL;
		x->ports = NULL;
		return -ENOMEM;
	}
	x->cap = cap;
	return 0;
}

void dp_xtable_free(struct dp_xtable *x)
{
	rte_hash_free(x->h);
	rte_free(x->e);
	rte_free(x->ports);
	x->h = NULL;
	x->e = NULL;
	x->ports = NULL;
}

/* dp_xput writes entry idx (seqlocked) and maps key to it. Returns the key
 * position or a negative errno. */
int32_t dp_xput(struct dp_xtable *x, const struct dp_xkey *k, uint32_t idx, const struct dp_xcand *c, uint32_t n)
{
	if (idx >= x->cap || n > DP_XCANDS)
		return -EINVAL;
	struct dp_xentry *e = &x->e[idx];
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(e->c, c, n * sizeof(*c));
	e->n = n;
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELEASE);
	return rte_hash_add_key_data(x->h, k, (void *)(uintptr_t)idx) == 0 ? rte_hash_lookup(x->h, k) : -ENOSPC;
}

/* dp_xdel unmaps key; its position must be freed with dp_xfree_pos once no
 * worker can still be reading it (lock-free readers). */
int32_t dp_xdel(struct dp_xtable *x, const struct dp_xkey *k)
{
	return rte_hash_del_key(x->h, k);
}

int dp_xfree_pos(struct dp_xtable *x, int32_t pos)
{
	return rte_hash_free_key_with_position(x->h, pos);
}

/* dp_sig_dequeue takes up to max messages from the workers' to_go rings. */
int dp_sig_dequeue(struct dp_worker **ws, int nw, struct dp_sigmsg *out, int max)
{
	int n = 0;
	for (int i = 0; i < nw && n < max; i++) {
		struct rte_mbuf *ms[64];
		unsigned want = (unsigned)(max - n) < 64 ? (unsigned)(max - n) : 64;
		unsigned got = rte_ring_sc_dequeue_burst(ws[i]->to_go, (void **)ms, want, NULL);
		for (unsigned j = 0; j < got; j++) {
			struct rte_mbuf *m = ms[j];
			struct dp_sigmeta *meta = m->buf_addr;
			struct dp_sigmsg *o = &out[n++];
			struct dp_pkt p;
			const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
			memset(o, 0, sizeof(*o));
			o->mbuf = (uintptr_t)m;
			o->worker = (uint16_t)i;
			o->kind = meta->kind;
			o->server = meta->server;
			o->tsc = meta->tsc;
			memset(&p, 0, sizeof(p));
			if (dp_parse(d, rte_pktmbuf_data_len(m), &p) >= 0)
				continue; /* cannot happen: the worker parsed it; len 0 */
			uint32_t pay = p.l4_off + 8;
			if (p.proto == IPPROTO_TCP)
				pay = p.l4_off + (uint32_t)(d[p.l4_off + 12] >> 4) * 4;
			if (pay > p.l4_end)
				pay = p.l4_end;
			o->payload = d + pay;
			o->len = p.l4_end - pay;
			o->l3_off = p.l3_off;
			o->l4_off = (uint16_t)p.l4_off;
			o->pay_off = (uint16_t)pay;
			o->room = m->nb_segs == 1 ? (uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)) : 0;
			o->family = p.family;
			o->proto = p.proto;
			if (p.family == 4) {
				memset(o->src, 0, 16);
				memset(o->dst, 0, 16);
				o->src[10] = o->src[11] = o->dst[10] = o->dst[11] = 0xff;
				memcpy(o->src + 12, &p.k4.src, 4);
				memcpy(o->dst + 12, &p.k4.dst, 4);
				o->sport = rte_be_to_cpu_16(p.k4.sport);
				o->dport = rte_be_to_cpu_16(p.k4.dport);
			} else {
				memcpy(o->src, p.k6.src, 16);
				memcpy(o->dst, p.k6.dst, 16);
				o->sport = rte_be_to_cpu_16(p.k6.sport);
				o->dport = rte_be_to_cpu_16(p.k6.dport);
			}
		}
	}
	return n;
}

/* dp_sig_complete hands DECIDE messages back with their server, frees the
 * others, then advances each worker's sig_done. servers[i] applies to
 * msgs[i]; DP_SIG_DROP rejects; DP_SIG_REPLY sends the frame Go rewrote
 * (msgs[i].reply_len bytes) back out of its port. */
void dp_sig_complete(struct dp_worker **ws, int nw, const struct dp_sigmsg *msgs, const uint16_t *servers, int n)
{
	uint64_t done[DP_MAX_WORKERS] = {0};
	for (int i = 0; i < n; i++) {
		struct rte_mbuf *m = (struct rte_mbuf *)msgs[i].mbuf;
		struct dp_worker *w = ws[msgs[i].worker];
		if (msgs[i].worker < DP_MAX_WORKERS)
			done[msgs[i].worker]++;
		if (msgs[i].kind == DP_SIG_DECIDE || msgs[i].kind == DP_SIG_HOLD) {
			uint16_t s = msgs[i].kind == DP_SIG_DECIDE ? servers[i] : ((struct dp_sigmeta *)m->buf_addr)->server;
			if (s == DP_SIG_REPLY) {
				if (msgs[i].reply_len == 0 || msgs[i].reply_len > msgs[i].room) {
					s = DP_SIG_DROP; /* Go's bug: never send a frame it did not size */
				} else {
					m->data_len = msgs[i].reply_len;
					m->pkt_len = msgs[i].reply_len;
				}
			}
			((struct dp_sigmeta *)m->buf_addr)->server = s; /* HOLD keeps the connection's server */
			/* from_go is as large as to_go: it cannot be full */
			if (rte_ring_sp_enqueue(w->from_go, m) != 0)
				rte_pktmbuf_free(m);
		} else {
			rte_pktmbuf_free(m);
		}
	}
	for (int i = 0; i < nw && i < DP_MAX_WORKERS; i++)
		if (done[i])
			__atomic_add_fetch(&ws[i]->sig_done, done[i], __ATOMIC_RELEASE);
}
