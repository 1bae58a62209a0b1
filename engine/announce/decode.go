package announce

import (
	"encoding/binary"
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
)

// reader walks a message without allocating; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.err = ErrShort
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) addr() netip.Addr {
	switch fam := r.u8(); fam {
	case 4:
		if b := r.take(4); b != nil {
			return netip.AddrFrom4([4]byte(b))
		}
	case 6:
		if b := r.take(16); b != nil {
			a := netip.AddrFrom16([16]byte(b))
			if a.Is4In6() && r.err == nil {
				r.err = ErrAddress // IPv4 is always sent as family 4: one encoding per message
			}
			return a
		}
	default:
		if r.err == nil {
			r.err = ErrAddress
		}
	}
	return netip.Addr{}
}

// Decode parses b, one whole message (body only: the authentication
// trailer already removed), into m. m.Key aliases b. Every malformed
// input gives an error; b is never read out of bounds.
func (m *Message) Decode(b []byte) error {
	*m = Message{Key: m.Key[:0]}
	r := reader{b: b}
	hdr := r.take(HeaderLen)
	if hdr == nil {
		return ErrShort
	}
	if string(hdr[:4]) != Magic {
		return ErrMagic
	}
	if hdr[4] != Version {
		return ErrVersion
	}
	m.Type = Type(hdr[5])
	flags := hdr[6]
	if flags&^flagsKnown != 0 || hdr[7] != 0 {
		return ErrFlags
	}
	m.Seq = binary.BigEndian.Uint32(hdr[8:])
	m.Time = binary.BigEndian.Uint64(hdr[12:])
	switch m.Type {
	case TypeHello:
		if flags != 0 {
			return ErrFlags // a hello carries no body, so no body flags
		}
		if len(r.b) != 0 {
			return ErrTrailing
		}
		return nil
	case TypeAnnounce:
	default:
		return ErrType
	}
	m.HasHostID, m.Truncated = flags&flagHostID != 0, flags&flagTrunc != 0
	if err := m.body(&r); err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return ErrTrailing
	}
	return nil
}

func (m *Message) body(r *reader) error {
	fixed := r.take(fixedBody)
	if fixed == nil {
		return ErrShort
	}
	m.Kind, m.Op = Kind(fixed[0]), Op(fixed[1])
	if m.Kind != KindSIP && m.Kind != KindRTSP {
		return ErrKind
	}
	if m.Op != OpExpectMedia && m.Op != OpEndSession {
		return ErrOp
	}
	if fixed[2] == 0 {
		return ErrKey
	}
	if int(fixed[3]) > MaxMedia {
		return ErrCount
	}
	m.N = int(fixed[3])
	m.Key = r.take(int(fixed[2]))
	m.Client = netip.AddrPortFrom(r.addr(), r.u16())
	m.Server = netip.AddrPortFrom(r.addr(), r.u16())
	if m.HasHostID {
		m.HostID = r.u32()
	}
	for i := 0; i < m.N && r.err == nil; i++ {
		e := &m.Media[i]
		e.Addr, e.Port, e.RTCPPort = r.addr(), r.u16(), r.u16()
		tr, f := r.u8(), r.u8()
		if r.err == nil && (tr > byte(inspect.TCP) || f&^epKnown != 0) {
			return ErrEndpoint
		}
		e.Transport = inspect.Transport(tr)
		e.Refused, e.Hold = f&epRefused != 0, f&epHold != 0
		e.Interleaved, e.Multicast = f&epInterleaved != 0, f&epMulticast != 0
		if f&epServer != 0 {
			e.Receiver = inspect.SideServer
		}
	}
	return nil
}
