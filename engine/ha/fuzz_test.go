package ha

import (
	"bytes"
	"testing"
)

// FuzzDecodeRecord: no panic; whatever decodes re-encodes to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	for _, r := range sampleRecords() {
		f.Add(mustAppend(f, r))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, n, err := DecodeRecord(b)
		if err != nil {
			return
		}
		again, err := AppendRecord(nil, &r)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", r, err)
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoding differs\n in %x\nout %x", b[:n], again)
		}
	})
}

// FuzzDecodeFrame: no panic; an accepted frame re-encodes to the same bytes
// and its records all decode.
func FuzzDecodeFrame(f *testing.F) {
	var recs []byte
	for _, r := range sampleRecords() {
		recs = append(recs, mustAppend(f, r)...)
	}
	n := uint16(len(sampleRecords()))
	for _, fr := range []Frame{
		{Type: TypeHello, Epoch: 2, Role: RoleBackup, Priority: 100, Flags: FlagInSync, Seq: 9},
		{Type: TypeSnapBegin, Epoch: 2, Snap: 1, Seq: 3, Total: uint32(n), Frames: 3},
		{Type: TypeSnapChunk, Epoch: 2, Snap: 1, Index: 1, Count: n, Records: recs},
		{Type: TypeSnapEnd, Epoch: 2, Snap: 1, Index: 2, Total: uint32(n), Frames: uint32(len(recs))},
		{Type: TypeBatch, Epoch: 2, Seq: 4, Count: n, Records: recs},
		{Type: TypeAck, Epoch: 2, Snap: 1, Seq: 2},
		{Type: TypeNack, Epoch: 2, Reason: NackSnapshot, Seq: 1},
	} {
		f.Add(AppendFrame(nil, &fr))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr Frame
		if err := DecodeFrame(b, &fr); err != nil {
			return
		}
		if out := AppendFrame(nil, &fr); !bytes.Equal(out, b) {
			t.Fatalf("re-encoding differs\n in %x\nout %x", b, out)
		}
		got := 0
		fr.EachRecord(func(int, Record) { got++ })
		if (fr.Type == TypeBatch || fr.Type == TypeSnapChunk) && got != int(fr.Count) {
			t.Fatalf("%d records of %d", got, fr.Count)
		}
	})
}
