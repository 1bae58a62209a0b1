// Package gen writes deterministic Ethernet pcap files of load-balancer test
// traffic: flows to the VIPs (UDP RTP-like and TCP), noise to other
// destinations, IPv4 fragments, and malformed frames. The same Options and
// seed always give the same bytes. README.md lists exactly what each class of
// frame contains.
package gen

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// ErrOptions is wrapped by every Options validation error.
var ErrOptions = errors.New("gen: invalid options")

// Frame sizes and orders accepted in Options.
const (
	SizeMix = "mix" // RTP, ACK and IMIX sizes (see README.md)
	SizeMin = "64"  // every frame as small as its headers allow, at least 60 bytes + FCS

	OrderRoundRobin = "round-robin"
	OrderRandom     = "random"

	// MaxFlows bounds Flows (the generator keeps 8 bytes per flow).
	MaxFlows = 1 << 24
)

// Options describe one capture. Shares are fractions in [0,1].
type Options struct {
	Seed      uint64
	Flows     int          // distinct 5-tuples to the VIPs
	Packets   int          // total frames written
	VIPs      []netip.Addr // flow destinations
	TCPShare  float64      // fraction of flows that are TCP
	IPv6Share float64      // fraction of flows that are IPv6 (needs an IPv6 VIP)
	Size      string       // SizeMix or SizeMin
	Noise     float64      // fraction of frames to non-VIP destinations
	Garbage   float64      // fraction of malformed frames
	Fragments float64      // fraction of IPv4 fragments to a VIP
	VLANShare float64      // fraction of VIP, noise and fragment frames with an 802.1Q tag
	Order     string       // OrderRoundRobin or OrderRandom
	DstMAC    net.HardwareAddr
	SrcMAC    net.HardwareAddr
	Start     time.Time // first frame's timestamp (zero: 2024-01-01); each next one is 1 µs later
}

// DefaultOptions returns the defaults of `sara gen`.
func DefaultOptions() Options {
	return Options{
		Seed:      1,
		Flows:     1000,
		Packets:   10000,
		VIPs:      []netip.Addr{netip.MustParseAddr("10.0.0.100")},
		TCPShare:  0.3,
		Size:      SizeMix,
		Noise:     0.05,
		Garbage:   0.02,
		Fragments: 0.01,
		VLANShare: 0.1,
		Order:     OrderRandom,
		DstMAC:    net.HardwareAddr{0x02, 0x5a, 0x52, 0x41, 0x00, 0x01},
		SrcMAC:    net.HardwareAddr{0x02, 0x5a, 0x52, 0x00, 0x00, 0xfe},
		Start:     time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Validate checks the options and returns every problem joined, wrapping
// ErrOptions.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrOptions}, args...)...))
	}
	if o.Flows < 1 || o.Flows > MaxFlows {
		bad("flows must be in 1..%d, got %d", MaxFlows, o.Flows)
	}
	if o.Packets < 0 {
		bad("packets must be >= 0, got %d", o.Packets)
	}
	if len(o.VIPs) == 0 {
		bad("at least one VIP required")
	}
	for _, v := range o.VIPs {
		if !v.IsValid() || v.Is4In6() {
			bad("invalid VIP %v", v)
		}
	}
	for _, s := range []struct {
		name string
		v    float64
	}{{"tcp-share", o.TCPShare}, {"ipv6-share", o.IPv6Share}, {"noise", o.Noise},
		{"garbage", o.Garbage}, {"fragments", o.Fragments}, {"vlan-share", o.VLANShare}} {
		if !(s.v >= 0 && s.v <= 1) {
			bad("%s must be in [0,1], got %v", s.name, s.v)
		}
	}
	if o.Noise+o.Garbage+o.Fragments > 1 {
		bad("noise + garbage + fragments must be <= 1, got %v", o.Noise+o.Garbage+o.Fragments)
	}
	if o.Size != SizeMix && o.Size != SizeMin {
		bad("size must be %s or %s, got %q", SizeMix, SizeMin, o.Size)
	}
	if o.Order != OrderRoundRobin && o.Order != OrderRandom {
		bad("order must be %s or %s, got %q", OrderRoundRobin, OrderRandom, o.Order)
	}
	if len(o.DstMAC) != 6 || len(o.SrcMAC) != 6 {
		bad("MACs must be 6 bytes")
	}
	return errors.Join(errs...)
}
