package gen

import (
	"net/netip"
)

// flow is one 5-tuple to a VIP, derived from its index alone (no storage).
type flow struct {
	tcp, v6   bool
	src, dst  netip.Addr
	sport     uint16
	dport     uint16
	isn, ssrc uint32 // TCP initial sequence number, RTP SSRC
	peerISN   uint32 // server's sequence number, acknowledged by the client
	vlan      uint16 // VLAN id when the frame is tagged
}

// flowSpace derives flows: the client address and source port come from a
// 32-bit keyed bijection of the flow index, so distinct indexes have distinct
// (source address, source port) and thus distinct 5-tuples.
type flowSpace struct {
	seed      uint64
	tcpShare  float64
	v6Share   float64
	v4, v6    []netip.Addr
	clientMap feistel
}

func newFlowSpace(o *Options) *flowSpace {
	fs := &flowSpace{seed: o.Seed, tcpShare: o.TCPShare, v6Share: o.IPv6Share,
		clientMap: newFeistel(1<<32, o.Seed^0xc11e47)}
	for _, v := range o.VIPs {
		if v.Is4() {
			fs.v4 = append(fs.v4, v)
		} else {
			fs.v6 = append(fs.v6, v)
		}
	}
	switch {
	case len(fs.v6) == 0:
		fs.v6Share = 0 // IPv6 flows need an IPv6 VIP: none generated
	case len(fs.v4) == 0:
		fs.v6Share = 1
	}
	return fs
}

// Client address ranges: 100.64.0.0/10 (IPv4) and 2001:db8:5a52::/48 (IPv6).
var clientV6Prefix = [8]byte{0x20, 0x01, 0x0d, 0xb8, 0x5a, 0x52, 0, 0}

// at returns flow i.
func (fs *flowSpace) at(i uint32) flow {
	h1 := mix64(fs.seed ^ uint64(i)*0x9e3779b97f4a7c15)
	h2 := mix64(h1 ^ 0x5a52)
	h3 := mix64(h2 ^ 0x4100)
	p := uint32(fs.clientMap.at(uint64(i)))
	f := flow{
		tcp:     unit(h1) < fs.tcpShare,
		v6:      unit(h2) < fs.v6Share,
		sport:   uint16(1024 + (p&1023)*63 + uint32(h3%63)),
		isn:     uint32(h3 >> 32),
		ssrc:    uint32(h2 >> 32),
		peerISN: uint32(h1 >> 32),
		vlan:    uint16(1 + h3%4094),
	}
	host := p >> 10 // 22 bits
	if f.v6 {
		f.dst = fs.v6[h3%uint64(len(fs.v6))]
		var a [16]byte
		copy(a[:], clientV6Prefix[:])
		a[8], a[9], a[10], a[11] = byte(h2>>24), byte(h2>>16), byte(h2>>8), byte(h2)
		a[12], a[13], a[14], a[15] = byte(host>>24), byte(host>>16), byte(host>>8), byte(host)
		f.src = netip.AddrFrom16(a)
	} else {
		f.dst = fs.v4[h3%uint64(len(fs.v4))]
		f.src = netip.AddrFrom4([4]byte{100, 64 | byte(host>>16), byte(host >> 8), byte(host)})
	}
	if f.tcp {
		f.dport = tcpPorts[h2%uint64(len(tcpPorts))]
	} else {
		f.dport = uint16(10000 + 2*(h1%5000)) // even RTP ports 10000..19998
	}
	return f
}

// tcpPorts are the TCP services flows go to; SIP (5060) and RTSP (554, 8554)
// are avoided so that no generated flow is taken for signalling.
var tcpPorts = []uint16{80, 443, 8080, 8443}
