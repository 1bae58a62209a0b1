package session

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

const (
	cli = "10.0.0.1:5060"
	vip = "192.0.2.10:5060"
)

// call opens a SIP dialog: INVITE with the client's SDP, Assign, 200 OK
// with the server's SDP. It returns the session.
func call(t *testing.T, tr *Tracker, now time.Time, sigSrc, callID, cliMedia, srvMedia string, server uint16) ID {
	t.Helper()
	d := mustSignal(t, tr, now, fromClient(sigSrc, vip),
		sipMsg(callID, inspect.EventNew, inspect.INVITE, media(inspect.SideClient, cliMedia, 0)))
	if !d.New || !d.NeedsServer {
		t.Fatalf("INVITE decision %+v: want New, NeedsServer", d)
	}
	if err := tr.Assign(d.Session, clusterID(server)); err != nil {
		t.Fatal(err)
	}
	d2 := mustSignal(t, tr, now, fromServer(vip, sigSrc),
		sipMsg(callID, inspect.EventInSession, inspect.INVITE, media(inspect.SideServer, srvMedia, 0)))
	if d2.Session != d.Session || d2.New || d2.NeedsServer || d2.Expected != 2 {
		t.Fatalf("200 OK decision %+v", d2)
	}
	return d.Session
}

func TestSIPCallLifecycle(t *testing.T) {
	tr := newTracker(t, nil)
	id := call(t, tr, t0, cli, "a@x", "10.0.0.1:30000", "192.0.2.10:20000", 2)

	// Client → VIP media: promoted with the session's server, then a hit.
	wantVerdict(t, tr.Observe(t0.Add(time.Second), udp("10.0.0.1:30000", "192.0.2.10:20000")), Promoted, id, 2)
	v := tr.Observe(t0.Add(2*time.Second), udp("10.0.0.1:30000", "192.0.2.10:20000"))
	wantVerdict(t, v, Hit, id, 2)
	if f, _ := tr.Lookup(t0.Add(2*time.Second), udp("10.0.0.1:30000", "192.0.2.10:20000")); f.Status != StatusEstablished || f.Identity != Secondary {
		t.Fatalf("flow %+v: want established secondary", f)
	}
	// Server → client media (what a gateway sees) also belongs to the call.
	wantVerdict(t, tr.Observe(t0.Add(time.Second), udp("192.0.2.10:20000", "10.0.0.1:30000")), Promoted, id, 2)
	// A stranger is not media of the call.
	wantVerdict(t, tr.Observe(t0.Add(time.Second), udp("10.0.0.1:40000", "192.0.2.10:30000")), Miss, 0, 0)

	mustSignal(t, tr, t0.Add(3*time.Second), fromClient(cli, vip), sipMsg("a@x", inspect.EventEnding, inspect.BYE))
	if s, _ := tr.Session(id); !s.Ending {
		t.Fatal("BYE did not mark the session ending")
	}
	d := mustSignal(t, tr, t0.Add(3*time.Second), fromServer(vip, cli), sipMsg("a@x", inspect.EventEnded, inspect.BYE))
	if d.Ended != EndBye || d.NeedsServer {
		t.Fatalf("200 BYE decision %+v", d)
	}
	// Lingering: late media still follows the server; after Linger all is gone.
	wantVerdict(t, tr.Observe(t0.Add(4*time.Second), udp("10.0.0.1:30000", "192.0.2.10:20000")), Hit, id, 2)
	drain(tr, t0.Add(3*time.Second+DefaultConfig().Linger+2*time.Second))
	if _, ok := tr.Session(id); ok {
		t.Fatal("session still there after linger")
	}
	if _, ok := tr.Lookup(t0, udp("10.0.0.1:30000", "192.0.2.10:20000")); ok {
		t.Fatal("media flow still there after linger")
	}
	c := tr.Counters()
	if c.SessionsEnded[EndBye] != 1 || c.ExpMatched != 2 || c.ExpCancelled != 2 || c.FlowsEnded != 2 {
		t.Fatalf("counters %+v", c)
	}
	checkInvariants(t, tr)
}

func TestCancelLingersForACK(t *testing.T) {
	tr := newTracker(t, nil)
	d := mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("c@x", inspect.EventNew, inspect.INVITE))
	_ = tr.Assign(d.Session, 1)
	mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("c@x", inspect.EventEnding, inspect.CANCEL))
	if got := mustSignal(t, tr, t0, fromServer(vip, cli), sipMsg("c@x", inspect.EventEnded, inspect.CANCEL)); got.Ended != EndCancel {
		t.Fatalf("200 CANCEL: %+v", got)
	}
	// 487 and its ACK arrive after the CANCEL's 200: same session, same server.
	ack := mustSignal(t, tr, t0.Add(time.Second), fromClient(cli, vip), sipMsg("c@x", inspect.EventInSession, inspect.ACK))
	if ack.Session != d.Session || !ack.HasServer || ack.Server != 1 || ack.NeedsServer {
		t.Fatalf("ACK after CANCEL: %+v", ack)
	}
	drain(tr, t0.Add(10*time.Second))
	if _, err := tr.Signal(t0.Add(10*time.Second), fromClient(cli, vip), sipMsg("c@x", inspect.EventInSession, inspect.ACK)); err != ErrUnknownSession {
		t.Fatalf("ACK after purge: err %v, want ErrUnknownSession", err)
	}
	if c := tr.Counters(); c.SessionsEnded[EndCancel] != 1 || c.Orphans != 1 {
		t.Fatalf("counters %+v", c)
	}
	checkInvariants(t, tr)
}

func TestTrunk100Calls(t *testing.T) {
	tr := newTracker(t, nil)
	trunk := "198.51.100.7:5060"
	ids := make([]ID, 100)
	for i := range ids {
		cm := ap("198.51.100.7:40000").Port() + uint16(4*i)
		sm := ap("192.0.2.10:20000").Port() + uint16(4*i)
		ids[i] = call(t, tr, t0, trunk, "call-"+itoa(i), "198.51.100.7:"+itoa(int(cm)),
			"192.0.2.10:"+itoa(int(sm)), uint16(i%3))
	}
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			t.Fatalf("calls %d and %d share session %d", i-1, i, id)
		}
		k := udp("198.51.100.7:"+itoa(40000+4*i), "192.0.2.10:"+itoa(20000+4*i))
		wantVerdict(t, tr.Observe(t0.Add(time.Second), k), Promoted, id, uint16(i%3))
	}
	v := tr.Observe(t0.Add(time.Second), udp(trunk, vip))
	if v.Outcome != Hit || v.Identity != Signalling || !v.PerMessage {
		t.Fatalf("trunk signalling verdict %+v: want a per-message hit", v)
	}
	_, n, _ := tr.Len()
	if n != 100 {
		t.Fatalf("%d sessions, want 100", n)
	}
	if c := tr.Counters(); c.ExpConflicts != 0 || c.ExpAmbiguous != 0 {
		t.Fatalf("counters %+v", c)
	}
	checkInvariants(t, tr)
}

func TestReinviteMovesMedia(t *testing.T) {
	tr := newTracker(t, nil)
	id := call(t, tr, t0, cli, "r@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.1:30000", "192.0.2.10:20000")), Promoted, id, 1)
	// re-INVITE: both sides move to new ports.
	mustSignal(t, tr, t0.Add(time.Second), fromClient(cli, vip),
		sipMsg("r@x", inspect.EventInSession, inspect.INVITE, media(inspect.SideClient, "10.0.0.1:30010", 0)))
	d := mustSignal(t, tr, t0.Add(time.Second), fromServer(vip, cli),
		sipMsg("r@x", inspect.EventInSession, inspect.INVITE, media(inspect.SideServer, "192.0.2.10:20010", 0)))
	if d.Expected != 2 || d.Session != id {
		t.Fatalf("re-INVITE answer %+v", d)
	}
	wantVerdict(t, tr.Observe(t0.Add(2*time.Second), udp("10.0.0.1:30010", "192.0.2.10:20010")), Promoted, id, 1)
	// The first offer's unmatched RTCP expectation was replaced, not kept.
	for _, x := range tr.Expectations(id) {
		if x.Dst.Port() == 20001 || x.Dst.Port() == 30001 {
			t.Fatalf("stale expectation %+v survived the re-INVITE", x)
		}
	}
	checkInvariants(t, tr)
}

// A re-INVITE that keeps a stream where it was updates its expectations in
// place (never removed, so never missing from the data plane's table) and
// replaces only what moved.
func TestReinviteKeepsUnchangedMedia(t *testing.T) {
	rec := &recorder{}
	tr := newTracker(t, func(c *Config) { c.Listener = rec })
	id := call(t, tr, t0, cli, "k@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	rec.log = nil
	mustSignal(t, tr, t0.Add(time.Second), fromClient(cli, vip), sipMsg("k@x", inspect.EventInSession, inspect.INVITE,
		media(inspect.SideClient, "10.0.0.1:30000", 0), media(inspect.SideClient, "10.0.0.1:30010", 1)))
	if removed := rec.events("exp-"); len(removed) != 0 {
		t.Fatalf("the unchanged stream's expectations were removed: %q", rec.log)
	}
	if c := tr.Counters(); c.ExpCancelled != 0 {
		t.Fatalf("cancelled %d expectations, want 0", c.ExpCancelled)
	}
	wantVerdict(t, tr.Observe(t0.Add(2*time.Second), udp("192.0.2.10:20000", "10.0.0.1:30000")), Promoted, id, 1)
	wantVerdict(t, tr.Observe(t0.Add(2*time.Second), udp("192.0.2.10:20010", "10.0.0.1:30010")), Promoted, id, 1)
	checkInvariants(t, tr)
}

// TestSIPRefused: a dialog refused by admission ends (EndRefused) without
// a server and lingers: its retransmitted INVITE and the ACK of the
// refusal find it, ended, and ask for no server; after Linger the Call-ID
// is free again. A session with a server cannot be refused.
func TestSIPRefused(t *testing.T) {
	tr := newTracker(t, nil)
	inv := sipMsg("r@x", inspect.EventNew, inspect.INVITE, media(inspect.SideClient, "10.0.0.1:30000", 0))
	d := mustSignal(t, tr, t0, fromClient(cli, vip), inv)
	if !d.NeedsServer || !tr.Refuse(t0, d.Session) || tr.Refuse(t0, d.Session) {
		t.Fatalf("refuse %+v", d)
	}
	if s, _ := tr.Session(d.Session); s.End != EndRefused || s.HasServer {
		t.Fatalf("refused session %+v", s)
	}
	if _, _, x := tr.Len(); x != 0 {
		t.Fatalf("%d expectations of a refused call remain", x)
	}
	for _, r := range []*inspect.Result{inv, sipMsg("r@x", inspect.EventInSession, inspect.ACK)} {
		d2 := mustSignal(t, tr, t0.Add(time.Second), fromClient(cli, vip), r)
		if d2.Session != d.Session || d2.NeedsServer || d2.HasServer || d2.New {
			t.Fatalf("after the refusal: %+v", d2)
		}
	}
	if n := tr.Counters().SessionsEnded[EndRefused]; n != 1 {
		t.Fatalf("refused sessions counted %d", n)
	}
	tr.Expire(t0.Add(tr.cfg.Linger+3*time.Second), 1000)
	if d3 := mustSignal(t, tr, t0.Add(tr.cfg.Linger+3*time.Second), fromClient(cli, vip), inv); !d3.New || !d3.NeedsServer {
		t.Fatalf("a new INVITE after the linger: %+v", d3)
	}
	id := call(t, tr, t0, cli, "s@x", "10.0.0.1:30002", "192.0.2.10:20002", 1)
	if tr.Refuse(t0, id) {
		t.Fatal("a session with a server was refused")
	}
}
