/*
 * dp.h — SARA data plane: structures shared by the C worker loop and Go.
 *
 * Threads: one C loop (dp_worker_run) per worker lcore. Each worker owns
 * its flow tables (single writer, no locks) and its counters. Go writes
 * struct dp_conf before launch and never after; it publishes struct
 * dp_policy by an atomic pointer swap (dp_shared.policy) and reads counters
 * by field access. Layout assumptions are checked with static_assert.
 */
#ifndef SARA_DP_H
#define SARA_DP_H

#include <assert.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ring.h>

#define DP_MAX_PORTS 8
#define DP_MAX_VIPS 64
#define DP_MAX_SERVERS 1024
#define DP_MAX_SLOTS 4096
#define DP_BURST_MAX 64
#define DP_MAX_WORKERS 64

/* Why a frame was not forwarded. Names are in dp_drop_names (dp_worker.c). */
enum dp_drop {
	DP_DROP_RUNT,        /* shorter than an Ethernet (+802.1Q) header */
	DP_DROP_ETHERTYPE,   /* neither IPv4 nor IPv6 */
	DP_DROP_L3_TRUNC,    /* IP header cut short */
	DP_DROP_BAD_VERSION, /* IP version does not match the ethertype */
	DP_DROP_BAD_IHL,     /* IPv4 header length < 20 */
	DP_DROP_BAD_LEN,     /* IP length field beyond the frame or below the header */
	DP_DROP_L4_TRUNC,    /* TCP/UDP header cut short or TCP data offset wrong */
	DP_DROP_L4_PROTO,    /* neither TCP nor UDP (ICMP, ESP, ...) */
	DP_DROP_FRAGMENT,    /* IPv4/IPv6 fragment: not reassembled, dropped */
	DP_DROP_NOT_VIP,     /* destination is not a VIP */
	DP_DROP_FROM_VIP,    /* source is a VIP: server->client traffic, not forwarded */
	DP_DROP_TCP_NO_FLOW, /* TCP segment without SYN for an unknown flow */
	DP_DROP_NO_SERVER,   /* new flow but no server is selectable */
	DP_DROP_SERVER_DOWN, /* flow's server failed and the policy is drop */
	DP_DROP_TX_FULL,     /* tx queue did not take the frame */
	DP_DROP_SIG_REJECTED, /* signalling Go decided not to forward (no server, admission) */
	DP_DROP_ADMIT_NEW,   /* new session refused by admission control (p_new) */
	DP_DROP_ADMIT_MEDIA, /* media of an established session dropped under overload (p_est) */
	DP_DROP_ADMIT_ALL,   /* refused at or above capacity: new flows, and packets of flows other than signalling */
	DP_DROP_ARP,         /* address resolution not answered: ARP or IPv6 neighbour solicitation not for a VIP, gratuitous/DAD, or standby */
	DP_DROP__COUNT
};

/* Timeout classes: the idle timeout of a flow depends on its protocol. */
enum dp_tclass {
	DP_TC_UDP,
	DP_TC_TCP,
	DP_TC_SIP,
	DP_TC_RTSP,
	DP_TC_MEDIA,
	DP_TC__COUNT
};

/* Flow identity and status (paper §III.A), packed in dp_flow.flags. */
#define DP_F_VALID 0x01
#define DP_F_ID_SIGNALLING 0x00
#define DP_F_ID_ANNOUNCED 0x02
#define DP_F_ID_SECONDARY 0x04
#define DP_F_ID_MASK 0x06
#define DP_F_ST_NEW 0x00
#define DP_F_ST_ESTABLISHED 0x08
#define DP_F_ST_INACTIVE 0x10
#define DP_F_ST_MASK 0x18

/* Flow keys, zero-padded so that equal flows have equal bytes. */
struct dp_key4 {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad[3];
};
struct dp_key6 {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad[11];
};

/* A parsed frame (dp_parse.h): its family, L4 protocol and offsets, and
 * its flow key. */
struct dp_pkt {
	uint8_t family; /* 4 or 6 */
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t l3_off; /* the network header's offset: after the Ethernet header and its VLAN tags */
	uint32_t l4_off;
	uint32_t l4_end; /* end of the IP payload (frame padding excluded) */
	union {
		struct dp_key4 k4;
		struct dp_key6 k6;
	};
};
static_assert(sizeof(struct dp_key4) == 16, "dp_key4 layout");
static_assert(sizeof(struct dp_key6) == 48, "dp_key6 layout");

/* Per-flow state, stored right after its key in the table entry. */
struct dp_flow {
	uint32_t last_seen; /* ms since dp start */
	uint16_t server;
	uint8_t tclass;
	uint8_t flags;
	uint32_t session; /* 0: none */
	uint32_t packets;
};
static_assert(sizeof(struct dp_flow) == 16, "dp_flow layout");

/* One family's flow table (dp_table.h): a bucketised two-choice cuckoo
 * table whose entries hold the key and the flow state together, two per
 * bucket, so a lookup of an IPv4 key touches one cache line (two for
 * IPv6) that the worker prefetched a burst earlier. Single writer: the
 * worker. */
#define DP_FT_WAYS 2
struct dp_ftable {
	uint8_t *mem;        /* nbuckets * DP_FT_WAYS * esz bytes, cache aligned */
	uint32_t mask;       /* nbuckets - 1 */
	uint32_t esz;        /* entry size: key + struct dp_flow (32 or 64) */
	uint32_t klen;       /* key length (16 or 48) */
	uint32_t cap;        /* entries: nbuckets * DP_FT_WAYS */
	uint32_t count;      /* valid entries */
	uint32_t purge_next; /* next entry the purge examines */
	uint32_t seed2;      /* seed of the alternate bucket's hash */
	uint32_t mapped;     /* 1: mem is an mmap on transparent huge pages (dp_table.c), not DPDK heap */
};

struct dp_xtable;

/* Read-only after launch. */
struct dp_conf {
	uint32_t nvip4, nvip6;
	uint32_t vip4[DP_MAX_VIPS]; /* network order */
	uint8_t vip6[DP_MAX_VIPS][16];
	uint32_t burst;
	uint32_t idle_polls;    /* empty polls before sleeping; 0: never sleep */
	uint32_t idle_sleep_us;
	uint32_t purge_every;   /* loop iterations between purge steps */
	uint32_t purge_budget;  /* entries examined per purge step and family */
	uint8_t tcp_syn_only;
	uint8_t failover_rebalance; /* flows of a failed server: 1 re-select, 0 drop */
	uint8_t sig_enabled;        /* hand signalling to Go (else forward it per 5-tuple) */
	uint8_t gateway_tap;        /* hand server->client signalling (source is a VIP) to Go */
	uint8_t lockstep;           /* wait for Go after each signalling message (replay) */
	uint8_t flow_events;        /* report flows created/expired on ev_out (HA) */
	uint8_t pad[2];
	struct dp_xtable *xt;       /* expectation table, written by Go only */
	/* The per-frame questions of the class arrays below, one bit per port
	 * (8 KiB each, not 64: fewer cache lines and pages for the hot path),
	 * each behind a summary word: bit dp_port_summary_bit(port) is set
	 * when some port of the bitmap maps to it, so most frames are answered
	 * without touching the bitmap (a random port's line is a miss). Set
	 * only when signalling is handed to Go (sig_enabled): the workers ask
	 * the bitmaps alone. */
	uint64_t udp_sip_any;
	uint64_t tcp_sig_any;
	uint64_t udp_sip[65536 / 64]; /* UDP destination port: SIP (Go decides by Call-ID) */
	uint64_t tcp_sig[65536 / 64]; /* TCP destination port: SIP or RTSP (segments held for Go) */
	uint8_t udp_class[65536]; /* timeout class by UDP destination port */
	uint8_t tcp_class[65536]; /* timeout class by TCP destination port */
};

/* dp_port_summary_bit is a port's bit in the summary word of a port bitmap
 * of struct dp_conf. port_be is the port as the frame carries it (network
 * order, loaded as it is): the low six bits of its first byte (the port's
 * high byte), which an x86 shift or bit test takes from the loaded word as
 * its count by itself — the per-frame test is one bit test, no byte swap
 * and no folding. 1/64 of the ports share each bit, as with any six bits. */
static inline unsigned dp_port_summary_bit(uint16_t port_be) { return port_be & 63; }

/* dp_port_bit tells whether port (network order) is set in a port bitmap of
 * struct dp_conf; any is the bitmap's summary word, which rules most ports
 * out without a load. */
static inline int dp_port_bit(const uint64_t *bits, uint64_t any, uint16_t port_be)
{
	if (likely(!((any >> dp_port_summary_bit(port_be)) & 1)))
		return 0;
	uint16_t p = rte_be_to_cpu_16(port_be);
	return (bits[p >> 6] >> (p & 63)) & 1;
}

/* dp_l2hdr is the first 12 bytes of a frame a worker forwards to a server
 * through a port: the server's MAC as destination, the port's as source
 * (dp_rewrite stores them in two words). */
struct dp_l2hdr {
	uint64_t dst_src;  /* bytes 0-7 */
	uint32_t src_tail; /* bytes 8-11 */
	uint32_t pad;
};
static_assert(offsetof(struct dp_l2hdr, src_tail) == 8, "dp_l2hdr: the frame's bytes 0-11 in order (Go writes them so)");

/* Published by Go: a new one replaces the old by pointer swap. */
struct dp_policy {
	uint64_t version;
	uint32_t nslots; /* power of two, or 0: no selectable server */
	uint32_t p_new;  /* admission (SA2C): refuse a new session if rand32 < p_new */
	uint32_t p_est;  /* drop a media packet of an established session if rand32 < p_est */
	uint8_t reject_all; /* refuse every frame (l >= C) */
	uint8_t standby;    /* hot standby: no ARP answers, imported flows kept alive (dp_sync.h) */
	uint8_t all_up;     /* no server is down: server_up is 1 for every configured one */
	uint8_t pad[1];
	/* Reloadable with the policy (config reload): servers and timeouts. */
	uint32_t nservers;
	uint32_t timeout_ms[DP_TC__COUNT];
	uint8_t server_up[DP_MAX_SERVERS]; /* 0: failed, its flows follow failover */
	uint16_t slots[DP_MAX_SLOTS];      /* selection sequence of server ids */
	/* per port (the workers' port index) and server: the frame's first 12 bytes */
	struct dp_l2hdr l2[DP_MAX_PORTS][DP_MAX_SERVERS];
};

struct dp_shared {
	struct dp_policy *policy; /* accessed with __atomic builtins */
};

/* Per-worker counters: plain increments by the owner, read by Go.
 * Invariants, once no DECIDE message is in flight (sig_decide = fwd_sig +
 * sig_replied + drop[SIG_REJECTED]):
 *   rx = fwd_hit + fwd_new + fwd_stateless + fwd_sig + sig_replied + arp_replies + Σ drop[r] - drop[TX_FULL]
 *   tx + drop[TX_FULL] = fwd_hit + fwd_new + fwd_stateless + fwd_sig + sig_replied + arp_replies */
struct dp_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t fwd_hit;       /* forwarded on an existing flow */
	uint64_t fwd_new;       /* forwarded on a flow created by this packet */
	uint64_t fwd_stateless; /* forwarded by hash because the table was full */
	uint64_t flows_created;
	uint64_t flows_expired;
	uint64_t flows_inactive; /* transitions to inactive */
	uint64_t flows_rebalanced;
	uint64_t table_full;
	uint64_t polls_empty;
	uint64_t polls_busy;
	uint64_t cycles_busy;  /* TSC cycles in polls that received packets */
	uint64_t cycles_total; /* TSC cycles since launch */
	uint64_t fwd_sig;       /* signalling forwarded on Go's decision */
	uint64_t sig_decide;    /* SIP/UDP messages handed to Go for a decision */
	uint64_t sig_tap;       /* TCP signalling segments copied to Go */
	uint64_t sig_gateway;   /* server->client signalling handed to Go */
	uint64_t sig_ring_full; /* signalling not handed to Go: ring full (forwarded per 5-tuple) */
	uint64_t expect_hit;    /* new flows matched to an announced flow */
	uint64_t expect_ambiguous; /* new flows matching several announcements: selected instead */
	uint64_t ev_sent;       /* flow records reported to Go */
	uint64_t ev_lost;       /* flow records lost: ev_out full (the backup resyncs) */
	uint64_t ev_applied;    /* installs/deletes applied from Go */
	uint64_t ev_rejected;   /* installs that found no room */
	uint64_t arp_replies;   /* ARP requests / IPv6 neighbour solicitations for a VIP answered (sent back out of their port) */
	uint64_t sig_replied;   /* DECIDE frames Go turned into an answer (SIP 503), sent back out of their port */
	uint64_t sig_lat[32];   /* DECIDE round trip, histogram of log2(ns) */
	uint64_t drop[DP_DROP__COUNT];
	uint64_t server_pkts[DP_MAX_SERVERS];  /* frames forwarded to each server */
	uint64_t server_flows[DP_MAX_SERVERS]; /* flows created (or moved) to each server */
} __rte_cache_aligned;

/* One received burst between its two halves (dp_worker.c): parsed, hashed
 * and its buckets prefetched by dp_stage, looked up and forwarded by
 * dp_finish while the worker receives the next burst. */
struct dp_pkt_burst {
	uint16_t pi;  /* index of the port it came from */
	uint16_t nfw; /* IPv4 frames to look up: [0, nfw) of the arrays below */
	uint16_t top6; /* IPv6 frames to look up: [top6, DP_BURST_MAX), filled downwards */
	uint32_t h1[DP_BURST_MAX];
	uint8_t *b1[DP_BURST_MAX]; /* IPv4: the first bucket of h1; dp_finish's scan: the key's entry there or NULL */
	struct rte_mbuf *pkts[DP_BURST_MAX];
	struct dp_pkt pk[DP_BURST_MAX];
};

struct dp_worker {
	volatile uint8_t stop; /* set by Go, read every loop */
	uint8_t running;
	uint16_t id;
	uint16_t queue;
	uint16_t nports;
	uint16_t ports[DP_MAX_PORTS];
	struct rte_ether_addr port_mac[DP_MAX_PORTS];
	uint32_t cursor;      /* next selection slot */
	uint32_t rnd;         /* xorshift32 state for admission draws */
	struct rte_ring *to_go, *from_go;
	uint64_t sig_sent;    /* messages enqueued to Go (worker writes) */
	uint64_t sig_done;    /* messages Go has applied (Go writes, release) */
	uint64_t epoch;       /* loop count, for Go's grace periods */
	struct rte_ring *ev_out, *ev_in; /* flow records to Go / installs from Go (dp_sync.h) */
	uint8_t dump_req;     /* Go sets it: report every live flow, then clear it */
	uint8_t dump_fam;     /* dump cursor: family (0 v4, 1 v6) */
	uint32_t dump_next;   /* dump cursor: entry index */
	uint64_t policy_seen; /* version of the policy last read (release store) */
	const struct dp_conf *conf;
	struct dp_shared *shared;
	struct dp_ftable t4, t6;
	struct dp_counters cnt;
	struct dp_pkt_burst burst[2]; /* staged bursts: the one in flight and the next */
} __rte_cache_aligned;

/* dp_table.c */
int dp_ftable_init(struct dp_ftable *t, const char *name, uint32_t entries, uint32_t key_len, int socket);
void dp_ftable_free(struct dp_ftable *t);
uint32_t dp_ftable_purge(struct dp_worker *w, struct dp_ftable *t, const uint32_t *timeout_ms, uint32_t now,
			 uint32_t budget, int standby);

/* dp_arp.c */
int dp_arp_answer(const struct dp_conf *c, uint8_t *d, uint32_t len, uint32_t l3, const struct rte_ether_addr *mac,
		  int answer);
struct rte_mbuf;
int dp_nd_answer(const struct dp_conf *c, struct rte_mbuf *m, uint32_t l3, const struct rte_ether_addr *mac, int answer);

/* dp_sync.c */
void dp_ev_report(struct dp_worker *w, uint8_t type, const struct dp_ftable *t, const uint8_t *e);
void dp_ev_apply(struct dp_worker *w, uint32_t nservers, uint32_t now);
void dp_dump_step(struct dp_worker *w, uint32_t budget);

/* dp_worker.c */
int dp_worker_run(void *arg);
const char *dp_drop_name(int reason);
uint32_t dp_now_ms(void);
void dp_clock_init(void);

#endif
