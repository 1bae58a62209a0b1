// Package loadvec encodes and decodes the load-vector message a node agent
// sends every load period t (DESIGN §8). Format version 1, 22 bytes, network
// byte order:
//
//	offset  size  field
//	0       1     Magic      0x4C ('L'), tells it apart from other bodies
//	1       1     Version    1
//	2       4     Host       Host_Identity u32 (same as in heartbeats)
//	6       2     Seq        u16, +1 per vector, wraps
//	8       4     Timestamp  u32 unix seconds at measurement
//	12      2     CPU        u16 fixed point: value = raw / 65535
//	14      2     Mem        u16 fixed point
//	16      2     NetBuf     u16 fixed point
//	18      2     IOQueue    u16 fixed point
//	20      2     Backlog    u16 fixed point
//
// Each component is a fraction in [0,1]; encoding clamps to that range (NaN
// encodes as 0) and rounds to the nearest 1/65535, so a decoded value is
// within 7.7e-6 of the measured one. A receiver rejects other versions
// (ErrVersion) and any length but 22 (ErrLength). Decoding does not allocate.
package loadvec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/sara-lb/sara/engine/cluster"
)

// Format constants.
const (
	Magic   = 0x4C // 'L'
	Version = 1
	Len     = 22
	scale   = 65535
)

// Decoding errors.
var (
	ErrLength  = errors.New("loadvec: length is not 22 bytes")
	ErrMagic   = errors.New("loadvec: bad magic")
	ErrVersion = errors.New("loadvec: unsupported version")
)

// Message is one load report.
type Message struct {
	Host      uint32
	Seq       uint16
	Timestamp uint32
	Load      cluster.LoadVector
}

// Fixed converts a fraction to its wire value (clamped, rounded).
func Fixed(v float64) uint16 {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 1:
		return scale
	}
	return uint16(math.Round(v * scale))
}

// Fraction converts a wire value back to [0,1].
func Fraction(u uint16) float64 { return float64(u) / scale }

// Append appends the 22-byte encoding of m to b.
func (m Message) Append(b []byte) []byte {
	b = append(b, Magic, Version)
	b = binary.BigEndian.AppendUint32(b, m.Host)
	b = binary.BigEndian.AppendUint16(b, m.Seq)
	b = binary.BigEndian.AppendUint32(b, m.Timestamp)
	for _, v := range [...]float64{m.Load.CPU, m.Load.Mem, m.Load.NetBuf, m.Load.IOQueue, m.Load.Backlog} {
		b = binary.BigEndian.AppendUint16(b, Fixed(v))
	}
	return b
}

// Decode parses a version-1 message of exactly Len bytes.
func (m *Message) Decode(b []byte) error {
	if len(b) != Len {
		return fmt.Errorf("%w: %d", ErrLength, len(b))
	}
	if b[0] != Magic {
		return ErrMagic
	}
	if b[1] != Version {
		return fmt.Errorf("%w: %d", ErrVersion, b[1])
	}
	c := func(off int) float64 { return Fraction(binary.BigEndian.Uint16(b[off:])) }
	*m = Message{
		Host:      binary.BigEndian.Uint32(b[2:]),
		Seq:       binary.BigEndian.Uint16(b[6:]),
		Timestamp: binary.BigEndian.Uint32(b[8:]),
		Load:      cluster.LoadVector{CPU: c(12), Mem: c(14), NetBuf: c(16), IOQueue: c(18), Backlog: c(20)},
	}
	return nil
}
