package rtsp

import (
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

func TestNoAllocs(t *testing.T) {
	in := New()
	var r inspect.Result
	for _, c := range []struct {
		m    inspect.Meta
		name string
	}{{req, "rtsp_udp_10.txt"}, {rep, "rtsp_udp_11.txt"}, {rep, "rtsp_tcp_11.txt"}} {
		msg := file(t, c.name)
		if n := testing.AllocsPerRun(200, func() {
			if err := in.Inspect(c.m, msg, &r); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations", c.name, n)
		}
	}
}

func bench(b *testing.B, m inspect.Meta, name string) {
	msg := file(b, name)
	in := New()
	var r inspect.Result
	b.ReportAllocs()
	for b.Loop() {
		if err := in.Inspect(m, msg, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkInspectSETUP: ffmpeg's SETUP request.
func BenchmarkInspectSETUP(b *testing.B) { bench(b, req, "rtsp_udp_10.txt") }

// BenchmarkInspectSETUPReply: gst-rtsp-server's SETUP reply.
func BenchmarkInspectSETUPReply(b *testing.B) { bench(b, rep, "rtsp_udp_11.txt") }
