package session

import (
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
)

// Decision is Signal's answer for one message.
type Decision struct {
	Session ID
	Kind    Kind
	New     bool // the message opened the session
	// NeedsServer: the session has no server yet; the caller chooses one
	// (server selection, admission) and calls Assign.
	NeedsServer bool
	Server      cluster.ServerID
	HasServer   bool
	Ended       EndReason // the message ended the session (EndNone: it did not)
	Expected    int       // expectations the message added
}

// Signal applies one inspected signalling message r, carried by the packet
// m, at now. SIP sessions are dialogs keyed by Call-ID, so the many calls of
// a trunk's single 5-tuple are separate sessions; a SIP or RTSP TCP
// connection's sessions all follow the connection's server. It returns
// ErrNoSession for messages outside any session (REGISTER, OPTIONS...) and
// ErrUnknownSession for in-session messages of an unknown session (both
// counted; no session is created for them).
func (t *Tracker) Signal(now time.Time, m inspect.Meta, r *inspect.Result) (Decision, error) {
	kind := kindOf(r.Proto)
	if kind == 0 || r.Event == inspect.EventNone || r.KeyKind == inspect.KeyNone {
		t.ctr.noSession.Add(1)
		return Decision{}, ErrNoSession
	}
	fk := FlowKey{Src: m.Src, Dst: m.Dst, Proto: ProtoOf(m.Transport)}
	conn := connKey{client: m.Src, server: m.Dst}
	if m.Dir == inspect.FromServer {
		conn = connKey{client: m.Dst, server: m.Src}
	}
	s := t.find(kind, r, conn)
	d := Decision{Kind: kind}
	if s == nil {
		if r.Event != inspect.EventNew {
			t.ctr.orphans.Add(1)
			return Decision{}, ErrUnknownSession
		}
		key := string(r.Key)
		if r.KeyKind == inspect.KeyConnection {
			key = ""
		}
		var err error
		if s, err = t.newSession(now, kind, key, fk); err != nil {
			return Decision{}, err
		}
		if key == "" {
			s.conn = conn
			t.pending[conn] = s
		}
		d.New = true
	}
	s.touch(now)
	t.signallingFlow(now, s, fk)
	d.Expected = t.announce(now, s, r)
	ev := r.Event
	if kind == KindRTSP && s.Ending && r.Kind == inspect.Response && r.CSeq == s.teardownCSeq &&
		r.Status >= 200 && r.Status < 300 {
		ev = inspect.EventEnded // RTSP replies name no method: the TEARDOWN's CSeq tells
	}
	switch ev {
	case inspect.EventEnding:
		if s.End == EndNone {
			s.Ending, s.teardownCSeq = true, r.CSeq
		}
	case inspect.EventEnded:
		reason := EndTeardown
		if kind == KindSIP {
			reason = EndBye
			if r.CSeqMethod == inspect.CANCEL {
				reason = EndCancel
			}
		}
		if s.End == EndNone {
			d.Ended = reason
		}
		t.endSession(now, s, reason)
	}
	d.Session, d.Server, d.HasServer = s.ID, s.Server, s.HasServer
	d.NeedsServer = !s.HasServer && s.End == EndNone
	return d, nil
}

// find returns the message's session, naming a pending RTSP session when
// the SETUP reply gives its Session.
func (t *Tracker) find(kind Kind, r *inspect.Result, conn connKey) *sessEntry {
	if r.KeyKind == inspect.KeyConnection {
		return t.pending[conn]
	}
	if s, ok := t.byKey[kind][string(r.Key)]; ok {
		return s
	}
	if kind == KindRTSP {
		if s, ok := t.pending[conn]; ok {
			delete(t.pending, conn)
			s.Key = string(r.Key)
			t.byKey[kind][s.Key] = s
			return s
		}
	}
	return nil
}

// signallingFlow records the message's flow under s and applies the TCP
// rule: every session of a connection follows the connection's server.
func (t *Tracker) signallingFlow(now time.Time, s *sessEntry, fk FlowKey) {
	f, ok := t.flows[fk]
	if !ok {
		var err error
		f, err = t.addFlow(now, Flow{Key: fk, Identity: Signalling, Session: s.ID,
			Timeout: t.flowTimeout(Signalling, s.Kind, fk.Proto)})
		if err != nil {
			return // counted in FlowsFull
		}
	}
	f.touch(now)
	if f.Identity == Signalling && f.Session != s.ID {
		if s.Kind == KindSIP && fk.Proto == UDP {
			f.Multiplexed = true
		}
		f.Session = s.ID
	}
	if fk.Proto != TCP {
		return
	}
	conn := f
	if !conn.HasServer {
		if rev, ok := t.flows[fk.Reverse()]; ok && rev.HasServer {
			conn = rev
		}
	}
	switch {
	case conn.HasServer && !s.HasServer:
		_ = t.Assign(s.ID, conn.Server) // cannot fail: s exists, has no server
	case s.HasServer && !f.HasServer:
		f.Server, f.HasServer = s.Server, true
	}
}

// mediaDsts is where md's receiver expects its RTP and its RTCP (RTCPAddr
// when the SDP names one; rtcp is meaningless when md.RTCPPort is 0).
func mediaDsts(md *inspect.Media) (rtp, rtcp netip.AddrPort) {
	addr := md.Addr
	if md.RTCPAddr.IsValid() {
		addr = md.RTCPAddr
	}
	return netip.AddrPortFrom(md.Addr, md.Port), netip.AddrPortFrom(addr, md.RTCPPort)
}

// announce turns r's media into expectations of s and returns how many.
func (t *Tracker) announce(now time.Time, s *sessEntry, r *inspect.Result) int {
	media := r.Medias()
	for i := range media {
		md := &media[i]
		if md.Refused || md.Interleaved || md.Port == 0 || !md.Addr.IsValid() {
			continue
		}
		s.hints[md.Receiver&1][md.Index%inspect.MaxMedia] = hint{addr: md.Addr, rtp: md.Port, rtcp: md.RTCPPort}
		if s.Kind == KindSIP { // a new offer/answer replaces the stream's old expectations
			rtp, rtcp := mediaDsts(md)
			for _, x := range s.exps {
				// one the new media announces again is updated in place (addExpectation)
				if !x.gone && x.Receiver == md.Receiver && x.Index == md.Index && x.Dst != rtp && x.Dst != rtcp {
					t.removeExpectation(x, &t.ctr.expCancelled)
				}
			}
		}
	}
	n := 0
	for i := range media {
		md := &media[i]
		if md.Refused || md.Interleaved || md.Multicast || md.Port == 0 || !md.Addr.IsValid() ||
			md.Addr.IsUnspecified() {
			continue
		}
		peer := s.hints[(md.Receiver^1)&1][md.Index%inspect.MaxMedia]
		base := Expectation{Proto: ProtoOf(md.Transport), Src: peer.addr, Receiver: md.Receiver, Index: md.Index}
		rtpDst, rtcpDst := mediaDsts(md)
		rtp := base
		rtp.Dst, rtp.SrcPort = rtpDst, peer.rtp
		t.addExpectation(now, s, rtp)
		n++
		if md.RTCPPort != 0 {
			rtcp := base
			rtcp.Dst, rtcp.SrcPort, rtcp.RTCP = rtcpDst, peer.rtcp, true
			t.addExpectation(now, s, rtcp)
			n++
		}
	}
	return n
}
