package api_test

import (
	"math"
	"testing"

	"github.com/sara-lb/sara/mgmt/api"
)

func TestLog2Histogram(t *testing.T) {
	h := api.Log2Histogram([]uint64{0, 2, 0, 3, 0, 0})
	if len(h.Bounds) != 4 || h.Count != 5 {
		t.Fatalf("%+v", h)
	}
	wantBounds := []float64{2e-9, 4e-9, 8e-9, 16e-9}
	wantCounts := []uint64{0, 2, 2, 5}
	for i := range wantBounds {
		if math.Abs(h.Bounds[i]-wantBounds[i]) > 1e-18 || h.Counts[i] != wantCounts[i] {
			t.Fatalf("bucket %d: %g/%d, want %g/%d", i, h.Bounds[i], h.Counts[i], wantBounds[i], wantCounts[i])
		}
	}
	// midpoints: 2 × 3 ns + 3 × 12 ns
	if math.Abs(h.Sum-42e-9) > 1e-15 {
		t.Fatalf("sum %g", h.Sum)
	}
	if e := api.Log2Histogram(nil); e.Count != 0 || len(e.Bounds) != 0 {
		t.Fatalf("empty: %+v", e)
	}
	var m api.Histogram
	if !m.Merge(h) || !m.Merge(h) || m.Count != 10 || m.Counts[3] != 10 || math.Abs(m.Sum-84e-9) > 1e-15 {
		t.Fatalf("merge: %+v", m)
	}
	if m.Merge(api.Log2Histogram([]uint64{1})) {
		t.Fatal("merged histograms with different bounds")
	}
}
