package gateway

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcap"
)

// Source yields captured Ethernet frames; the data is valid until the next
// call. A live capture returns ErrNoPacket when its read timeout expires
// with nothing (so the caller can look at its context); a file returns
// io.EOF at its end.
type Source interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// Capture errors.
var (
	ErrNoPacket = errors.New("gateway: no packet before the read timeout")
	ErrLinkType = errors.New("gateway: capture is not Ethernet")
	ErrNoPorts  = errors.New("gateway: no signalling port to capture")
)

// ReadTimeout bounds how long a live read waits, hence how late the
// gateway notices a stop request.
const ReadTimeout = 100 * time.Millisecond

// Filter returns the BPF filter (libpcap syntax) of server->client
// signalling: TCP or UDP from a signalling source port, from a VIP (any
// source when vips is empty).
func Filter(vips []netip.Addr, ports Ports) (string, error) {
	list := func(ps []uint16) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = fmt.Sprint(p)
		}
		return strings.Join(s, " or ")
	}
	var l4 []string
	if len(ports.SIPUDP) > 0 {
		l4 = append(l4, "(udp and src port ("+list(ports.SIPUDP)+"))")
	}
	if tcp := append(append([]uint16(nil), ports.SIPTCP...), ports.RTSPTCP...); len(tcp) > 0 {
		l4 = append(l4, "(tcp and src port ("+list(tcp)+"))")
	}
	if len(l4) == 0 {
		return "", ErrNoPorts
	}
	f := "(" + strings.Join(l4, " or ") + ")"
	if len(vips) > 0 {
		hosts := make([]string, len(vips))
		for i, v := range vips {
			hosts[i] = "src host " + v.String()
		}
		f += " and (" + strings.Join(hosts, " or ") + ")"
	}
	return f, nil
}

// PcapSource is a libpcap capture: a live interface or a file, with a BPF
// filter compiled by libpcap.
type PcapSource struct {
	h *pcap.Handle
}

// OpenLive captures on iface in immediate mode (each frame is delivered at
// once, not when a ring block fills) with filter.
func OpenLive(iface string, snaplen int, filter string) (*PcapSource, error) {
	in, err := pcap.NewInactiveHandle(iface)
	if err != nil {
		return nil, fmt.Errorf("gateway: open %s: %w", iface, err)
	}
	defer in.CleanUp()
	for _, set := range []error{in.SetSnapLen(snaplen), in.SetPromisc(false), in.SetTimeout(ReadTimeout),
		in.SetImmediateMode(true), in.SetBufferSize(4 << 20)} {
		if set != nil {
			return nil, fmt.Errorf("gateway: configure %s: %w", iface, set)
		}
	}
	h, err := in.Activate()
	if err != nil {
		return nil, fmt.Errorf("gateway: activate %s: %w", iface, err)
	}
	return newPcapSource(h, filter)
}

// OpenFile reads a pcap file through the same filter as a live capture.
func OpenFile(path, filter string) (*PcapSource, error) {
	h, err := pcap.OpenOffline(path)
	if err != nil {
		return nil, fmt.Errorf("gateway: open %s: %w", path, err)
	}
	return newPcapSource(h, filter)
}

func newPcapSource(h *pcap.Handle, filter string) (*PcapSource, error) {
	if h.LinkType() != layers.LinkTypeEthernet {
		h.Close()
		return nil, fmt.Errorf("%w: link type %v", ErrLinkType, h.LinkType())
	}
	if filter != "" {
		if err := h.SetBPFFilter(filter); err != nil {
			h.Close()
			return nil, fmt.Errorf("gateway: filter %q: %w", filter, err)
		}
	}
	return &PcapSource{h: h}, nil
}

// ReadPacketData returns the next frame without copying it.
func (s *PcapSource) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	b, ci, err := s.h.ZeroCopyReadPacketData()
	if errors.Is(err, pcap.NextErrorTimeoutExpired) {
		return nil, ci, ErrNoPacket
	}
	return b, ci, err
}

// Stats returns libpcap's received and dropped (ring full, interface)
// counts of a live capture.
func (s *PcapSource) Stats() (received, dropped uint64, err error) {
	st, err := s.h.Stats()
	if err != nil {
		return 0, 0, err
	}
	return uint64(st.PacketsReceived), uint64(st.PacketsDropped) + uint64(st.PacketsIfDropped), nil
}

// Close releases the capture.
func (s *PcapSource) Close() { s.h.Close() }
