package dataplane_test

import (
	"net"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/dpdk/dataplane"
)

func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

var (
	mac1 = net.HardwareAddr{2, 0, 0, 0, 0, 1}
	mac2 = net.HardwareAddr{2, 0, 0, 0, 0, 2}
)

func udp4(t testing.TB) []byte {
	return serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 9, Protocol: layers.IPProtocolUDP,
			SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{10, 0, 0, 100}},
		&layers.UDP{SrcPort: 4000, DstPort: 5060}, gopacket.Payload("hello"))
}

func TestClassifyKeys(t *testing.T) {
	vlan := serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 7, Type: layers.EthernetTypeIPv6},
		&layers.IPv6{Version: 6, HopLimit: 9, NextHeader: layers.IPProtocolTCP,
			SrcIP: net.ParseIP("fd00::1"), DstIP: net.ParseIP("fd00::100")},
		&layers.TCP{SrcPort: 1234, DstPort: 554, SYN: true, DataOffset: 5})
	hbh := serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv6},
		&layers.IPv6{Version: 6, HopLimit: 9, NextHeader: layers.IPProtocolIPv6HopByHop,
			SrcIP: net.ParseIP("fd00::1"), DstIP: net.ParseIP("fd00::100")},
		&layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{{OptionType: 1, OptionLength: 4, OptionData: []byte{0, 0, 0, 0}}}},
		&layers.UDP{SrcPort: 9, DstPort: 10})
	hbh[14+40] = byte(layers.IPProtocolUDP) // gopacket leaves NextHeader of the option header 0
	cases := []struct {
		name  string
		frame []byte
		want  dataplane.FlowKey
		flags uint8
	}{
		{"udp4", udp4(t), dataplane.FlowKey{netip.MustParseAddrPort("192.0.2.1:4000"),
			netip.MustParseAddrPort("10.0.0.100:5060"), 17}, 0},
		{"vlan tcp6 syn", vlan, dataplane.FlowKey{netip.MustParseAddrPort("[fd00::1]:1234"),
			netip.MustParseAddrPort("[fd00::100]:554"), 6}, 0x02},
		{"ipv6 hop-by-hop", hbh, dataplane.FlowKey{netip.MustParseAddrPort("[fd00::1]:9"),
			netip.MustParseAddrPort("[fd00::100]:10"), 17}, 0},
	}
	for _, tc := range cases {
		c := dataplane.Classify(tc.frame)
		if c.Drop != "" || c.Key != tc.want || c.TCPFlags != tc.flags {
			t.Errorf("%s: got %+v, want key %+v flags %#x", tc.name, c, tc.want, tc.flags)
		}
	}
}

func TestClassifyDrops(t *testing.T) {
	mod := func(f func(b []byte) []byte) []byte { return f(udp4(t)) }
	cases := map[string][]byte{
		"runt":           {1, 2, 3},
		"ethertype":      mod(func(b []byte) []byte { b[12], b[13] = 0x08, 0x06; return b }),
		"l3_truncated":   mod(func(b []byte) []byte { return b[:14+19] }),
		"bad_ip_version": mod(func(b []byte) []byte { b[14] = 0x65; return b }),
		"bad_ihl":        mod(func(b []byte) []byte { b[14] = 0x43; return b }),
		"bad_ip_length":  mod(func(b []byte) []byte { b[16], b[17] = 0xff, 0xff; return b }),
		"l4_truncated":   mod(func(b []byte) []byte { b[16], b[17] = 0, 24; return b }),
		"l4_protocol":    mod(func(b []byte) []byte { b[14+9] = 1; return b }),
		"fragment":       mod(func(b []byte) []byte { b[14+7] = 8; return b }),
	}
	for want, frame := range cases {
		if got := dataplane.Classify(frame).Drop; got != want {
			t.Errorf("%s: classified as %q", want, got)
		}
	}
}

// FuzzClassify feeds arbitrary frames to the C parser: it must never read
// out of bounds (run under -fuzz with ASan-free checks: a crash fails) and
// must agree with gopacket on the 5-tuple of every frame it accepts.
func FuzzClassify(f *testing.F) {
	f.Add(udp4(f))
	f.Add([]byte{})
	f.Add(make([]byte, 60))
	f.Fuzz(func(t *testing.T, frame []byte) {
		c := dataplane.Classify(frame)
		if c.Drop != "" {
			return
		}
		p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.NoCopy)
		tl := p.TransportLayer()
		if tl == nil {
			return // gopacket gave up on a frame the data plane accepts: nothing to compare
		}
		src, dst := tl.TransportFlow().Endpoints()
		if s := src.String(); s != "" && s != itoa(c.Key.Src.Port()) {
			t.Fatalf("source port %s vs %d", s, c.Key.Src.Port())
		}
		if d := dst.String(); d != "" && d != itoa(c.Key.Dst.Port()) {
			t.Fatalf("destination port %s vs %d", d, c.Key.Dst.Port())
		}
	})
}

func itoa(v uint16) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), v).String()[len("0.0.0.0:"):]
}
