// Package announce is the versioned binary wire format in which the
// gateway inspector tells the dispatcher what it learnt from server→client
// signalling (an SDP answer in a SIP 200 OK, the server_port of an RTSP
// SETUP reply, the end of a session). It encodes and decodes the message
// body only: mgmt/auth wraps it with an HMAC-SHA256 trailer and a replay
// window on the wire. The format is documented byte by byte in
// docs/inspection.md; all integers are big-endian.
//
// Append encodes into a caller buffer and Decode fills a caller-owned
// Message; neither allocates. A decoded Message's Key aliases the input.
package announce

import (
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
)

// Magic starts every message; Version is the format version this package
// writes and the only one it reads.
const (
	Magic   = "SARA"
	Version = 1
)

// Limits of a message.
const (
	MaxKey     = 255              // bytes of a session key
	MaxMedia   = inspect.MaxMedia // media endpoints per message
	HeaderLen  = 20               // fixed header
	MaxLen     = HeaderLen + 4 + MaxKey + 2*19 + 4 + MaxMedia*mediaMax
	mediaMax   = 1 + 16 + 2 + 2 + 1 + 1 // family, address, ports, transport, flags
	fixedBody  = 4                      // kind, op, key length, media count
	flagHostID = 1 << 0
	flagTrunc  = 1 << 1
	flagsKnown = flagHostID | flagTrunc
)

// Type is the message type (header byte 5).
type Type uint8

// Message types.
const (
	TypeAnnounce Type = 1 // session information (the body below)
	TypeHello    Type = 2 // gateway alive; no body
)

// Kind is the session kind: which protocol's key Key is.
type Kind uint8

// Session kinds.
const (
	KindSIP  Kind = 1 // Key is a SIP Call-ID
	KindRTSP Kind = 2 // Key is an RTSP Session id
)

// Op says what the dispatcher should do.
type Op uint8

// Operations.
const (
	OpExpectMedia Op = 1 // create expectations for Media, associated with the session's server
	OpEndSession  Op = 2 // the session ended (BYE/CANCEL answered, TEARDOWN)
)

// Endpoint is one announced media endpoint: Receiver receives RTP on
// Addr:Port and RTCP on RTCPPort.
type Endpoint struct {
	Receiver    inspect.Side
	Addr        netip.Addr
	Port        uint16
	RTCPPort    uint16
	Transport   inspect.Transport
	Refused     bool
	Hold        bool
	Interleaved bool
	Multicast   bool
}

// Message is one announcement. Client and Server are the signalling
// addresses as the gateway saw them: Server is the VIP (the reply's
// source); HostID, when HasHostID, names the real server (learnt by the
// gateway from the reply's source MAC or interface).
type Message struct {
	Type      Type
	Seq       uint32
	Time      uint64 // unix nanoseconds at the gateway
	Kind      Kind
	Op        Op
	Key       []byte
	Client    netip.AddrPort
	Server    netip.AddrPort
	HostID    uint32
	HasHostID bool
	Truncated bool // the gateway saw more endpoints than MaxMedia
	Media     [MaxMedia]Endpoint
	N         int
}

// Endpoints returns the valid endpoints (an alias of m.Media).
func (m *Message) Endpoints() []Endpoint { return m.Media[:m.N] }
