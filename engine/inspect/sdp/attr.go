package sdp

import (
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// attribute applies an a= line at session level (cur nil) or to cur.
func attribute(val []byte, d *Description, cur *Media) {
	name, arg, _ := lex.Cut(val, ':')
	var dir inspect.MediaDir
	switch string(name) { // no allocation: switch on a converted slice
	case "sendrecv":
		dir = inspect.SendRecv
	case "sendonly":
		dir = inspect.SendOnly
	case "recvonly":
		dir = inspect.RecvOnly
	case "inactive":
		dir = inspect.Inactive
	case "rtcp":
		if cur != nil {
			rtcp(arg, cur)
		}
		return
	case "rtcp-mux":
		if cur != nil {
			cur.RTCPMux = true
		}
		return
	default:
		return
	}
	if cur == nil {
		d.Dir = dir
	} else {
		cur.Dir, cur.HasDir = dir, true
	}
}

// rtcp reads "53020" or "53020 IN IP4 126.16.64.4" (RFC 3605). A
// malformed value is ignored: the default port+1 then applies.
func rtcp(arg []byte, m *Media) {
	port, rest := lex.Token(lex.TrimSpace(arg))
	p, ok := lex.Port(port)
	if !ok || p == 0 {
		return
	}
	m.RTCPPort = p
	if len(rest) > 0 {
		if a, err := parseC(rest); err == nil && a.IsValid() {
			m.RTCPAddr = a
		}
	}
}
