package dataplane

/*
#include <stdlib.h>
#include <rte_mbuf.h>
#include "dp_go.h"

static void dp_drain(struct rte_ring *r) {
	void *m;
	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free((struct rte_mbuf *)m);
}
*/
import "C"

import (
	"net/netip"
	"unsafe"

	"github.com/sara-lb/sara/engine/cluster"
)

// SigKind says why a worker handed a frame to Go.
type SigKind uint8

// The kinds of signalling hand-off (enum dp_sig_kind).
const (
	// SigDecide: SIP over UDP to a VIP; Go chooses the server by Call-ID
	// and the frame is forwarded when SigComplete hands it back.
	SigDecide SigKind = C.DP_SIG_DECIDE
	// SigHold: a TCP signalling segment (SIP/TCP, RTSP) held until Go has
	// applied it, then forwarded to Server (the connection's server), so
	// what it announces is installed before the server can answer.
	SigHold SigKind = C.DP_SIG_HOLD
	// SigGateway: server->client signalling (source is a VIP), never
	// forwarded: the gateway's view.
	SigGateway SigKind = C.DP_SIG_GATEWAY
)

// SigBatch is the most messages one SigDequeue returns.
const SigBatch = 256

// NoServer, as a SigComplete decision, rejects a SigDecide message.
const NoServer = C.DP_SIG_DROP

// Reply, as a SigComplete decision, sends a SigDecide message's frame —
// rewritten by Go into an answer to its sender and sized with SigReply —
// back out of the port it came from, as is (counted in SigReplied).
const Reply = C.DP_SIG_REPLY

// Signal is one frame handed to Go. Payload aliases the frame's buffer in
// DPDK memory and is valid until SigComplete.
type Signal struct {
	Kind     SigKind
	Worker   int
	Src, Dst netip.AddrPort
	TCP      bool
	Server   cluster.ServerID // SigHold: the connection's server, where the frame goes
	Payload  []byte
	// Frame is the whole frame (Ethernet header first), its capacity the
	// room its buffer has (0 for a multi-segment frame); L3Off, L4Off and
	// PayOff locate the IP header, the TCP/UDP header and Payload in it.
	// A SigDecide message's Frame may be rewritten in place, up to its
	// capacity, into an answer (SigReply). Valid until SigComplete.
	Frame                []byte
	L3Off, L4Off, PayOff int
}

type sigState struct {
	msgs    *C.struct_dp_sigmsg // C array of SigBatch
	servers *C.uint16_t         // decisions for msgs
	n       int                 // messages dequeued, not yet completed
}

func (s *sigState) init() {
	s.msgs = (*C.struct_dp_sigmsg)(C.calloc(SigBatch, C.sizeof_struct_dp_sigmsg))
	s.servers = (*C.uint16_t)(C.calloc(SigBatch, 2))
}

func (s *sigState) free() {
	C.free(unsafe.Pointer(s.msgs))
	C.free(unsafe.Pointer(s.servers))
	s.msgs, s.servers = nil, nil
}

// SigDequeue takes up to len(out) (at most SigBatch) signalling messages
// from every worker in one cgo call and describes them in out. Every
// message must be completed with SigComplete before the next SigDequeue.
// One goroutine only may consume.
func (d *Dataplane) SigDequeue(out []Signal) int {
	max := len(out)
	if max > SigBatch {
		max = SigBatch
	}
	n := int(C.dp_sig_dequeue(d.wsC, C.int(len(d.workers)), d.sig.msgs, C.int(max)))
	d.sig.n = n
	msgs := unsafe.Slice(d.sig.msgs, n)
	for i := range msgs {
		m := &msgs[i]
		addr := func(b *[16]C.uint8_t) netip.Addr {
			a := netip.AddrFrom16(*(*[16]byte)(unsafe.Pointer(&b[0])))
			if m.family == 4 {
				return a.Unmap()
			}
			return a
		}
		out[i] = Signal{
			Kind:   SigKind(m.kind),
			Worker: int(m.worker),
			Src:    netip.AddrPortFrom(addr(&m.src), uint16(m.sport)),
			Dst:    netip.AddrPortFrom(addr(&m.dst), uint16(m.dport)),
			TCP:    m.proto == 6,
			Server: cluster.ServerID(m.server),
		}
		if m.len > 0 {
			out[i].Payload = unsafe.Slice((*byte)(unsafe.Pointer(m.payload)), int(m.len))
		}
		if m.payload != nil && m.room > 0 {
			off := int(m.pay_off)
			start := unsafe.Add(unsafe.Pointer(m.payload), -off)
			out[i].Frame = unsafe.Slice((*byte)(start), int(m.room))[:off+int(m.len)]
			out[i].L3Off, out[i].L4Off, out[i].PayOff = int(m.l3_off), int(m.l4_off), off
		}
	}
	return n
}

// SigReply records that message i of the last SigDequeue, a SigDecide
// frame, was rewritten in place into an answer of frameLen bytes, and
// returns the decision (Reply) to give SigComplete for it. It returns
// NoServer, and the frame is dropped, if frameLen does not fit the
// frame's buffer. No cgo call: the length goes in the C batch.
func (d *Dataplane) SigReply(i, frameLen int) uint16 {
	msgs := unsafe.Slice(d.sig.msgs, SigBatch)
	if i < 0 || i >= d.sig.n || frameLen <= 0 || frameLen > int(msgs[i].room) {
		return NoServer
	}
	msgs[i].reply_len = C.uint16_t(frameLen)
	return Reply
}

// SigComplete ends the messages of the last SigDequeue: servers[i] is the
// decision for a SigDecide message i (NoServer rejects it; ignored for the
// other kinds). Decided and held frames go back to their worker, gateway
// frames are freed, and each worker learns its messages are applied. One
// cgo call.
func (d *Dataplane) SigComplete(servers []uint16) {
	n := d.sig.n
	dst := unsafe.Slice(d.sig.servers, SigBatch)
	for i := 0; i < n; i++ {
		dst[i] = NoServer
		if i < len(servers) {
			dst[i] = C.uint16_t(servers[i])
		}
	}
	C.dp_sig_complete(d.wsC, C.int(len(d.workers)), d.sig.msgs, d.sig.servers, C.int(n))
	d.sig.n = 0
}

// drainSig frees every mbuf still in a worker's signalling rings.
func (d *Dataplane) drainSig(w *C.struct_dp_worker) {
	C.dp_drain(w.to_go)
	C.dp_drain(w.from_go)
}
