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

// Signal is one frame handed to Go. Payload aliases the frame's buffer in
// DPDK memory and is valid until SigComplete.
type Signal struct {
	Kind     SigKind
	Worker   int
	Src, Dst netip.AddrPort
	TCP      bool
	Server   cluster.ServerID // SigHold: the connection's server, where the frame goes
	Payload  []byte
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
	}
	return n
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
