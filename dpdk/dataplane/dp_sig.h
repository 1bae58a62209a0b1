/*
 * dp_sig.h — the signalling path between the workers and Go.
 *
 * to_go (worker → Go, one SP/SC rte_ring per worker) carries mbufs whose
 * payload Go inspects:
 *   DECIDE  SIP over UDP to the VIP: the server depends on the Call-ID, so the
 *           worker does not forward it; Go returns it on from_go with the
 *           server it chose (or DP_SIG_DROP).
 *   HOLD    a segment of a TCP signalling connection (SIP/TCP, RTSP) with a
 *           payload: its server is the connection's, known to the worker, but
 *           it is held until Go has applied it, so what it announces (an
 *           RTSP SETUP's client_port, an SDP offer) is in the expectation
 *           table before the server can answer and the client send media.
 *           Go hands it back on from_go.
 *   GATEWAY a server->client signalling frame (source is a VIP): in replay,
 *           the gateway's view; inspected, never forwarded.
 * from_go (Go → worker, SP/SC) returns DECIDE and HOLD mbufs, adopted at a
 * burst boundary. Go advances sig_done after each message is fully applied
 * (expectations installed); in lockstep mode (replay) a worker waits for it
 * before its next packet, so results do not depend on the machine's speed.
 *
 * The expectation table maps (dst IP, dst port, proto) to up to DP_XCANDS
 * candidates (client address known or not, server, session), and — keys
 * with by_src set — a client's own media endpoint (src IP, src port, proto)
 * to its session's server: with symmetric RTP (RFC 4961) a client sends
 * from where its SDP offer or RTSP SETUP said it receives, so its media is
 * placed from the client's own signalling, before the server's answer (or
 * the gateway's announcement of it) arrives. Go is its only
 * writer (rte_hash with lock-free readers; each entry under a seqlock);
 * workers read it on a flow-table miss and promote a match to an exact
 * secondary flow on the candidate's server.
 */
#ifndef SARA_DP_SIG_H
#define SARA_DP_SIG_H

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"

enum dp_sig_kind { DP_SIG_DECIDE = 1, DP_SIG_HOLD = 2, DP_SIG_GATEWAY = 3 };

#define DP_SIG_DROP 0xffff
/* DP_SIG_REPLY, as Go's decision on a DECIDE message: Go rewrote the frame
 * into an answer to its sender (a SIP 503 for a refused request: MACs, IP
 * addresses and ports swapped, source = the VIP) and set its length; the
 * worker transmits it as is on the port it came from (sig_replied). */
#define DP_SIG_REPLY 0xfffe

/* Written by the worker into the mbuf's headroom (buf_addr). */
struct dp_sigmeta {
	uint64_t tsc;
	uint32_t l4_off;
	uint16_t server;
	uint8_t kind;
	uint8_t port_idx;
};

#define DP_XCANDS 4

struct dp_xkey {
	uint8_t dst[16]; /* IPv4 as ::ffff:a.b.c.d; by_src: the client's address */
	uint16_t dport;  /* network order; by_src: the client's port */
	uint8_t proto;
	uint8_t by_src; /* 1: a flow FROM this endpoint (symmetric RTP: where the
			   client said it receives is where it sends from) */
	uint8_t pad[12];
};
static_assert(sizeof(struct dp_xkey) == 32, "dp_xkey layout");

struct dp_xcand {
	uint8_t src[16]; /* client address when has_src */
	uint8_t has_src;
	uint8_t pad;
	uint16_t server;
	uint32_t session;
};

struct dp_xentry {
	uint32_t seq; /* seqlock: odd while Go writes */
	uint32_t n;
	struct dp_xcand c[DP_XCANDS];
};

/* The port filter: bit (by_src * 65536 + port) of ports, port as the 16-bit
 * value of the network-order field, is set while at least one key of that
 * side (by_src) has that port. Go sets a bit before it adds the first such
 * key and clears it after it removed the last (it keeps the counts); a
 * worker skips the hash lookup of a side whose bit is clear, so a new flow
 * nobody announced costs two bit tests instead of two rte_hash lookups. */
#define DP_XPORT_WORDS (2 * 65536 / 64)

struct dp_xtable {
	struct rte_hash *h; /* key → entry index (as data) */
	struct dp_xentry *e;
	uint64_t *ports; /* DP_XPORT_WORDS words: the port filter */
	uint32_t cap;
};

/* dp_xport_maybe tells whether a key of side by_src may have port_be. */
static inline int dp_xport_maybe(const struct dp_xtable *x, uint32_t by_src, uint16_t port_be)
{
	uint32_t b = by_src * 65536u + port_be;
	return (__atomic_load_n(&x->ports[b / 64], __ATOMIC_ACQUIRE) >> (b % 64)) & 1;
}

/* dp_xport_set sets (on) or clears a bit of the port filter; Go only. */
static inline void dp_xport_set(struct dp_xtable *x, uint32_t by_src, uint16_t port_be, int on)
{
	uint32_t b = by_src * 65536u + port_be;
	uint64_t w = x->ports[b / 64], bit = 1ull << (b % 64);
	__atomic_store_n(&x->ports[b / 64], on ? w | bit : w & ~bit, __ATOMIC_RELEASE);
}

int dp_xtable_init(struct dp_xtable *x, const char *name, uint32_t cap, int socket);
void dp_xtable_free(struct dp_xtable *x);

/* Go-side helpers (one call per burst or per control update). */
struct dp_sigmsg {
	uintptr_t mbuf;
	const uint8_t *payload;
	uint32_t len;
	uint16_t worker;
	uint16_t server;
	uint8_t kind;
	uint8_t family;
	uint8_t proto;
	uint8_t pad;
	uint8_t src[16], dst[16];
	uint16_t sport, dport; /* host order */
	uint16_t l3_off, l4_off; /* offsets of the IP and TCP/UDP headers in the frame */
	uint16_t pay_off;        /* offset of the payload in the frame */
	uint16_t room;           /* bytes the frame may use (data_len + tailroom; 0: multi-segment) */
	uint16_t reply_len;      /* Go: the frame's new length with DP_SIG_REPLY */
	uint16_t pad2[3];
	uint64_t tsc;
};

/* dp_xpick reads entry e (seqlocked) and picks the candidate for a flow
 * from client address src16: a candidate with that client address, else
 * one without a client address. Returns 1 and *out, 0 when no candidate
 * fits, -1 when the fitting candidates of the chosen kind name different
 * servers (several sessions of one client address, e.g. behind one NAT or
 * one trunk, announced the same port). */
static inline int dp_xpick(const struct dp_xentry *e, const uint8_t *src16, struct dp_xcand *out)
{
	struct dp_xcand c[DP_XCANDS];
	uint32_t n, s1;
	for (;;) {
		s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			rte_pause();
			continue;
		}
		n = e->n < DP_XCANDS ? e->n : DP_XCANDS;
		memcpy(c, e->c, n * sizeof(c[0]));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == s1)
			break;
	}
	int exact = -1, any = -1, exact_split = 0, any_split = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (c[i].has_src) {
			if (memcmp(c[i].src, src16, 16) != 0)
				continue;
			if (exact < 0)
				exact = (int)i;
			else if (c[exact].server != c[i].server)
				exact_split = 1;
		} else if (any < 0) {
			any = (int)i;
		} else if (c[any].server != c[i].server) {
			any_split = 1;
		}
	}
	if (exact >= 0) {
		if (exact_split)
			return -1;
		*out = c[exact];
		return 1;
	}
	if (any < 0)
		return 0;
	if (any_split)
		return -1;
	*out = c[any];
	return 1;
}

/* dp_xmatch looks a new flow up in the expectation table: 1 and *out on a
 * match, 0 when nothing is expected, -1 when several servers expect it and
 * neither key tells them apart. The client's own endpoint (by_src: its
 * address and port, from its own offer) is asked first: it names one
 * session even when several sessions of one client address were given the
 * same destination port by different servers, and it exists before the
 * server's answer is announced. When it is absent or names several
 * servers, the destination (VIP, port) decides. Lock-free read; a side
 * whose port bit is clear is not looked up. */
static inline int dp_xmatch(const struct dp_xtable *x, const uint8_t *src16, uint16_t sport_be,
			    const uint8_t *dst16, uint16_t dport_be, uint8_t proto, struct dp_xcand *out)
{
	struct dp_xkey k;
	void *data;
	int r = 0;
	memset(&k, 0, sizeof(k));
	k.proto = proto;
	if (dp_xport_maybe(x, 1, sport_be)) {
		memcpy(k.dst, src16, 16); /* the client's own endpoint */
		k.dport = sport_be;
		k.by_src = 1;
		if (rte_hash_lookup_data(x->h, &k, &data) >= 0 &&
		    (r = dp_xpick(&x->e[(uintptr_t)data], src16, out)) == 1)
			return 1;
	}
	if (dp_xport_maybe(x, 0, dport_be)) {
		memcpy(k.dst, dst16, 16);
		k.dport = dport_be;
		k.by_src = 0;
		if (rte_hash_lookup_data(x->h, &k, &data) >= 0) {
			int r2 = dp_xpick(&x->e[(uintptr_t)data], src16, out);
			if (r2 != 0)
				return r2;
		}
	}
	return r;
}

#endif
