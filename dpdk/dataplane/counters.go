package dataplane

/*
#include "dp.h"
*/
import "C"

import "unsafe"

// DropReasons are the names of the drop counters, in C enum order (read
// from the C table, the single source of truth).
var DropReasons = func() []string {
	n := int(C.DP_DROP__COUNT)
	names := make([]string, n)
	for i := range names {
		names[i] = C.GoString(C.dp_drop_name(C.int(i)))
	}
	return names
}()

// Counters are one worker's (or the sum of all workers') counters.
// Invariants, once no SigDecide message is in flight (SigDecide = FwdSig +
// SigReplied + Drops[sig_rejected]):
// RX = Forwarded() + ARPReplies + Σ Drops - Drops[tx_full];
// TX + Drops[tx_full] = Forwarded() + ARPReplies.
type Counters struct {
	RX              uint64 `json:"rx"`
	TX              uint64 `json:"tx"`
	FwdHit          uint64 `json:"fwd_hit"`
	FwdNew          uint64 `json:"fwd_new"`
	FwdStateless    uint64 `json:"fwd_stateless"`
	FwdSig          uint64 `json:"fwd_sig"`     // signalling forwarded on Go's decision
	SigReplied      uint64 `json:"sig_replied"` // SigDecide frames Go answered in their place (SIP 503), sent back out of their port
	SigDecide       uint64 `json:"sig_decide"`
	SigTap          uint64 `json:"sig_tap"` // TCP signalling segments held for Go (SigHold)
	SigGateway      uint64 `json:"sig_gateway"`
	SigRingFull     uint64 `json:"sig_ring_full"`
	ExpectHit       uint64 `json:"expect_hit"`
	ExpectAmbiguous uint64 `json:"expect_ambiguous"`
	FlowEvSent      uint64 `json:"flow_events_sent"`     // flow records reported (HA)
	FlowEvLost      uint64 `json:"flow_events_lost"`     // lost: ring full
	FlowEvApplied   uint64 `json:"flow_events_applied"`  // installs/deletes applied
	FlowEvRejected  uint64 `json:"flow_events_rejected"` // installs without room
	ARPReplies      uint64 `json:"arp_replies"`          // ARP requests for a VIP answered
	// SigLatency[b] counts SigDecide round trips (worker → Go → worker)
	// of 2^b to 2^(b+1) nanoseconds.
	SigLatency      []uint64          `json:"sig_latency_log2ns"`
	FlowsCreated    uint64            `json:"flows_created"`
	FlowsExpired    uint64            `json:"flows_expired"`
	FlowsInactive   uint64            `json:"flows_inactive"`
	FlowsRebalanced uint64            `json:"flows_rebalanced"`
	FlowsLive       uint64            `json:"flows_live"`
	TableFull       uint64            `json:"table_full"`
	PollsEmpty      uint64            `json:"polls_empty"`
	PollsBusy       uint64            `json:"polls_busy"`
	CyclesBusy      uint64            `json:"cycles_busy"`
	CyclesTotal     uint64            `json:"cycles_total"`
	Drops           map[string]uint64 `json:"drops"`
	ServerPackets   []uint64          `json:"server_packets"` // frames forwarded, by server id
	ServerFlows     []uint64          `json:"server_flows"`   // flows assigned, by server id
}

// Forwarded is the number of frames the workers decided to transmit
// (the answers Go wrote in place of refused requests included).
func (c *Counters) Forwarded() uint64 {
	return c.FwdHit + c.FwdNew + c.FwdStateless + c.FwdSig + c.SigReplied
}

// SigLatencyQuantile returns an upper bound (ns) of quantile q of the
// SigDecide round trip, from the log2 histogram; 0 without samples.
func (c *Counters) SigLatencyQuantile(q float64) float64 {
	var total uint64
	for _, v := range c.SigLatency {
		total += v
	}
	if total == 0 {
		return 0
	}
	need := uint64(q*float64(total) + 0.5)
	var acc uint64
	for b, v := range c.SigLatency {
		acc += v
		if acc >= need && acc > 0 {
			return float64(uint64(2) << b)
		}
	}
	return float64(uint64(2) << (len(c.SigLatency) - 1))
}

// DropTotal is the sum of every drop counter.
func (c *Counters) DropTotal() uint64 {
	var t uint64
	for _, v := range c.Drops {
		t += v
	}
	return t
}

// BusyFraction is the share of cycles spent in polls that received packets.
func (c *Counters) BusyFraction() float64 {
	if c.CyclesTotal == 0 {
		return 0
	}
	return float64(c.CyclesBusy) / float64(c.CyclesTotal)
}

func (c *Counters) add(w *C.struct_dp_counters, servers int) {
	if c.ServerPackets == nil {
		c.ServerPackets = make([]uint64, servers)
		c.ServerFlows = make([]uint64, servers)
	}
	pk := unsafe.Slice(&w.server_pkts[0], servers)
	fl := unsafe.Slice(&w.server_flows[0], servers)
	for i := 0; i < servers; i++ {
		c.ServerPackets[i] += uint64(pk[i])
		c.ServerFlows[i] += uint64(fl[i])
	}
	c.RX += uint64(w.rx)
	c.TX += uint64(w.tx)
	c.FwdHit += uint64(w.fwd_hit)
	c.FwdNew += uint64(w.fwd_new)
	c.FwdStateless += uint64(w.fwd_stateless)
	c.FwdSig += uint64(w.fwd_sig)
	c.SigReplied += uint64(w.sig_replied)
	c.SigDecide += uint64(w.sig_decide)
	c.SigTap += uint64(w.sig_tap)
	c.SigGateway += uint64(w.sig_gateway)
	c.SigRingFull += uint64(w.sig_ring_full)
	c.ExpectHit += uint64(w.expect_hit)
	c.ExpectAmbiguous += uint64(w.expect_ambiguous)
	c.FlowEvSent += uint64(w.ev_sent)
	c.FlowEvLost += uint64(w.ev_lost)
	c.FlowEvApplied += uint64(w.ev_applied)
	c.FlowEvRejected += uint64(w.ev_rejected)
	c.ARPReplies += uint64(w.arp_replies)
	if c.SigLatency == nil {
		c.SigLatency = make([]uint64, len(w.sig_lat))
	}
	for i, v := range w.sig_lat {
		c.SigLatency[i] += uint64(v)
	}
	c.FlowsCreated += uint64(w.flows_created)
	c.FlowsExpired += uint64(w.flows_expired)
	c.FlowsInactive += uint64(w.flows_inactive)
	c.FlowsRebalanced += uint64(w.flows_rebalanced)
	c.FlowsLive += uint64(w.flows_created) - uint64(w.flows_expired)
	c.TableFull += uint64(w.table_full)
	c.PollsEmpty += uint64(w.polls_empty)
	c.PollsBusy += uint64(w.polls_busy)
	c.CyclesBusy += uint64(w.cycles_busy)
	c.CyclesTotal += uint64(w.cycles_total)
	if c.Drops == nil {
		c.Drops = make(map[string]uint64, len(DropReasons))
	}
	drops := unsafe.Slice(&w.drop[0], len(DropReasons))
	for i, name := range DropReasons {
		c.Drops[name] += uint64(drops[i])
	}
}

// Workers returns each worker's counters, read by field access while the
// workers run (each 64-bit field is read atomically on the platforms DPDK
// supports; the set is not a snapshot).
func (d *Dataplane) Workers() []Counters {
	out := make([]Counters, len(d.workers))
	for i, w := range d.workers {
		out[i].add(&w.cnt, int(d.nsrv.Load()))
	}
	return out
}

// Totals returns the sum of every worker's counters.
func (d *Dataplane) Totals() Counters {
	var t Counters
	for _, w := range d.workers {
		t.add(&w.cnt, int(d.nsrv.Load()))
	}
	if t.Drops == nil {
		t.Drops = map[string]uint64{}
	}
	return t
}
