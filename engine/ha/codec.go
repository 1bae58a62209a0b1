package ha

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"

	"github.com/sara-lb/sara/engine/session"
)

// MaxRecordLen is the longest encoded record (an association put with a
// MaxSessionKey-byte key: 142 bytes).
const MaxRecordLen = 144

// Record coding errors.
var (
	ErrRecord    = errors.New("ha: malformed record")
	ErrBadRecord = errors.New("ha: record cannot be encoded")
)

// Address-family and flag bits of the byte after a flow's or an
// expectation's protocol.
const (
	famSrc6      = 1 << 0 // flow: source is IPv6
	famDst6      = 1 << 1 // flow and expectation: destination is IPv6
	famHasSrc    = 1 << 2 // expectation: source address known
	famSrcExp6   = 1 << 3 // expectation: that source is IPv6
	famHasServer = 1 << 4 // expectation: server decided
	famRTCP      = 1 << 5 // expectation: the stream's RTCP flow
	famFlowMask  = famSrc6 | famDst6
	famExpMask   = famDst6 | famHasSrc | famSrcExp6 | famHasServer | famRTCP
)

func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		v := a.As4()
		return append(b, v[:]...)
	}
	v := a.As16()
	return append(b, v[:]...)
}

func famBit(a netip.Addr, bit byte) byte {
	if a.Is4() {
		return 0
	}
	return bit
}

func validProto(p session.Proto) bool { return p == session.TCP || p == session.UDP }

// AppendRecord appends r's encoding (docs/ha.md, "Records") to b. It fails
// with ErrBadRecord for an unknown kind or op, an invalid address or a
// protocol other than TCP and UDP; it allocates nothing when b has room.
func AppendRecord(b []byte, r *Record) ([]byte, error) {
	if r.Op != OpPut && r.Op != OpDelete {
		return b, fmt.Errorf("%w: op %d", ErrBadRecord, r.Op)
	}
	put := r.Op == OpPut
	start := len(b)
	b = append(b, byte(r.Kind), byte(r.Op))
	switch r.Kind {
	case KindFlow:
		f := &r.Flow
		if !f.Key.Src.IsValid() || !f.Key.Dst.IsValid() || !validProto(f.Key.Proto) {
			return b[:start], fmt.Errorf("%w: flow key %v", ErrBadRecord, f.Key)
		}
		b = append(b, byte(f.Key.Proto), famBit(f.Key.Src.Addr(), famSrc6)|famBit(f.Key.Dst.Addr(), famDst6))
		b = binary.BigEndian.AppendUint16(appendAddr(b, f.Key.Src.Addr()), f.Key.Src.Port())
		b = binary.BigEndian.AppendUint16(appendAddr(b, f.Key.Dst.Addr()), f.Key.Dst.Port())
		if put {
			b = binary.BigEndian.AppendUint16(b, uint16(f.Server))
			b = append(b, byte(f.Identity))
			b = binary.BigEndian.AppendUint64(b, uint64(f.Session))
			b = binary.BigEndian.AppendUint64(b, uint64(f.LastSeen))
			b = binary.BigEndian.AppendUint32(b, f.Timeout)
			b = append(b, f.DPClass, f.DPFlags)
		}
	case KindExpectation:
		e := &r.Exp
		if !e.Dst.IsValid() || !validProto(e.Proto) {
			return b[:start], fmt.Errorf("%w: expectation %v", ErrBadRecord, e.Dst)
		}
		fam := famBit(e.Dst.Addr(), famDst6)
		if put {
			if e.Src.IsValid() {
				fam |= famHasSrc | famBit(e.Src, famSrcExp6)
			}
			if e.HasServer {
				fam |= famHasServer
			}
			if e.RTCP {
				fam |= famRTCP
			}
		}
		b = append(b, byte(e.Proto), fam)
		b = binary.BigEndian.AppendUint16(appendAddr(b, e.Dst.Addr()), e.Dst.Port())
		b = binary.BigEndian.AppendUint64(b, uint64(e.Session))
		if put {
			if e.Src.IsValid() {
				b = appendAddr(b, e.Src)
			}
			b = binary.BigEndian.AppendUint16(b, e.SrcPort)
			b = binary.BigEndian.AppendUint16(b, uint16(e.Server))
			b = append(b, e.Receiver, e.Index)
			b = binary.BigEndian.AppendUint64(b, uint64(e.Expires))
		}
	case KindAssociation:
		b = binary.BigEndian.AppendUint64(b, uint64(r.Assoc.Session))
		if put {
			a := &r.Assoc
			if int(a.KeyLen) > MaxSessionKey || (a.KeyLen == 0) != (a.Kind == 0) || a.Kind > session.KindRTSP {
				return b[:start], fmt.Errorf("%w: association key kind %d length %d", ErrBadRecord, a.Kind, a.KeyLen)
			}
			b = binary.BigEndian.AppendUint16(b, uint16(a.Server))
			b = append(b, byte(a.Kind), a.KeyLen)
			b = append(b, a.Key[:a.KeyLen]...)
		}
	case KindServer:
		b = binary.BigEndian.AppendUint16(b, uint16(r.Server.Server))
		if put {
			b = append(b, byte(r.Server.State))
		}
	case KindAdmission:
		if put {
			a := &r.Admission
			for _, v := range [4]float64{a.T1, a.T2, a.T3, a.C} {
				b = binary.BigEndian.AppendUint64(b, math.Float64bits(v))
			}
		}
	default:
		return b[:start], fmt.Errorf("%w: kind %d", ErrBadRecord, r.Kind)
	}
	return b, nil
}

// zeros is what a short read returns (n ≤ 16), so decoding a truncated
// input neither panics nor allocates.
var zeros [16]byte

// reader consumes big-endian fields; a short read sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || len(r.b) < n {
		r.bad = true
		return zeros[:n]
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// copyTo fills dst (at most 255 bytes) from the input.
func (r *reader) copyTo(dst []byte) {
	if r.bad || len(r.b) < len(dst) {
		r.bad = true
		return
	}
	copy(dst, r.b)
	r.b = r.b[len(dst):]
}

func (r *reader) u8() byte    { return r.take(1)[0] }
func (r *reader) u16() uint16 { return binary.BigEndian.Uint16(r.take(2)) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }

func (r *reader) addr(v6 bool) netip.Addr {
	if v6 {
		return netip.AddrFrom16([16]byte(r.take(16)))
	}
	return netip.AddrFrom4([4]byte(r.take(4)))
}

func (r *reader) addrPort(v6 bool) netip.AddrPort {
	a := r.addr(v6)
	return netip.AddrPortFrom(a, r.u16())
}
