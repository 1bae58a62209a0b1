package ha

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

func sipResult(callID string, ev inspect.Event, md ...inspect.Media) *inspect.Result {
	r := &inspect.Result{Proto: inspect.ProtoSIP, KeyKind: inspect.KeyCallID, Key: []byte(callID), Event: ev, CSeqMethod: inspect.INVITE}
	for _, m := range md {
		*r.AddMedia() = m
	}
	return r
}

// TestMirrorReplicatesACall: a real session.Tracker feeds a Mirror on the
// primary; the backup's table ends up with the call's flows, its remaining
// expectation and its association, then with none of them after BYE.
func TestMirrorReplicatesACall(t *testing.T) {
	s := pair(t, 12, 0)
	m := &Mirror{Table: s.tables[0], Publisher: s.nodes[0], Now: func() time.Time { return s.now }}
	cfg := session.DefaultConfig()
	cfg.Listener = m
	tr, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cli, vip := "10.0.0.1:5060", "192.0.2.10:5060"
	meta := func(src, dst string, dir inspect.Direction) inspect.Meta {
		return inspect.Meta{Src: ap(src), Dst: ap(dst), Transport: inspect.UDP, Dir: dir}
	}
	d, err := tr.Signal(s.now, meta(cli, vip, inspect.FromClient), sipResult("c1@x", inspect.EventNew))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Assign(d.Session, 5); err != nil {
		t.Fatal(err)
	}
	md := inspect.Media{Receiver: inspect.SideServer, Addr: ap("192.0.2.10:20000").Addr(), Port: 20000, RTCPPort: 20001, Transport: inspect.UDP}
	if _, err := tr.Signal(s.now, meta(vip, cli, inspect.FromServer), sipResult("c1@x", inspect.EventInSession, md)); err != nil {
		t.Fatal(err)
	}
	tr.Observe(s.now, flowKey("10.0.0.1:30000", "192.0.2.10:20000")) // RTP promoted: secondary flow
	m.ServerState(5, cluster.Draining)
	m.Admission(admission.Policy{T1: 0.7, T2: 0.8, T3: 0.9, C: 1})
	s.run(50 * time.Millisecond)

	b := s.tables[1]
	if d := s.tables[0].Diff(b); d != 0 {
		t.Fatalf("backup differs by %d keys", d)
	}
	assoc, ok := b.Get(RecordKey{Kind: KindAssociation, Session: d.Session})
	media, okMedia := b.Get(RecordKey{Kind: KindFlow, Flow: flowKey("10.0.0.1:30000", "192.0.2.10:20000")})
	rtcp, okRTCP := b.Get(RecordKey{Kind: KindExpectation, Dst: ap("192.0.2.10:20001"), Proto: session.UDP, Session: d.Session})
	srv, okSrv := b.Get(RecordKey{Kind: KindServer, Server: 5})
	adm, okAdm := b.Get(RecordKey{Kind: KindAdmission})
	if !ok || assoc.Assoc.Server != 5 || !okMedia || media.Flow.Server != 5 || media.Flow.Identity != session.Secondary ||
		!okRTCP || !rtcp.Exp.RTCP || !okSrv || srv.Server.State != cluster.Draining || !okAdm || adm.Admission.T2 != 0.8 {
		t.Fatalf("backup table: assoc %v %+v media %v %+v rtcp %v srv %v adm %v", ok, assoc.Assoc, okMedia, media.Flow, okRTCP, okSrv, okAdm)
	}
	if b.Len() != 3+1+1+1+1 { // 3 flows, 1 expectation, association, server, admission
		t.Fatalf("backup holds %d entries", b.Len())
	}

	if _, err := tr.Signal(s.now, meta(vip, cli, inspect.FromServer), sipResult("c1@x", inspect.EventEnded)); err != nil {
		t.Fatal(err)
	}
	later := s.now.Add(10 * time.Minute)
	for tr.Expire(later, 64) == 64 {
	}
	s.run(50 * time.Millisecond)
	if d := s.tables[0].Diff(b); d != 0 || b.Len() != 2 || m.Errors() != 0 {
		t.Fatalf("after BYE: diff %d, backup holds %d (want server + admission), errors %d", d, b.Len(), m.Errors())
	}
}
