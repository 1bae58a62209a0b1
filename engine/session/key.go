package session

import (
	"fmt"
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
)

// Proto is a flow's transport protocol, as its IP protocol number.
type Proto uint8

// The transport protocols of flows.
const (
	TCP Proto = 6
	UDP Proto = 17
)

// String returns "udp", "tcp" or the number.
func (p Proto) String() string {
	switch p {
	case UDP:
		return "udp"
	case TCP:
		return "tcp"
	}
	return fmt.Sprintf("proto(%d)", uint8(p))
}

// ProtoOf converts an inspector's Transport.
func ProtoOf(t inspect.Transport) Proto {
	if t == inspect.TCP {
		return TCP
	}
	return UDP
}

// FlowKey identifies one direction of a flow: <src, dst, proto>.
type FlowKey struct {
	Src, Dst netip.AddrPort
	Proto    Proto
}

// Reverse returns the key of the opposite direction.
func (k FlowKey) Reverse() FlowKey { return FlowKey{Src: k.Dst, Dst: k.Src, Proto: k.Proto} }

// String formats the key as "udp 10.0.0.1:5060>10.0.0.2:5060".
func (k FlowKey) String() string {
	return k.Proto.String() + " " + k.Src.String() + ">" + k.Dst.String()
}

// Identity says how a flow became known (paper §III.A).
type Identity uint8

// Flow identities. Plain flows belong to no session (Pin).
const (
	Signalling Identity = iota // carries the session's signalling
	Announced                  // announced by signalling, not seen yet: what an Expectation is (no flow has it)
	Secondary                  // an announced flow seen: promoted from an Expectation by its first packet
	Plain                      // no session: pinned to a server by the caller
)

var identityNames = [...]string{"signalling", "announced", "secondary", "plain"}

// String returns the identity's name.
func (i Identity) String() string {
	if int(i) < len(identityNames) {
		return identityNames[i]
	}
	return "identity?"
}

// Status is a flow's activity state.
type Status uint8

// Flow statuses: StatusNew until a second packet, Established after, Inactive
// once its timeout elapsed without a packet (it is purged at twice the
// timeout; a packet before that makes it Established again).
const (
	StatusNew Status = iota
	StatusEstablished
	StatusInactive
)

var statusNames = [...]string{"new", "established", "inactive"}

// String returns the status's name.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status?"
}

// ID is a session's handle, unique for the Tracker's lifetime (never 0).
type ID uint64

// EndReason says why a session ended.
type EndReason uint8

// End reasons.
const (
	EndNone     EndReason = iota // still running
	EndBye                       // final response to SIP BYE
	EndCancel                    // final response to SIP CANCEL
	EndTeardown                  // RTSP TEARDOWN reply
	EndTimeout                   // no activity for twice its timeout
	EndReplica                   // a hot standby's copy: the primary ended it (Forget)
	EndRefused                   // refused by admission control before it had a server (Refuse)
	numEndReasons
)

var endNames = [numEndReasons]string{"none", "bye", "cancel", "teardown", "timeout", "replica", "refused"}

// String returns the reason's metric label.
func (r EndReason) String() string {
	if r < numEndReasons {
		return endNames[r]
	}
	return "end?"
}

// Kind is a session's signalling protocol.
type Kind uint8

// Session kinds.
const (
	KindSIP Kind = iota + 1
	KindRTSP
)

// String returns "sip" or "rtsp".
func (k Kind) String() string {
	switch k {
	case KindSIP:
		return "sip"
	case KindRTSP:
		return "rtsp"
	}
	return "kind?"
}

// kindOf converts an inspector's protocol (0 when it is not a session protocol).
func kindOf(p inspect.Proto) Kind {
	switch p {
	case inspect.ProtoSIP:
		return KindSIP
	case inspect.ProtoRTSP:
		return KindRTSP
	}
	return 0
}
