package ha

import (
	"encoding/binary"
	"fmt"
)

var fixedLen = [numTypes]int{0, helloLen, snapBeginLen, snapChunkLen, snapEndLen, batchLen, ackLen, nackLen}

// DecodeFrame parses one frame (the body of an authenticated datagram).
// Fixed-size frames must have exactly their length; chunks and batches must
// hold exactly Count valid records. It does not allocate.
func DecodeFrame(b []byte, f *Frame) error {
	if len(b) < HeaderLen {
		return fmt.Errorf("%w: %d bytes", ErrFrame, len(b))
	}
	be := binary.BigEndian
	t := Type(b[3])
	if be.Uint16(b) != Magic || b[2] != Version || t == 0 || t >= numTypes {
		return fmt.Errorf("%w: header % x", ErrFrame, b[:4])
	}
	n := fixedLen[t]
	variable := t == TypeSnapChunk || t == TypeBatch
	if len(b) < n || (!variable && len(b) != n) {
		return fmt.Errorf("%w: %s of %d bytes", ErrFrame, t, len(b))
	}
	*f = Frame{Type: t, Epoch: be.Uint32(b[4:])}
	p := b[HeaderLen:]
	switch t {
	case TypeHello:
		f.Role, f.Priority, f.Flags = Role(p[0]), p[1], p[2]
		f.Seq = be.Uint64(p[4:])
		if f.Role >= numRoles || f.Flags&^helloFlagMask != 0 || p[3] != 0 {
			return fmt.Errorf("%w: hello role %d flags %#x", ErrFrame, p[0], p[2])
		}
	case TypeSnapBegin:
		f.Snap, f.Index, f.Seq = be.Uint32(p), be.Uint32(p[4:]), be.Uint64(p[8:])
		f.Total, f.Frames = be.Uint32(p[16:]), be.Uint32(p[20:])
		if f.Index != 0 || f.Frames < 2 {
			return fmt.Errorf("%w: snap-begin index %d frames %d", ErrFrame, f.Index, f.Frames)
		}
	case TypeSnapChunk:
		f.Snap, f.Index, f.Count = be.Uint32(p), be.Uint32(p[4:]), be.Uint16(p[8:])
		f.Records = b[n:len(b):len(b)]
	case TypeSnapEnd:
		f.Snap, f.Index = be.Uint32(p), be.Uint32(p[4:])
		f.Total, f.Frames = be.Uint32(p[8:]), be.Uint32(p[12:])
	case TypeBatch:
		f.Seq, f.Count = be.Uint64(p), be.Uint16(p[8:])
		f.Records = b[n:len(b):len(b)]
	case TypeAck:
		f.Snap, f.Seq = be.Uint32(p), be.Uint64(p[4:])
	case TypeNack:
		f.Reason, f.Seq = NackReason(p[0]), be.Uint64(p[4:])
		if (f.Reason != NackGap && f.Reason != NackSnapshot) || p[1]|p[2]|p[3] != 0 {
			return fmt.Errorf("%w: nack reason %d", ErrFrame, p[0])
		}
	}
	if variable {
		if f.Snap == 0 && t == TypeSnapChunk || f.Count == 0 {
			return fmt.Errorf("%w: empty %s", ErrFrame, t)
		}
		if err := checkRecords(f.Records, f.Count); err != nil {
			return err
		}
	}
	if (t == TypeSnapBegin || t == TypeSnapEnd) && f.Snap == 0 {
		return fmt.Errorf("%w: %s of snapshot 0", ErrFrame, t)
	}
	return nil
}

// checkRecords verifies that b is exactly count valid records.
func checkRecords(b []byte, count uint16) error {
	for i := 0; i < int(count); i++ {
		_, n, err := DecodeRecord(b)
		if err != nil {
			return fmt.Errorf("%w: record %d: %w", ErrFrame, i, err)
		}
		b = b[n:]
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: %d bytes after the records", ErrFrame, len(b))
	}
	return nil
}

// EachRecord decodes the records of a chunk or batch that DecodeFrame
// accepted and calls fn with each one's index and value.
func (f *Frame) EachRecord(fn func(i int, r Record)) {
	b := f.Records
	for i := 0; i < int(f.Count); i++ {
		r, n, err := DecodeRecord(b)
		if err != nil {
			return // checked by DecodeFrame
		}
		fn(i, r)
		b = b[n:]
	}
}
