// Package rtsp is SARA's RTSP inspector (RTSP 1.0, RFC 2326, and 2.0,
// RFC 7826). It reads one message per call and reports its session (the
// Session header, or the connection for a SETUP that has none yet), its
// effect (SETUP opens, TEARDOWN ends) and the media endpoints its
// Transport header announces: client_port/server_port, destination/source,
// RTSP 2.0 dest_addr/src_addr, interleaved channels and multicast. It
// implements inspect.Inspector and allocates nothing per message.
package rtsp

import (
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// Inspector is the RTSP inspector. Use one per goroutine.
type Inspector struct {
	counters inspect.CounterSet
}

// New returns an RTSP inspector.
func New() *Inspector { return &Inspector{} }

// Name returns "rtsp".
func (*Inspector) Name() string { return "rtsp" }

// Counters returns the messages parsed and rejected so far.
func (in *Inspector) Counters() inspect.Counters { return in.counters.Snapshot() }

// Inspect parses one RTSP message (see inspect.Inspector). A reply does not
// say which request it answers (RTSP CSeq has no method): its CSeqMethod is
// MethodUnknown and a TEARDOWN's reply is reported as EventInSession; a
// caller that needs EventEnded for it matches the CSeq of the TEARDOWN.
func (in *Inspector) Inspect(m inspect.Meta, payload []byte, r *inspect.Result) error {
	r.Reset()
	return in.counters.Done(r, inspect1(&m, payload, r))
}

// message is the scratch state of one message's header walk.
type message struct {
	transport []byte
	hasCSeq   bool
	clen      int
}

func inspect1(m *inspect.Meta, payload []byte, r *inspect.Result) error {
	r.Proto = inspect.ProtoRTSP
	line, rest, ok := lex.Line(payload)
	if !ok {
		if Sniff(payload) {
			return inspect.ErrTruncated
		}
		return inspect.ErrNotProtocol
	}
	if err := startLine(line, r); err != nil {
		return err
	}
	msg := message{clen: -1}
	for {
		name, value, next, end, ok := lex.Header(rest)
		if !ok {
			if _, _, found := lex.Line(rest); !found {
				return inspect.ErrTruncated
			}
			return inspect.ErrHeader
		}
		if end {
			rest = next
			break
		}
		if err := msg.header(name, value, r); err != nil {
			return err
		}
		rest = next
	}
	if !msg.hasCSeq {
		return inspect.ErrMissingHeader
	}
	body := max(msg.clen, 0)
	if body > len(rest) {
		return inspect.ErrTruncated
	}
	r.Length = len(payload) - len(rest) + body
	classify(r)
	if len(msg.transport) > 0 {
		return transport(m, msg.transport, r)
	}
	return nil
}

func (msg *message) header(name, value []byte, r *inspect.Result) error {
	switch {
	case lex.EqualFold(name, "cseq"):
		n, ok := lex.Uint(lex.TrimLWS(value), 1<<32-1)
		if !ok || (msg.hasCSeq && uint32(n) != r.CSeq) {
			return inspect.ErrCSeq
		}
		r.CSeq, msg.hasCSeq = uint32(n), true
	case lex.EqualFold(name, "session"):
		id, params, _ := lex.Cut(lex.TrimLWS(value), ';')
		id = lex.TrimLWS(id)
		if len(id) == 0 {
			return inspect.ErrHeader
		}
		r.Key, r.KeyKind = id, inspect.KeyRTSPSession
		if t, ok := timeout(params); ok {
			r.Timeout = t
		}
	case lex.EqualFold(name, "transport"):
		msg.transport = value
	case lex.EqualFold(name, "content-length"):
		n, ok := lex.Uint(lex.TrimLWS(value), 1<<24)
		if !ok || (msg.clen >= 0 && int(n) != msg.clen) {
			return inspect.ErrContentLength
		}
		msg.clen = int(n)
	}
	return nil
}

// timeout reads "timeout=60" among Session parameters.
func timeout(params []byte) (uint32, bool) {
	for len(params) > 0 {
		p, rest, _ := lex.Cut(params, ';')
		k, v, eq := lex.Cut(p, '=')
		if eq && lex.EqualFold(lex.TrimLWS(k), "timeout") {
			n, ok := lex.Uint(lex.TrimLWS(v), 1<<32-1)
			return uint32(n), ok
		}
		params = rest
	}
	return 0, false
}

// classify sets Event and, for a SETUP without Session, the connection key.
func classify(r *inspect.Result) {
	hasSession := r.KeyKind == inspect.KeyRTSPSession
	switch {
	case r.Kind == inspect.Request && r.Method == inspect.TEARDOWN:
		r.Event = inspect.EventEnding
	case r.Kind == inspect.Request && r.Method == inspect.SETUP && !hasSession:
		r.Event, r.KeyKind = inspect.EventNew, inspect.KeyConnection
	case hasSession:
		r.Event = inspect.EventInSession
	}
}
