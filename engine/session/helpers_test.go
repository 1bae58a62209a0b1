package session

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
)

var t0 = time.Unix(1_700_000_000, 0)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func udp(src, dst string) FlowKey { return FlowKey{Src: ap(src), Dst: ap(dst), Proto: UDP} }

func newTracker(t *testing.T, mod func(*Config)) *Tracker {
	t.Helper()
	cfg := DefaultConfig()
	if mod != nil {
		mod(&cfg)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// media is an announced endpoint: side receives RTP at addr:port, RTCP at port+1.
func media(side inspect.Side, addrPort string, index uint8) inspect.Media {
	a := ap(addrPort)
	return inspect.Media{Receiver: side, Addr: a.Addr(), Port: a.Port(), RTCPPort: a.Port() + 1,
		Transport: inspect.UDP, Index: index}
}

// msg builds an inspector result by hand (the parsers are tested apart).
func msg(p inspect.Proto, kk inspect.KeyKind, key string, ev inspect.Event, cseq inspect.Method, md ...inspect.Media) *inspect.Result {
	r := &inspect.Result{Proto: p, KeyKind: kk, Key: []byte(key), Event: ev, CSeqMethod: cseq}
	for _, m := range md {
		*r.AddMedia() = m
	}
	return r
}

func sipMsg(callID string, ev inspect.Event, cseq inspect.Method, md ...inspect.Media) *inspect.Result {
	return msg(inspect.ProtoSIP, inspect.KeyCallID, callID, ev, cseq, md...)
}

func meta(src, dst string, tr inspect.Transport, dir inspect.Direction) inspect.Meta {
	return inspect.Meta{Src: ap(src), Dst: ap(dst), Transport: tr, Dir: dir}
}

func fromClient(src, dst string) inspect.Meta { return meta(src, dst, inspect.UDP, inspect.FromClient) }
func fromServer(src, dst string) inspect.Meta { return meta(src, dst, inspect.UDP, inspect.FromServer) }

func mustSignal(t *testing.T, tr *Tracker, now time.Time, m inspect.Meta, r *inspect.Result) Decision {
	t.Helper()
	d, err := tr.Signal(now, m, r)
	if err != nil {
		t.Fatalf("Signal(%s %s): %v", r.Key, r.Event, err)
	}
	return d
}

func wantVerdict(t *testing.T, got Verdict, out Outcome, id ID, server uint16) {
	t.Helper()
	if got.Outcome != out || got.Session != id || (out != Miss && out != Ambiguous && (!got.HasServer || uint16(got.Server) != server)) {
		t.Fatalf("verdict %+v, want %v session %d server %d", got, out, id, server)
	}
}

// checkInvariants asserts the counter invariants written on Counters.
func checkInvariants(t *testing.T, tr *Tracker) {
	t.Helper()
	c := tr.Counters()
	flows, _, exps := tr.Len()
	if c.FlowsCreated != c.FlowsExpired+c.FlowsEnded+uint64(flows) {
		t.Errorf("flows: created %d != expired %d + ended %d + live %d", c.FlowsCreated, c.FlowsExpired, c.FlowsEnded, flows)
	}
	if c.ExpCreated != c.ExpMatched+c.ExpExpired+c.ExpCancelled+uint64(exps) {
		t.Errorf("expectations: created %d != matched %d + expired %d + cancelled %d + live %d",
			c.ExpCreated, c.ExpMatched, c.ExpExpired, c.ExpCancelled, exps)
	}
	running := 0
	for _, s := range tr.sessions {
		if s.End == EndNone {
			running++
		}
	}
	var ended uint64
	for _, n := range c.SessionsEnded {
		ended += n
	}
	if c.SessionsCreated != ended+uint64(running) {
		t.Errorf("sessions: created %d != ended %d + running %d", c.SessionsCreated, ended, running)
	}
}

// drain runs Expire until nothing is left to visit at now.
func drain(tr *Tracker, now time.Time) {
	for tr.Expire(now, 64) == 64 {
	}
}

func clusterID(n uint16) cluster.ServerID { return cluster.ServerID(n) }

func itoa(i int) string { return strconv.Itoa(i) }
