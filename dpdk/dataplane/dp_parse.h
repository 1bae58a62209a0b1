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

static inline uint16_t dp_be16(const uint8_t *d)
{
	return (uint16_t)((d[0] << 8) | d[1]);
}

/* dp_parse_fast4 parses the common frame — IPv4 without options, untagged
 * or under one 802.1Q tag, UDP or TCP, not a fragment, well formed — with
 * the checks of the full parser merged, and returns 1; any other frame
 * returns 0 untouched and goes through the full parser, which gives every
 * frame this one accepts the same result. */
static inline int dp_parse_fast4(const uint8_t *d, uint32_t len, struct dp_pkt *p)
{
	if (len < 14 + 20 + 8)
		return 0;
	uint32_t off = 14;
	uint16_t et = dp_be16(d + 12);
	if (et == DP_ETH_VLAN) {
		et = dp_be16(d + 16);
		off = 18;
	}
	if (et != DP_ETH_IPV4 || d[off] != 0x45 || len < off + 28)
		return 0;
	uint32_t tot = dp_be16(d + off + 2);
	uint8_t proto = d[off + 9];
	if ((dp_be16(d + off + 6) & 0x3fff) != 0 || off + tot > len)
		return 0;
	if (proto == IPPROTO_UDP) {
		if (tot < 20 + 8)
			return 0;
	} else if (proto == IPPROTO_TCP) {
		if (tot < 20 + 20)
			return 0;
		uint32_t doff = (uint32_t)(d[off + 32] >> 4) * 4;
		if (doff < 20 || doff > tot - 20)
			return 0;
		p->tcp_flags = d[off + 33];
	} else {
		return 0;
	}
	p->family = 4;
	p->proto = proto;
	p->l3_off = (uint8_t)off;
	p->l4_off = off + 20;
	p->l4_end = off + tot;
	uint8_t *k = (uint8_t *)&p->k4;
	memcpy(k + offsetof(struct dp_key4, src), d + off + 12, 8);   /* src, dst */
	memcpy(k + offsetof(struct dp_key4, sport), d + off + 20, 4); /* sport, dport */
	p->k4.proto = proto;
	memset(p->k4.pad, 0, sizeof(p->k4.pad));
	return 1;
}

/* dp_parse_full classifies the frame d[0:len] without the fast path. */
static inline int dp_parse_full(const uint8_t *d, uint32_t len, struct dp_pkt *p)
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
