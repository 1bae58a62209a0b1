package dispatcher

import (
	"net/netip"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/ha"
	"github.com/sara-lb/sara/engine/session"
)

// A worker's flow event becomes a record that survives the pair's compact
// flow map (what a snapshot sends) field for field; an expiry deletes it.
func TestFlowRecordsRoundTripThePairsMap(t *testing.T) {
	k := dataplane.FlowKey{Src: netip.MustParseAddrPort("192.0.2.7:30000"), Dst: netip.MustParseAddrPort("10.0.0.100:20000"), Proto: 17}
	ev := dataplane.FlowRecord{Type: dataplane.FlowCreated, Key: k, Server: 2, Session: 77, Class: dataplane.ClassMedia,
		Flags: dataplane.FlagValid | dataplane.FlagSecondary | dataplane.FlagEstablished}
	now := time.Unix(1_700_000_000, 0)
	r, ok := recordOfFlow(&ev, now)
	if !ok || r.Op != ha.OpPut || r.Flow.Server != 2 || r.Flow.Session != 77 || r.Flow.Identity != session.Secondary ||
		r.Flow.DPClass != dataplane.ClassMedia || r.Flow.DPFlags != ev.Flags || r.Flow.Key.Proto != session.UDP {
		t.Fatalf("record %+v", r)
	}
	if b, err := ha.AppendRecord(nil, &r); err != nil {
		t.Fatalf("the record does not encode: %v (%x)", err, b)
	}
	m := flowMap{m: map[session.FlowKey]flowVal{}}
	if !m.event(&r) {
		t.Fatal("a creation changes nothing")
	}
	var got []ha.Record
	m.each(func(x ha.Record) { got = append(got, x) })
	if len(got) != 1 {
		t.Fatalf("%d records", len(got))
	}
	g := got[0].Flow
	if g.Key != r.Flow.Key || g.Server != r.Flow.Server || g.Session != r.Flow.Session || g.Identity != r.Flow.Identity ||
		g.DPClass != r.Flow.DPClass || g.DPFlags != r.Flow.DPFlags {
		t.Fatalf("snapshot record %+v, want %+v", g, r.Flow)
	}
	ev.Type = dataplane.FlowExpired
	del, ok := recordOfFlow(&ev, now)
	if !ok || del.Op != ha.OpDelete {
		t.Fatalf("expiry %+v", del)
	}
	if !m.event(&del) || m.len() != 0 {
		t.Fatalf("%d flows after the expiry", m.len())
	}
	// Installed on three workers (a backup): the flow leaves the state when
	// the last copy expires, not when the first idle one does.
	m.apply(&r, 3)
	for i, want := range []bool{false, false, true} {
		if got := m.event(&del); got != want || (m.len() == 0) != want {
			t.Fatalf("expiry %d of 3 copies: changed %v (want %v), %d flows left", i+1, got, want, m.len())
		}
	}
	if _, ok := recordOfFlow(&dataplane.FlowRecord{Type: dataplane.FlowInstall}, now); ok {
		t.Fatal("an install record was published")
	}
}
