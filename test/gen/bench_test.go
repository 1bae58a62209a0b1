package gen

import "testing"

func BenchmarkGenerate(b *testing.B) {
	o := DefaultOptions()
	o.Flows, o.Packets = 100000, b.N
	o.Order = OrderRoundRobin
	b.ReportAllocs()
	b.ResetTimer()
	st, err := Generate(discard{}, o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Frames)/b.Elapsed().Seconds(), "frames/s")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
