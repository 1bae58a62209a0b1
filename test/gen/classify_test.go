package gen

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// This file classifies frames independently of the generator, from their
// bytes, with gopacket: the tests compare its counts with Stats.

type class int

const (
	cVIP class = iota
	cNoise
	cGarbage
	cFragment
)

type frame struct {
	ci   gopacket.CaptureInfo
	data []byte
}

// decoded is what the classifier learned of one frame.
type decoded struct {
	class    class
	tagged   bool
	v6       bool
	tuple    string // 5-tuple of VIP frames
	tcp      *layers.TCP
	udp      *layers.UDP
	payload  []byte
	checksum bool // IP and L4 checksums verified
}

func readPcap(t testing.TB, b []byte) []frame {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeEthernet || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("link type %v / magic %x: want Ethernet, microsecond pcap", r.LinkType(), b[:4])
	}
	var out []frame
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		out = append(out, frame{ci, data})
	}
	return out
}

// classify decodes Ethernet, 802.1Q, IPv4/IPv6 and UDP/TCP with a
// DecodingLayerParser (application layers are not decoded) and sorts the
// frame into a class.
func classify(data []byte, vips map[netip.Addr]bool) decoded {
	var (
		eth   layers.Ethernet
		dot1q layers.Dot1Q
		ip4   layers.IPv4
		ip6   layers.IPv6
		udp   layers.UDP
		tcp   layers.TCP
		found []gopacket.LayerType
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &ip4, &ip6, &udp, &tcp)
	parser.IgnoreUnsupported = true // application layers (NTP on 123, ...) are not decoded
	err := parser.DecodeLayers(data, &found)
	d := decoded{class: cGarbage}
	has := map[gopacket.LayerType]bool{}
	for _, l := range found {
		has[l] = true
	}
	d.tagged = has[layers.LayerTypeDot1Q]
	if err != nil {
		return d
	}
	var ip gopacket.NetworkLayer
	switch {
	case has[layers.LayerTypeIPv4]:
		ip = &ip4
	case has[layers.LayerTypeIPv6]:
		ip = &ip6
	}
	var src, dst netip.Addr
	var proto layers.IPProtocol
	var l3 []byte
	var fragment bool
	switch ip := ip.(type) {
	case *layers.IPv4:
		if ip.IHL != 5 || ip.Version != 4 || int(ip.Length) > len(ip.Contents)+len(ip.Payload) || !ipv4ChecksumOK(ip.Contents) {
			return d
		}
		src, dst, proto = netip.AddrFrom4([4]byte(ip.SrcIP.To4())), netip.AddrFrom4([4]byte(ip.DstIP.To4())), ip.Protocol
		fragment = ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0
		l3 = ip.Payload
	case *layers.IPv6:
		if ip.Version != 6 {
			return d
		}
		src, dst, proto = netip.AddrFrom16([16]byte(ip.SrcIP)), netip.AddrFrom16([16]byte(ip.DstIP)), ip.NextHeader
		d.v6 = true
		l3 = ip.Payload
	default:
		return d
	}
	if fragment {
		if vips[dst] && proto == layers.IPProtocolUDP {
			d.class = cFragment
		}
		return d
	}
	var sport, dport uint16
	switch {
	case proto == layers.IPProtocolUDP && has[layers.LayerTypeUDP]:
		d.udp = &udp
		sport, dport, d.payload = uint16(d.udp.SrcPort), uint16(d.udp.DstPort), d.udp.Payload
	case proto == layers.IPProtocolTCP && has[layers.LayerTypeTCP]:
		d.tcp = &tcp
		sport, dport, d.payload = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort), d.tcp.Payload
	default:
		return d
	}
	if (d.udp != nil && (len(l3) < 8 || int(d.udp.Length) != len(l3))) ||
		(d.tcp != nil && (d.tcp.DataOffset < 5 || int(d.tcp.DataOffset)*4 > len(l3))) {
		return d
	}
	d.checksum = l4ChecksumOK(src, dst, proto, l3)
	if !vips[dst] {
		d.class = cNoise
		return d
	}
	d.class = cVIP
	d.tuple = netip.AddrPortFrom(src, sport).String() + ">" + netip.AddrPortFrom(dst, dport).String() + "/" + proto.String()
	return d
}

func sum16(b []byte, s uint32) uint32 {
	for len(b) >= 2 {
		s += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

func ipv4ChecksumOK(h []byte) bool { return fold(sum16(h, 0)) == 0xffff }

// l4ChecksumOK verifies a UDP or TCP checksum with the pseudo-header.
func l4ChecksumOK(src, dst netip.Addr, proto layers.IPProtocol, seg []byte) bool {
	s := sum16(src.AsSlice(), 0)
	s = sum16(dst.AsSlice(), s)
	s += uint32(proto) + uint32(len(seg))
	return fold(sum16(seg, s)) == 0xffff
}
