/*
 * dp_parse.h — classify one frame: Ethernet (optional 802.1Q/802.1ad tag),
 * IPv4 or IPv6 (skipping hop-by-hop, routing and destination options), TCP
 * or UDP. Works on a byte pointer and a length, so it is tested on pcap
 * buffers as well as mbufs. Returns -1 when the frame is parsed, or the
 * dp_drop reason.
 */
#ifndef SARA_DP_PARSE_H
#define SARA_DP_PARSE_H

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "dp.h"

#define DP_ETH_VLAN 0x8100
#define DP_ETH_QINQ 0x88a8
#define DP_ETH_IPV4 0x0800
#define DP_ETH_IPV6 0x86dd

static inline int dp_parse_l4(const uint8_t *d, uint32_t off, uint32_t l4len, uint8_t proto,
			      struct dp_pkt *p, uint16_t *sport, uint16_t *dport)
{
	if (proto == IPPROTO_UDP) {
		if (l4len < 8)
			return DP_DROP_L4_TRUNC;
	} else if (proto == IPPROTO_TCP) {
		if (l4len < 20)
			return DP_DROP_L4_TRUNC;
		uint32_t doff = (uint32_t)(d[off + 12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return DP_DROP_L4_TRUNC;
		p->tcp_flags = d[off + 13];
	} else {
		return DP_DROP_L4_PROTO;
	}
	memcpy(sport, d + off, 2);
	memcpy(dport, d + off + 2, 2);
	p->proto = proto;
	p->l4_off = off;
	return -1;
}

static inline int dp_parse_ipv4(const uint8_t *d, uint32_t len, uint32_t off, struct dp_pkt *p)
{
	if (len < off + 20)
		return DP_DROP_L3_TRUNC;
	if ((d[off] >> 4) != 4)
		return DP_DROP_BAD_VERSION;
	uint32_t ihl = (uint32_t)(d[off] & 0x0f) * 4;
	if (ihl < 20)
		return DP_DROP_BAD_IHL;
	if (len < off + ihl)
		return DP_DROP_L3_TRUNC;
	uint32_t tot = ((uint32_t)d[off + 2] << 8) | d[off + 3];
	if (tot < ihl || off + tot > len)
		return DP_DROP_BAD_LEN;
	uint16_t frag = (uint16_t)(((d[off + 6] << 8) | d[off + 7]) & 0x3fff); /* MF + offset */
	if (frag)
		return DP_DROP_FRAGMENT;
	p->family = 4;
	p->l4_end = off + tot;
	memset(&p->k4, 0, sizeof(p->k4));
	memcpy(&p->k4.src, d + off + 12, 4);
	memcpy(&p->k4.dst, d + off + 16, 4);
	int r = dp_parse_l4(d, off + ihl, tot - ihl, d[off + 9], p, &p->k4.sport, &p->k4.dport);
	p->k4.proto = p->proto;
	return r;
}

static inline int dp_parse_ipv6(const uint8_t *d, uint32_t len, uint32_t off, struct dp_pkt *p)
{
	if (len < off + 40)
		return DP_DROP_L3_TRUNC;
	if ((d[off] >> 4) != 6)
		return DP_DROP_BAD_VERSION;
	uint32_t plen = ((uint32_t)d[off + 4] << 8) | d[off + 5];
	uint32_t end = off + 40 + plen;
	if (end > len)
		return DP_DROP_BAD_LEN;
	uint8_t nh = d[off + 6];
	p->family = 6;
	p->l4_end = end;
	memset(&p->k6, 0, sizeof(p->k6));
	memcpy(p->k6.src, d + off + 8, 16);
	memcpy(p->k6.dst, d + off + 24, 16);
	uint32_t l4 = off + 40;
	for (int i = 0; i < 4; i++) { /* extension headers, at most four */
		if (nh == 44)
			return DP_DROP_FRAGMENT;
		if (nh != 0 && nh != 43 && nh != 60)
			break;
		if (end < l4 + 8)
			return DP_DROP_BAD_LEN;
		nh = d[l4];
		l4 += ((uint32_t)d[l4 + 1] + 1) * 8;
		if (l4 > end)
			return DP_DROP_BAD_LEN;
	}
	int r = dp_parse_l4(d, l4, end - l4, nh, p, &p->k6.sport, &p->k6.dport);
	p->k6.proto = p->proto;
	return r;
}

static_assert(offsetof(struct dp_key4, dst) == offsetof(struct dp_key4, src) + 4, "dp_key4: dst follows src");
static_assert(offsetof(struct dp_key4, dport) == offsetof(struct dp_key4, sport) + 2, "dp_key4: dport follows sport");

/* DP_VIP4_NONE is a vip argument of dp_parse_fast4_vip that no IPv4
 * address equals. */
#define DP_VIP4_NONE (1ull << 32)

/* dp_parse_fast4_at is dp_parse_fast4_vip for the IPv4 header at off, a
 * constant where it is inlined. */
static inline __attribute__((always_inline)) int dp_parse_fast4_at(const uint8_t *d, uint32_t len,
								    struct dp_pkt *p, const uint32_t off,
								    const uint64_t vip)
{
	/* len >= 42 >= off + 24: the loads before the total length is checked
	 * (ip to ip + 9) stay inside the frame */
	const uint8_t *ip = d + off;
	uint64_t h; /* version/IHL, TOS, total length, id, flags/fragment offset */
	memcpy(&h, ip, 8);
	if ((uint8_t)h != 0x45)
		return 0;
	const uint32_t tot = rte_be_to_cpu_16((uint16_t)(h >> 16));
	const uint8_t proto = ip[9];
	if (((h >> 48) & 0xff3f) != 0 || off + tot > len) /* MF or an offset: a fragment */
		return 0;
	uint32_t tcpf = 0;
	if (proto == IPPROTO_UDP) {
		if (tot < 20 + 8)
			return 0;
	} else if (proto == IPPROTO_TCP) {
		if (tot < 20 + 20)
			return 0;
		uint32_t doff = (uint32_t)(ip[32] >> 4) * 4;
		if (doff < 20 || doff > tot - 20)
			return 0;
		tcpf = ip[33];
	} else {
		return 0;
	}
	const uint32_t head = 4u | (uint32_t)proto << 8 | tcpf << 16 | off << 24; /* family, proto, tcp_flags, l3_off */
	const uint64_t l4 = (uint64_t)(off + 20) | (uint64_t)(off + tot) << 32;   /* l4_off, l4_end */
	uint64_t k0, k1;
	uint32_t ports;
	memcpy(&k0, ip + 12, 8); /* src, dst */
	memcpy(&ports, ip + 20, 4);
	k1 = ports | (uint64_t)proto << 32; /* sport, dport, proto, pad */
	memcpy(p, &head, 4);
	memcpy((uint8_t *)p + offsetof(struct dp_pkt, l4_off), &l4, 8);
	memcpy(&p->k4, &k0, 8);
	memcpy((uint8_t *)&p->k4 + 8, &k1, 8);
	/* the destination (k0's high word) is the VIP, the source is not:
	 * asked of k0 in its register, not of the stored key */
	return 1 + ((k0 >> 32) == vip && (uint32_t)k0 != vip);
}

/* dp_parse_fast4_vip is dp_parse_fast4 that also answers the worker's
 * first question of an IPv4 frame: 2 when the frame is parsed and goes to
 * vip (a network-order address, or DP_VIP4_NONE) from another address, 1
 * when it is parsed and does not, 0 when it is not parsed. */
static inline int dp_parse_fast4_vip(const uint8_t *d, uint32_t len, struct dp_pkt *p, const uint64_t vip)
{
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
#error "dp_parse_fast4 assumes a little-endian CPU"
#endif
	if (len < 14 + 20 + 8)
		return 0;
	uint16_t et;
	memcpy(&et, d + 12, 2);
	if (likely(et == rte_cpu_to_be_16(DP_ETH_IPV4)))
		return dp_parse_fast4_at(d, len, p, 14, vip);
	if (et != rte_cpu_to_be_16(DP_ETH_VLAN))
		return 0;
	memcpy(&et, d + 16, 2);
	return et == rte_cpu_to_be_16(DP_ETH_IPV4) ? dp_parse_fast4_at(d, len, p, 18, vip) : 0;
}

/* dp_parse_fast4 parses the common frame — IPv4 without options, untagged
 * or under one 802.1Q tag, UDP or TCP, not a fragment, well formed — with
 * the checks of the full parser merged, and returns 1; any other frame
 * returns 0 untouched and goes through the full parser, which gives every
 * frame this one accepts the same result.
 *
 * It reads the IPv4 header in words and writes struct dp_pkt in four
 * stores, from a constant offset: dp_parse_fast4_at is inlined once for an
 * untagged frame and once for a tagged one (written with a variable offset
 * and byte loads, the compiler kept a dozen offsets in stack slots, and
 * with one offset chosen by the tag it still computed every offset-derived
 * field from it, frame by frame). */
static inline int dp_parse_fast4(const uint8_t *d, uint32_t len, struct dp_pkt *p)
{
	return dp_parse_fast4_vip(d, len, p, DP_VIP4_NONE);
}

static_assert(offsetof(struct dp_pkt, family) == 0 && offsetof(struct dp_pkt, proto) == 1 &&
		      offsetof(struct dp_pkt, tcp_flags) == 2 && offsetof(struct dp_pkt, l3_off) == 3 &&
		      offsetof(struct dp_pkt, l4_end) == offsetof(struct dp_pkt, l4_off) + 4,
	      "dp_parse_fast4 writes struct dp_pkt's header in two words");
static_assert(offsetof(struct dp_key4, sport) == 8 && offsetof(struct dp_key4, proto) == 12,
	      "dp_parse_fast4 writes the key in two words");

/* dp_parse_full classifies the frame d[0:len] without the fast path. It
 * is kept out of line (and cold): inlined into the worker's loop, the
 * compiler shared its offsets with the fast path and paid for them on
 * every frame (a dozen stores of constants to the stack). */
static __attribute__((noinline, cold)) int dp_parse_full(const uint8_t *d, uint32_t len, struct dp_pkt *p)
{
	if (len < 14)
		return DP_DROP_RUNT;
	uint32_t off = 12;
	uint16_t et = (uint16_t)((d[off] << 8) | d[off + 1]);
	if (et == DP_ETH_VLAN || et == DP_ETH_QINQ) {
		if (len < 18)
			return DP_DROP_RUNT;
		off += 4;
		et = (uint16_t)((d[off] << 8) | d[off + 1]);
		if (et == DP_ETH_VLAN) { /* QinQ inner tag */
			if (len < 22)
				return DP_DROP_RUNT;
			off += 4;
			et = (uint16_t)((d[off] << 8) | d[off + 1]);
		}
	}
	off += 2;
	p->l3_off = (uint8_t)off; /* also for a frame of another ethertype: ARP is answered from it */
	if (et == DP_ETH_IPV4)
		return dp_parse_ipv4(d, len, off, p);
	if (et == DP_ETH_IPV6)
		return dp_parse_ipv6(d, len, off, p);
	return DP_DROP_ETHERTYPE;
}

/* dp_parse classifies the frame d[0:len]. */
static inline int dp_parse(const uint8_t *d, uint32_t len, struct dp_pkt *p)
{
	if (likely(dp_parse_fast4(d, len, p)))
		return -1;
	return dp_parse_full(d, len, p);
}

#endif
