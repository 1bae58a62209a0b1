/*
 * dp_arp.c — the VIP's ARP responder. The dispatcher owns its data port,
 * so the kernel cannot answer "who has VIP?" for it: the worker turns an
 * ARP request for one of its IPv4 VIPs into the reply, in place, and sends
 * it back out of the port it came in on. Only the dispatcher that holds
 * the VIP answers (a hot standby stays silent: dp_policy.standby);
 * gratuitous ARPs (sender = target, including our own takeover
 * announcements looped back by net_af_packet) are never answered.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "dp.h"

#define DP_ETH_ARP 0x0806

/* dp_arp_answer returns -1 when d is not an ARP frame, 0 when it is one
 * this dispatcher does not answer (or answer is 0), 1 when it rewrote d
 * into the reply from mac. */
int dp_arp_answer(const struct dp_conf *c, uint8_t *d, uint32_t len, const struct rte_ether_addr *mac, int answer)
{
	uint32_t off = 12;
	if (len < off + 2)
		return -1;
	uint16_t et = (uint16_t)((d[off] << 8) | d[off + 1]);
	while ((et == 0x8100 || et == 0x88a8) && off < 20) { /* up to two tags */
		off += 4;
		if (len < off + 2)
			return -1;
		et = (uint16_t)((d[off] << 8) | d[off + 1]);
	}
	off += 2;
	if (et != DP_ETH_ARP)
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
