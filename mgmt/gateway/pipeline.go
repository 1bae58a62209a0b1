package gateway

import (
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/rtsp"
	"github.com/sara-lb/sara/engine/inspect/sip"
)

// Ports are the signalling source ports the gateway inspects.
type Ports struct {
	SIPUDP, SIPTCP, RTSPTCP []uint16
}

// PipelineConfig configures a Pipeline.
type PipelineConfig struct {
	// VIPs: only frames from these addresses are inspected (empty: any).
	VIPs  []netip.Addr
	Ports Ports
	// HostIDs maps a server's MAC (the reply's Ethernet source) to its
	// Host_Identity, sent in announcements; unknown MACs send none.
	HostIDs  map[[6]byte]uint32
	MaxConns int           // default DefaultMaxConns
	ConnIdle time.Duration // default DefaultConnIdle
}

// Emit sends one announcement; m is reused after it returns.
type Emit func(m *announce.Message) error

// Pipeline turns captured server->client frames into announcements: it
// decodes Ethernet/IP/TCP/UDP with gopacket into preallocated layers,
// keeps frames from a VIP and a signalling source port, cuts TCP streams
// into messages (inspect.Stream, in order), runs the SIP or RTSP inspector
// with Dir FromServer and emits what announce.FromResult builds. It belongs
// to one goroutine; Counters may be read from any. Frame allocates nothing
// for UDP messages and for TCP segments of known connections.
type Pipeline struct {
	cfg     PipelineConfig
	emit    Emit
	parser  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	udp     layers.UDP
	payload gopacket.Payload
	sip     inspect.Inspector
	rtsp    inspect.Inspector
	res     inspect.Result
	msg     announce.Message
	conns   conns
	ctr     counters
}

// NewPipeline returns a Pipeline that hands announcements to emit.
func NewPipeline(cfg PipelineConfig, emit Emit) *Pipeline {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnIdle <= 0 {
		cfg.ConnIdle = DefaultConnIdle
	}
	p := &Pipeline{cfg: cfg, emit: emit, sip: sip.New(), rtsp: rtsp.New(), decoded: make([]gopacket.LayerType, 0, 8)}
	p.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet,
		&p.eth, &p.dot1q, &p.ip4, &p.ip6, &p.tcp, &p.udp, &p.payload)
	p.parser.IgnoreUnsupported = true
	p.conns.init(cfg.MaxConns, cfg.ConnIdle)
	return p
}

// Counters returns the pipeline's totals; safe from any goroutine.
func (p *Pipeline) Counters() Counters { return p.ctr.snapshot() }

// Inspectors returns the SIP and RTSP inspectors' counters.
func (p *Pipeline) Inspectors() (sipCtr, rtspCtr inspect.Counters) {
	return p.sip.Counters(), p.rtsp.Counters()
}

func has(ports []uint16, port uint16) bool {
	for _, x := range ports {
		if x == port {
			return true
		}
	}
	return false
}

func (p *Pipeline) isVIP(a netip.Addr) bool {
	if len(p.cfg.VIPs) == 0 {
		return true
	}
	for _, v := range p.cfg.VIPs {
		if v == a {
			return true
		}
	}
	return false
}

// Frame handles one captured Ethernet frame taken at ts.
func (p *Pipeline) Frame(ts time.Time, frame []byte) {
	p.ctr.frames.Add(1)
	p.conns.sweep(ts, &p.ctr)
	_ = p.parser.DecodeLayers(frame, &p.decoded) // unsupported layers end the walk
	var src, dst netip.Addr
	var l4 gopacket.LayerType
	for _, t := range p.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			if p.ip4.Flags&layers.IPv4MoreFragments != 0 || p.ip4.FragOffset != 0 {
				p.ctr.fragments.Add(1)
				return
			}
			src, _ = netip.AddrFromSlice(p.ip4.SrcIP)
			dst, _ = netip.AddrFromSlice(p.ip4.DstIP)
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(p.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(p.ip6.DstIP)
		case layers.LayerTypeTCP, layers.LayerTypeUDP:
			l4 = t
		}
	}
	if !src.IsValid() || !dst.IsValid() {
		p.ctr.undecodable.Add(1)
		return
	}
	var sport, dport uint16
	var ins inspect.Inspector
	switch l4 {
	case layers.LayerTypeUDP:
		sport, dport = uint16(p.udp.SrcPort), uint16(p.udp.DstPort)
		if has(p.cfg.Ports.SIPUDP, sport) {
			ins = p.sip
		}
	case layers.LayerTypeTCP:
		sport, dport = uint16(p.tcp.SrcPort), uint16(p.tcp.DstPort)
		if has(p.cfg.Ports.SIPTCP, sport) {
			ins = p.sip
		} else if has(p.cfg.Ports.RTSPTCP, sport) {
			ins = p.rtsp
		}
	}
	if ins == nil {
		p.ctr.notSignalling.Add(1)
		return
	}
	if !p.isVIP(src) {
		p.ctr.notVIP.Add(1)
		return
	}
	meta := inspect.Meta{Src: netip.AddrPortFrom(src, sport), Dst: netip.AddrPortFrom(dst, dport), Dir: inspect.FromServer}
	host, hasHost := p.cfg.HostIDs[[6]byte(p.eth.SrcMAC)]
	if l4 == layers.LayerTypeUDP {
		p.ctr.udp.Add(1)
		p.message(meta, ins, p.udp.Payload, host, hasHost)
		return
	}
	p.ctr.tcp.Add(1)
	meta.Transport = inspect.TCP
	p.segment(ts, meta, ins, host, hasHost)
}

// message inspects one whole message and emits its announcement, if any.
func (p *Pipeline) message(meta inspect.Meta, ins inspect.Inspector, msg []byte, host uint32, hasHost bool) {
	p.ctr.messages.Add(1)
	if err := ins.Inspect(meta, msg, &p.res); err != nil {
		p.ctr.failed.Add(1)
		return
	}
	if !p.msg.FromResult(&p.res, meta) {
		p.ctr.nothing.Add(1)
		return
	}
	p.msg.HostID, p.msg.HasHostID = host, hasHost
	if err := p.emit(&p.msg); err != nil {
		p.ctr.sendFailed.Add(1)
		return
	}
	p.ctr.announced.Add(1)
}
