package gen

import (
	"encoding/binary"
	"net"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Frame sizes of the mix, in pcap bytes (without the 4-byte FCS; add 4 for
// the size on the wire: 64, 218, 594, 1518).
const (
	frameMin  = 60
	frameRTP  = 214 // Ethernet + IPv4 + UDP + RTP(12) + G.711 20 ms (160)
	frameMid  = 590
	frameMax  = 1514
	rtpHeader = 12
	rtpG711   = 160
)

// builder serialises frames into one reused buffer with reused layers.
type builder struct {
	dst, src net.HardwareAddr
	buf      gopacket.SerializeBuffer
	opts     gopacket.SerializeOptions
	eth      layers.Ethernet
	dot1q    layers.Dot1Q
	ip4      layers.IPv4
	ip6      layers.IPv6
	udp      layers.UDP
	tcp      layers.TCP
	pay      []byte // fixed filler
	rtp      []byte // filler with an RTP header written in front
	scratch  []byte // raw L4 bytes of fragments and garbage
	stack    []gopacket.SerializableLayer
}

func newBuilder(o *Options) *builder {
	b := &builder{
		dst:     o.DstMAC,
		src:     o.SrcMAC,
		buf:     gopacket.NewSerializeBuffer(),
		opts:    gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		pay:     make([]byte, frameMax),
		rtp:     make([]byte, frameMax),
		scratch: make([]byte, frameMax),
	}
	for i := range b.pay {
		b.pay[i] = byte(i*7 + 1) // fixed filler
	}
	copy(b.rtp, b.pay)
	return b
}

// l3 describes the network header of a frame being built.
type l3 struct {
	v6       bool
	src, dst netip.Addr
	proto    layers.IPProtocol
	id       uint16
	vlan     uint16 // 0 = untagged
	mf       bool   // IPv4 more-fragments flag
	fragOff  uint16 // IPv4 fragment offset in 8-byte units
}

// begin resets the stack and pushes Ethernet, the optional 802.1Q tag and
// the IP header.
func (b *builder) begin(n l3) {
	b.stack = b.stack[:0]
	b.eth = layers.Ethernet{SrcMAC: b.src, DstMAC: b.dst}
	et := layers.EthernetTypeIPv4
	if n.v6 {
		et = layers.EthernetTypeIPv6
	}
	if n.vlan != 0 {
		b.eth.EthernetType = layers.EthernetTypeDot1Q
		b.dot1q = layers.Dot1Q{VLANIdentifier: n.vlan, Type: et}
		b.stack = append(b.stack, &b.eth, &b.dot1q)
	} else {
		b.eth.EthernetType = et
		b.stack = append(b.stack, &b.eth)
	}
	if n.v6 {
		b.ip6 = layers.IPv6{Version: 6, NextHeader: n.proto, HopLimit: 64,
			SrcIP: n.src.AsSlice(), DstIP: n.dst.AsSlice()}
		b.stack = append(b.stack, &b.ip6)
	} else {
		b.ip4 = layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: n.proto, Id: n.id,
			SrcIP: n.src.AsSlice(), DstIP: n.dst.AsSlice(), FragOffset: n.fragOff}
		if n.mf {
			b.ip4.Flags = layers.IPv4MoreFragments
		}
		b.stack = append(b.stack, &b.ip4)
	}
}

// netLayer is the IP layer pushed by begin, for L4 checksums.
func (b *builder) netLayer(v6 bool) gopacket.NetworkLayer {
	if v6 {
		return &b.ip6
	}
	return &b.ip4
}

// payloadLen returns the L4 payload that makes an IPv4 untagged frame of
// size target; IPv6 adds its 20 extra header bytes to every size but the
// minimum, capped at frameMax (1500-byte MTU). hdr is the L4 header length.
func payloadLen(target int, v6 bool, hdr int) int {
	ip := 20
	if v6 {
		ip = 40
		if target > frameMin {
			target = min(target+20, frameMax)
		}
	}
	n := target - 14 - ip - hdr
	if n < 0 {
		return 0
	}
	return n
}

// udpFrame builds a UDP datagram; with rtp it carries an RTP header
// (version 2, PCMU, sequence seq, timestamp seq·160, the given SSRC).
func (b *builder) udpFrame(n l3, sport, dport uint16, payload int, rtp bool, seq, ssrc uint32) ([]byte, error) {
	n.proto = layers.IPProtocolUDP
	b.begin(n)
	b.udp = layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	_ = b.udp.SetNetworkLayerForChecksum(b.netLayer(n.v6))
	p := b.pay[:payload]
	if rtp && payload >= rtpHeader {
		p = b.rtp[:payload]
		p[0], p[1] = 0x80, 0 // V=2, PT=0 (PCMU)
		binary.BigEndian.PutUint16(p[2:], uint16(seq))
		binary.BigEndian.PutUint32(p[4:], seq*rtpG711)
		binary.BigEndian.PutUint32(p[8:], ssrc)
	}
	b.stack = append(b.stack, &b.udp, gopacket.Payload(p))
	return b.serialize()
}

// tcpFrame builds a TCP segment. A SYN carries an MSS option (1460).
func (b *builder) tcpFrame(n l3, sport, dport uint16, seq, ack uint32, syn, psh bool, payload int) ([]byte, error) {
	n.proto = layers.IPProtocolTCP
	b.begin(n)
	b.tcp = layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport),
		Seq: seq, Window: 64240, SYN: syn, ACK: !syn, PSH: psh}
	if !syn {
		b.tcp.Ack = ack
	} else {
		b.tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}}}
	}
	_ = b.tcp.SetNetworkLayerForChecksum(b.netLayer(n.v6))
	b.stack = append(b.stack, &b.tcp, gopacket.Payload(b.pay[:payload]))
	return b.serialize()
}

// rawIPFrame builds an IP packet whose L4 bytes are raw (fragments, garbage).
func (b *builder) rawIPFrame(n l3, raw []byte) ([]byte, error) {
	b.begin(n)
	b.stack = append(b.stack, gopacket.Payload(raw))
	return b.serialize()
}

// serialize writes the stack. gopacket pads frames to 60 bytes; a tagged
// frame is padded to 64 so that it is its untagged frame plus the 4-byte tag.
func (b *builder) serialize() ([]byte, error) {
	if err := gopacket.SerializeLayers(b.buf, b.opts, b.stack...); err != nil {
		return nil, err
	}
	if n := len(b.buf.Bytes()); b.eth.EthernetType == layers.EthernetTypeDot1Q && n < frameMin+4 {
		pad, err := b.buf.AppendBytes(frameMin + 4 - n)
		if err != nil {
			return nil, err
		}
		clear(pad)
	}
	return b.buf.Bytes(), nil
}
