package session

import (
	"slices"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

const (
	rtspCli = "10.0.0.5:41000"
	rtspVIP = "192.0.2.10:554"
)

func rtspMsg(kk inspect.KeyKind, key string, ev inspect.Event, md ...inspect.Media) *inspect.Result {
	return msg(inspect.ProtoRTSP, kk, key, ev, inspect.MethodUnknown, md...)
}

func tcpMeta(src, dst string, dir inspect.Direction) inspect.Meta {
	return meta(src, dst, inspect.TCP, dir)
}

func TestRTSPUDP(t *testing.T) {
	tr := newTracker(t, nil)
	// SETUP without a Session: keyed by its connection until the reply names it.
	d := mustSignal(t, tr, t0, tcpMeta(rtspCli, rtspVIP, inspect.FromClient),
		rtspMsg(inspect.KeyConnection, "", inspect.EventNew, media(inspect.SideClient, "10.0.0.5:5000", 0)))
	if !d.New || !d.NeedsServer {
		t.Fatalf("SETUP: %+v", d)
	}
	if err := tr.Assign(d.Session, 4); err != nil {
		t.Fatal(err)
	}
	reply := rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventInSession,
		media(inspect.SideClient, "10.0.0.5:5000", 0), media(inspect.SideServer, "192.0.2.10:6000", 0))
	if r := mustSignal(t, tr, t0, tcpMeta(rtspVIP, rtspCli, inspect.FromServer), reply); r.Session != d.Session {
		t.Fatalf("SETUP reply went to session %d, want %d", r.Session, d.Session)
	}
	if s, ok := tr.SessionByKey(KindRTSP, "sess1"); !ok || s.ID != d.Session {
		t.Fatalf("session not found by its RTSP Session: %+v %v", s, ok)
	}
	// Second stream: SETUP carrying the Session.
	mustSignal(t, tr, t0, tcpMeta(rtspCli, rtspVIP, inspect.FromClient),
		rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventInSession, media(inspect.SideClient, "10.0.0.5:5002", 0)))
	mustSignal(t, tr, t0, tcpMeta(rtspVIP, rtspCli, inspect.FromServer),
		rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventInSession,
			media(inspect.SideClient, "10.0.0.5:5002", 0), media(inspect.SideServer, "192.0.2.10:6002", 0)))
	for _, k := range []FlowKey{
		udp("192.0.2.10:6000", "10.0.0.5:5000"), udp("10.0.0.5:5001", "192.0.2.10:6001"),
		udp("192.0.2.10:6002", "10.0.0.5:5002"), udp("10.0.0.5:5002", "192.0.2.10:6002"),
	} {
		wantVerdict(t, tr.Observe(t0.Add(time.Second), k), Promoted, d.Session, 4)
	}
	teardown := rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventEnding)
	teardown.CSeq = 7
	mustSignal(t, tr, t0.Add(2*time.Second), tcpMeta(rtspCli, rtspVIP, inspect.FromClient), teardown)
	// The inspector reports RTSP replies as in-session (no method in a
	// reply): a 2xx with the TEARDOWN's CSeq ends the session; another does not.
	for _, tc := range []struct {
		cseq   uint32
		status uint16
		want   EndReason
	}{{6, 200, EndNone}, {7, 454, EndNone}, {7, 200, EndTeardown}} {
		reply := rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventInSession)
		reply.Kind, reply.CSeq, reply.Status = inspect.Response, tc.cseq, tc.status
		if e := mustSignal(t, tr, t0.Add(2*time.Second), tcpMeta(rtspVIP, rtspCli, inspect.FromServer), reply); e.Ended != tc.want {
			t.Fatalf("reply CSeq %d status %d: %+v, want end %v", tc.cseq, tc.status, e, tc.want)
		}
	}
	if c := tr.Counters(); c.SessionsEnded[EndTeardown] != 1 || c.ExpMatched != 4 {
		t.Fatalf("counters %+v", c)
	}
	checkInvariants(t, tr)
}

func TestRTSPInterleavedFollowsConnection(t *testing.T) {
	tr := newTracker(t, nil)
	il := inspect.Media{Receiver: inspect.SideClient, Transport: inspect.TCP, Interleaved: true, RTPChannel: 0, RTCPChannel: 1}
	d := mustSignal(t, tr, t0, tcpMeta(rtspCli, rtspVIP, inspect.FromClient),
		rtspMsg(inspect.KeyConnection, "", inspect.EventNew, il))
	if d.Expected != 0 {
		t.Fatalf("interleaved SETUP made %d expectations", d.Expected)
	}
	_ = tr.Assign(d.Session, 3)
	mustSignal(t, tr, t0, tcpMeta(rtspVIP, rtspCli, inspect.FromServer), rtspMsg(inspect.KeyRTSPSession, "s-a", inspect.EventInSession, il))
	// A second session on the same connection follows the connection's server.
	d2 := mustSignal(t, tr, t0, tcpMeta(rtspCli, rtspVIP, inspect.FromClient),
		rtspMsg(inspect.KeyConnection, "", inspect.EventNew, il))
	if !d2.New || d2.Session == d.Session || d2.NeedsServer || d2.Server != 3 {
		t.Fatalf("second session on the connection: %+v", d2)
	}
	v := tr.Observe(t0, FlowKey{Src: ap(rtspCli), Dst: ap(rtspVIP), Proto: TCP})
	if v.Outcome != Hit || v.Server != 3 || v.PerMessage {
		t.Fatalf("connection verdict %+v", v)
	}
	if _, _, n := tr.Len(); n != 0 {
		t.Fatalf("%d expectations for interleaved media", n)
	}
}

func TestSIPOverTCPFollowsConnection(t *testing.T) {
	tr := newTracker(t, nil)
	m := tcpMeta("10.0.0.9:50000", vip, inspect.FromClient)
	d := mustSignal(t, tr, t0, m, sipMsg("t1@x", inspect.EventNew, inspect.INVITE))
	_ = tr.Assign(d.Session, 7)
	d2 := mustSignal(t, tr, t0, m, sipMsg("t2@x", inspect.EventNew, inspect.INVITE))
	if d2.Session == d.Session || d2.NeedsServer || d2.Server != 7 {
		t.Fatalf("second dialog on the TCP connection: %+v", d2)
	}
	if err := tr.Assign(d2.Session, 8); err == nil {
		t.Fatal("reassigning a connection-bound dialog to another server succeeded")
	}
	// On UDP the same two dialogs are independent.
	u := fromClient("10.0.0.9:5060", vip)
	d3 := mustSignal(t, tr, t0, u, sipMsg("u1@x", inspect.EventNew, inspect.INVITE))
	_ = tr.Assign(d3.Session, 7)
	if d4 := mustSignal(t, tr, t0, u, sipMsg("u2@x", inspect.EventNew, inspect.INVITE)); !d4.NeedsServer {
		t.Fatalf("UDP dialog inherited a server: %+v", d4)
	}
}

// An RTSP SETUP reply restates the client's ports. The client's
// expectations stay: the listener hears them added again, never removed
// (removed and re-added, they would be missing from the data plane's
// table for a moment, and the client's first media packets follow the
// reply at once), and their deadline moves.
func TestReannouncedExpectationStays(t *testing.T) {
	rec := &recorder{}
	tr := newTracker(t, func(c *Config) { c.Listener = rec })
	media30 := tr.cfg.Timeouts.Media
	d := mustSignal(t, tr, t0, tcpMeta(rtspCli, rtspVIP, inspect.FromClient),
		rtspMsg(inspect.KeyConnection, "", inspect.EventNew, media(inspect.SideClient, "10.0.0.5:5000", 0)))
	if err := tr.Assign(d.Session, 4); err != nil {
		t.Fatal(err)
	}
	rec.log = nil
	at := t0.Add(media30 / 2)
	mustSignal(t, tr, at, tcpMeta(rtspVIP, rtspCli, inspect.FromServer),
		rtspMsg(inspect.KeyRTSPSession, "sess1", inspect.EventInSession,
			media(inspect.SideClient, "10.0.0.5:5000", 0), media(inspect.SideServer, "192.0.2.10:6000", 0)))
	heard := rec.events("exp")
	if want := []string{"exp+ 10.0.0.5:5000", "exp+ 10.0.0.5:5001", "exp+ 192.0.2.10:6000", "exp+ 192.0.2.10:6001"}; !slices.Equal(heard, want) {
		t.Fatalf("listener heard %q, want %q", heard, want)
	}
	if c := tr.Counters(); c.ExpCreated != 4 || c.ExpCancelled != 0 {
		t.Fatalf("created %d, cancelled %d: want 4 and 0 (the client's two kept)", c.ExpCreated, c.ExpCancelled)
	}
	// Past the SETUP's deadline, before the reply's: all four are still expected.
	drain(tr, t0.Add(media30+time.Second))
	if _, _, exps := tr.Len(); exps != 4 {
		t.Fatalf("%d expectations after the SETUP's deadline, want 4 (the reply moved it)", exps)
	}
	wantVerdict(t, tr.Observe(t0.Add(media30+time.Second), udp("10.0.0.5:5001", "192.0.2.10:6001")), Promoted, d.Session, 4)
	checkInvariants(t, tr)
}
