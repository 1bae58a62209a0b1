package ha

import (
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

// recTransport keeps the frames sent (heartbeats skipped).
type recTransport struct{ frames []Frame }

func (r *recTransport) Send(b []byte) {
	var f Frame
	if len(b) != 11 && DecodeFrame(b, &f) == nil {
		f.Records = nil
		r.frames = append(r.frames, f)
	}
}

func (r *recTransport) last(t *testing.T) Frame {
	t.Helper()
	if len(r.frames) == 0 {
		t.Fatal("nothing sent")
	}
	return r.frames[len(r.frames)-1]
}

// TestGapDetection drives a synced backup by hand: a batch beyond the next
// change is a gap (nacked once, held, not applied); the missing batch is
// applied with the held ones after it and acknowledged; records seen again
// are skipped as duplicates.
func TestGapDetection(t *testing.T) {
	s := pair(t, 19, 0)
	b := s.nodes[1]
	tx := &recTransport{}
	b.deps.Transport = tx
	base := b.rcv.applied
	batch := func(first uint64, n int) []byte {
		var recs []byte
		for i := 0; i < n; i++ {
			r := Record{Kind: KindServer, Op: OpPut, Server: ServerStateRecord{Server: 1 + serverOf(first+uint64(i))}}
			recs = append(recs, mustAppend(t, r)...)
		}
		return AppendFrame(nil, &Frame{Type: TypeBatch, Epoch: b.epoch, Seq: first, Count: uint16(n), Records: recs})
	}
	now := s.now
	b.OnDatagram(batch(base+3, 2), now) // base+1, base+2 missing
	if f := tx.last(t); f.Type != TypeNack || f.Reason != NackGap || f.Seq != base+1 {
		t.Fatalf("after a gap sent %+v", f)
	}
	b.OnDatagram(batch(base+4, 1), now) // same gap, within the timeout: no second nack
	if n := len(tx.frames); n != 1 {
		t.Fatalf("%d frames after a repeated gap", n)
	}
	if st := b.Stats(now); st.Gaps != 2 || st.Applied != base || st.RecordsApplied != 0 {
		t.Fatalf("gap applied something: %+v", st)
	}
	b.OnDatagram(batch(base+1, 2), now) // fills the gap: the held batches follow
	if f := tx.last(t); f.Type != TypeAck || f.Snap != 0 || f.Seq != base+4 {
		t.Fatalf("after the missing batch sent %+v", f)
	}
	b.OnDatagram(batch(base+2, 3), now) // all applied already
	if st := b.Stats(now); st.Applied != base+4 || st.Duplicates != 3 || st.RecordsApplied != 4 {
		t.Fatalf("overlap: applied %d dups %d records %d", st.Applied-base, st.Duplicates, st.RecordsApplied)
	}
	b.OnDatagram(batch(base+10, 1), now.Add(b.cfg.RetransmitTimeout))
	if f := tx.last(t); f.Type != TypeNack || f.Seq != base+5 {
		t.Fatalf("new gap sent %+v", f)
	}
	for i := uint64(1); i <= 4; i++ {
		if _, ok := s.tables[1].Get(RecordKey{Kind: KindServer, Server: 1 + serverOf(base+i)}); !ok {
			t.Fatalf("change %d not in the sink", i)
		}
	}
}

// serverOf maps a sequence to a distinct server id (a distinct key).
func serverOf(v uint64) cluster.ServerID { return cluster.ServerID(v % 1000) }
