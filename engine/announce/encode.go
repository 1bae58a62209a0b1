package announce

import (
	"encoding/binary"
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
)

// Append encodes m and appends it to dst. It allocates nothing when dst
// has MaxLen bytes of spare capacity. It fails on values the format
// cannot carry (key length, endpoint count, invalid addresses, enums).
func (m *Message) Append(dst []byte) ([]byte, error) {
	if err := m.check(); err != nil {
		return dst, err
	}
	flags := byte(0)
	if m.HasHostID {
		flags |= flagHostID
	}
	if m.Truncated {
		flags |= flagTrunc
	}
	dst = append(dst, Magic...)
	dst = append(dst, Version, byte(m.Type), flags, 0)
	dst = binary.BigEndian.AppendUint32(dst, m.Seq)
	dst = binary.BigEndian.AppendUint64(dst, m.Time)
	if m.Type == TypeHello {
		return dst, nil
	}
	dst = append(dst, byte(m.Kind), byte(m.Op), byte(len(m.Key)), byte(m.N))
	dst = append(dst, m.Key...)
	dst = appendAddrPort(dst, m.Client)
	dst = appendAddrPort(dst, m.Server)
	if m.HasHostID {
		dst = binary.BigEndian.AppendUint32(dst, m.HostID)
	}
	for i := range m.N {
		dst = appendEndpoint(dst, &m.Media[i])
	}
	return dst, nil
}

func (m *Message) check() error {
	switch m.Type {
	case TypeHello:
		return nil
	case TypeAnnounce:
	default:
		return ErrType
	}
	if m.Kind != KindSIP && m.Kind != KindRTSP {
		return ErrKind
	}
	if m.Op != OpExpectMedia && m.Op != OpEndSession {
		return ErrOp
	}
	if len(m.Key) == 0 || len(m.Key) > MaxKey {
		return ErrKey
	}
	if m.N < 0 || m.N > MaxMedia {
		return ErrCount
	}
	if !m.Client.Addr().IsValid() || !m.Server.Addr().IsValid() {
		return ErrAddress
	}
	for i := range m.N {
		e := &m.Media[i]
		if !e.Addr.IsValid() {
			return ErrAddress
		}
		if e.Receiver > inspect.SideServer || e.Transport > inspect.TCP {
			return ErrEndpoint
		}
	}
	return nil
}

// appendAddr writes the family byte (4 or 6) and the address; an
// IPv4-mapped IPv6 address is written as IPv4.
func appendAddr(dst []byte, a netip.Addr) []byte {
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		return append(append(dst, 4), b[:]...)
	}
	b := a.As16()
	return append(append(dst, 6), b[:]...)
}

func appendAddrPort(dst []byte, ap netip.AddrPort) []byte {
	dst = appendAddr(dst, ap.Addr())
	return binary.BigEndian.AppendUint16(dst, ap.Port())
}

// Endpoint flag bits.
const (
	epRefused = 1 << iota
	epHold
	epInterleaved
	epMulticast
	epServer // Receiver is the server side
	epKnown  = epRefused | epHold | epInterleaved | epMulticast | epServer
)

func appendEndpoint(dst []byte, e *Endpoint) []byte {
	dst = appendAddr(dst, e.Addr)
	dst = binary.BigEndian.AppendUint16(dst, e.Port)
	dst = binary.BigEndian.AppendUint16(dst, e.RTCPPort)
	f := byte(0)
	for _, b := range [...]struct {
		on  bool
		bit byte
	}{{e.Refused, epRefused}, {e.Hold, epHold}, {e.Interleaved, epInterleaved}, {e.Multicast, epMulticast}, {e.Receiver == inspect.SideServer, epServer}} {
		if b.on {
			f |= b.bit
		}
	}
	return append(dst, byte(e.Transport), f)
}
