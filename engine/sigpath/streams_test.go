package sigpath

import (
	"net/netip"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
)

// TestIdleStreamsAreForgotten: a TCP direction's framer lives while its
// connection talks and is dropped once idle past the signalling timeout,
// so connections that come and go do not grow the Path without bound.
func TestIdleStreamsAreForgotten(t *testing.T) {
	p, _ := annPath(t)
	t0 := time.Unix(1_700_000_000, 0)
	seg := []byte("OPTIONS rtsp://10.201.0.2:8554/s RTSP/1.0\r\nCSeq: 1\r\n\r\n")
	for i := range 3 {
		p.handle(t0, &dataplane.Signal{Kind: dataplane.SigHold, TCP: true,
			Src: netip.AddrPortFrom(annClient, uint16(40000+i)), Dst: netip.AddrPortFrom(annVIP, 8554), Payload: seg})
	}
	if len(p.streams) != 3 {
		t.Fatalf("%d framers for 3 connections", len(p.streams))
	}
	p.sweepStreams(t0.Add(time.Second))
	if len(p.streams) != 3 {
		t.Fatal("a talking connection's framer was dropped")
	}
	p.sweepStreams(t0.Add(time.Hour))
	if len(p.streams) != 0 || p.Counters().StreamsExpired != 3 {
		t.Fatalf("after an hour idle: %d framers, %d expired", len(p.streams), p.Counters().StreamsExpired)
	}
}
