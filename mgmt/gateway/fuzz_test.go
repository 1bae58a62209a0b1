package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/sara-lb/sara/engine/announce"
)

// FuzzFrame feeds arbitrary frames to one pipeline: no panic, the counter
// invariants hold, the connection table stays within its bound.
func FuzzFrame(f *testing.F) {
	for _, name := range []string{"sip_calls", "rtsp_udp"} {
		src := pcapSource(f, name)
		for {
			b, _, err := src.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			f.Add(append([]byte(nil), b...))
		}
	}
	f.Add(tcpFrame(f, 1, "", replyA))
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip}, Ports: fixPorts, MaxConns: 64}, func(*announce.Message) error { return nil })
	f.Fuzz(func(t *testing.T, frame []byte) {
		p.Frame(t0, frame)
		checkCounters(t, p.Counters())
		if len(p.conns.m) > 64 {
			t.Fatalf("%d connections", len(p.conns.m))
		}
	})
}

// FuzzTCPSplit cuts a byte stream into in-order segments at the fuzzer's
// cut points, repeating some (retransmissions): the announcements are the
// same as when the stream arrives in one segment. (After a framing error
// the two may differ, as the gateway resynchronises at the next segment
// that starts a message; such inputs are only checked for panics.)
func FuzzTCPSplit(f *testing.F) {
	f.Add(append(append([]byte(nil), replyA...), replyB...), []byte{30, 0x85, 60, 7})
	f.Add(append([]byte("\r\n"), replyC...), []byte{1, 2, 3, 0x90})
	bad := []byte("RTSP/1.0 200 OK\r\nContent-Length: x\r\n\r\n")
	f.Add(append(append([]byte(nil), bad...), replyA...), []byte{byte(len(bad))})
	f.Fuzz(func(t *testing.T, stream, cuts []byte) {
		if len(stream) == 0 || len(stream) > 4096 || len(cuts) > 64 {
			return
		}
		whole, errs := run1(t, [][2]int{{0, len(stream)}}, stream)
		var segs [][2]int
		at := 0
		for _, c := range cuts {
			n := int(c & 0x7f)
			if at+n > len(stream) {
				n = len(stream) - at
			}
			if n > 0 {
				segs = append(segs, [2]int{at, at + n})
			}
			if c&0x80 != 0 && len(segs) > 0 { // retransmit an earlier segment
				segs = append(segs, segs[int(c)%len(segs)])
			}
			at += n
		}
		if at < len(stream) {
			segs = append(segs, [2]int{at, len(stream)})
		}
		split, errs2 := run1(t, segs, stream)
		if errs+errs2 == 0 && split != whole {
			t.Fatalf("split %q\nwhole %q", split, whole)
		}
	})
}

// run1 feeds stream's byte ranges as TCP segments after a SYN and returns
// the announcements' keys and ops, and the framing errors.
func run1(t *testing.T, segs [][2]int, stream []byte) (string, uint64) {
	var got collector
	p := NewPipeline(PipelineConfig{Ports: fixPorts}, got.emit)
	const isn = 7000
	p.Frame(t0, tcpFrame(t, isn, "S", nil))
	for _, s := range segs {
		p.Frame(t0, tcpFrame(t, isn+1+uint32(s[0]), "", stream[s[0]:s[1]]))
	}
	out := ""
	for _, m := range got {
		out += fmt.Sprintf("%s/%d/%d;", m.Key, m.Op, m.N)
	}
	return out, p.Counters().StreamErrors
}
