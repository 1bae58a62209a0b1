package dataplane

import (
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// parseSeeds are frames on both sides of the fast path's conditions:
// untagged and 802.1Q, UDP and TCP, IPv4 options, fragments, QinQ, IPv6,
// short lengths.
func parseSeeds(t testing.TB) [][]byte {
	ser := func(ls ...gopacket.SerializableLayer) []byte {
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
			t.Fatal(err)
		}
		return append([]byte(nil), buf.Bytes()...)
	}
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	eth := func(et layers.EthernetType) *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: et}
	}
	ip4 := func(p layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, IHL: 5, TTL: 9, Protocol: p, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{10, 0, 0, 100}}
	}
	udp := &layers.UDP{SrcPort: 4000, DstPort: 5060}
	tcp := &layers.TCP{SrcPort: 4000, DstPort: 554, SYN: true, DataOffset: 5}
	pay := gopacket.Payload("hello")
	frag := ip4(layers.IPProtocolUDP)
	frag.Flags = layers.IPv4MoreFragments
	opts := ip4(layers.IPProtocolUDP)
	opts.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
	frames := [][]byte{
		ser(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), udp, pay),
		ser(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP), tcp, pay),
		ser(eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 7, Type: layers.EthernetTypeIPv4},
			ip4(layers.IPProtocolUDP), udp, pay),
		ser(eth(layers.EthernetTypeQinQ), &layers.Dot1Q{VLANIdentifier: 7, Type: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 8, Type: layers.EthernetTypeIPv4}, ip4(layers.IPProtocolUDP), udp, pay),
		ser(eth(layers.EthernetTypeIPv4), frag, udp, pay),
		ser(eth(layers.EthernetTypeIPv4), opts, udp, pay),
		ser(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4), pay),
		ser(eth(layers.EthernetTypeIPv6), &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, HopLimit: 9,
			SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}, udp, pay),
	}
	n := len(frames)
	for _, f := range frames[:n] { // every truncation, and padding beyond the IP length
		for cut := 0; cut < len(f); cut++ {
			frames = append(frames, f[:cut])
		}
		frames = append(frames, append(append([]byte(nil), f...), make([]byte, 20)...))
	}
	return frames
}

// TestParseFastPathTakesCommonFrames checks that the fast path is not
// bypassed for the frames it exists for — untagged and 802.1Q-tagged IPv4
// UDP and TCP, padded or not — and leaves the others (QinQ, IPv4 options,
// fragments, other protocols, IPv6) to the full parser. A fast path that
// took none would agree with the full parser on every frame.
func TestParseFastPathTakesCommonFrames(t *testing.T) {
	seeds := parseSeeds(t) // its first eight frames are the kinds below, whole
	for i, want := range []bool{true, true, true, false, false, false, false, false} {
		if got := parseFastTakes(seeds[i]); got != want {
			t.Errorf("seed %d (%x): fast path takes it %v, want %v", i, seeds[i], got, want)
		}
		padded := append(append([]byte(nil), seeds[i]...), make([]byte, 20)...)
		if got := parseFastTakes(padded); got != want {
			t.Errorf("seed %d padded: fast path takes it %v, want %v", i, got, want)
		}
	}
}

// TestParseFastPathAgrees checks that the parser's IPv4 fast path changes
// nothing: on every seed frame, and on every frame with one byte of the
// Ethernet, IP or L4 header changed to a few telling values (ethertype,
// version/IHL, length, flags, protocol, data offset), the result and every
// parsed field equal the full parser's.
func TestParseFastPathAgrees(t *testing.T) {
	for i, f := range parseSeeds(t) {
		if !parseAgrees(f) {
			t.Fatalf("seed %d (%x): fast path and full parser differ", i, f)
		}
		for pos := 12; pos < len(f) && pos < 60; pos++ {
			for _, v := range []byte{0x00, 0x01, 0x06, 0x08, 0x11, 0x20, 0x45, 0x46, 0x50, 0x81, 0xff} {
				g := append([]byte(nil), f...)
				g[pos] = v
				if !parseAgrees(g) {
					t.Fatalf("seed %d byte %d = %#x (%x): fast path and full parser differ", i, pos, v, g)
				}
			}
		}
	}
}

// FuzzParseFastPath: on any frame the fast path and the full parser agree.
func FuzzParseFastPath(f *testing.F) {
	for _, s := range parseSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		if !parseAgrees(frame) {
			t.Fatalf("%x: fast path and full parser differ", frame)
		}
	})
}
