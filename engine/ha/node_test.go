package ha

import (
	"errors"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/heartbeat"
)

func TestNewNodeErrors(t *testing.T) {
	deps := Deps{Transport: simEnd{}, VIP: &fakeVIP{}, Source: NewTable(), Sink: NewTable()}
	bad := testConfig(1, 1, 0) // same id as the peer
	if _, err := NewNode(bad, deps, simStart); !errors.Is(err, ErrConfig) {
		t.Fatalf("same ids: %v", err)
	}
	if _, err := NewNode(testConfig(1, 2, 0), Deps{}, simStart); !errors.Is(err, ErrConfig) {
		t.Fatalf("no deps: %v", err)
	}
}

// TestPublishNoAlloc: publishing a change on the primary allocates nothing.
func TestPublishNoAlloc(t *testing.T) {
	s := newSim(t, 9)
	s.start(0, testConfig(1, 2, 0))
	s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
	recs := sampleRecords()
	n := s.nodes[0]
	if a := testing.AllocsPerRun(200, func() {
		for _, r := range recs {
			if err := n.Publish(r, s.now); err != nil {
				t.Fatal(err)
			}
		}
	}); a != 0 {
		t.Fatalf("Publish allocates %v per %d records", a, len(recs))
	}
	if err := n.Publish(Record{Kind: KindFlow, Op: OpPut}, s.now); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("invalid record: %v", err)
	}
	if st := s.stats(0); st.PublishErrors != 1 || st.Published != uint64(201*len(recs)) {
		t.Fatalf("published %d errors %d", st.Published, st.PublishErrors)
	}
}

// TestReceiveCounters: malformed bodies, heartbeats from another host and
// lost heartbeats are counted; a backup ignores publishes.
func TestReceiveCounters(t *testing.T) {
	s := pair(t, 10, 10)
	b := s.nodes[1]
	b.OnDatagram([]byte{1, 2, 3}, s.now)
	b.OnDatagram(heartbeat.Message{Host: 99, Seq: 1, Flag: heartbeat.FlagUp}.Append(nil), s.now)
	seq := b.peer.hbSeq
	b.OnDatagram(heartbeat.Message{Host: 1, Seq: seq + 4, Flag: heartbeat.FlagUp}.Append(nil), s.now)
	st := b.Stats(s.now)
	if st.Malformed != 2 || st.HeartbeatsLost < 3 {
		t.Fatalf("malformed %d lost %d", st.Malformed, st.HeartbeatsLost)
	}
	if err := b.Publish(sampleRecords()[0], s.now); err != nil || b.Stats(s.now).Published != 0 {
		t.Fatalf("backup publish: %v", err)
	}
	// A frame with the wrong epoch is not applied.
	bad := AppendFrame(nil, &Frame{Type: TypeBatch, Epoch: 77, Seq: 1, Count: 1, Records: mustAppend(t, sampleRecords()[7])})
	before := s.tables[1].Len()
	b.OnDatagram(bad, s.now)
	if b.Stats(s.now).WrongEpoch == 0 || s.tables[1].Len() != before {
		t.Fatal("batch of another epoch applied")
	}
}
