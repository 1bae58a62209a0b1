/*
 * dp_arp.c — the VIPs' ARP and IPv6 neighbour-discovery responder. The dispatcher owns its data port,
 * so the kernel cannot answer "who has VIP?" for it: the worker turns an
 * ARP request for one of its IPv4 VIPs into the reply, in place, and sends
 * it back out of the port it came in on. Only the dispatcher that holds
 * the VIP answers (a hot standby stays silent: dp_policy.standby);
 * gratuitous ARPs (sender = target, including our own takeover
 * announcements looped back by net_af_packet) are never answered.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"

#define DP_ETH_ARP 0x0806

/* dp_arp_answer returns -1 when d is not an ARP frame, 0 when it is one
 * this dispatcher does not answer (or answer is 0), 1 when it rewrote d
 * into the reply from mac. off is the network header's offset, as the
 * parser found it (struct dp_pkt's l3_off). */
int dp_arp_answer(const struct dp_conf *c, uint8_t *d, uint32_t len, uint32_t off, const struct rte_ether_addr *mac,
		  int answer)
{
	if (off < 14 || len < off || ((d[off - 2] << 8) | d[off - 1]) != DP_ETH_ARP)
		return -1;
	if (!answer || len < off + 28)
		return 0;
	uint8_t *a = d + off;
	/* Ethernet/IPv4, hlen 6, plen 4, request */
	if (a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0 || a[4] != 6 || a[5] != 4 || a[6] != 0 || a[7] != 1)
		return 0;
	uint32_t spa, tpa;
	memcpy(&spa, a + 14, 4);
	memcpy(&tpa, a + 24, 4);
	if (spa == tpa)
		return 0; /* gratuitous */
	int vip = 0;
	for (uint32_t i = 0; i < c->nvip4; i++)
		vip |= c->vip4[i] == tpa;
	if (!vip)
		return 0;
	a[7] = 2;                 /* reply */
	memcpy(a + 18, a + 8, 6); /* tha = requester's sha */
	memcpy(a + 24, &spa, 4);  /* tpa = requester's spa */
	memcpy(a + 8, mac, 6);    /* sha = our port */
	memcpy(a + 14, &tpa, 4);  /* spa = the VIP */
	memcpy(d, d + 6, 6);      /* to the requester */
	memcpy(d + 6, mac, 6);
	return 1;
}

/* dp_nd_answer is dp_arp_answer for IPv6: a neighbour solicitation (RFC
 * 4861 §7.2.3) for one of the IPv6 VIPs becomes, in place, the solicited
 * advertisement from mac (flags Solicited and Override, target link-layer
 * address option), sent back to the solicitor. Duplicate address detection
 * (unspecified source) is not answered. Returns -1 when m is not a
 * neighbour solicitation, 0 when it is one this dispatcher does not answer
 * (or answer is 0), 1 when m is now the advertisement. off is the IPv6
 * header's offset (struct dp_pkt's l3_off of a frame parsed as IPv6). */
int dp_nd_answer(const struct dp_conf *c, struct rte_mbuf *m, uint32_t off, const struct rte_ether_addr *mac,
		 int answer)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	if (len < off + 40 + 24)
		return -1;
	uint8_t *ip = d + off, *icmp = ip + 40;
	if (ip[6] != 58 || icmp[0] != 135)
		return -1;
	static const uint8_t unspecified[16];
	if (!answer || icmp[1] != 0 || ip[7] != 255 || memcmp(ip + 8, unspecified, 16) == 0)
		return 0;
	int vip = 0;
	for (uint32_t i = 0; i < c->nvip6; i++)
		vip |= memcmp(c->vip6[i], icmp + 8, 16) == 0;
	if (!vip)
		return 0;
	uint32_t need = off + 40 + 32; /* advertisement: 24 bytes + target link-layer option */
	if (len < need && rte_pktmbuf_append(m, (uint16_t)(need - len)) == NULL)
		return 0;
	if (len > need)
		rte_pktmbuf_trim(m, (uint16_t)(len - need));
	memcpy(d, d + 6, 6); /* to the solicitor */
	memcpy(d + 6, mac, 6);
	memcpy(ip + 24, ip + 8, 16); /* dst = the solicitor, src = the VIP */
	memcpy(ip + 8, icmp + 8, 16);
	ip[0] = 0x60, ip[1] = ip[2] = ip[3] = 0;
	ip[4] = 0, ip[5] = 32; /* payload length */
	ip[7] = 255;
	icmp[0] = 136, icmp[1] = 0, icmp[2] = icmp[3] = 0;
	icmp[4] = 0x60, icmp[5] = icmp[6] = icmp[7] = 0; /* Solicited, Override; the target stays at icmp + 8 */
	icmp[24] = 2, icmp[25] = 1; /* target link-layer address, 8 bytes */
	memcpy(icmp + 26, mac, 6);
	uint16_t ck = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	return 1;
}
