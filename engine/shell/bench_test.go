package shell

import (
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

func benchViews(n int) []cluster.ServerView {
	v := make([]cluster.ServerView, n)
	for i := range v {
		v[i] = view(i, float64(i%10)/10, i%50)
	}
	return v
}

func TestHotPathsAllocFree(t *testing.T) {
	s := mustNew(t, nil)
	views := benchViews(64)
	buf := make([]cluster.ServerID, 0, 1024)
	if a := testing.AllocsPerRun(50, func() { s.Update(views) }); a != 0 {
		t.Fatalf("Update allocates %v per run", a)
	}
	if a := testing.AllocsPerRun(50, func() { buf = s.Sequence(buf, 1024) }); a != 0 {
		t.Fatalf("Sequence allocates %v per run", a)
	}
}

func BenchmarkUpdate64(b *testing.B) {
	s := mustNew(b, nil)
	views := benchViews(64)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		views[i%64].Load = float64(i%97) / 97
		s.Update(views)
	}
}

func BenchmarkSequence64x1024(b *testing.B) {
	s := mustNew(b, nil)
	s.Update(benchViews(64))
	buf := make([]cluster.ServerID, 0, 1024)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = s.Sequence(buf, 1024)
	}
}
