package inspect

import "net/netip"

// Proto names the signalling protocol of a message.
type Proto uint8

// The protocols the inspectors understand.
const (
	ProtoUnknown Proto = iota
	ProtoSIP
	ProtoRTSP
)

var protoNames = [...]string{"unknown", "sip", "rtsp"}

// String returns the protocol's lower-case name ("sip", "rtsp").
func (p Proto) String() string {
	if int(p) < len(protoNames) {
		return protoNames[p]
	}
	return "proto?"
}

// Transport is the transport protocol of a signalling flow or of an
// announced media endpoint.
type Transport uint8

// Transports.
const (
	UDP Transport = iota
	TCP
)

// String returns "udp" or "tcp".
func (t Transport) String() string {
	if t == TCP {
		return "tcp"
	}
	return "udp"
}

// Direction says which way a payload travels relative to the cluster.
type Direction uint8

// Directions. The dispatcher sees FromClient traffic (towards the VIP); the
// gateway inspector sees FromServer traffic (replies leaving the cluster).
const (
	FromClient Direction = iota
	FromServer
)

// Side names an end of a session: the client outside the cluster or the
// server inside it (behind the VIP).
type Side uint8

// Sides.
const (
	SideClient Side = iota
	SideServer
)

// String returns "client" or "server".
func (s Side) String() string {
	if s == SideServer {
		return "server"
	}
	return "client"
}

// Sender returns the side that sent a payload travelling in direction d.
func (d Direction) Sender() Side {
	if d == FromServer {
		return SideServer
	}
	return SideClient
}

// Recipient returns the side that receives a payload travelling in d.
func (d Direction) Recipient() Side {
	if d == FromServer {
		return SideClient
	}
	return SideServer
}

// Meta describes the packet a payload came from.
type Meta struct {
	Src, Dst  netip.AddrPort // IP source and destination of the payload
	Transport Transport      // transport carrying the payload
	Dir       Direction      // FromClient at the dispatcher, FromServer at the gateway
}

// ClientAddr returns the client's IP address of the packet: its source when
// it travels FromClient, its destination otherwise.
func (m *Meta) ClientAddr() netip.Addr {
	if m.Dir == FromServer {
		return m.Dst.Addr()
	}
	return m.Src.Addr()
}

// ServerAddr returns the cluster's IP address (the VIP) of the packet.
func (m *Meta) ServerAddr() netip.Addr {
	if m.Dir == FromServer {
		return m.Src.Addr()
	}
	return m.Dst.Addr()
}

// SideAddr returns the IP address of side s in this packet.
func (m *Meta) SideAddr(s Side) netip.Addr {
	if s == SideServer {
		return m.ServerAddr()
	}
	return m.ClientAddr()
}

// Inspector reads one signalling message per call.
//
// Inspect parses payload, which must hold one whole message (a UDP datagram,
// or a message cut from a TCP stream by a Stream), and fills r. It resets r
// first, so r can be reused across calls without clearing. On failure it
// returns one of the sentinel errors of this package (compare with
// errors.Is) and r is left in an unspecified state. Inspect never panics and
// does not allocate on the common path.
type Inspector interface {
	// Name is the name the inspector is registered under ("sip", "rtsp").
	Name() string
	// Inspect parses one message; see the type documentation.
	Inspect(m Meta, payload []byte, r *Result) error
	// Counters returns a snapshot of the messages parsed and rejected.
	Counters() Counters
}
