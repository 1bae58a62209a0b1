// Package sip is SARA's SIP inspector (RFC 3261): it reads one SIP message
// per call and reports its dialog (Call-ID, tags, CSeq), what it does to the
// session (initial INVITE, in-dialog request, BYE/CANCEL and their final
// responses) and the media its SDP body announces (engine/inspect/sdp),
// also inside a multipart/mixed body. It implements inspect.Inspector and
// allocates nothing per message.
package sip

import (
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/sdp"
)

// Inspector is the SIP inspector. Use one per goroutine.
type Inspector struct {
	counters inspect.CounterSet
	desc     sdp.Description // reused SDP scratch
}

// New returns a SIP inspector.
func New() *Inspector { return &Inspector{} }

// Name returns "sip".
func (*Inspector) Name() string { return "sip" }

// Counters returns the messages parsed and rejected so far.
func (in *Inspector) Counters() inspect.Counters { return in.counters.Snapshot() }

// Inspect parses one SIP message (see inspect.Inspector). On UDP a message
// without Content-Length takes the rest of the datagram (RFC 3261 §18.3);
// bytes after the body are ignored (r.Length says where it ended).
func (in *Inspector) Inspect(m inspect.Meta, payload []byte, r *inspect.Result) error {
	r.Reset()
	return in.counters.Done(r, in.inspect(&m, payload, r))
}

func (in *Inspector) inspect(m *inspect.Meta, payload []byte, r *inspect.Result) error {
	r.Proto = inspect.ProtoSIP
	var h head
	body, err := h.parse(payload, m.Transport == inspect.UDP, r)
	if err != nil {
		return err
	}
	switch {
	case h.contentLen >= 0 && h.contentLen > len(body):
		return inspect.ErrTruncated
	case h.contentLen >= 0:
		body = body[:h.contentLen]
	case m.Transport == inspect.TCP:
		body = body[:0] // a TCP message without Content-Length has no body
	}
	r.Length = len(payload) - len(h.body) + len(body)
	r.Key, r.KeyKind = h.callID, inspect.KeyCallID
	r.Event = event(r)
	if len(body) > 0 {
		in.media(m, h.contentType, body, r)
	}
	return nil
}

// media parses an SDP body (directly or in a multipart/mixed body) and
// adds its endpoints, received by the message's sender.
func (in *Inspector) media(m *inspect.Meta, ctype, body []byte, r *inspect.Result) {
	sdpBody, ok := findSDP(ctype, body)
	if !ok {
		return
	}
	if err := sdp.Parse(sdpBody, &in.desc); err != nil {
		r.BadBody = true
		return
	}
	r.HasSDP = true
	sdp.Endpoints(&in.desc, m.Dir.Sender(), m.Src.Addr(), r)
}

// event classifies the message's effect on its dialog (see inspect.Event).
func event(r *inspect.Result) inspect.Event {
	if r.Kind == inspect.Request {
		switch r.Method {
		case inspect.INVITE:
			if len(r.ToTag) == 0 {
				return inspect.EventNew
			}
			return inspect.EventInSession
		case inspect.BYE, inspect.CANCEL:
			return inspect.EventEnding
		case inspect.ACK, inspect.PRACK:
			return inspect.EventInSession
		}
		if len(r.ToTag) > 0 {
			return inspect.EventInSession
		}
		return inspect.EventNone
	}
	switch r.CSeqMethod {
	case inspect.BYE, inspect.CANCEL:
		if r.Status >= 200 {
			return inspect.EventEnded
		}
		return inspect.EventInSession
	case inspect.REGISTER, inspect.OPTIONS, inspect.SUBSCRIBE, inspect.PUBLISH:
		return inspect.EventNone // out-of-dialog transactions
	}
	return inspect.EventInSession
}
