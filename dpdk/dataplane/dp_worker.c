/*
 * dp_worker.c — the worker loop, one per worker lcore:
 *   rx burst -> dp_parse -> VIP check -> bulk lookup of the flow table ->
 *   hit: rewrite MACs | miss: select a server from the published sequence,
 *   insert -> tx burst on the queue the frame came from (one-arm, DSR).
 * Frames that are not forwarded are freed in bulk, each counted by reason.
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp.h"
#include "dp_parse.h"
#include "dp_sig.h"
#include "dp_table.h"

static const char *const dp_drop_names[DP_DROP__COUNT] = {
	[DP_DROP_RUNT] = "runt",
	[DP_DROP_ETHERTYPE] = "ethertype",
	[DP_DROP_L3_TRUNC] = "l3_truncated",
	[DP_DROP_BAD_VERSION] = "bad_ip_version",
	[DP_DROP_BAD_IHL] = "bad_ihl",
	[DP_DROP_BAD_LEN] = "bad_ip_length",
	[DP_DROP_L4_TRUNC] = "l4_truncated",
	[DP_DROP_L4_PROTO] = "l4_protocol",
	[DP_DROP_FRAGMENT] = "fragment",
	[DP_DROP_NOT_VIP] = "not_vip",
	[DP_DROP_FROM_VIP] = "from_vip",
	[DP_DROP_TCP_NO_FLOW] = "tcp_no_flow",
	[DP_DROP_NO_SERVER] = "no_server",
	[DP_DROP_SERVER_DOWN] = "server_down",
	[DP_DROP_TX_FULL] = "tx_full",
	[DP_DROP_SIG_REJECTED] = "sig_rejected",
	[DP_DROP_ADMIT_NEW] = "admission_new",
	[DP_DROP_ADMIT_MEDIA] = "admission_media",
	[DP_DROP_ADMIT_ALL] = "admission_all",
	[DP_DROP_ARP] = "arp",
};

const char *dp_drop_name(int reason)
{
	return (reason >= 0 && reason < DP_DROP__COUNT) ? dp_drop_names[reason] : "";
}

static uint64_t dp_tsc0, dp_tsc_per_ms;

void dp_clock_init(void)
{
	dp_tsc0 = rte_get_tsc_cycles();
	dp_tsc_per_ms = rte_get_tsc_hz() / 1000;
	if (dp_tsc_per_ms == 0)
		dp_tsc_per_ms = 1;
}

uint32_t dp_now_ms(void)
{
	return (uint32_t)((rte_get_tsc_cycles() - dp_tsc0) / dp_tsc_per_ms);
}

static inline int dp_is_vip4(const struct dp_conf *c, uint32_t a)
{
	for (uint32_t i = 0; i < c->nvip4; i++)
		if (c->vip4[i] == a)
			return 1;
	return 0;
}

static inline int dp_is_vip6(const struct dp_conf *c, const uint8_t *a)
{
	for (uint32_t i = 0; i < c->nvip6; i++)
		if (memcmp(c->vip6[i], a, 16) == 0)
			return 1;
	return 0;
}

static void dp_sig_adopt(struct dp_worker *w, const struct dp_policy *pol);

/* dp_sig_send hands m to Go; 0 on success. In lockstep mode it returns once
 * Go has applied the message (and transmits what Go returned). */
static inline int dp_sig_send(struct dp_worker *w, struct rte_mbuf *m, uint8_t kind, uint16_t server, uint16_t pi)
{
	if (unlikely(rte_pktmbuf_headroom(m) < sizeof(struct dp_sigmeta)))
		return -1;
	struct dp_sigmeta *meta = m->buf_addr;
	meta->tsc = rte_get_tsc_cycles();
	meta->server = server;
	meta->kind = kind;
	meta->port_idx = (uint8_t)pi;
	if (kind == DP_SIG_GATEWAY) /* Go reads it; the worker drops its own reference */
		rte_mbuf_refcnt_update(m, 1);
	if (rte_ring_sp_enqueue(w->to_go, m) != 0) {
		if (kind == DP_SIG_GATEWAY)
			rte_mbuf_refcnt_update(m, -1);
		w->cnt.sig_ring_full++;
		return -1;
	}
	w->sig_sent++;
	if (kind == DP_SIG_DECIDE)
		w->cnt.sig_decide++;
	else if (kind == DP_SIG_HOLD)
		w->cnt.sig_tap++;
	else
		w->cnt.sig_gateway++;
	if (w->conf->lockstep) {
		while (__atomic_load_n(&w->sig_done, __ATOMIC_ACQUIRE) < w->sig_sent &&
		       !__atomic_load_n(&w->stop, __ATOMIC_RELAXED))
			rte_pause();
		dp_sig_adopt(w, __atomic_load_n(&w->shared->policy, __ATOMIC_ACQUIRE));
	}
	return 0;
}

static inline int dp_is_sig_class(uint8_t c) { return c == DP_TC_SIP || c == DP_TC_RTSP; }

/* dp_rand32 is the worker's xorshift32: a cheap draw per admission decision. */
static inline uint32_t dp_rand32(struct dp_worker *w)
{
	uint32_t x = w->rnd;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return w->rnd = x;
}

/* dp_select takes the next server of the published sequence. */
static inline int dp_select(struct dp_worker *w, const struct dp_policy *pol)
{
	if (pol->nslots == 0)
		return -1;
	return pol->slots[w->cursor++ & (pol->nslots - 1)];
}

/* dp_rewrite makes frame d go to the server through the port whose
 * headers (pol->l2[port]) l2 is (direct server return): the server's MAC
 * as destination, the port's as source, two stores of the header Go
 * published with the policy. */
static inline void dp_rewrite(const struct dp_l2hdr *l2, uint8_t *d, unsigned server)
{
	const struct dp_l2hdr *h = &l2[server];
	memcpy(d, &h->dst_src, 8);
	memcpy(d + 8, &h->src_tail, 4);
}

/* dp_new_flow handles a lookup miss: an announced flow of a session, or a
 * new session (admission, then selection). Returns the server or
 * -reason-1. Out of line: inlined, its state took the registers of
 * dp_finish's loop over known flows, which then kept its counters and
 * the policy pointer on the stack. */
static __attribute__((noinline)) int dp_new_flow(struct dp_worker *w, struct dp_ftable *t, const void *key, uint32_t h1,
			      const struct dp_pkt *p, const struct dp_policy *pol, uint32_t now)
{
	const struct dp_conf *c = w->conf;
	if (unlikely(pol->reject_all)) /* l >= C: no new flow, not even an announced one */
		return -DP_DROP_ADMIT_ALL - 1;
	int s = -1;
	uint32_t session = 0;
	uint8_t ident = DP_F_ID_SIGNALLING, tclass = 0xff;
	uint16_t dport_be = p->family == 4 ? p->k4.dport : p->k6.dport;
	uint16_t sport_be = p->family == 4 ? p->k4.sport : p->k6.sport;
	/* the port filter first: most new flows were announced by nobody */
	if (c->xt != NULL && (dp_xport_maybe(c->xt, 0, dport_be) || dp_xport_maybe(c->xt, 1, sport_be))) {
		uint8_t src16[16] = {[10] = 0xff, [11] = 0xff}, dst16[16] = {[10] = 0xff, [11] = 0xff};
		if (p->family == 4) {
			memcpy(src16 + 12, &p->k4.src, 4);
			memcpy(dst16 + 12, &p->k4.dst, 4);
		} else {
			memcpy(src16, p->k6.src, 16);
			memcpy(dst16, p->k6.dst, 16);
		}
		struct dp_xcand xc;
		int xr = dp_xmatch(c->xt, src16, sport_be, dst16, dport_be, p->proto, &xc);
		if (xr > 0 && xc.server < pol->nservers) {
			s = xc.server;
			session = xc.session;
			ident = DP_F_ID_SECONDARY;
			tclass = DP_TC_MEDIA;
			w->cnt.expect_hit++;
		} else if (xr < 0) {
			w->cnt.expect_ambiguous++;
		}
	}
	if (s < 0) {
		/* a new session: SA2C admission first (Bernoulli draw, eq. 2) */
		if (pol->p_new && dp_rand32(w) < pol->p_new)
			return -DP_DROP_ADMIT_NEW - 1;
		s = dp_select(w, pol);
		if (s < 0)
			return -DP_DROP_NO_SERVER - 1;
	}
	uint8_t *e = dp_ft_insert_absent(t, key, h1); /* the lookup just missed */
	if (e == NULL) { /* table full: forward by hash, keep no state */
		w->cnt.table_full++;
		w->cnt.fwd_stateless++;
		return ident == DP_F_ID_SECONDARY ? s : pol->slots[h1 & (pol->nslots - 1)];
	}
	uint16_t dport = rte_be_to_cpu_16(dport_be);
	struct dp_flow *f = dp_ft_flow(t, e);
	f->last_seen = now;
	f->server = (uint16_t)s;
	f->tclass = tclass != 0xff ? tclass : p->proto == IPPROTO_TCP ? c->tcp_class[dport] : c->udp_class[dport];
	f->session = session;
	f->packets = 1;
	f->flags = DP_F_VALID | ident | DP_F_ST_NEW;
	w->cnt.flows_created++;
	w->cnt.server_flows[s]++;
	w->cnt.fwd_new++;
	if (c->flow_events)
		dp_ev_report(w, 1 /* DP_EV_CREATED */, t, e);
	return s;
}

/* dp_hit handles a packet of a known flow; returns the server or -reason-1.
 * The caller counts fwd_hit (once per burst). calm says the policy admits
 * every packet of an established flow (no SA2C pressure): the burst's
 * caller reads that once instead of two policy fields per frame; all_up
 * (pol->all_up) spares the per-frame look at the flow's server. */
static inline int dp_hit(struct dp_worker *w, struct dp_flow *f, const struct dp_policy *pol, uint32_t now,
			 int calm, int all_up)
{
	f->last_seen = now;
	f->packets++;
	if (unlikely((f->flags & DP_F_ST_MASK) != DP_F_ST_ESTABLISHED))
		f->flags = (uint8_t)((f->flags & ~DP_F_ST_MASK) | DP_F_ST_ESTABLISHED);
	if (unlikely(!calm)) {
		/* l >= C: only established sessions' signalling passes (ending sessions frees capacity) */
		if (pol->reject_all && !dp_is_sig_class(f->tclass))
			return -DP_DROP_ADMIT_ALL - 1;
		/* media of an established session degrades before sessions break (eq. 2, T3..C) */
		if (pol->p_est && (f->flags & DP_F_ID_MASK) == DP_F_ID_SECONDARY && dp_rand32(w) < pol->p_est)
			return -DP_DROP_ADMIT_MEDIA - 1;
	}
	if (unlikely(!all_up) && !pol->server_up[f->server]) {
		if (!w->conf->failover_rebalance)
			return -DP_DROP_SERVER_DOWN - 1;
		int s = dp_select(w, pol);
		if (s < 0)
			return -DP_DROP_NO_SERVER - 1;
		f->server = (uint16_t)s;
		w->cnt.flows_rebalanced++;
		w->cnt.server_flows[s]++;
	}
	return f->server;
}

/* dp_tx transmits n frames on port index pi; what the queue does not take
 * is counted (tx_full) and freed. */
static inline void dp_tx(struct dp_worker *w, uint16_t pi, struct rte_mbuf **tx, uint16_t n)
{
	uint16_t sent = rte_eth_tx_burst(w->ports[pi], w->queue, tx, n);
	w->cnt.tx += sent;
	if (unlikely(sent < n)) {
		w->cnt.drop[DP_DROP_TX_FULL] += n - sent;
		rte_pktmbuf_free_bulk(&tx[sent], n - sent);
	}
}

/* dp_sip_to_go hands frame m (protocol proto, destination port dport_be)
 * to Go when it is UDP to a SIP port (the bitmap is empty unless
 * signalling is on): Go decides by Call-ID and hands it back. 1 when Go
 * has it. */
static inline int dp_sip_to_go(struct dp_worker *w, const struct dp_conf *c, struct rte_mbuf *m, uint8_t proto,
			       uint16_t dport_be, uint16_t pi)
{
	return proto == IPPROTO_UDP && dp_port_bit(c->udp_sip, c->udp_sip_any, dport_be) &&
	       dp_sig_send(w, m, DP_SIG_DECIDE, DP_SIG_DROP, pi) == 0;
}

/* dp_stage4 stages the IPv4 frame m, parsed in st->pk[i], as st's i-th:
 * hashed and its first bucket prefetched (one line: the whole bucket).
 * The prefetches do not wait, so the misses (and their page walks) overlap
 * each other and the rest of the burst's parsing. */
static inline void dp_stage4(struct dp_pkt_burst *st, unsigned i, struct rte_mbuf *m, const struct dp_ftable *t4)
{
	uint32_t h = dp_ft_hash4(&st->pk[i].k4);
	uint8_t *b = dp_ft_bucket4(t4, h);
	rte_prefetch0(b);
	st->pkts[i] = m;
	st->h1[i] = h;
	st->b1[i] = b;
}

/* dp_stage is the first half of a burst's work: parse and classify every
 * frame, answer ARP, hand signalling to Go, count and free what is not
 * forwarded; hash the rest and prefetch their first buckets as they are
 * accepted. What is left for dp_finish is in st (the parsed frames, their
 * hashes, the IPv4 buckets). The prefetches fly while the worker finishes
 * the previous burst and receives the next: with the flow table (and, on
 * a virtual NIC, the frames' sources) far beyond the caches, the bucket
 * misses overlap the PMD's instead of adding to them. The common frame —
 * IPv4 that the fast parser takes, to the one IPv4 VIP — has a short path;
 * every other goes through the general checks. */
static __attribute__((noinline)) void dp_stage(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n,
		     const struct dp_policy *pol, struct dp_pkt_burst *st)
{
	const struct dp_conf *c = w->conf;
	struct dp_pkt *pk = st->pk;
	struct rte_mbuf *tx[DP_BURST_MAX], *drop[DP_BURST_MAX];
	unsigned nfw = 0, top6 = DP_BURST_MAX, ntx = 0, ndrop = 0;
	const uint8_t tap = c->gateway_tap;
	/* the common case, one IPv4 VIP: two compares in the parser, not a loop */
	const uint64_t vip4 = c->nvip4 == 1 ? c->vip4[0] : DP_VIP4_NONE;
	const struct dp_ftable t4 = w->t4; /* a copy the loop's stores cannot alias: its fields stay in registers */
	struct dp_pkt *p = pk; /* the next staging slot, pk[nfw] */

	w->cnt.rx += n;
	for (unsigned i = 0; i < n; i++) /* the frames' headers (a NIC's DMA leaves them cold) */
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		/* parsed into the next staging slot, p: a frame that is not
		 * staged leaves it to the next one, and a staged one needs no copy */
		const int fast = dp_parse_fast4_vip(d, rte_pktmbuf_data_len(m), p, vip4);
		if (likely(fast == 2)) {
			/* the common frame, IPv4 to the VIP: signalling to Go, the rest staged */
			if (!dp_sip_to_go(w, c, m, p->proto, p->k4.dport, pi)) {
				dp_stage4(st, nfw++, m, &t4);
				p++;
			}
			continue;
		}
		int r = fast ? -1 : dp_parse_full(d, rte_pktmbuf_data_len(m), p);
		if (r < 0) {
			if (likely(p->family == 4)) {
				if (dp_is_vip4(c, p->k4.src))
					r = DP_DROP_FROM_VIP;
				else if (!dp_is_vip4(c, p->k4.dst))
					r = DP_DROP_NOT_VIP;
			} else {
				if (dp_is_vip6(c, p->k6.src))
					r = DP_DROP_FROM_VIP;
				else if (!dp_is_vip6(c, p->k6.dst))
					r = DP_DROP_NOT_VIP;
			}
		}
		if (r == DP_DROP_FROM_VIP && tap) {
			uint16_t sp = rte_be_to_cpu_16(p->family == 4 ? p->k4.sport : p->k6.sport);
			uint8_t cl = p->proto == IPPROTO_TCP ? c->tcp_class[sp] : c->udp_class[sp];
			if (dp_is_sig_class(cl))
				dp_sig_send(w, m, DP_SIG_GATEWAY, DP_SIG_DROP, pi);
		}
		if (r < 0 && dp_sip_to_go(w, c, m, p->proto, p->family == 4 ? p->k4.dport : p->k6.dport, pi))
			continue;
		/* address resolution for the VIPs: ARP, or IPv6 neighbour discovery */
		int a = -1;
		if (unlikely(r == DP_DROP_ETHERTYPE))
			a = dp_arp_answer(c, rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m), p->l3_off,
					  &w->port_mac[pi], !pol->standby);
		else if (unlikely(r == DP_DROP_L4_PROTO) && p->family == 6)
			a = dp_nd_answer(c, m, p->l3_off, &w->port_mac[pi], !pol->standby);
		if (a > 0) {
			w->cnt.arp_replies++;
			tx[ntx++] = m;
			continue;
		}
		if (a == 0)
			r = DP_DROP_ARP;
		if (r >= 0) {
			w->cnt.drop[r]++;
			drop[ndrop++] = m;
			continue;
		}
		if (likely(p->family == 4)) {
			dp_stage4(st, nfw++, m, &t4);
			p++;
		} else {
			/* IPv6 from the top: dp_finish looks the families up in
			 * two loops. Every frame so far took at most one slot, so
			 * nfw < top6 here; this one was parsed in pk[nfw]. */
			unsigned j = --top6;
			if (j != nfw)
				pk[j] = *p;
			st->pkts[j] = m;
			st->h1[j] = dp_ft_hash(&w->t6, &p->k6, 0);
			dp_ft_prefetch(&w->t6, st->h1[j]);
		}
	}
	st->pi = pi;
	st->nfw = nfw;
	st->top6 = top6;
	if (ntx)
		dp_tx(w, pi, tx, ntx);
	if (ndrop)
		rte_pktmbuf_free_bulk(drop, ndrop);
}

/* dp_syn_refused tells whether p, a frame of no known flow, may not open
 * one: TCP other than a SYN when flows open only on a SYN. */
static inline int dp_syn_refused(const struct dp_conf *c, const struct dp_pkt *p)
{
	return p->proto == IPPROTO_TCP && c->tcp_syn_only &&
	       (p->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) != RTE_TCP_SYN_FLAG;
}

/* dp_out is the end of a staged frame's work once its server s (or
 * -reason-1) is known: counted and dropped, held for Go (a TCP segment
 * with payload to a signalling port), or rewritten and queued on tx.
 * dport_be is the frame's destination port. */
static inline __attribute__((always_inline)) void dp_out(struct dp_worker *w, const struct dp_conf *c,
							 struct rte_mbuf *m, const struct dp_pkt *p, uint16_t dport_be,
							 int s, uint16_t pi, const struct dp_l2hdr *l2,
							 struct rte_mbuf **tx, unsigned *ntx, struct rte_mbuf **drop,
							 unsigned *ndrop)
{
	if (s < 0) {
		w->cnt.drop[-s - 1]++;
		drop[(*ndrop)++] = m;
		return;
	}
	if (p->proto == IPPROTO_TCP && dp_port_bit(c->tcp_sig, c->tcp_sig_any, dport_be)) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t pay = p->l4_off + (uint32_t)(d[p->l4_off + 12] >> 4) * 4;
		if (pay < p->l4_end && dp_sig_send(w, m, DP_SIG_HOLD, (uint16_t)s, pi) == 0)
			return; /* forwarded to s once Go has applied it */
	}
	const unsigned srv = (unsigned)s;
	w->cnt.server_pkts[srv]++;
	dp_rewrite(l2, rte_pktmbuf_mtod(m, uint8_t *), srv);
	tx[(*ntx)++] = m;
}

/* dp_serve is the rest of staged frame m's work (p: its parse, h1: its
 * hash) once its lookup is done (e: its flow's entry in t, the IPv4 table
 * when v4, or NULL): the known flow's server, or a new flow, then dp_out
 * for port index pi. *other counts the frames not forwarded as hits (the
 * rest are fwd_hit). */
static inline __attribute__((always_inline)) void dp_serve(struct dp_worker *w, const struct dp_conf *c,
							  const int v4, struct dp_ftable *t, uint8_t *e,
							  struct rte_mbuf *m, const struct dp_pkt *p, uint32_t h1,
							  const struct dp_policy *pol, uint32_t now, const int calm,
							  const int all_up, uint16_t pi, const struct dp_l2hdr *l2,
							  struct rte_mbuf **tx, unsigned *ntx, struct rte_mbuf **drop,
							  unsigned *ndrop, unsigned *other)
{
	const void *key = v4 ? (const void *)&p->k4 : (const void *)&p->k6;
	int s;
	if (likely(e != NULL)) {
		s = dp_hit(w, (struct dp_flow *)(e + (v4 ? sizeof(struct dp_key4) : sizeof(struct dp_key6))), pol, now,
			   calm, all_up);
		*other += s < 0;
	} else {
		(*other)++;
		if (dp_syn_refused(c, p)) {
			s = -DP_DROP_TCP_NO_FLOW - 1;
		} else {
			s = dp_new_flow(w, t, key, h1, p, pol, now);
		}
	}
	dp_out(w, c, m, p, v4 ? p->k4.dport : p->k6.dport, s, pi, l2, tx, ntx, drop, ndrop);
}

/* dp_finish_burst is dp_finish for the policy's state: calm (no SA2C
 * pressure on established flows) and all_up (every server up), constants
 * where dp_finish inlines it for the common case. */
static inline __attribute__((always_inline)) void dp_finish_burst(struct dp_worker *w, struct dp_pkt_burst *st,
								  const struct dp_policy *pol, uint32_t now,
								  const int calm, const int all_up)
{
	const struct dp_conf *c = w->conf;
	const unsigned nfw = st->nfw, top6 = st->top6;
	const uint16_t pi = st->pi;
	const struct dp_pkt *pk = st->pk;
	const uint32_t *h1 = st->h1;
	uint8_t **ent = st->b1;
	struct rte_mbuf **pkts = st->pkts;
	struct rte_mbuf *tx[DP_BURST_MAX], *drop[DP_BURST_MAX];
	unsigned ntx = 0, ndrop = 0, other = 0;
	const struct dp_l2hdr *l2 = pol->l2[pi];
	/* one register: GCC would recompute it from pol and pi, both spilled */
	__asm__("" : "+r"(l2));

	/* IPv4: the first buckets (prefetched by dp_stage) scanned for the
	 * whole burst first, each replaced by the key's entry there (or NULL);
	 * a key not there has its second bucket prefetched now, so a new flow
	 * (both buckets scanned) or a resident of its second bucket does not
	 * wait for a miss in the loops below. */
	for (unsigned i = 0; i < nfw; i++) {
		ent[i] = dp_ft_scan4(ent[i], &pk[i].k4);
		if (ent[i] == NULL)
			rte_prefetch0(dp_ft_bucket4(&w->t4, dp_ft_alt(&w->t4, h1[i])));
	}

	/* Forward in arrival order within each family, IPv4 first. The scan
	 * stands until this burst's first new flow (an insert may move a
	 * resident to its other bucket): up to there every frame is a hit, of
	 * its first bucket or of its second. From the first miss on, every
	 * frame is looked up again, from cache, and may create its flow. */
	unsigned i = 0;
	for (; i < nfw; i++) {
		uint8_t *e = ent[i];
		if (unlikely(e == NULL) && (e = dp_ft_lookup4_second(&w->t4, &pk[i].k4, h1[i])) == NULL)
			break;
		dp_serve(w, c, 1, &w->t4, e, pkts[i], &pk[i], h1[i], pol, now, calm, all_up, pi, l2, tx, &ntx, drop,
			 &ndrop, &other);
	}
	for (; i < nfw; i++)
		dp_serve(w, c, 1, &w->t4, dp_ft_lookup4(&w->t4, &pk[i].k4, h1[i]), pkts[i], &pk[i], h1[i], pol, now,
			 calm, all_up, pi, l2, tx, &ntx, drop, &ndrop, &other);
	for (i = top6; i < DP_BURST_MAX; i++)
		dp_serve(w, c, 0, &w->t6, dp_ft_lookup(&w->t6, &pk[i].k6, h1[i]), pkts[i], &pk[i], h1[i], pol, now,
			 calm, all_up, pi, l2, tx, &ntx, drop, &ndrop, &other);
	w->cnt.fwd_hit += nfw + (DP_BURST_MAX - top6) - other;
	if (ntx)
		dp_tx(w, pi, tx, ntx);
	if (ndrop)
		rte_pktmbuf_free_bulk(drop, ndrop);
	st->nfw = 0;
	st->top6 = DP_BURST_MAX;
}

/* dp_finish is the second half: look the staged frames up, create the
 * flows of new ones, rewrite and transmit. Its loop is compiled twice: for
 * the common state (no SA2C pressure, every server up) without the checks
 * that state makes moot, and for any state. */
static void dp_finish(struct dp_worker *w, struct dp_pkt_burst *st, const struct dp_policy *pol, uint32_t now)
{
	const int calm = !pol->reject_all && !pol->p_est, all_up = pol->all_up;
	if (likely(calm && all_up))
		dp_finish_burst(w, st, pol, now, 1, 1);
	else
		dp_finish_burst(w, st, pol, now, calm, all_up);
}

/* dp_sig_adopt transmits the signalling Go has decided on. */
static void dp_sig_adopt(struct dp_worker *w, const struct dp_policy *pol)
{
	struct rte_mbuf *ms[DP_BURST_MAX], *drop[DP_BURST_MAX];
	unsigned n = rte_ring_sc_dequeue_burst(w->from_go, (void **)ms, DP_BURST_MAX, NULL);
	if (n == 0)
		return;
	uint64_t now = rte_get_tsc_cycles();
	unsigned ndrop = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = ms[i];
		struct dp_sigmeta *meta = m->buf_addr;
		uint64_t ns = (now - meta->tsc) * 1000000ull / (dp_tsc_per_ms ? dp_tsc_per_ms : 1);
		int b = ns ? 63 - __builtin_clzll(ns) : 0;
		w->cnt.sig_lat[b > 31 ? 31 : b]++;
		uint16_t s = meta->server;
		if (s == DP_SIG_REPLY) { /* Go's answer to the sender (SIP 503): out as is */
			if (rte_eth_tx_burst(w->ports[meta->port_idx], w->queue, &m, 1) != 1) {
				w->cnt.drop[DP_DROP_TX_FULL]++;
				drop[ndrop++] = m;
			} else {
				w->cnt.tx++;
			}
			w->cnt.sig_replied++;
			continue;
		}
		if (s == DP_SIG_DROP || s >= pol->nservers) {
			w->cnt.drop[DP_DROP_SIG_REJECTED]++;
			drop[ndrop++] = m;
			continue;
		}
		if (meta->kind == DP_SIG_DECIDE)
			w->cnt.fwd_sig++; /* a held TCP segment was counted as fwd_hit/fwd_new */
		w->cnt.server_pkts[s]++;
		dp_rewrite(pol->l2[meta->port_idx], rte_pktmbuf_mtod(m, uint8_t *), s);
		if (rte_eth_tx_burst(w->ports[meta->port_idx], w->queue, &m, 1) != 1) {
			w->cnt.drop[DP_DROP_TX_FULL]++;
			drop[ndrop++] = m;
		} else {
			w->cnt.tx++;
		}
	}
	if (ndrop)
		rte_pktmbuf_free_bulk(drop, ndrop);
}

int dp_worker_run(void *arg)
{
	struct dp_worker *w = arg;
	const struct dp_conf *c = w->conf;
	struct rte_mbuf *pkts[DP_BURST_MAX];
	uint32_t idle = 0, loops = 0;
	uint64_t start = rte_get_tsc_cycles();
	struct dp_pkt_burst *staged = NULL;
	int cur = 0;

	w->running = 1;
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		uint64_t t0 = rte_get_tsc_cycles();
		uint32_t now = (uint32_t)((t0 - dp_tsc0) / dp_tsc_per_ms);
		const struct dp_policy *pol = __atomic_load_n(&w->shared->policy, __ATOMIC_ACQUIRE);
		__atomic_store_n(&w->policy_seen, pol->version, __ATOMIC_RELEASE);
		__atomic_store_n(&w->epoch, w->epoch + 1, __ATOMIC_RELEASE);
		if (c->sig_enabled)
			dp_sig_adopt(w, pol);
		if (w->ev_in != NULL && !rte_ring_empty(w->ev_in))
			dp_ev_apply(w, pol->nservers, now);
		if (unlikely(__atomic_load_n(&w->dump_req, __ATOMIC_ACQUIRE)))
			dp_dump_step(w, 256);
		/* Two bursts in flight: one staged (its buckets being fetched)
		 * while the one before it finishes. With nothing received the
		 * staged burst finishes at once: an idle worker holds no frame. */
		uint32_t total = 0;
		for (uint16_t pi = 0; pi < w->nports; pi++) {
			uint16_t n = rte_eth_rx_burst(w->ports[pi], w->queue, pkts, (uint16_t)c->burst);
			if (n == 0)
				continue;
			total += n;
			struct dp_pkt_burst *next = &w->burst[cur];
			dp_stage(w, pi, pkts, n, pol, next);
			if (staged != NULL)
				dp_finish(w, staged, pol, now);
			staged = next;
			cur ^= 1;
			if (c->lockstep) { /* replay: every frame out before the next is read */
				dp_finish(w, staged, pol, now);
				staged = NULL;
			}
		}
		if (total == 0 && staged != NULL) {
			dp_finish(w, staged, pol, now);
			staged = NULL;
		}
		uint64_t t1 = rte_get_tsc_cycles();
		if (total) {
			w->cnt.polls_busy++;
			w->cnt.cycles_busy += t1 - t0;
			idle = 0;
		} else {
			w->cnt.polls_empty++;
			if (c->idle_polls && ++idle >= c->idle_polls)
				rte_delay_us_sleep(c->idle_sleep_us);
		}
		if (++loops >= c->purge_every) {
			loops = 0;
			dp_ftable_purge(w, &w->t4, pol->timeout_ms, now, c->purge_budget, pol->standby);
			dp_ftable_purge(w, &w->t6, pol->timeout_ms, now, c->purge_budget, pol->standby);
		}
		w->cnt.cycles_total = t1 - start; /* purge time falls in the next loop */
	}
	if (staged != NULL) /* stopped under load: the last burst still goes out */
		dp_finish(w, staged, __atomic_load_n(&w->shared->policy, __ATOMIC_ACQUIRE), dp_now_ms());
	w->running = 0;
	return 0;
}
