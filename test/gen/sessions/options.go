// Package sessions writes deterministic pcap captures of a session traffic
// mix: concurrent SIP calls (UDP signalling with SDP, then two-way G.711 RTP
// and RTCP on the announced ports), RTSP sessions (a TCP control connection,
// then H.264 video and G.711 audio RTP with RTCP on the ports agreed in
// SETUP) and background TCP and UDP flows, all to the VIPs. The same Options
// give the same bytes. README.md describes every frame.
package sessions

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// ErrOptions is wrapped by every Options validation error.
var ErrOptions = errors.New("sessions: invalid options")

// Limits of Options. Sessions take the VIPs of their family in turn; a VIP's
// server media ports are distinct per session up to 10000 calls (ports
// 20000..39999) and 5000 RTSP sessions (ports 40000..59999), and repeat
// beyond (sessions are still told apart by the client's address).
const (
	MaxCallsPerVIP = 10000
	MaxRTSPPerVIP  = 5000
	MaxFlows       = 1 << 20
	MinDuration    = time.Second
	MaxDuration    = time.Hour
)

// Options describe one capture.
type Options struct {
	Seed      uint64
	Calls     int           // concurrent SIP calls
	RTSP      int           // concurrent RTSP sessions
	Flows     int           // background flows (even: UDP, odd: TCP)
	Duration  time.Duration // capture length; every session lasts 9/10 of it
	IPv6Share float64       // fraction of sessions and flows over IPv6 (needs an IPv6 VIP)
	Min       bool          // 64-byte worst case: media and background frames as small as their headers allow
	ToVIPOnly bool          // only frames to a VIP (what the dispatcher receives); the truth still lists both directions
	VIPs      []netip.Addr
	SIPPort   uint16           // VIP port of SIP over UDP
	RTSPPort  uint16           // VIP port of RTSP over TCP
	DstMAC    net.HardwareAddr // destination MAC of frames to a VIP (the dispatcher's); source of replies
	SrcMAC    net.HardwareAddr // source MAC of frames to a VIP (a router's); destination of replies
	Start     time.Time        // timestamp of time 0 (zero: 2024-01-01)
}

// DefaultOptions returns the defaults of `sara gen sessions`.
func DefaultOptions() Options {
	return Options{
		Seed:     1,
		Calls:    100,
		RTSP:     20,
		Flows:    100,
		Duration: 10 * time.Second,
		VIPs:     []netip.Addr{netip.MustParseAddr("10.0.0.100")},
		SIPPort:  5060,
		RTSPPort: 554,
		DstMAC:   net.HardwareAddr{0x02, 0x5a, 0x52, 0x41, 0x00, 0x01},
		SrcMAC:   net.HardwareAddr{0x02, 0x5a, 0x52, 0x00, 0x00, 0xfe},
		Start:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Validate returns every problem of o joined, each wrapping ErrOptions.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrOptions}, args...)...))
	}
	var n4, n6 int
	for _, v := range o.VIPs {
		switch {
		case !v.IsValid() || v.Is4In6() || v.Zone() != "":
			bad("invalid VIP %v", v)
		case v.Is4():
			n4++
		default:
			n6++
		}
	}
	if n4+n6 == 0 {
		bad("at least one VIP required")
	}
	nv := n4 + n6
	if o.Calls < 0 || o.Calls > MaxCallsPerVIP*nv {
		bad("calls must be in 0..%d with %d VIPs, got %d", MaxCallsPerVIP*nv, nv, o.Calls)
	}
	if o.RTSP < 0 || o.RTSP > MaxRTSPPerVIP*nv {
		bad("rtsp must be in 0..%d with %d VIPs, got %d", MaxRTSPPerVIP*nv, nv, o.RTSP)
	}
	if o.Flows < 0 || o.Flows > MaxFlows {
		bad("flows must be in 0..%d, got %d", MaxFlows, o.Flows)
	}
	if o.Calls+o.RTSP+o.Flows == 0 {
		bad("nothing to generate: calls, rtsp and flows are all 0")
	}
	if o.Duration < MinDuration || o.Duration > MaxDuration {
		bad("duration must be in %v..%v, got %v", MinDuration, MaxDuration, o.Duration)
	}
	if !(o.IPv6Share >= 0 && o.IPv6Share <= 1) {
		bad("ipv6-share must be in [0,1], got %v", o.IPv6Share)
	}
	if o.IPv6Share > 0 && n6 == 0 {
		bad("ipv6-share %v needs an IPv6 VIP", o.IPv6Share)
	}
	if o.IPv6Share < 1 && n4 == 0 {
		bad("ipv6-share below 1 needs an IPv4 VIP")
	}
	if o.SIPPort == 0 || o.RTSPPort == 0 || o.SIPPort == o.RTSPPort {
		bad("SIP and RTSP ports must be distinct and non-zero, got %d and %d", o.SIPPort, o.RTSPPort)
	}
	if len(o.DstMAC) != 6 || len(o.SrcMAC) != 6 || string(o.DstMAC) == string(o.SrcMAC) {
		bad("MACs must be 6 bytes and distinct")
	}
	return errors.Join(errs...)
}
