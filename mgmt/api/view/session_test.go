package view_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/view"
)

func TestSession(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sig := session.FlowKey{Src: netip.MustParseAddrPort("192.0.2.7:5060"), Dst: netip.MustParseAddrPort("10.0.0.100:5060"), Proto: session.UDP}
	rtp := session.FlowKey{Src: netip.MustParseAddrPort("192.0.2.7:40000"), Dst: netip.MustParseAddrPort("10.0.0.100:20000"), Proto: session.UDP}
	s := session.Session{ID: 42, Kind: session.KindSIP, Key: "abc@host", Server: 1, HasServer: true, Created: t0, LastSeen: t0}
	flows := []session.Flow{
		{Key: sig, Identity: session.Signalling, Status: session.StatusEstablished, LastSeen: t0.Add(50 * time.Second), Timeout: time.Minute},
		{Key: rtp, Identity: session.Secondary, Status: session.StatusEstablished, LastSeen: t0, Timeout: 30 * time.Second},
	}
	exps := []session.Expectation{{Dst: netip.MustParseAddrPort("10.0.0.100:20001"), Proto: session.UDP, Created: t0}}
	names := func(id int) string { return []string{"s1", "s2", "s3"}[id] }
	a := view.Session(s, flows, exps, names, t0.Add(time.Minute))
	if a.ID != "42" || a.Protocol != "sip" || a.CallID != "abc@host" || a.Server != "s2" || a.State != "established" || len(a.Flows) != 3 {
		t.Fatalf("%+v", a)
	}
	want := []api.Flow{
		{Proto: "udp", Src: "192.0.2.7:5060", Dst: "10.0.0.100:5060", Identity: "signalling", Status: "established"},
		{Proto: "udp", Src: "192.0.2.7:40000", Dst: "10.0.0.100:20000", Identity: "secondary", Status: "inactive"}, // idle 60 s ≥ 30 s
		{Proto: "udp", Src: "0.0.0.0:0", Dst: "10.0.0.100:20001", Identity: "announced", Status: "new"},
	}
	for i, w := range want {
		g := a.Flows[i]
		g.LastSeen = time.Time{}
		if g != w {
			t.Errorf("flow %d = %+v, want %+v", i, g, w)
		}
	}
	// the API's filters work on the result
	q := api.SessionQuery{AddrOnly: netip.MustParseAddr("192.0.2.7"), Limit: 10}
	if p := api.FilterPage([]api.Session{a}, q); p.Total != 1 {
		t.Fatal("address filter does not match a converted session")
	}
	s.Ending = true
	if view.Session(s, nil, nil, names, t0).State != "ending" {
		t.Fatal("ending")
	}
	s.End = session.EndBye
	if st := view.Session(s, nil, nil, names, t0).State; st != "ended-bye" {
		t.Fatal(st)
	}
	s = session.Session{ID: 1, Kind: session.KindRTSP}
	if a := view.Session(s, nil, nil, names, t0); a.Server != "" || a.State != "new" || a.Flows == nil {
		t.Fatalf("unplaced session %+v", a)
	}
}
