package offline

import (
	"encoding/binary"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/tcpassembly"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// endpoints converts gopacket flows to addresses.
func endpoints(net, tr gopacket.Flow) (src, dst netip.AddrPort, ok bool) {
	sa, ok1 := netip.AddrFromSlice(net.Src().Raw())
	da, ok2 := netip.AddrFromSlice(net.Dst().Raw())
	sp, dp := tr.Src().Raw(), tr.Dst().Raw()
	if !ok1 || !ok2 || len(sp) != 2 || len(dp) != 2 {
		return src, dst, false
	}
	return netip.AddrPortFrom(sa.Unmap(), binary.BigEndian.Uint16(sp)),
		netip.AddrPortFrom(da.Unmap(), binary.BigEndian.Uint16(dp)), true
}

// tcpStream is one direction of a signalling TCP connection: reassembled
// bytes are cut into messages by inspect.Stream and analysed in order.
type tcpStream struct {
	a        *analyzer
	key      session.FlowKey
	proto    inspect.Proto
	framer   inspect.Stream
	disabled bool
}

// streamFactory makes tcpStreams for tcpassembly.
type streamFactory struct{ a *analyzer }

// New returns the stream of one direction of a connection.
func (f streamFactory) New(net, tr gopacket.Flow) tcpassembly.Stream {
	src, dst, ok := endpoints(net, tr)
	s := &tcpStream{a: f.a, key: session.FlowKey{Src: src, Dst: dst, Proto: session.TCP}}
	s.framer.Init(inspect.StreamConfig{})
	if !ok {
		s.disabled = true
		return s
	}
	s.proto = f.a.signallingProto(src, dst, session.TCP)
	s.disabled = s.proto == inspect.ProtoUnknown
	return s
}

// Reassembled feeds in-order bytes to the framer.
func (s *tcpStream) Reassembled(rs []tcpassembly.Reassembly) {
	if s.disabled {
		return
	}
	for _, r := range rs {
		if r.Skip != 0 {
			s.framer.Reset() // a gap: the next message starts afresh
		}
		if len(r.Bytes) == 0 {
			continue
		}
		s.framer.Feed(r.Bytes)
		for {
			msg, err := s.framer.Next()
			if err != nil {
				s.a.stats.StreamErrors++
				break
			}
			if msg == nil {
				break
			}
			s.a.message(r.Seen, s.key, s.proto, msg)
		}
	}
}

// ReassemblyComplete is called at FIN, RST or the final flush.
func (s *tcpStream) ReassemblyComplete() {}
