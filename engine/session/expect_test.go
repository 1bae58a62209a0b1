package session

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

// Two servers behind the VIP announce the same VIP port to two clients: the
// client's source address tells the sessions apart, and the conflict is counted.
func TestConflictDisambiguatedByClient(t *testing.T) {
	tr := newTracker(t, nil)
	a := call(t, tr, t0, "10.0.0.1:5060", "a@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	b := call(t, tr, t0, "10.0.0.2:5060", "b@x", "10.0.0.2:30000", "192.0.2.10:20000", 2)
	if c := tr.Counters(); c.ExpConflicts != 2 { // RTP and RTCP of b's answer
		t.Fatalf("conflicts %d, want 2", c.ExpConflicts)
	}
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.2:30000", "192.0.2.10:20000")), Promoted, b, 2)
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.1:30000", "192.0.2.10:20000")), Promoted, a, 1)
	// A third client expected by nobody is a miss, not one of theirs.
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.3:30000", "192.0.2.10:20001")), Miss, 0, 0)
	checkInvariants(t, tr)
}

// The source port hint (symmetric RTP) breaks a tie between two sessions of
// the same client address.
func TestConflictDisambiguatedBySourcePort(t *testing.T) {
	tr := newTracker(t, nil)
	a := call(t, tr, t0, "10.0.0.1:5060", "a@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	b := call(t, tr, t0, "10.0.0.1:5060", "b@x", "10.0.0.1:30004", "192.0.2.10:20000", 2)
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.1:30004", "192.0.2.10:20000")), Promoted, b, 2)
	wantVerdict(t, tr.Observe(t0, udp("10.0.0.1:30000", "192.0.2.10:20000")), Promoted, a, 1)
}

// With no way to tell (no source known), the packet is ambiguous: counted,
// not promoted, and the expectations stay for a later, clearer packet.
func TestAmbiguousNotPromoted(t *testing.T) {
	tr := newTracker(t, nil)
	for i, id := range []string{"a@x", "b@x"} {
		d := mustSignal(t, tr, t0, fromClient("10.0.0."+itoa(i+1)+":5060", vip), sipMsg(id, inspect.EventNew, inspect.INVITE))
		_ = tr.Assign(d.Session, clusterID(uint16(i)))
		mustSignal(t, tr, t0, fromServer(vip, "10.0.0."+itoa(i+1)+":5060"),
			sipMsg(id, inspect.EventInSession, inspect.INVITE, media(inspect.SideServer, "192.0.2.10:20000", 0)))
	}
	v := tr.Observe(t0, udp("10.0.0.1:30000", "192.0.2.10:20000"))
	if v.Outcome != Ambiguous || v.HasServer {
		t.Fatalf("verdict %+v, want ambiguous without server", v)
	}
	if _, ok := tr.Lookup(t0, udp("10.0.0.1:30000", "192.0.2.10:20000")); ok {
		t.Fatal("ambiguous packet created a flow")
	}
	if c := tr.Counters(); c.ExpAmbiguous != 1 || c.ExpMatched != 0 || c.ExpConflicts != 2 {
		t.Fatalf("counters %+v", c)
	}
	checkInvariants(t, tr)
}

func TestRefusedHeldInterleavedMakeNoExpectation(t *testing.T) {
	tr := newTracker(t, nil)
	refused := media(inspect.SideClient, "10.0.0.1:30000", 0)
	refused.Refused = true
	hold := media(inspect.SideClient, "0.0.0.0:30002", 1)
	d := mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("h@x", inspect.EventNew, inspect.INVITE, refused, hold))
	if d.Expected != 0 {
		t.Fatalf("%d expectations from refused/held media", d.Expected)
	}
}

func TestExpectationTimeoutAndRTCPAddress(t *testing.T) {
	tr := newTracker(t, nil)
	m := media(inspect.SideServer, "192.0.2.10:20000", 0)
	m.RTCPAddr, m.RTCPPort = ap("192.0.2.11:1").Addr(), 21000
	d := mustSignal(t, tr, t0, fromServer(vip, cli), sipMsg("e@x", inspect.EventNew, inspect.INVITE, m))
	xs := tr.Expectations(d.Session)
	if len(xs) != 2 || xs[1].Dst != ap("192.0.2.11:21000") || !xs[1].RTCP {
		t.Fatalf("expectations %+v: want RTP and RTCP at 192.0.2.11:21000", xs)
	}
	to := DefaultTimeouts().Media
	drain(tr, t0.Add(to-time.Second))
	if _, _, n := tr.Len(); n != 2 {
		t.Fatalf("%d expectations before the media timeout, want 2", n)
	}
	// A packet after the timeout but before the purge does not match.
	if v := tr.Observe(t0.Add(to), udp("10.0.0.1:30000", "192.0.2.10:20000")); v.Outcome != Miss {
		t.Fatalf("expired expectation matched: %+v", v)
	}
	drain(tr, t0.Add(to+2*time.Second))
	if c := tr.Counters(); c.ExpExpired != 2 {
		t.Fatalf("expired %d, want 2", c.ExpExpired)
	}
	checkInvariants(t, tr)
}
