package sessions

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// frame is one decoded frame of a capture.
type frame struct {
	at         time.Duration
	size       int
	dstMAC     string
	src, dst   netip.AddrPort
	udp        bool
	payloadLen int
}

// decode reads every frame of a capture.
func decode(t *testing.T, capture []byte) []frame {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var ip6 layers.IPv6
	var udp layers.UDP
	var tcp layers.TCP
	var pay gopacket.Payload
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &udp, &tcp, &pay)
	var out []frame
	start := DefaultOptions().Start
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var dec []gopacket.LayerType
		_ = p.DecodeLayers(data, &dec)
		f := frame{at: ci.Timestamp.Sub(start), size: len(data), dstMAC: eth.DstMAC.String()}
		var src, dst netip.Addr
		for _, l := range dec {
			switch l {
			case layers.LayerTypeIPv4:
				src, dst = netip.AddrFrom4([4]byte(ip4.SrcIP.To4())), netip.AddrFrom4([4]byte(ip4.DstIP.To4()))
			case layers.LayerTypeIPv6:
				src, dst = netip.AddrFrom16([16]byte(ip6.SrcIP)), netip.AddrFrom16([16]byte(ip6.DstIP))
			case layers.LayerTypeUDP:
				f.udp, f.payloadLen = true, len(udp.Payload)
				f.src, f.dst = netip.AddrPortFrom(src, uint16(udp.SrcPort)), netip.AddrPortFrom(dst, uint16(udp.DstPort))
			case layers.LayerTypeTCP:
				f.payloadLen = len(tcp.Payload)
				f.src, f.dst = netip.AddrPortFrom(src, uint16(tcp.SrcPort)), netip.AddrPortFrom(dst, uint16(tcp.DstPort))
			}
		}
		if !f.dst.IsValid() {
			t.Fatalf("frame %d: no UDP/TCP layer (%v)", len(out), dec)
		}
		out = append(out, f)
	}
}

func generate(t *testing.T, o Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, _, err := Generate(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

func small() Options {
	o := DefaultOptions()
	o.Calls, o.RTSP, o.Flows, o.Duration = 20, 4, 10, 2*time.Second
	return o
}

func TestDeterministic(t *testing.T) {
	a, _ := generate(t, small())
	b, _ := generate(t, small())
	if !bytes.Equal(a, b) {
		t.Fatal("same options, different bytes")
	}
	o := small()
	o.Seed = 2
	if c, _ := generate(t, o); bytes.Equal(a, c) {
		t.Fatal("another seed, same bytes")
	}
}

// TestVoiceAndConcurrency checks G.711 frame sizes and that every call
// sends RTP to the VIP in the middle of the capture (all concurrent).
func TestVoiceAndConcurrency(t *testing.T) {
	o := small()
	capture, st := generate(t, o)
	fs := decode(t, capture)
	if uint64(len(fs)) != st.Frames {
		t.Fatalf("%d frames decoded, Stats says %d", len(fs), st.Frames)
	}
	mid := o.Duration / 2
	calls := map[netip.AddrPort]bool{}
	var last time.Duration
	for i, f := range fs {
		if f.at < last || f.at >= o.Duration {
			t.Fatalf("frame %d at %v: out of order or past the duration", i, f.at)
		}
		last = f.at
		p := f.dst.Port()
		if f.udp && f.dst.Addr() == o.VIPs[0] && p >= 20000 && p < 40000 && p%2 == 0 {
			if f.size != 214 || f.payloadLen != 172 {
				t.Fatalf("voice frame %d: %d bytes, payload %d; want 214 and 172", i, f.size, f.payloadLen)
			}
			if f.at >= mid && f.at < mid+voiceGap {
				calls[f.src] = true
			}
		}
	}
	if len(calls) != o.Calls {
		t.Errorf("%d calls sending RTP at %v, want all %d", len(calls), mid, o.Calls)
	}
}

func TestMinAndToVIPOnly(t *testing.T) {
	o := small()
	o.VIPs = append(o.VIPs, netip.MustParseAddr("2001:db8:100::1"))
	o.IPv6Share = 0.5
	_, full := generate(t, o)
	o.Min, o.ToVIPOnly = true, true
	capture, st := generate(t, o)
	if st.Frames != full.ToVIP || st.ToVIP != st.Frames {
		t.Errorf("to-VIP only wrote %d frames (%d to a VIP), the full capture has %d to a VIP", st.Frames, st.ToVIP, full.ToVIP)
	}
	v6 := 0
	for i, f := range decode(t, capture) {
		if f.dstMAC != o.DstMAC.String() || (f.dst.Addr() != o.VIPs[0] && f.dst.Addr() != o.VIPs[1]) {
			t.Fatalf("frame %d to %v (MAC %s): not to a VIP", i, f.dst, f.dstMAC)
		}
		signalling := f.dst.Port() == o.SIPPort || f.dst.Port() == o.RTSPPort
		if f.dst.Addr().Is6() {
			v6++
		}
		if want := 60; !signalling && f.dst.Addr().Is4() && f.size != want {
			t.Fatalf("frame %d to %v: %d bytes, want %d", i, f.dst, f.size, want)
		} else if !signalling && f.size > 78 { // an IPv6 SYN with MSS: 78
			t.Fatalf("IPv6 frame %d to %v: %d bytes, want at most 78", i, f.dst, f.size)
		}
	}
	if v6 == 0 || st.IPv6Sessions == 0 {
		t.Error("no IPv6 frame with ipv6-share 0.5")
	}
}

func TestValidate(t *testing.T) {
	for name, f := range map[string]func(*Options){
		"no vip":       func(o *Options) { o.VIPs = nil },
		"short":        func(o *Options) { o.Duration = time.Millisecond },
		"ipv6 no vip":  func(o *Options) { o.IPv6Share = 0.5 },
		"empty":        func(o *Options) { o.Calls, o.RTSP, o.Flows = 0, 0, 0 },
		"too many":     func(o *Options) { o.Calls = MaxCallsPerVIP + 1 },
		"same ports":   func(o *Options) { o.RTSPPort = o.SIPPort },
		"same MACs":    func(o *Options) { o.SrcMAC = o.DstMAC },
		"share over 1": func(o *Options) { o.IPv6Share = 2 },
	} {
		o := DefaultOptions()
		f(&o)
		if err := o.Validate(); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: %v, want ErrOptions", name, err)
		}
	}
	o := DefaultOptions()
	if err := o.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func TestTemplates(t *testing.T) {
	o := DefaultOptions()
	o.VIPs = append(o.VIPs, netip.MustParseAddr("2001:db8:100::1"))
	ts, err := Templates(o)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"voice_rtp.pcap": 214, "voice_rtp6.pcap": 234, "min64_udp.pcap": 60, "min64_udp6.pcap": 74,
		"bg_udp_60.pcap": 60, "bg_udp_590.pcap": 590, "bg_udp_1514.pcap": 1514, "bg_tcp_1514.pcap": 1514}
	for _, tp := range ts {
		if w, ok := want[tp.Name]; ok && len(tp.Frame) != w {
			t.Errorf("%s: %d bytes, want %d", tp.Name, len(tp.Frame), w)
		}
		delete(want, tp.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing templates: %v", want)
	}
	o.VIPs = o.VIPs[1:]
	if _, err := Templates(o); !errors.Is(err, ErrOptions) {
		t.Errorf("templates without an IPv4 VIP: %v", err)
	}
}
