package sessions

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Template is one frame written alone to a pcap: the packet a TRex STL
// stream sends (STLPktBuilder(pkt=...)), its client address and port
// rewritten per flow by the stream's field engine.
type Template struct {
	Name  string // file name, e.g. "voice_rtp.pcap"
	Frame []byte
}

// TemplateClient is the client endpoint of every template; TRex profiles
// vary the address from there.
var TemplateClient = netip.MustParseAddr("100.64.0.1")

// TemplateClient6 is the IPv6 client of the IPv6 templates.
var TemplateClient6 = netip.MustParseAddr("2001:db8:5a52::1")

// Templates builds the frames of test/trex's STL profiles from the first
// IPv4 VIP (and the first IPv6 VIP for the *6 templates; without one they
// are left out): G.711 RTP and RTCP of a call, a SIP INVITE, background
// UDP and TCP frames in IMIX sizes, a TCP SYN and minimum-size UDP frames.
func Templates(o Options) ([]Template, error) {
	var v4, v6 netip.Addr
	for _, v := range o.VIPs {
		if v.Is4() && !v4.IsValid() {
			v4 = v
		} else if v.Is6() && !v6.IsValid() {
			v6 = v
		}
	}
	if !v4.IsValid() {
		return nil, fmt.Errorf("%w: templates need an IPv4 VIP", ErrOptions)
	}
	b := newBuilder(&o)
	var out []Template
	add := func(name string, frame []byte, err error) error {
		if err != nil {
			return fmt.Errorf("sessions: template %s: %w", name, err)
		}
		out = append(out, Template{Name: name, Frame: bytes.Clone(frame)})
		return nil
	}
	c := &call{id: 0, callID: "0-trex@sara-gen", fromTag: "trex", to: "strex",
		client: netip.AddrPortFrom(TemplateClient, 10000), vip: netip.AddrPortFrom(v4, o.SIPPort),
		cMedia: netip.AddrPortFrom(TemplateClient, 16384), sMedia: netip.AddrPortFrom(v4, 20000), cSSRC: 0x5a520001}
	bg := func(port uint16) netip.AddrPort { return netip.AddrPortFrom(v4, port) }
	cl := netip.AddrPortFrom(TemplateClient, 10000)
	f := &flow{client: cl, vip: bg(61000)}
	ft := &flow{tcp: true, client: cl, vip: bg(443), cSeq: 1000, sSeq: 5000}
	steps := []struct {
		name  string
		build func() ([]byte, error)
	}{
		{"voice_rtp.pcap", func() ([]byte, error) {
			return b.udpFrame(c.cMedia, c.sMedia, true, b.rtp(ptPCMU, false, 1, 160, c.cSSRC, rtpHeader+g711Payload))
		}},
		{"voice_rtcp.pcap", func() ([]byte, error) {
			return b.udpFrame(port1(c.cMedia), port1(c.sMedia), true, b.rtcp(false, false, c.cSSRC, 0x5a52, time.Second, 50))
		}},
		{"sip_invite.pcap", func() ([]byte, error) {
			return b.udpFrame(c.client, c.vip, true, c.request("INVITE", 1, 1, sdp(c.cMedia, c.cSSRC)))
		}},
		{"bg_udp_60.pcap", func() ([]byte, error) { return b.udpFrame(f.client, f.vip, true, b.fill(0, f.payload(60, false))) }},
		{"bg_udp_590.pcap", func() ([]byte, error) { return b.udpFrame(f.client, f.vip, true, b.fill(0, f.payload(590, false))) }},
		{"bg_udp_1514.pcap", func() ([]byte, error) { return b.udpFrame(f.client, f.vip, true, b.fill(0, f.payload(1514, false))) }},
		{"bg_tcp_syn.pcap", func() ([]byte, error) { return b.tcpFrame(ft.client, ft.vip, true, ft.cSeq, 0, flagSYN, nil) }},
		{"bg_tcp_60.pcap", func() ([]byte, error) {
			return b.tcpFrame(ft.client, ft.vip, true, ft.cSeq+1, ft.sSeq+1, flagPSH|flagACK, b.fill(0, ft.payload(60, false)))
		}},
		{"bg_tcp_590.pcap", func() ([]byte, error) {
			return b.tcpFrame(ft.client, ft.vip, true, ft.cSeq+1, ft.sSeq+1, flagPSH|flagACK, b.fill(0, ft.payload(590, false)))
		}},
		{"bg_tcp_1514.pcap", func() ([]byte, error) {
			return b.tcpFrame(ft.client, ft.vip, true, ft.cSeq+1, ft.sSeq+1, flagPSH|flagACK, b.fill(0, ft.payload(1514, false)))
		}},
		{"min64_udp.pcap", func() ([]byte, error) {
			return b.udpFrame(c.cMedia, c.sMedia, true, b.rtp(ptPCMU, false, 1, 160, c.cSSRC, minPayload(false)))
		}},
	}
	if v6.IsValid() {
		c6 := netip.AddrPortFrom(TemplateClient6, 16384)
		s6 := netip.AddrPortFrom(v6, 20000)
		steps = append(steps, struct {
			name  string
			build func() ([]byte, error)
		}{"voice_rtp6.pcap", func() ([]byte, error) {
			return b.udpFrame(c6, s6, true, b.rtp(ptPCMU, false, 1, 160, c.cSSRC, rtpHeader+g711Payload))
		}}, struct {
			name  string
			build func() ([]byte, error)
		}{"min64_udp6.pcap", func() ([]byte, error) {
			return b.udpFrame(c6, s6, true, b.rtp(ptPCMU, false, 1, 160, c.cSSRC, minPayload(true)))
		}})
	}
	for _, s := range steps {
		fr, err := s.build()
		if err := add(s.name, fr, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteTemplates writes each template as a one-frame pcap in dir.
func WriteTemplates(dir string, ts []Template, at time.Time) error {
	for _, t := range ts {
		var buf bytes.Buffer
		w := pcapgo.NewWriter(&buf)
		if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
			return err
		}
		ci := gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(t.Frame), Length: len(t.Frame)}
		if err := w.WritePacket(ci, t.Frame); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, t.Name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
	}
	return nil
}

// TrexVIPs are the VIPs `sara gen trex` builds templates for by default.
var TrexVIPs = []string{"10.0.0.100", "2001:db8:5a52:ffff::100"}

// SmallCapture is the capture test/trex/stl_replay.py loads: 4 calls, 2 RTSP
// sessions and 4 background flows for 1 s, frames to the VIPs only, IPv4.
const SmallCapture = "sessions_small.pcap"

// WriteTrex writes into dir every file test/trex's profiles load: the
// templates and SmallCapture. It returns the number of files written.
func WriteTrex(dir string, o Options) (int, error) {
	ts, err := Templates(o)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("sessions: %w", err)
	}
	if o.Start.IsZero() {
		o.Start = DefaultOptions().Start
	}
	if err := WriteTemplates(dir, ts, o.Start); err != nil {
		return 0, err
	}
	o.Calls, o.RTSP, o.Flows, o.ToVIPOnly, o.Min = 4, 2, 4, true, false
	o.Duration, o.IPv6Share = MinDuration, 0
	var buf bytes.Buffer
	if _, _, err := Generate(&buf, o); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, SmallCapture), buf.Bytes(), 0o644); err != nil {
		return 0, fmt.Errorf("sessions: %w", err)
	}
	return len(ts) + 1, nil
}
