package gateway

import (
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/mgmt/auth"
)

// BenchmarkPipeline measures a captured frame to a sealed announcement
// (decode, inspect, FromResult, encode, HMAC; written to io.Discard): the
// sipp 200 OK with its SDP answer over UDP, and an RTSP SETUP reply as one
// in-order TCP segment.
func BenchmarkPipeline(b *testing.B) {
	key, _ := auth.NewKey(1, make([]byte, 32))
	sealer, _ := auth.NewSealer(1, key, nil)
	snd := announce.NewSender(io.Discard, sealer, nil)
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip}, Ports: fixPorts}, snd.Send)
	src := pcapSource(b, "sip_calls")
	var ok200 []byte
	for ok200 == nil {
		f, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			b.Fatal("no 200 OK")
		}
		if len(f) > 400 && string(f[42:49]) == "SIP/2.0" {
			ok200 = append([]byte(nil), f...)
		}
	}
	b.Run("sip-udp-200", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			p.Frame(t0, ok200)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("rtsp-tcp-setup-reply", func(b *testing.B) {
		seg := tcpFrame(b, 1, "", replyA)
		seq := uint32(1)
		p.Frame(t0, seg)
		b.ReportAllocs()
		for range b.N {
			seq += uint32(len(replyA))
			binary.BigEndian.PutUint32(seg[14+20+4:], seq)
			p.Frame(t0, seg)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	if c := p.Counters(); c.Failed+c.SendFailed+c.Gaps != 0 {
		b.Fatalf("%+v", c)
	}
}

// pcapSource opens a fixture capture through the gateway's BPF filter.
func pcapSource(tb testing.TB, name string) Source {
	f, _ := Filter([]netip.Addr{vip}, fixPorts)
	s, err := OpenFile(fixtures+"/"+name+".pcap", f)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}
