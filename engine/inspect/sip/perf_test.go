package sip

import (
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

// TestNoAllocs proves the common path allocation-free: an INVITE with SDP
// (compact, folded, six media), the sipp INVITE and its 200 OK.
func TestNoAllocs(t *testing.T) {
	ins := New()
	var r inspect.Result
	msgs := [][]byte{crlf(compactInvite), mustFile(t, "testdata/sipp/sipp_1.txt"), mustFile(t, "testdata/sipp/sipp_3.txt")}
	for _, msg := range msgs {
		n := testing.AllocsPerRun(200, func() {
			if err := ins.Inspect(in, msg, &r); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("%.40q: %v allocations per message", msg, n)
		}
	}
}

func benchInspect(b *testing.B, msg []byte) {
	ins := New()
	var r inspect.Result
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if err := ins.Inspect(in, msg, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkInspectINVITE: sipp's INVITE with SDP (489 bytes).
func BenchmarkInspectINVITE(b *testing.B) { benchInspect(b, mustFile(b, "testdata/sipp/sipp_1.txt")) }

// BenchmarkInspect200OK: sipp's 200 OK with SDP answer.
func BenchmarkInspect200OK(b *testing.B) { benchInspect(b, mustFile(b, "testdata/sipp/sipp_3.txt")) }

// BenchmarkInspectACK: sipp's ACK, no body.
func BenchmarkInspectACK(b *testing.B) { benchInspect(b, mustFile(b, "testdata/sipp/sipp_4.txt")) }

// BenchmarkInspectCompactINVITE: compact headers, folding, six media lines.
func BenchmarkInspectCompactINVITE(b *testing.B) { benchInspect(b, crlf(compactInvite)) }
