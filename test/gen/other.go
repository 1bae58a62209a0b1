package gen

import (
	"encoding/binary"
	"net/netip"
)

// Noise destinations: 198.51.100.0/24 (TEST-NET-2), never a VIP.
var noisePrefix = [3]byte{198, 51, 100}

// noise builds a well-formed IPv4 UDP or TCP (ACK) frame from a client
// address to a TEST-NET-2 host.
func (g *generator) noise() ([]byte, error) {
	h := g.rng.Uint64()
	dst := netip.AddrFrom4([4]byte{noisePrefix[0], noisePrefix[1], noisePrefix[2], byte(1 + h%254)})
	if g.isVIP(dst) {
		dst = netip.AddrFrom4([4]byte{192, 0, 2, 1})
	}
	src := netip.AddrFrom4([4]byte{100, 64 | byte(h>>8)&63, byte(h >> 16), byte(h >> 24)})
	n := l3{src: src, dst: dst, id: uint16(h >> 32), vlan: g.vlan(uint16(1 + h>>48%4094))}
	sport, dport := uint16(1024+(h>>40)%60000), uint16(1+(h>>20)%1023)
	size := g.imix()
	if h&1 == 0 {
		return g.b.udpFrame(n, sport, dport, payloadLen(size, false, 8), false, 0, 0)
	}
	return g.b.tcpFrame(n, sport, dport, uint32(h), uint32(h>>32), false, false, payloadLen(size, false, 20))
}

func (g *generator) isVIP(a netip.Addr) bool {
	for _, v := range g.o.VIPs {
		if v == a {
			return true
		}
	}
	return false
}

// fragment builds an IPv4 fragment of a UDP datagram to an IPv4 VIP. Half
// are first fragments (offset 0, MF set, starting with a UDP header that
// announces the whole datagram), half later fragments (offset > 0, MF set
// or clear).
func (g *generator) fragment() ([]byte, error) {
	h := g.rng.Uint64()
	vip := g.fs.v4[h%uint64(len(g.fs.v4))]
	src := netip.AddrFrom4([4]byte{100, 64 | byte(h>>8)&63, byte(h >> 16), byte(h >> 24)})
	n := l3{src: src, dst: vip, id: uint16(h >> 32), vlan: g.vlan(uint16(1 + h>>48%4094))}
	n.proto = 17 // UDP
	size := frameMax
	if g.o.Size == SizeMin {
		size = frameMin
	}
	raw := g.b.pay[:payloadLen(size, false, 0)&^7]
	if h&(1<<62) == 0 {
		n.mf = true
		frag := g.b.scratch[:max(len(raw), 8)]
		copy(frag, g.b.pay)
		binary.BigEndian.PutUint16(frag[0:], uint16(1024+(h>>40)%60000))
		binary.BigEndian.PutUint16(frag[2:], uint16(10000+2*((h>>20)%5000)))
		binary.BigEndian.PutUint16(frag[4:], uint16(len(frag)+1480)) // longer than this fragment
		binary.BigEndian.PutUint16(frag[6:], 0)
		return g.b.rawIPFrame(n, frag)
	}
	n.mf = h&(1<<61) != 0
	n.fragOff = uint16(1 + (h>>44)%1000) // 8-byte units
	return g.b.rawIPFrame(n, raw)
}
