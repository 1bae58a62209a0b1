package api

// Log2Histogram converts a log2 histogram — counts[b] observations of 2^b
// to 2^(b+1) nanoseconds, as the data plane keeps SigLatency — into a
// Histogram in seconds with bounds 2^(b+1) ns. The data plane keeps no
// sum, so Sum is estimated with each bucket's midpoint 1.5·2^b ns.
// Empty trailing buckets are dropped.
func Log2Histogram(counts []uint64) Histogram {
	last := len(counts) - 1
	for last >= 0 && counts[last] == 0 {
		last--
	}
	h := Histogram{Bounds: make([]float64, 0, last+1), Counts: make([]uint64, 0, last+1)}
	for b := 0; b <= last; b++ {
		h.Count += counts[b]
		h.Sum += float64(counts[b]) * 1.5 * float64(uint64(1)<<b) * 1e-9
		h.Bounds = append(h.Bounds, float64(uint64(2)<<b)*1e-9)
		h.Counts = append(h.Counts, h.Count)
	}
	return h
}

// Merge adds o's observations to h; both must have the same bounds, or h
// none (it takes o's).
func (h *Histogram) Merge(o Histogram) bool {
	if len(h.Bounds) == 0 && h.Count == 0 {
		h.Bounds = append([]float64(nil), o.Bounds...)
		h.Counts = make([]uint64, len(o.Counts))
	}
	if len(h.Bounds) != len(o.Bounds) {
		return false
	}
	for i := range h.Bounds {
		if h.Bounds[i] != o.Bounds[i] {
			return false
		}
	}
	for i := range o.Counts {
		h.Counts[i] += o.Counts[i]
	}
	h.Count += o.Count
	h.Sum += o.Sum
	return true
}
