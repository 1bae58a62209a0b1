package dataplane

/*
#include "dp.h"
#include "dp_go.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/sara-lb/sara/engine/cluster"
)

// ErrPolicy is wrapped by errors of Publish.
var ErrPolicy = errors.New("dataplane: invalid policy")

// Policy is what the control plane publishes to the workers.
type Policy struct {
	// Sequence is the selection sequence: new flows take its slots in
	// order. Its length must be the configured number of slots (a power of
	// two) or 0 (no server selectable: new flows are dropped as no_server).
	Sequence []cluster.ServerID
	// Down lists failed servers: their flows follow the failover policy.
	Down []cluster.ServerID
	// PNew is the probability a new session is refused (SA2C eq. 2).
	PNew float64
	// PEst is the probability a media packet of an established session
	// (a flow promoted from an announcement) is dropped; signalling never is.
	PEst float64
	// RejectAll refuses every frame (load at or above capacity).
	RejectAll bool
}

// prob32 maps a probability to the 32-bit threshold workers compare a
// uniform draw with.
func prob32(p float64) C.uint32_t {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return C.uint32_t(^uint32(0))
	}
	return C.uint32_t(p * 4294967296.0)
}

// Publish installs p for every worker. It writes the buffer no worker reads
// (waiting, at most a second, until every worker has adopted the current
// one), then swaps the pointer: workers adopt it at their next burst. One
// cgo call; never blocks a worker.
func (d *Dataplane) Publish(p Policy) error {
	d.pubMu.Lock()
	defer d.pubMu.Unlock()
	return d.publishLocked(p)
}

// SetStandby makes the data plane a hot standby (true) or the VIP's owner
// (false), republishing the last policy with the flag: a standby answers
// no ARP request for a VIP and keeps every flow alive (its flows are the
// primary's, installed by PushFlows and deleted when the primary's expire);
// the owner answers ARP and expires idle flows. A new data plane owns the
// VIP.
func (d *Dataplane) SetStandby(standby bool) error {
	d.pubMu.Lock()
	defer d.pubMu.Unlock()
	d.standby = standby
	return d.publishLocked(d.lastPolicy)
}

// Standby reports whether the data plane is a hot standby (SetStandby).
func (d *Dataplane) Standby() bool {
	d.pubMu.Lock()
	defer d.pubMu.Unlock()
	return d.standby
}

func (d *Dataplane) publishLocked(p Policy) error {
	n := len(p.Sequence)
	if n != 0 && n != d.cfg.SelectionSlots {
		return fmt.Errorf("%w: sequence of %d slots, want %d", ErrPolicy, n, d.cfg.SelectionSlots)
	}
	for _, s := range append(append([]cluster.ServerID(nil), p.Sequence...), p.Down...) {
		if int(s) >= len(d.cfg.ServerMACs) {
			return fmt.Errorf("%w: server %d of %d", ErrPolicy, s, len(d.cfg.ServerMACs))
		}
	}
	cur := d.pol[d.cur]
	if err := d.waitSeen(uint64(cur.version)); err != nil {
		return err
	}
	next := d.pol[1-d.cur]
	next.version = cur.version + 1
	next.nslots = C.uint32_t(n)
	for i, s := range p.Sequence {
		next.slots[i] = C.uint16_t(s)
	}
	for i := range next.server_up {
		next.server_up[i] = 1
	}
	for _, s := range p.Down {
		next.server_up[s] = 0
	}
	next.all_up = 0
	if len(p.Down) == 0 {
		next.all_up = 1 // Down names configured servers only (checked above)
	}
	d.writeServers(next)
	next.p_new = prob32(p.PNew)
	next.p_est = prob32(p.PEst)
	next.reject_all = 0
	if p.RejectAll {
		next.reject_all = 1
	}
	next.standby = 0
	if d.standby {
		next.standby = 1
	}
	C.dp_publish(d.shared, next)
	d.cur = 1 - d.cur
	d.lastPolicy = Policy{Sequence: append([]cluster.ServerID(nil), p.Sequence...),
		Down: append([]cluster.ServerID(nil), p.Down...), PNew: p.PNew, PEst: p.PEst, RejectAll: p.RejectAll}
	return nil
}

// RoundRobin returns a selection sequence of slots entries cycling through
// servers. It is the interim selection policy until a forecast-based
// sequence is published: every server gets an equal share of new flows.
func RoundRobin(servers []cluster.ServerID, slots int) []cluster.ServerID {
	if len(servers) == 0 {
		return nil
	}
	seq := make([]cluster.ServerID, slots)
	for i := range seq {
		seq[i] = servers[i%len(servers)]
	}
	return seq
}

// writeServers copies the reloadable part of the configuration (servers,
// timeouts) into a policy buffer: the servers as the frame headers the
// workers write for each server through each port (dp_rewrite: the
// server's MAC, then the port's).
func (d *Dataplane) writeServers(pol *C.struct_dp_policy) {
	pol.nservers = C.uint32_t(len(d.cfg.ServerMACs))
	hdrs := unsafe.Slice((*[unsafe.Sizeof(C.struct_dp_l2hdr{})]byte)(unsafe.Pointer(&pol.l2[0][0])), MaxPorts*MaxServers)
	for pi, p := range d.ports {
		src := p.MAC()
		for s, dst := range d.cfg.ServerMACs {
			h := &hdrs[pi*MaxServers+s]
			copy(h[0:6], dst[:])
			copy(h[6:12], src[:])
		}
	}
	t := d.cfg.Timeouts
	for cl, dur := range map[int]time.Duration{ClassUDP: t.UDP, ClassTCP: t.TCP, ClassSIP: t.SIP,
		ClassRTSP: t.RTSP, ClassMedia: t.Media} {
		pol.timeout_ms[cl] = C.uint32_t(dur.Milliseconds())
	}
}

// Reconfigure changes the servers (index = ServerID; a removed server's
// flows must be listed as Down by the caller) and the timeouts. They reach
// the workers with the next Publish, atomically with its sequence.
func (d *Dataplane) Reconfigure(serverMACs [][6]byte, t Timeouts) error {
	d.pubMu.Lock()
	defer d.pubMu.Unlock()
	c := d.cfg
	c.ServerMACs, c.Timeouts = append([][6]byte(nil), serverMACs...), t
	if err := c.validate(); err != nil {
		return err
	}
	d.cfg.ServerMACs, d.cfg.Timeouts = c.ServerMACs, c.Timeouts
	d.nsrv.Store(int32(len(c.ServerMACs)))
	return nil
}
