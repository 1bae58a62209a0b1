package announce

import "github.com/sara-lb/sara/engine/inspect"

// FromResult fills the body of m from what a gateway inspector found in a
// server→client message (meta.Dir FromServer: meta.Src is the VIP side,
// meta.Dst the client). It reports false when the message has nothing to
// announce: no session key, or neither media nor an end of session. The
// caller sets Seq, Time and, when it knows the server, HostID. m.Key
// aliases r.Key.
func (m *Message) FromResult(r *inspect.Result, meta inspect.Meta) bool {
	switch {
	case r.Proto == inspect.ProtoSIP && r.KeyKind == inspect.KeyCallID:
		m.Kind = KindSIP
	case r.Proto == inspect.ProtoRTSP && r.KeyKind == inspect.KeyRTSPSession:
		m.Kind = KindRTSP
	default:
		return false
	}
	if len(r.Key) == 0 || len(r.Key) > MaxKey {
		return false
	}
	switch {
	case r.Event == inspect.EventEnded || r.Event == inspect.EventEnding:
		m.Op = OpEndSession
	case r.NMedia > 0:
		m.Op = OpExpectMedia
	default:
		return false
	}
	m.Type, m.Key = TypeAnnounce, r.Key
	m.Client, m.Server = meta.Dst, meta.Src
	m.Truncated = r.MediaDropped
	m.N = 0
	if m.Op == OpEndSession {
		return true
	}
	for _, e := range r.Medias() {
		if !e.Addr.IsValid() {
			continue // no address known: nothing the dispatcher can expect
		}
		m.Media[m.N] = Endpoint{
			Receiver: e.Receiver, Addr: e.Addr, Port: e.Port, RTCPPort: e.RTCPPort,
			Transport: e.Transport, Refused: e.Refused, Hold: e.Hold,
			Interleaved: e.Interleaved, Multicast: e.Multicast,
		}
		m.N++
	}
	return true
}
