package dataplane

/*
#include <stdlib.h>
#include <string.h>
#include <rte_errno.h>
#include "dp_go.h"
#include "dp_sync.h"

int dp_ev_drain(struct dp_worker **ws, int nw, struct dp_flowrec *out, int max);
int dp_ev_push(struct dp_worker **ws, int nw, const struct dp_flowrec *recs, int n);

static struct rte_ring *dp_ev_ring(const char *name, unsigned count, int socket) {
	return rte_ring_create_elem(name, sizeof(struct dp_flowrec), count, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
}
static void dp_dump_request(struct dp_worker *w) {
	w->dump_fam = 0;
	w->dump_next = 0;
	__atomic_store_n(&w->dump_req, 1, __ATOMIC_RELEASE);
}
static int dp_dump_pending(struct dp_worker *w) {
	return __atomic_load_n(&w->dump_req, __ATOMIC_ACQUIRE);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/engine/cluster"
)

// FlowEvent says what a FlowRecord reports or asks.
type FlowEvent uint8

// Flow record types (enum dp_ev_type).
const (
	FlowCreated  FlowEvent = C.DP_EV_CREATED  // a worker created the flow
	FlowExpired  FlowEvent = C.DP_EV_EXPIRED  // a worker purged it
	FlowSnapshot FlowEvent = C.DP_EV_SNAPSHOT // a live flow reported by a dump
	FlowInstall  FlowEvent = C.DP_EV_INSTALL  // install it (backup)
	FlowDelete   FlowEvent = C.DP_EV_DELETE   // delete it (backup)
)

// Flow identities and statuses as stored in FlowRecord.Flags (dp.h).
const (
	FlagValid       = C.DP_F_VALID
	FlagSecondary   = C.DP_F_ID_SECONDARY
	FlagEstablished = C.DP_F_ST_ESTABLISHED
)

// FlowRecord is one flow of a worker's table, as exported to or imported
// from Go (the hot-standby replication).
type FlowRecord struct {
	Type     FlowEvent
	Worker   int
	Key      FlowKey
	Server   cluster.ServerID
	Session  uint32
	Class    uint8 // timeout class
	Flags    uint8 // identity and status bits
	Packets  uint32
	LastSeen uint32 // ms on the reporting dispatcher's clock
}

// ErrNoFlowEvents is returned when the data plane was built without
// FlowEvents.
var ErrNoFlowEvents = errors.New("dataplane: flow events not enabled")

// FlowBatch is the most records one FlowEvents call returns.
const FlowBatch = 256

func (d *Dataplane) buildEventRings(inst uint32, i int, w *C.struct_dp_worker) error {
	if !d.cfg.FlowEvents {
		return nil
	}
	for j, r := range []**C.struct_rte_ring{&w.ev_out, &w.ev_in} {
		name := C.CString(fmt.Sprintf("sara%d_w%d_ev%d", inst, i, j))
		*r = C.dp_ev_ring(name, C.uint(d.cfg.FlowEventRing), C.int(eal.SocketOf(d.lcores[i])))
		C.free(unsafe.Pointer(name))
		if *r == nil {
			return fmt.Errorf("dataplane: flow event ring of worker %d: %w", i, eal.LastErrno())
		}
	}
	return nil
}

func recordOf(r *C.struct_dp_flowrec) FlowRecord {
	out := FlowRecord{Type: FlowEvent(r._type), Worker: int(r.worker), Server: cluster.ServerID(r.f.server),
		Session: uint32(r.f.session), Class: uint8(r.f.tclass), Flags: uint8(r.f.flags),
		Packets: uint32(r.f.packets), LastSeen: uint32(r.f.last_seen)}
	be := func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
	k := unsafe.Slice((*byte)(unsafe.Pointer(&r.key[0])), 48)
	if r.family == 4 {
		out.Key = FlowKey{netip.AddrPortFrom(netip.AddrFrom4([4]byte(k[0:4])), be(k[8:10])),
			netip.AddrPortFrom(netip.AddrFrom4([4]byte(k[4:8])), be(k[10:12])), k[12]}
	} else {
		out.Key = FlowKey{netip.AddrPortFrom(netip.AddrFrom16([16]byte(k[0:16])), be(k[32:34])),
			netip.AddrPortFrom(netip.AddrFrom16([16]byte(k[16:32])), be(k[34:36])), k[36]}
	}
	return out
}

func (r *FlowRecord) toC(c *C.struct_dp_flowrec) {
	C.memset(unsafe.Pointer(c), 0, C.sizeof_struct_dp_flowrec)
	c._type = C.uint8_t(r.Type)
	c.worker = C.uint16_t(r.Worker)
	c.f.server = C.uint16_t(r.Server)
	c.f.session = C.uint32_t(r.Session)
	c.f.tclass = C.uint8_t(r.Class)
	c.f.flags = C.uint8_t(r.Flags)
	c.f.packets = C.uint32_t(r.Packets)
	k := unsafe.Slice((*byte)(unsafe.Pointer(&c.key[0])), 48)
	put := func(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }
	if r.Key.Src.Addr().Is4() {
		c.family = 4
		s, d := r.Key.Src.Addr().As4(), r.Key.Dst.Addr().As4()
		copy(k[0:4], s[:])
		copy(k[4:8], d[:])
		put(k[8:10], r.Key.Src.Port())
		put(k[10:12], r.Key.Dst.Port())
		k[12] = r.Key.Proto
	} else {
		c.family = 6
		s, d := r.Key.Src.Addr().As16(), r.Key.Dst.Addr().As16()
		copy(k[0:16], s[:])
		copy(k[16:32], d[:])
		put(k[32:34], r.Key.Src.Port())
		put(k[34:36], r.Key.Dst.Port())
		k[36] = r.Key.Proto
	}
}

// FlowEvents drains up to len(out) (at most FlowBatch) flow records the
// workers reported, in one cgo call.
func (d *Dataplane) FlowEvents(out []FlowRecord) (int, error) {
	if !d.cfg.FlowEvents {
		return 0, ErrNoFlowEvents
	}
	var buf [FlowBatch]C.struct_dp_flowrec
	max := min(len(out), FlowBatch)
	n := int(C.dp_ev_drain(d.wsC, C.int(len(d.workers)), &buf[0], C.int(max)))
	for i := 0; i < n; i++ {
		out[i] = recordOf(&buf[i])
	}
	return n, nil
}

// PushFlows queues install/delete records for the workers (each to the
// record's Worker), in one cgo call; it returns how many were queued.
func (d *Dataplane) PushFlows(recs []FlowRecord) (int, error) {
	if !d.cfg.FlowEvents {
		return 0, ErrNoFlowEvents
	}
	var buf [FlowBatch]C.struct_dp_flowrec
	total := 0
	for len(recs) > 0 {
		n := min(len(recs), FlowBatch)
		for i := 0; i < n; i++ {
			recs[i].toC(&buf[i])
		}
		total += int(C.dp_ev_push(d.wsC, C.int(len(d.workers)), &buf[0], C.int(n)))
		recs = recs[n:]
	}
	return total, nil
}

// RequestDump asks every worker to report each live flow (FlowSnapshot
// records, interleaved with events); DumpPending tells when all are done.
func (d *Dataplane) RequestDump() error {
	if !d.cfg.FlowEvents {
		return ErrNoFlowEvents
	}
	for _, w := range d.workers {
		C.dp_dump_request(w)
	}
	return nil
}

// DumpPending reports whether a worker is still dumping.
func (d *Dataplane) DumpPending() bool {
	for _, w := range d.workers {
		if C.dp_dump_pending(w) != 0 {
			return true
		}
	}
	return false
}
