package dpview_test

import (
	"math"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/mgmt/api/dpview"
)

func TestCounters(t *testing.T) {
	c := dataplane.Counters{RX: 10, TX: 7, FwdHit: 5, FwdNew: 2, SigRingFull: 1, FlowsLive: 3,
		Drops: map[string]uint64{"not_vip": 3}, SigLatency: []uint64{0, 4}, ServerPackets: []uint64{4, 3},
		ServerFlows: []uint64{1, 1}}
	a := dpview.Counters(&c)
	if a.RX != 10 || a.TX != 7 || a.FwdHit != 5 || a.FwdNew != 2 || a.SigRingFull != 1 || a.FlowsLive != 3 ||
		a.Drops["not_vip"] != 3 || a.SigLatencyLog2ns[1] != 4 || a.DropTotal() != 3 {
		t.Fatalf("%+v", a)
	}
	c.Drops["not_vip"], c.SigLatency[1] = 99, 99 // the copy does not alias
	if a.Drops["not_vip"] != 3 || a.SigLatencyLog2ns[1] != 4 {
		t.Fatal("converted counters alias the source")
	}
	if e := dpview.Counters(&dataplane.Counters{}); e.Drops == nil {
		t.Fatal("nil drops map")
	}
	if p, f := dpview.ServerTotals(&c, 1); p != 3 || f != 1 {
		t.Fatalf("server 1: %d %d", p, f)
	}
	if p, f := dpview.ServerTotals(&c, 5); p != 0 || f != 0 {
		t.Fatal("out of range server")
	}
}

func TestMeter(t *testing.T) {
	t0 := time.Unix(1000, 0)
	m := &dpview.Meter{Interval: time.Second}
	snap := func(rx, busy, total uint64) []dataplane.Counters {
		return []dataplane.Counters{{RX: rx, CyclesBusy: busy, CyclesTotal: total}, {RX: rx / 2, CyclesBusy: 0, CyclesTotal: total}}
	}
	w := m.Workers(t0, snap(0, 50, 100), []int{1, 2})
	if w[0].Mpps != 0 || w[0].Busy != 0.5 || w[1].Lcore != 2 {
		t.Fatalf("first call: %+v", w[0])
	}
	// 2 s later: 4 M frames and 300 of 400 cycles busy on worker 0
	w = m.Workers(t0.Add(2*time.Second), snap(4_000_000, 350, 500), nil)
	if math.Abs(w[0].Mpps-2) > 1e-12 || math.Abs(w[0].Busy-0.75) > 1e-12 || math.Abs(w[1].Mpps-1) > 1e-12 || w[1].Busy != 0 {
		t.Fatalf("rates: %+v / %+v", w[0], w[1])
	}
	if w[0].Lcore != -1 {
		t.Fatalf("lcore unknown should be -1, got %d", w[0].Lcore)
	}
	// 100 ms later: too soon, rates kept, counters fresh
	w = m.Workers(t0.Add(2100*time.Millisecond), snap(9_000_000, 360, 600), nil)
	if math.Abs(w[0].Mpps-2) > 1e-12 || w[0].Counters.RX != 9_000_000 {
		t.Fatalf("within interval: %+v", w[0])
	}
	mpps, busy := dpview.Total(w)
	if math.Abs(mpps-3) > 1e-12 || math.Abs(busy-0.375) > 1e-12 {
		t.Fatalf("total %g %g", mpps, busy)
	}
	// counters restarted (data plane rebuilt): no negative rate
	w = m.Workers(t0.Add(5*time.Second), snap(10, 1, 2), nil)
	if w[0].Mpps != 0 || w[0].Busy < 0 {
		t.Fatalf("after reset: %+v", w[0])
	}
}
