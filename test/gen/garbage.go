package gen

import (
	"encoding/binary"
	"net/netip"
)

// GarbageKind is one way a malformed frame is malformed.
type GarbageKind uint8

// The kinds of garbage, drawn uniformly. README.md describes each.
const (
	Runt           GarbageKind = iota // 1..13 bytes: not even an Ethernet header
	TruncIPv4                         // IPv4 ethertype, 1..19 bytes of IPv4 header
	TruncIPv6                         // IPv6 ethertype, 1..39 bytes of IPv6 header
	TruncUDP                          // IPv4 to a VIP, protocol UDP, 1..7 bytes of UDP header
	TruncTCP                          // IPv4 to a VIP, protocol TCP, 1..19 bytes of TCP header
	BadIHL                            // IPv4 UDP to a VIP with IHL 0..4
	BadTotalLength                    // IPv4 UDP to a VIP whose total length exceeds the frame
	NonIP                             // ARP, LLDP, PPPoE discovery or 0x88b5 ethertype
	BadVersion                        // IPv4 ethertype, version nibble 6
	NumGarbageKinds
)

var garbageNames = [NumGarbageKinds]string{"runt", "trunc-ipv4", "trunc-ipv6", "trunc-udp", "trunc-tcp",
	"bad-ihl", "bad-total-length", "non-ip", "bad-version"}

// String names the kind.
func (k GarbageKind) String() string {
	if k < NumGarbageKinds {
		return garbageNames[k]
	}
	return "unknown"
}

var nonIPTypes = [...]uint16{0x0806, 0x88cc, 0x8863, 0x88b5}

// garbage builds a malformed frame of a uniformly drawn kind. Garbage frames
// are never VLAN-tagged.
func (g *generator) garbage() ([]byte, error) {
	h := g.rng.Uint64()
	kind := GarbageKind(h % uint64(NumGarbageKinds))
	g.st.GarbageKinds[kind]++
	dst := netip.AddrFrom4([4]byte{192, 0, 2, 1})
	if len(g.fs.v4) > 0 {
		dst = g.fs.v4[(h>>8)%uint64(len(g.fs.v4))]
	}
	src := netip.AddrFrom4([4]byte{100, 64 | byte(h>>16)&63, byte(h >> 24), byte(h >> 32)})
	n := l3{src: src, dst: dst, id: uint16(h >> 40), proto: 17}
	cut := int(h >> 48) // random length selector
	switch kind {
	case Runt:
		f, err := g.b.udpFrame(n, 5004, 5004, 0, false, 0, 0)
		return f[:1+cut%13], err
	case TruncIPv4:
		f, err := g.b.udpFrame(n, 5004, 5004, 0, false, 0, 0)
		return f[:14+1+cut%19], err
	case TruncIPv6:
		v6 := netip.MustParseAddr("2001:db8::1")
		f, err := g.b.udpFrame(l3{v6: true, src: v6, dst: v6, proto: 17}, 5004, 5004, 0, false, 0, 0)
		return f[:14+1+cut%39], err
	case TruncUDP, TruncTCP:
		l := 1 + cut%7
		if kind == TruncTCP {
			n.proto, l = 6, 1+cut%19
		}
		raw := g.b.scratch[:l]
		copy(raw, g.b.pay)
		return g.b.rawIPFrame(n, raw)
	case BadIHL:
		f, err := g.b.udpFrame(n, 5004, 5004, 18, false, 0, 0)
		if err == nil {
			f[14] = 0x40 | byte(cut%5)
		}
		return f, err
	case BadTotalLength:
		f, err := g.b.udpFrame(n, 5004, 5004, 18, false, 0, 0)
		if err == nil {
			tl := binary.BigEndian.Uint16(f[16:])
			binary.BigEndian.PutUint16(f[16:], tl+uint16(len(f)-14)+1+uint16(cut%1000))
			fixIPv4Checksum(f[14:34])
		}
		return f, err
	case NonIP:
		f, err := g.b.udpFrame(n, 5004, 5004, 18, false, 0, 0)
		if err == nil {
			binary.BigEndian.PutUint16(f[12:], nonIPTypes[cut%len(nonIPTypes)])
		}
		return f, err
	default: // BadVersion
		f, err := g.b.udpFrame(n, 5004, 5004, 18, false, 0, 0)
		if err == nil {
			f[14] = 0x65
			fixIPv4Checksum(f[14:34])
		}
		return f, err
	}
}

// fixIPv4Checksum recomputes the header checksum of a 20-byte IPv4 header.
func fixIPv4Checksum(h []byte) {
	h[10], h[11] = 0, 0
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(h[10:], ^uint16(sum))
}
