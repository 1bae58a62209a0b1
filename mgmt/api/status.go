package api

import "time"

// Status is the appliance summary (GET /api/v1/status).
type Status struct {
	// Version is the binary's version string.
	Version string `json:"version"`
	// Node names this dispatcher (host name or configured name).
	Node string `json:"node"`
	// Role is "standalone", "primary" or "backup" (see HAStatus).
	Role string `json:"role"`
	// StartedAt is when the dispatcher started; Now when the snapshot was taken.
	StartedAt time.Time `json:"started_at"`
	Now       time.Time `json:"now"`
	// ConfigLoadedAt is when the configuration in force was (re)loaded.
	ConfigLoadedAt time.Time `json:"config_loaded_at"`
	// VIPs are the balanced virtual addresses.
	VIPs []string `json:"vips"`
	// Ports are the DPDK ports.
	Ports []PortStatus `json:"ports"`
	// Workers is the number of worker lcores.
	Workers int `json:"workers"`
	// Servers and ServersActive count configured and Active servers.
	Servers       int `json:"servers"`
	ServersActive int `json:"servers_active"`
	// Sessions is the number of live sessions; SessionsCreated counts every
	// session ever created (its rate is new sessions per second).
	Sessions        int    `json:"sessions"`
	SessionsCreated uint64 `json:"sessions_created"`
	// PolicySequence is the number of the policy the workers run.
	PolicySequence uint64 `json:"policy_sequence"`
	// Mpps is the received packet rate of all workers, millions per second.
	Mpps float64 `json:"mpps"`
	// Totals is the sum of every worker's counters.
	Totals Counters `json:"totals"`
	// AnnounceInstall is the latency from a signalling message that
	// announces flows to the expectation being installed in the data plane.
	AnnounceInstall Histogram `json:"announce_install"`
}

// PortStatus is one DPDK port's device statistics.
type PortStatus struct {
	ID        int    `json:"id"`         // DPDK port id
	Name      string `json:"name"`       // device name (vdev or PCI address)
	RXPackets uint64 `json:"rx_packets"` // received by the device
	TXPackets uint64 `json:"tx_packets"` // transmitted by the device
	RXMissed  uint64 `json:"rx_missed"`  // dropped by the NIC: rx queues full
	RXErrors  uint64 `json:"rx_errors"`  // erroneous frames received
	TXErrors  uint64 `json:"tx_errors"`  // frames the device failed to send
	RXNoMbuf  uint64 `json:"rx_nombuf"`  // rx failures for want of an mbuf
}

// WorkerStatus is one worker lcore (GET /api/v1/workers).
type WorkerStatus struct {
	ID    int `json:"id"`    // worker index
	Lcore int `json:"lcore"` // EAL lcore id
	// Mpps is the receive rate over the last rate interval, in millions of
	// packets per second; Busy the share of cycles spent on non-empty
	// polls over the same interval (the dispatcher's own load l_h).
	Mpps     float64  `json:"mpps"`
	Busy     float64  `json:"busy"`
	Counters Counters `json:"counters"`
}

// Counters are a worker's cumulative data-plane counters (see dpdk/README.md
// for their invariants). Drops is keyed by drop reason.
type Counters struct {
	RX              uint64            `json:"rx"`
	TX              uint64            `json:"tx"`
	FwdHit          uint64            `json:"fwd_hit"`       // flow-table hit
	FwdNew          uint64            `json:"fwd_new"`       // new flow placed by the sequence
	FwdStateless    uint64            `json:"fwd_stateless"` // table full: forwarded by hash
	FwdSig          uint64            `json:"fwd_sig"`       // signalling forwarded on Go's decision
	SigReplied      uint64            `json:"sig_replied"`   // refused SIP requests answered in place (503)
	SigDecide       uint64            `json:"sig_decide"`    // signalling sent to Go for a decision
	SigTap          uint64            `json:"sig_tap"`       // signalling copied to Go (TCP)
	SigGateway      uint64            `json:"sig_gateway"`   // gateway announcements received
	SigRingFull     uint64            `json:"sig_ring_full"` // signalling not handed to Go: ring full
	ExpectHit       uint64            `json:"expect_hit"`    // first packet of an announced flow
	ExpectAmbiguous uint64            `json:"expect_ambiguous"`
	FlowsCreated    uint64            `json:"flows_created"`
	FlowsExpired    uint64            `json:"flows_expired"`
	FlowsInactive   uint64            `json:"flows_inactive"`
	FlowsRebalanced uint64            `json:"flows_rebalanced"`
	FlowsLive       uint64            `json:"flows_live"`
	TableFull       uint64            `json:"table_full"`
	PollsEmpty      uint64            `json:"polls_empty"`
	PollsBusy       uint64            `json:"polls_busy"`
	Drops           map[string]uint64 `json:"drops"`
	// SigLatencyLog2ns[b] counts signalling decisions (worker → Go →
	// worker) that took 2^b to 2^(b+1) nanoseconds.
	SigLatencyLog2ns []uint64 `json:"sig_latency_log2ns"`
}

// DropTotal is the sum of every drop counter.
func (c *Counters) DropTotal() uint64 {
	var t uint64
	for _, v := range c.Drops {
		t += v
	}
	return t
}

// Histogram is a cumulative latency histogram in seconds, Prometheus-style:
// Counts[i] observations were ≤ Bounds[i] (cumulative); Count and Sum cover
// every observation, including those above the last bound.
type Histogram struct {
	Bounds []float64 `json:"bounds"`
	Counts []uint64  `json:"counts"`
	Count  uint64    `json:"count"`
	Sum    float64   `json:"sum"`
}
