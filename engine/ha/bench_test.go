package ha

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkPublish: one change into the primary's log.
func BenchmarkPublish(b *testing.B) {
	s := newSim(b, 1)
	s.start(0, testConfig(1, 2, 0))
	s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
	recs := make([]Record, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range recs {
		recs[i] = randomRecord(rng, 100000)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.nodes[0].Publish(recs[i&1023], s.now)
	}
}

// BenchmarkSnapshotTransfer: a 100 000-entry state from snapshot start to
// the backup's commit over a clean in-memory network (CPU cost of encoding,
// framing, decoding and applying; the fake clock does not advance).
func BenchmarkSnapshotTransfer(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := NewTable()
	for src.Len() < 100000 {
		r := randomRecord(rng, 1<<20)
		r.Op = OpPut
		src.Apply(r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSim(b, uint64(i))
		s.tables[0] = src
		s.start(0, testConfig(1, 2, 200))
		s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
		s.start(1, testConfig(2, 1, 100))
		if !s.runUntil(10*time.Second, func() bool { return s.stats(1).InSync }) {
			b.Fatal("no sync")
		}
		st := s.stats(1).LastSnapshot
		b.ReportMetric(float64(st.Bytes)/float64(st.Records), "bytes/record")
		b.ReportMetric(float64(st.Frames), "frames")
		b.ReportMetric(float64(st.Took.Milliseconds()), "sim-ms")
	}
}
