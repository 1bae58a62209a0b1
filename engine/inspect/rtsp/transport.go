package rtsp

import (
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// spec is one transport-spec of a Transport header.
type spec struct {
	lower                  inspect.Transport
	multicast              bool
	dest, source           netip.Addr
	client, server, mcast  portRange
	interleaved            portRange
	destAddr, srcAddr      [2]netip.AddrPort // RTSP 2.0: RTP, RTCP
	hasDestAddr, hasSrcAdr bool
}

type portRange struct {
	lo, hi uint16
	set    bool
}

// rtcp returns the second port of the range, or lo+1.
func (p portRange) rtcp() uint16 {
	if p.hi != 0 {
		return p.hi
	}
	return p.lo + 1
}

// transport parses a Transport header value (comma-separated
// alternatives, RFC 2326 §12.39, RFC 7826 §18.54) and adds the endpoints
// of each alternative to r, tagged with its index in Media.Alt.
func transport(m *inspect.Meta, v []byte, r *inspect.Result) error {
	client, server := m.Src.Addr(), m.Dst.Addr() // requests come from the client
	if r.Kind == inspect.Response {
		client, server = server, client
	}
	for alt := 0; len(v) > 0; alt++ {
		item, rest := cutUnquoted(v, ',')
		v = rest
		item = lex.TrimLWS(item)
		if len(item) == 0 {
			continue
		}
		var s spec
		if err := s.parse(item); err != nil {
			return err
		}
		s.emit(r, uint8(min(alt, 255)), client, server)
	}
	return nil
}

// emit adds s's endpoints. client/server are the sides' packet addresses.
func (s *spec) emit(r *inspect.Result, alt uint8, client, server netip.Addr) {
	add := func(recv inspect.Side, addr netip.Addr, rtp, rtcp uint16) *inspect.Media {
		e := r.AddMedia()
		if e == nil {
			return nil
		}
		e.Receiver, e.Addr, e.Port, e.RTCPPort, e.Transport, e.Alt = recv, addr, rtp, rtcp, s.lower, alt
		e.Multicast = s.multicast || addr.IsMulticast()
		return e
	}
	if s.interleaved.set {
		if e := add(inspect.SideClient, client, 0, 0); e != nil {
			e.Transport, e.Interleaved = inspect.TCP, true
			e.RTPChannel, e.RTCPChannel = uint8(s.interleaved.lo), uint8(s.interleaved.rtcp())
		}
		return
	}
	cAddr := client
	if s.dest.IsValid() {
		cAddr = s.dest
	}
	if s.client.set {
		add(inspect.SideClient, cAddr, s.client.lo, s.client.rtcp())
	}
	if s.mcast.set {
		add(inspect.SideClient, cAddr, s.mcast.lo, s.mcast.rtcp())
	}
	if s.hasDestAddr {
		a, b := s.destAddr[0], s.destAddr[1]
		e := add(inspect.SideClient, orAddr(a.Addr(), client), a.Port(), b.Port())
		if e != nil && b.Addr().IsValid() && b.Addr() != e.Addr {
			e.RTCPAddr = b.Addr()
		}
	}
	if r.Kind != inspect.Response {
		return // server ports in a request are only a wish
	}
	if s.server.set {
		if e := add(inspect.SideServer, orAddr(s.source, server), s.server.lo, s.server.rtcp()); e != nil {
			e.Source = s.source
		}
	}
	if s.hasSrcAdr {
		a, b := s.srcAddr[0], s.srcAddr[1]
		if e := add(inspect.SideServer, orAddr(a.Addr(), server), a.Port(), b.Port()); e != nil {
			e.Source = a.Addr()
			if b.Addr().IsValid() && b.Addr() != e.Addr {
				e.RTCPAddr = b.Addr()
			}
		}
	}
}

func orAddr(a, fallback netip.Addr) netip.Addr {
	if a.IsValid() {
		return a
	}
	return fallback
}

// cutUnquoted splits v at the first sep outside double quotes.
func cutUnquoted(v []byte, sep byte) (before, after []byte) {
	q := false
	for i, c := range v {
		switch {
		case c == '"':
			q = !q
		case c == sep && !q:
			return v[:i], v[i+1:]
		}
	}
	return v, nil
}
