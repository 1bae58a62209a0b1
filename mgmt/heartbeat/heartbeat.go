// Package heartbeat encodes and decodes the 11-byte availability message a
// node agent sends every period d (paper §III.E, DESIGN §8):
//
//	offset  size  field
//	0       4     Host_Identity  u32
//	4       2     Seq_Nber       u16 (wraps)
//	6       1     Flag           1 = node and application available,
//	                             2 = node available, application unavailable,
//	                             3 = planned failure (drain) at Timestamp
//	7       4     Timestamp      u32 unix seconds: the drain time for flag 3,
//	                             otherwise the send time
//
// All fields are in network byte order. On the wire the message is followed
// by the mgmt/auth trailer. Decoding does not allocate.
package heartbeat

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Len is the encoded size of a heartbeat.
const Len = 11

// Flag is the availability flag of a heartbeat.
type Flag uint8

// The flags defined by the paper.
const (
	FlagUp      Flag = 1 // node and application available
	FlagAppDown Flag = 2 // node available, application unavailable
	FlagPlanned Flag = 3 // planned failure (drain) at Timestamp
)

// String names the flag.
func (f Flag) String() string {
	switch f {
	case FlagUp:
		return "up"
	case FlagAppDown:
		return "app-down"
	case FlagPlanned:
		return "planned"
	}
	return fmt.Sprintf("flag(%d)", uint8(f))
}

// Decoding errors.
var (
	ErrLength = errors.New("heartbeat: length is not 11 bytes")
	ErrFlag   = errors.New("heartbeat: unknown flag")
)

// Message is a decoded heartbeat.
type Message struct {
	Host      uint32
	Seq       uint16
	Flag      Flag
	Timestamp uint32
}

// Append appends the 11-byte encoding of m to b.
func (m Message) Append(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, m.Host)
	b = binary.BigEndian.AppendUint16(b, m.Seq)
	b = append(b, byte(m.Flag))
	return binary.BigEndian.AppendUint32(b, m.Timestamp)
}

// Decode parses b, which must be exactly Len bytes with a known flag.
func (m *Message) Decode(b []byte) error {
	if len(b) != Len {
		return fmt.Errorf("%w: %d", ErrLength, len(b))
	}
	f := Flag(b[6])
	if f < FlagUp || f > FlagPlanned {
		return ErrFlag
	}
	*m = Message{
		Host:      binary.BigEndian.Uint32(b[0:]),
		Seq:       binary.BigEndian.Uint16(b[4:]),
		Flag:      f,
		Timestamp: binary.BigEndian.Uint32(b[7:]),
	}
	return nil
}
