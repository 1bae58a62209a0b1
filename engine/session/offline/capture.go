package offline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// packetSource is what pcapgo's classic and pcapng readers both offer.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

var pcapngMagic = []byte{0x0a, 0x0d, 0x0d, 0x0a}

// openCapture recognises a pcapng or classic pcap stream by its magic.
func openCapture(r io.Reader) (packetSource, error) {
	b, err := readBounded(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(bytes.NewReader(b), 1<<16)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCapture, err)
	}
	if bytes.Equal(magic, pcapngMagic) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("%w: pcapng: %v", ErrCapture, err)
		}
		return ng, nil
	}
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: pcap: %v", ErrCapture, err)
	}
	return pr, nil
}

// decoder decodes one frame into preallocated layers (no allocation per
// packet; the layers alias the frame).
type decoder struct {
	parser  *gopacket.DecodingLayerParser
	eth     layers.Ethernet
	sll     layers.LinuxSLL
	lo      layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	udp     layers.UDP
	tcp     layers.TCP
	payload gopacket.Payload
	decoded []gopacket.LayerType
}

func newDecoder(link layers.LinkType) (*decoder, error) {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, 8)}
	var first gopacket.LayerType
	switch link {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4:
		first = layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		first = layers.LayerTypeIPv6
	default:
		return nil, fmt.Errorf("%w: link type %v not supported", ErrCapture, link)
	}
	d.parser = gopacket.NewDecodingLayerParser(first, &d.eth, &d.sll, &d.lo, &d.ip4, &d.ip6, &d.udp, &d.tcp, &d.payload)
	d.parser.IgnoreUnsupported = true
	return d, nil
}

// decode returns which of UDP or TCP the frame carries over IP (both
// false: neither), with the network flow for TCP reassembly.
func (d *decoder) decode(frame []byte) (isUDP, isTCP bool, net gopacket.Flow) {
	_ = d.parser.DecodeLayers(frame, &d.decoded) // errors leave decoded partial; checked below
	hasIP := false
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			hasIP, net = true, d.ip4.NetworkFlow()
		case layers.LayerTypeIPv6:
			hasIP, net = true, d.ip6.NetworkFlow()
		case layers.LayerTypeUDP:
			isUDP = hasIP
		case layers.LayerTypeTCP:
			isTCP = hasIP
		}
	}
	return isUDP, isTCP, net
}
