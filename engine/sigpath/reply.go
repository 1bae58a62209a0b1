package sigpath

import (
	"encoding/binary"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/inspect/sip"
)

// DefaultRetryAfter is the Retry-After of the 503 answering a refused SIP
// request when Config.RetryAfter is 0.
const DefaultRetryAfter = time.Second

// refuse ends a SigDecide message that admission control refused. A SIP
// request (not an ACK) is answered in place of its frame with 503 Service
// Unavailable and Retry-After (RFC 3261 §21.5.4), so the caller fails at
// once instead of retransmitting until its timer fires; anything else, or a
// request that cannot be answered (no Via, no room), is dropped. Both are
// counted in Refused, the answers in Replied.
func (p *Path) refuse(s *dataplane.Signal) uint16 {
	p.ctr.Refused++
	if s.Kind != dataplane.SigDecide || s.Frame == nil || s.TCP {
		return dataplane.NoServer
	}
	body, err := sip.AppendReply(p.reply[:0], s.Payload, 503, "Service Unavailable", p.retryAfter)
	if err != nil {
		return dataplane.NoServer
	}
	p.reply = body[:0] // keep a grown buffer
	n := replyFrame(s.Frame, s.L3Off, s.L4Off, body)
	if n == 0 {
		return dataplane.NoServer
	}
	dec := p.dp.SigReply(p.cur, n)
	if dec == dataplane.Reply {
		p.ctr.Replied++
	}
	return dec
}

// replyFrame rewrites frame — a UDP datagram whose IP header starts at l3
// and UDP header at l4 (as the data plane's parser found them: Signal's
// L3Off and L4Off) — in place into a datagram carrying body back to its
// sender: Ethernet addresses swapped (VLAN tags kept), IP addresses and UDP
// ports swapped (the source becomes the VIP the datagram was sent to), a
// fresh IPv4 header (20 bytes, TTL 64, DF) or IPv6 header (40 bytes, no
// extension headers, hop limit 64), UDP checksum computed. It returns the
// new frame length, or 0 if the offsets do not fit an IPv4/IPv6 frame or
// the answer does not fit cap(frame). body must not alias frame. No
// allocation.
func replyFrame(frame []byte, l3, l4 int, body []byte) int {
	if l3 < 14 || l4 < l3+20 || len(frame) < l4+8 {
		return 0
	}
	f := frame[:cap(frame)]
	var src, dst [16]byte
	var hdr int
	switch f[l3] >> 4 {
	case 4:
		copy(src[:4], f[l3+12:l3+16])
		copy(dst[:4], f[l3+16:l3+20])
		hdr = 20
	case 6:
		if l4 < l3+40 {
			return 0
		}
		copy(src[:], f[l3+8:l3+24])
		copy(dst[:], f[l3+24:l3+40])
		hdr = 40
	default:
		return 0
	}
	sport := binary.BigEndian.Uint16(f[l4:])
	dport := binary.BigEndian.Uint16(f[l4+2:])
	ulen := 8 + len(body)
	n := l3 + hdr + ulen
	if n > len(f) || ulen > 0xffff {
		return 0
	}
	var mac [6]byte // swap the Ethernet addresses
	copy(mac[:], f[0:6])
	copy(f[0:6], f[6:12])
	copy(f[6:12], mac[:])
	ip := f[l3 : l3+hdr]
	var sum uint32
	if hdr == 20 {
		tos := ip[1]
		clear(ip)
		ip[0], ip[1] = 0x45, tos
		binary.BigEndian.PutUint16(ip[2:], uint16(20+ulen))
		binary.BigEndian.PutUint16(ip[6:], 0x4000) // DF
		ip[8], ip[9] = 64, 17
		copy(ip[12:16], dst[:4]) // from the VIP
		copy(ip[16:20], src[:4]) // to the sender
		binary.BigEndian.PutUint16(ip[10:], ^fold(sum16(0, ip)))
		sum = sum16(0, ip[12:20])
	} else {
		clear(ip)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(ulen))
		ip[6], ip[7] = 17, 64
		copy(ip[8:24], dst[:])
		copy(ip[24:40], src[:])
		sum = sum16(0, ip[8:40])
	}
	u := f[l3+hdr : n]
	binary.BigEndian.PutUint16(u[0:], dport)
	binary.BigEndian.PutUint16(u[2:], sport)
	binary.BigEndian.PutUint16(u[4:], uint16(ulen))
	u[6], u[7] = 0, 0
	copy(u[8:], body)
	sum += 17 + uint32(ulen) // pseudo-header: protocol, UDP length
	c := ^fold(sum16(sum, u))
	if c == 0 {
		c = 0xffff // RFC 768: a computed zero is sent as all ones
	}
	binary.BigEndian.PutUint16(u[6:], c)
	return n
}

// sum16 adds b to the one's complement sum as 16-bit big-endian words.
func sum16(sum uint32, b []byte) uint32 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}

// fold reduces a one's complement sum to 16 bits.
func fold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}
