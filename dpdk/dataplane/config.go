package dataplane

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// PortSpec names a DPDK port: a vdev created at start (name + devargs) or a
// device the EAL already probed (devargs ignored).
type PortSpec struct {
	Name    string
	Devargs string
}

// Timeouts are idle timeouts per protocol class; a flow idle for its
// timeout becomes inactive and is purged after twice the timeout.
type Timeouts struct {
	UDP, TCP, SIP, RTSP, Media time.Duration
}

// Config is everything the data plane needs; config/ fills it from the
// operator's file.
type Config struct {
	VIPs              []netip.Addr
	ServerMACs        [][6]byte // index = cluster.ServerID
	Ports             []PortSpec
	Workers           int
	Burst             int
	FlowTableSize     uint32 // per worker and address family
	Mbufs, MbufCache  uint32
	Timeouts          Timeouts
	TCPSynOnly        bool   // only a SYN opens a TCP flow
	IdlePolls         uint32 // empty polls before an idle worker sleeps; 0 never sleeps
	IdleSleep         time.Duration
	FailoverRebalance bool     // flows of a failed server are re-balanced (else dropped)
	SIPPortsUDP       []uint16 // destination ports whose flows use the SIP timeout
	SIPPortsTCP       []uint16
	RTSPPortsTCP      []uint16
	SelectionSlots    int // length of the published selection sequence (power of two)

	// Signalling hands signalling to Go (SIP/UDP for a per-Call-ID
	// decision, TCP signalling as a copy); the caller must then run a
	// consumer (SigDequeue/SigComplete). Off, signalling is balanced per
	// 5-tuple like any flow.
	Signalling bool
	// GatewayTap hands server->client signalling (frames from a VIP) to Go:
	// in replay these are the gateway's view of a two-way capture.
	GatewayTap bool
	// Lockstep makes a worker wait for Go after each signalling message and
	// use bursts of one, so replay results do not depend on timing.
	Lockstep        bool
	ExpectTableSize uint32 // announced flows (expectation keys); default 65536
	// FlowEvents makes workers report flows created and expired, and
	// accept installs (hot-standby replication, see FlowEvents/PushFlows).
	FlowEvents    bool
	FlowEventRing uint32 // records per worker ring; default 65536
	SigRingSize   uint32 // per-worker ring to and from Go; default 4096
}

// Limits of the C structures (dp.h).
const (
	MaxPorts   = 8
	MaxVIPs    = 64
	MaxServers = 1024
	MaxSlots   = 4096
	MaxBurst   = 64
	MaxWorkers = 64
)

// ErrConfig is wrapped by every configuration error of New.
var ErrConfig = errors.New("dataplane: invalid config")

func (c *Config) validate() error {
	var errs []error
	bad := func(f string, a ...any) { errs = append(errs, fmt.Errorf("%w: "+f, append([]any{ErrConfig}, a...)...)) }
	if len(c.VIPs) == 0 || len(c.VIPs) > MaxVIPs {
		bad("%d VIPs (1..%d)", len(c.VIPs), MaxVIPs)
	}
	if len(c.ServerMACs) == 0 || len(c.ServerMACs) > MaxServers {
		bad("%d servers (1..%d)", len(c.ServerMACs), MaxServers)
	}
	if len(c.Ports) == 0 || len(c.Ports) > MaxPorts {
		bad("%d ports (1..%d)", len(c.Ports), MaxPorts)
	}
	if c.Workers < 1 || c.Workers > MaxWorkers {
		bad("workers %d (1..%d)", c.Workers, MaxWorkers)
	}
	if c.Burst < 1 || c.Burst > MaxBurst {
		bad("burst %d (1..%d)", c.Burst, MaxBurst)
	}
	if r := c.SigRingSize; r < 64 || r&(r-1) != 0 {
		bad("signalling ring size %d: a power of two >= 64", r)
	}
	if c.FlowTableSize < 8 {
		bad("flow table size %d < 8", c.FlowTableSize)
	}
	if s := c.SelectionSlots; s < 1 || s > MaxSlots || s&(s-1) != 0 {
		bad("selection slots %d: a power of two up to %d", s, MaxSlots)
	}
	for name, d := range map[string]time.Duration{"udp": c.Timeouts.UDP, "tcp": c.Timeouts.TCP,
		"sip": c.Timeouts.SIP, "rtsp": c.Timeouts.RTSP, "media": c.Timeouts.Media} {
		if d < time.Millisecond || d > 24*time.Hour {
			bad("timeout %s %v out of range", name, d)
		}
	}
	return errors.Join(errs...)
}

// Defaults fills zero fields with the documented defaults.
func (c *Config) Defaults() {
	if c.Workers == 0 {
		c.Workers = 1
	}
	if c.Burst == 0 {
		c.Burst = 32
	}
	if c.FlowTableSize == 0 {
		c.FlowTableSize = 1 << 20
	}
	if c.Mbufs == 0 {
		c.Mbufs = 65535
	}
	if c.MbufCache == 0 {
		c.MbufCache = 256
	}
	if c.SelectionSlots == 0 {
		c.SelectionSlots = 1024
	}
	if c.ExpectTableSize == 0 {
		c.ExpectTableSize = 65536
	}
	if c.SigRingSize == 0 {
		c.SigRingSize = 4096
	}
	if c.FlowEventRing == 0 {
		c.FlowEventRing = 65536
	}
	if c.Lockstep {
		c.Burst = 1
	}
	t := &c.Timeouts
	for _, p := range []struct {
		d *time.Duration
		v time.Duration
	}{{&t.UDP, 30 * time.Second}, {&t.TCP, 60 * time.Second}, {&t.SIP, 60 * time.Second},
		{&t.RTSP, 60 * time.Second}, {&t.Media, 30 * time.Second}} {
		if *p.d == 0 {
			*p.d = p.v
		}
	}
}
