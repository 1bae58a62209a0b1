package ha

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Wire constants. Every frame starts with an 8-byte header:
//
//	offset size field
//	0      2    magic 0x5341 ("SA")
//	2      1    version (1)
//	3      1    type (Type)
//	4      4    epoch of the sender
//
// followed by the type's fields (big-endian) as docs/ha.md lists them. On
// the wire a frame is the body of a mgmt/auth sealed datagram.
const (
	Magic     = 0x5341
	Version   = 1
	HeaderLen = 8
)

// Type is a frame's type.
type Type uint8

// Frame types.
const (
	TypeHello     Type = iota + 1 // role, priority, flags, sequence
	TypeSnapBegin                 // snapshot frame 0: base sequence, totals
	TypeSnapChunk                 // snapshot frame 1..n-2: records
	TypeSnapEnd                   // snapshot frame n-1: totals again
	TypeBatch                     // stream: records first..first+count-1
	TypeAck                       // cumulative acknowledgement
	TypeNack                      // gap or snapshot request
	numTypes
)

var typeNames = [numTypes]string{"type?", "hello", "snap-begin", "snap-chunk", "snap-end", "batch", "ack", "nack"}

// String names the type.
func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Fixed lengths (header included) of each type; chunks and batches are
// followed by their records.
const (
	helloLen     = HeaderLen + 12
	snapBeginLen = HeaderLen + 24
	snapChunkLen = HeaderLen + 10
	snapEndLen   = HeaderLen + 16
	batchLen     = HeaderLen + 10
	ackLen       = HeaderLen + 12
	nackLen      = HeaderLen + 12
)

// Role is a node's role.
type Role uint8

// Roles: every node starts in RoleInit and settles as primary or backup.
const (
	RoleInit    Role = iota // exchanging hellos
	RoleBackup              // receiving state, watching the primary
	RolePrimary             // owning the VIP, streaming state
	numRoles
)

var roleNames = [numRoles]string{"init", "backup", "primary"}

// String names the role.
func (r Role) String() string {
	if r < numRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// Hello flags.
const (
	FlagInSync    = 1 << 0 // backup: holds a snapshot of this epoch and the stream up to Seq
	FlagHandover  = 1 << 1 // primary: take over now if you applied everything up to Seq
	FlagSwitchReq = 1 << 2 // backup: asks the primary for a planned switchover
	helloFlagMask = FlagInSync | FlagHandover | FlagSwitchReq
)

// NackReason says what a backup asks for.
type NackReason uint8

// Nack reasons.
const (
	NackGap      NackReason = 1 // resend the stream from Next
	NackSnapshot NackReason = 2 // send a full snapshot (resync)
)

// ErrFrame reports a malformed frame.
var ErrFrame = errors.New("ha: malformed frame")

// Frame is a decoded frame. Only the fields of its Type are set; Records
// aliases the decoded input.
type Frame struct {
	Type  Type
	Epoch uint32
	// Hello.
	Role     Role
	Priority uint8
	Flags    uint8
	// Hello: the primary's head or the backup's applied sequence.
	// Batch: the first record's sequence. Ack, Nack: the next sequence
	// (stream) or frame index (snapshot) wanted.
	Seq uint64
	// Snapshot frames; Ack: the snapshot acknowledged (0: the stream).
	Snap, Index uint32
	Total       uint32 // SnapBegin, SnapEnd: records in the snapshot
	Frames      uint32 // SnapBegin: frames in the snapshot; SnapEnd: record bytes
	Reason      NackReason
	Count       uint16 // chunk, batch: records carried
	Records     []byte // chunk, batch: the encoded records
}

func appendHeader(b []byte, t Type, epoch uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, Magic)
	b = append(b, Version, byte(t))
	return binary.BigEndian.AppendUint32(b, epoch)
}

// AppendFrame appends f's encoding to b. For chunks and batches, f.Records
// must hold f.Count encoded records.
func AppendFrame(b []byte, f *Frame) []byte {
	b = appendHeader(b, f.Type, f.Epoch)
	be := binary.BigEndian
	switch f.Type {
	case TypeHello:
		b = append(b, byte(f.Role), f.Priority, f.Flags, 0)
		b = be.AppendUint64(b, f.Seq)
	case TypeSnapBegin:
		b = be.AppendUint32(be.AppendUint32(b, f.Snap), f.Index)
		b = be.AppendUint64(b, f.Seq)
		b = be.AppendUint32(be.AppendUint32(b, f.Total), f.Frames)
	case TypeSnapChunk:
		b = be.AppendUint32(be.AppendUint32(b, f.Snap), f.Index)
		b = append(be.AppendUint16(b, f.Count), f.Records...)
	case TypeSnapEnd:
		b = be.AppendUint32(be.AppendUint32(b, f.Snap), f.Index)
		b = be.AppendUint32(be.AppendUint32(b, f.Total), f.Frames)
	case TypeBatch:
		b = append(be.AppendUint16(be.AppendUint64(b, f.Seq), f.Count), f.Records...)
	case TypeAck:
		b = be.AppendUint64(be.AppendUint32(b, f.Snap), f.Seq)
	case TypeNack:
		b = append(b, byte(f.Reason), 0, 0, 0)
		b = be.AppendUint64(b, f.Seq)
	}
	return b
}
