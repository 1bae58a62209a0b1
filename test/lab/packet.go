package lab

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrDecode is wrapped when a capture or one of tshark's lines cannot be decoded.
var ErrDecode = errors.New("lab: decode")

// Packet is one frame a server received from the dispatcher, as tshark
// decoded it.
type Packet struct {
	Server     int     // index of the server whose capture holds it
	T          float64 // unix seconds
	Src, Dst   netip.AddrPort
	Proto      uint8 // IP protocol of the outer header (6 TCP, 17 UDP, 1 ICMP, …)
	TCP        bool
	CallID     string // SIP Call-ID, if a SIP message
	SIPMethod  string // request method, "" for responses and non-SIP
	SDPPorts   []int  // m= ports of an SDP body
	RTSPMethod string
	Transport  string // RTSP Transport header
}

// ParseLine parses one line of tshark's tab-separated field output (the
// fields of tsharkFields, multiple occurrences joined by ',').
func ParseLine(line string, server int) (Packet, error) {
	f := strings.Split(strings.TrimRight(line, "\r\n"), "\t")
	if len(f) != len(tsharkFields) {
		return Packet{}, fmt.Errorf("%w: %d fields, want %d: %q", ErrDecode, len(f), len(tsharkFields), line)
	}
	ts, f := f[0], f[1:] // then proto, src, dst, udp ports, tcp ports, sip, sdp, rtsp
	p := Packet{Server: server, CallID: first(f[7]), SIPMethod: first(f[8]), RTSPMethod: first(f[10]), Transport: first(f[11])}
	var err error
	if p.T, err = strconv.ParseFloat(ts, 64); err != nil {
		return Packet{}, fmt.Errorf("%w: time %q", ErrDecode, ts)
	}
	proto, err := strconv.ParseUint(first(f[0]), 10, 8)
	if err != nil {
		return Packet{}, fmt.Errorf("%w: ip.proto %q", ErrDecode, f[0])
	}
	p.Proto = uint8(proto)
	sp, dp := f[3], f[4]
	if f[5] != "" {
		sp, dp, p.TCP = f[5], f[6], true
	}
	if p.Src, err = addrPort(first(f[1]), first(sp)); err != nil {
		return Packet{}, err
	}
	if p.Dst, err = addrPort(first(f[2]), first(dp)); err != nil {
		return Packet{}, err
	}
	for _, s := range strings.Split(f[9], ",") {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65536 {
			p.SDPPorts = append(p.SDPPorts, n)
		}
	}
	return p, nil
}

// first returns the first of several ','-joined occurrences (an IP-in-IP or
// ICMP-quoted header repeats fields; the outer one comes first).
func first(s string) string {
	s, _, _ = strings.Cut(s, ",")
	return s
}

// addrPort parses an address and an optional port ("" = 0: not TCP/UDP).
func addrPort(a, port string) (netip.AddrPort, error) {
	ip, err := netip.ParseAddr(a)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: address %q", ErrDecode, a)
	}
	var n uint64
	if port != "" {
		if n, err = strconv.ParseUint(port, 10, 16); err != nil {
			return netip.AddrPort{}, fmt.Errorf("%w: port %q", ErrDecode, port)
		}
	}
	return netip.AddrPortFrom(ip, uint16(n)), nil
}

// ClientPorts returns the client_port pair of an RTSP Transport header
// ("RTP/AVP/UDP;unicast;client_port=5000-5001"), or nil.
func ClientPorts(transport string) []int { return PortsOf(transport, "client_port=") }

// PortsOf returns the port or port pair of parameter key ("client_port=",
// "server_port=") in an RTSP Transport header, or nil.
func PortsOf(transport, key string) []int {
	for _, part := range strings.Split(transport, ";") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), key)
		if !ok {
			continue
		}
		var ports []int
		for _, s := range strings.SplitN(v, "-", 2) {
			if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65536 {
				ports = append(ports, n)
			}
		}
		return ports
	}
	return nil
}
