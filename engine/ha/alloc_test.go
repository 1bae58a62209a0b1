package ha

import "testing"

type nopTransport struct{ n int }

func (t *nopTransport) Send([]byte) { t.n++ }

type nopSink struct{ n int }

func (s *nopSink) Reset()       {}
func (s *nopSink) Apply(Record) { s.n++ }

// TestSteadyStateNoAlloc: once running, neither the primary's flush of a
// batch nor the backup's apply and ack of one allocates.
func TestSteadyStateNoAlloc(t *testing.T) {
	s := pair(t, 15, 10)
	p, b := s.nodes[0], s.nodes[1]
	ptx, btx, sink := &nopTransport{}, &nopTransport{}, &nopSink{}
	p.deps.Transport, b.deps.Transport, b.deps.Sink = ptx, btx, sink
	recs := sampleRecords()
	now := s.now
	if a := testing.AllocsPerRun(100, func() {
		for _, r := range recs {
			_ = p.Publish(r, now)
		}
		now = now.Add(p.cfg.FlushInterval)
		p.Tick(now) // one batch out
	}); a != 0 {
		t.Fatalf("primary publish+flush allocates %v", a)
	}
	base := b.rcv.applied
	var recBytes []byte
	for _, r := range recs {
		recBytes = append(recBytes, mustAppend(t, r)...)
	}
	frame := make([]byte, 0, 2048)
	seq := base + 1
	if a := testing.AllocsPerRun(100, func() {
		frame = AppendFrame(frame[:0], &Frame{Type: TypeBatch, Epoch: b.epoch, Seq: seq, Count: uint16(len(recs)), Records: recBytes})
		b.OnDatagram(frame, now)
		seq += uint64(len(recs))
	}); a != 0 {
		t.Fatalf("backup apply+ack allocates %v", a)
	}
	if ptx.n == 0 || btx.n < 100 || sink.n != 101*len(recs) || b.rcv.applied != base+uint64(101*len(recs)) {
		t.Fatalf("sent %d/%d applied %d (sink %d)", ptx.n, btx.n, b.rcv.applied-base, sink.n)
	}
}
