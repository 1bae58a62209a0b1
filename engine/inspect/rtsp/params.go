package rtsp

import (
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// parse reads "RTP/AVP[/UDP|/TCP];param[=value];..." into s.
func (s *spec) parse(item []byte) error {
	proto, params := cutUnquoted(item, ';')
	proto = lex.TrimLWS(proto)
	_, profLower, ok := lex.Cut(proto, '/')
	if !ok || len(profLower) == 0 {
		return inspect.ErrTransport
	}
	if _, low, ok := lex.Cut(profLower, '/'); ok {
		switch {
		case lex.EqualFold(low, "tcp"):
			s.lower = inspect.TCP
		case lex.EqualFold(low, "udp"):
		default:
			return inspect.ErrTransport
		}
	}
	for len(params) > 0 {
		var p []byte
		p, params = cutUnquoted(params, ';')
		k, v, _ := lex.Cut(p, '=')
		k, v = lex.TrimLWS(k), lex.TrimLWS(v)
		if err := s.param(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *spec) param(k, v []byte) error {
	var err error
	switch {
	case lex.EqualFold(k, "multicast"):
		s.multicast = true
	case lex.EqualFold(k, "destination"):
		s.dest, _ = lex.Addr(unquote(v)) // a host name is left to the packet address
	case lex.EqualFold(k, "source"):
		s.source, _ = lex.Addr(unquote(v))
	case lex.EqualFold(k, "client_port"):
		s.client, err = ports(v)
	case lex.EqualFold(k, "server_port"):
		s.server, err = ports(v)
	case lex.EqualFold(k, "port"):
		s.mcast, err = ports(v)
	case lex.EqualFold(k, "interleaved"):
		s.interleaved, err = ports(v)
		if err == nil && (s.interleaved.lo > 255 || s.interleaved.hi > 255) {
			err = inspect.ErrTransport
		}
	case lex.EqualFold(k, "dest_addr"):
		s.hasDestAddr = true
		err = addrList(v, &s.destAddr)
	case lex.EqualFold(k, "src_addr"):
		s.hasSrcAdr = true
		err = addrList(v, &s.srcAddr)
	}
	return err
}

// ports reads "5000-5001" or "5000".
func ports(v []byte) (portRange, error) {
	lo, hi, dash := lex.Cut(v, '-')
	var p portRange
	var ok bool
	if p.lo, ok = lex.Port(lex.TrimLWS(lo)); !ok {
		return p, inspect.ErrTransport
	}
	if dash {
		if p.hi, ok = lex.Port(lex.TrimLWS(hi)); !ok || p.hi < p.lo {
			return p, inspect.ErrTransport
		}
	}
	p.set = true
	return p, nil
}

func unquote(v []byte) []byte {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// addrList reads RTSP 2.0 `"host:port"/"host:port"` (RTP then RTCP);
// host may be empty (":port") or a bracketed IPv6 address. A host name
// gives an invalid address (the caller falls back to the packet's).
func addrList(v []byte, out *[2]netip.AddrPort) error {
	for i := 0; i < 2 && len(v) > 0; i++ {
		var one []byte
		one, v = cutUnquoted(v, '/')
		one = unquote(lex.TrimLWS(one))
		j := len(one) - 1
		for j >= 0 && one[j] != ':' {
			j--
		}
		if j < 0 {
			return inspect.ErrTransport
		}
		port, ok := lex.Port(one[j+1:])
		if !ok {
			return inspect.ErrTransport
		}
		host := one[:j]
		if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
			host = host[1 : len(host)-1]
		}
		a, _ := lex.Addr(host)
		out[i] = netip.AddrPortFrom(a, port)
	}
	if out[1].Port() == 0 && out[0].Port() != 0 {
		out[1] = netip.AddrPortFrom(out[0].Addr(), out[0].Port()+1)
	}
	return nil
}
