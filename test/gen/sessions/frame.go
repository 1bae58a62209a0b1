package sessions

import (
	"net"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// TCP flags of tcpFrame.
const (
	flagFIN = 1 << iota
	flagSYN
	flagRST
	flagPSH
	flagACK
)

// builder serialises frames into one reused buffer with reused layers.
type builder struct {
	toVIP, fromVIP [2]net.HardwareAddr // {dst, src}
	buf            gopacket.SerializeBuffer
	opts           gopacket.SerializeOptions
	eth            layers.Ethernet
	ip4            layers.IPv4
	ip6            layers.IPv6
	udp            layers.UDP
	tcp            layers.TCP
	stack          []gopacket.SerializableLayer
	scratch        []byte // payload being built (RTP, RTCP, filler)
	ipid           uint16
}

func newBuilder(o *Options) *builder {
	return &builder{
		toVIP:   [2]net.HardwareAddr{o.DstMAC, o.SrcMAC},
		fromVIP: [2]net.HardwareAddr{o.SrcMAC, o.DstMAC},
		buf:     gopacket.NewSerializeBuffer(),
		opts:    gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		scratch: make([]byte, 1500),
	}
}

// ip pushes Ethernet and the IP header of a packet from src to dst.
func (b *builder) ip(src, dst netip.Addr, toVIP bool, proto layers.IPProtocol) gopacket.NetworkLayer {
	macs := b.fromVIP
	if toVIP {
		macs = b.toVIP
	}
	b.eth = layers.Ethernet{DstMAC: macs[0], SrcMAC: macs[1], EthernetType: layers.EthernetTypeIPv4}
	b.stack = append(b.stack[:0], &b.eth)
	if src.Is6() {
		b.eth.EthernetType = layers.EthernetTypeIPv6
		b.ip6 = layers.IPv6{Version: 6, NextHeader: proto, HopLimit: 64, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		b.stack = append(b.stack, &b.ip6)
		return &b.ip6
	}
	b.ipid++
	b.ip4 = layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, Id: b.ipid, Flags: layers.IPv4DontFragment,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	b.stack = append(b.stack, &b.ip4)
	return &b.ip4
}

// udpFrame builds a UDP datagram carrying payload.
func (b *builder) udpFrame(src, dst netip.AddrPort, toVIP bool, payload []byte) ([]byte, error) {
	nl := b.ip(src.Addr(), dst.Addr(), toVIP, layers.IPProtocolUDP)
	b.udp = layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	_ = b.udp.SetNetworkLayerForChecksum(nl)
	b.stack = append(b.stack, &b.udp, gopacket.Payload(payload))
	return b.serialize()
}

// tcpFrame builds a TCP segment; a SYN carries an MSS option (1460).
func (b *builder) tcpFrame(src, dst netip.AddrPort, toVIP bool, seq, ack uint32, flags int, payload []byte) ([]byte, error) {
	nl := b.ip(src.Addr(), dst.Addr(), toVIP, layers.IPProtocolTCP)
	b.tcp = layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: seq,
		Window: 64240, FIN: flags&flagFIN != 0, SYN: flags&flagSYN != 0, RST: flags&flagRST != 0,
		PSH: flags&flagPSH != 0, ACK: flags&flagACK != 0}
	if b.tcp.ACK {
		b.tcp.Ack = ack
	}
	if b.tcp.SYN {
		b.tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}}}
	}
	_ = b.tcp.SetNetworkLayerForChecksum(nl)
	b.stack = append(b.stack, &b.tcp, gopacket.Payload(payload))
	return b.serialize()
}

// serialize writes the stack; gopacket pads frames to 60 bytes.
func (b *builder) serialize() ([]byte, error) {
	if err := gopacket.SerializeLayers(b.buf, b.opts, b.stack...); err != nil {
		return nil, err
	}
	return b.buf.Bytes(), nil
}

// fill returns n bytes of the scratch buffer after a header already
// written at its start, filled with a fixed pattern.
func (b *builder) fill(hdr, n int) []byte {
	p := b.scratch[:max(n, hdr)]
	for i := hdr; i < len(p); i++ {
		p[i] = byte(i*7 + 1)
	}
	return p
}
