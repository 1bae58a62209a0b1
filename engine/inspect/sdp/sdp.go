// Package sdp parses the parts of an SDP body (RFC 4566, RFC 8866) that
// tell a load balancer which media flows a session will open: connection
// addresses (c=, session and per-media level, IPv4 and IPv6), media lines
// (m=, several, port 0 = refused, port/count), the RTCP port (a=rtcp:,
// a=rtcp-mux) and the direction attributes that put a stream on hold.
//
// Parse fills a caller-owned Description without allocating; its byte
// slices alias the body. Endpoints turns a Description into
// inspect.Media entries of a Result.
package sdp

import (
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// Media is one m= section.
type Media struct {
	Type     []byte // "audio", "video", ...
	Port     uint16 // 0: refused
	Count    uint16 // number of RTP ports (port/count), at least 1
	Proto    []byte // "RTP/AVP", "UDP/TLS/RTP/SAVPF", "TCP/RTP/AVP"...
	Conn     netip.Addr
	HasConn  bool   // a media-level c= line was present (Conn may be invalid: FQDN)
	RTCPPort uint16 // a=rtcp: port, 0 if absent
	RTCPAddr netip.Addr
	RTCPMux  bool // a=rtcp-mux: RTCP on the RTP port
	Dir      inspect.MediaDir
	HasDir   bool
}

// Description is the parsed SDP. Only the first inspect.MaxMedia m=
// sections are kept; Dropped says there were more.
type Description struct {
	OriginAddr netip.Addr // o= unicast address
	Conn       netip.Addr // session-level c= address
	HasConn    bool
	Dir        inspect.MediaDir // session-level direction attribute
	Media      [inspect.MaxMedia]Media
	N          int
	Dropped    bool
}

// Parse reads body into d (which it resets). It returns inspect.ErrBody
// when body is not SDP (no leading v=0, a line that is not "x=...", an m=
// line without port or protocol, a bad port).
func Parse(body []byte, d *Description) error {
	d.OriginAddr, d.Conn, d.HasConn, d.Dir, d.N, d.Dropped = netip.Addr{}, netip.Addr{}, false, inspect.SendRecv, 0, false
	var cur *Media // m= section being read, nil at session level
	skipping := false
	rest := body
	first := true
	for len(rest) > 0 {
		line, next, _ := lex.Line(rest)
		rest = next
		if len(line) == 0 {
			continue // tolerate blank lines (trailing CRLF, multipart padding)
		}
		if len(line) < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z' {
			return inspect.ErrBody
		}
		typ, val := line[0], line[2:]
		if first {
			if typ != 'v' || string(lex.TrimSpace(val)) != "0" {
				return inspect.ErrBody
			}
			first = false
			continue
		}
		switch typ {
		case 'o':
			d.OriginAddr = originAddr(val)
		case 'm':
			if d.N == len(d.Media) {
				d.Dropped, skipping, cur = true, true, nil
				continue
			}
			cur = &d.Media[d.N]
			if err := parseM(val, cur); err != nil {
				return err
			}
			d.N++
			skipping = false
		case 'c':
			a, err := parseC(val)
			if err != nil {
				return err
			}
			switch {
			case skipping:
			case cur == nil:
				d.Conn, d.HasConn = a, true
			default:
				cur.Conn, cur.HasConn = a, true
			}
		case 'a':
			if !skipping {
				attribute(val, d, cur)
			}
		}
	}
	if first {
		return inspect.ErrBody
	}
	return nil
}

// parseM reads "audio 49170[/2] RTP/AVP 0 8".
func parseM(val []byte, m *Media) error {
	*m = Media{Count: 1}
	typ, rest := lex.Token(val)
	port, rest := lex.Token(rest)
	proto, _ := lex.Token(rest)
	if len(typ) == 0 || len(port) == 0 || len(proto) == 0 {
		return inspect.ErrBody
	}
	m.Type, m.Proto = typ, proto
	p, cnt, slash := lex.Cut(port, '/')
	var ok bool
	if m.Port, ok = lex.Port(p); !ok {
		return inspect.ErrBody
	}
	if slash {
		n, ok := lex.Uint(cnt, inspect.MaxMedia)
		if !ok || n == 0 {
			return inspect.ErrBody
		}
		m.Count = uint16(n)
	}
	return nil
}

// parseC reads "IN IP4 192.0.2.1[/ttl[/n]]". An FQDN or an unknown
// address type gives an invalid Addr (not an error: SDP allows them).
func parseC(val []byte) (netip.Addr, error) {
	nt, rest := lex.Token(val)
	at, rest := lex.Token(rest)
	addr, _ := lex.Token(rest)
	if len(nt) == 0 || len(at) == 0 || len(addr) == 0 {
		return netip.Addr{}, inspect.ErrBody
	}
	if !lex.EqualFold(nt, "in") {
		return netip.Addr{}, nil
	}
	addr, _, _ = lex.Cut(addr, '/') // multicast TTL / count
	a, ok := lex.Addr(addr)
	if !ok {
		return netip.Addr{}, nil
	}
	if lex.EqualFold(at, "ip4") != a.Is4() {
		return netip.Addr{}, inspect.ErrBody // IP4 with an IPv6 address or the reverse
	}
	return a, nil
}

// originAddr reads the unicast address of "user id version IN IP4 addr".
func originAddr(val []byte) netip.Addr {
	rest := val
	var tok []byte
	for i := 0; i < 6; i++ {
		tok, rest = lex.Token(rest)
	}
	a, _ := lex.Addr(tok)
	return a
}
