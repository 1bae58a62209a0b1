package control

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/shell"
	"github.com/sara-lb/sara/engine/sigpath"
)

type fakeViews struct{ v []cluster.ServerView }

func (f *fakeViews) Snapshot() []cluster.ServerView { return append([]cluster.ServerView(nil), f.v...) }

type fakeDP struct{ pols []dataplane.Policy }

func (f *fakeDP) Publish(p dataplane.Policy) error { f.pols = append(f.pols, p); return nil }
func (f *fakeDP) Totals() dataplane.Counters       { return dataplane.Counters{} }

type fakeSink struct{ p sigpath.Policy }

func (f *fakeSink) SetPolicy(p sigpath.Policy) { f.p = p }

func newLoop(t *testing.T, v *fakeViews, dp *fakeDP, sink *fakeSink) *Loop {
	l, err := New(Config{Interval: time.Second, Slots: 64, Shell: shell.DefaultConfig(),
		Admission: admission.DefaultConfig()}, v, dp, sink, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func view(id int, st cluster.State, load float64) cluster.ServerView {
	return cluster.ServerView{ID: cluster.ServerID(id), State: st, Load: load, HasLoad: true, Weight: 1}
}

func TestLoopPublishesOnlySelectableServersAndFailedAsDown(t *testing.T) {
	v := &fakeViews{v: []cluster.ServerView{view(0, cluster.Active, 0.2), view(1, cluster.Draining, 0.1),
		view(2, cluster.Failed, 0), view(3, cluster.Active, 0.3)}}
	dp, sink := &fakeDP{}, &fakeSink{}
	l := newLoop(t, v, dp, sink)
	for i := 0; i < 3; i++ {
		if err := l.Step(time.Unix(int64(i), 0)); err != nil {
			t.Fatal(err)
		}
	}
	p := dp.pols[len(dp.pols)-1]
	if len(p.Sequence) != 64 {
		t.Fatalf("sequence of %d slots", len(p.Sequence))
	}
	for _, s := range p.Sequence {
		if s != 0 && s != 3 {
			t.Fatalf("server %d (not active) in the sequence", s)
		}
	}
	if len(p.Down) != 1 || p.Down[0] != 2 {
		t.Fatalf("down = %v, want [2]", p.Down)
	}
	if len(sink.p.Sequence) != 64 || p.PNew != 0 {
		t.Fatalf("sink got %d slots, p_new %v at low load", len(sink.p.Sequence), p.PNew)
	}
	if st := l.Last(); len(st.Forecasts) != 4 || len(st.Errors) != 4 || len(st.Costs) != 4 || st.Costs[0] <= 0 {
		t.Fatalf("per-server shell figures missing: %+v", st)
	}
	// the less loaded active server gets more of the new sessions
	if sh := l.Last().Shares; sh[0] <= sh[3] {
		t.Errorf("shares %v: server 0 (load 0.2) should get more than server 3 (0.3)", sh)
	}
}

func TestLoopAdmissionUnderOverloadAndNoServer(t *testing.T) {
	v := &fakeViews{v: []cluster.ServerView{view(0, cluster.Active, 0.8), view(1, cluster.Active, 0.8)}}
	dp, sink := &fakeDP{}, &fakeSink{}
	l := newLoop(t, v, dp, sink)
	for i := 0; i < 6; i++ {
		_ = l.Step(time.Unix(int64(i), 0))
	}
	if p := dp.pols[len(dp.pols)-1]; p.PNew <= 0 || sink.p.PNew != p.PNew {
		t.Fatalf("load 0.8 > T1: p_new %v (sink %v), want > 0", p.PNew, sink.p.PNew)
	}
	v.v = []cluster.ServerView{view(0, cluster.Failed, 0), view(1, cluster.AppDown, 0)}
	_ = l.Step(time.Unix(10, 0))
	if p := dp.pols[len(dp.pols)-1]; len(p.Sequence) != 0 {
		t.Fatalf("no active server but a sequence of %d", len(p.Sequence))
	}
}

func TestLoopOperatorDrainAndRemove(t *testing.T) {
	v := &fakeViews{v: []cluster.ServerView{view(0, cluster.Active, 0.2), view(1, cluster.Active, 0.2),
		view(2, cluster.Active, 0.2)}}
	dp := &fakeDP{}
	l := newLoop(t, v, dp, &fakeSink{})
	l.Drain(1, time.Unix(5, 0)) // scheduled
	l.Remove(2)
	_ = l.Step(time.Unix(1, 0))
	p := dp.pols[len(dp.pols)-1]
	if sh := l.Last().Shares; sh[1] == 0 || sh[2] != 0 || len(p.Down) != 1 || p.Down[0] != 2 {
		t.Fatalf("before the drain time: shares %v, down %v", sh, p.Down)
	}
	_ = l.Step(time.Unix(6, 0))
	if sh := l.Last().Shares; sh[1] != 0 || sh[0] != 64 {
		t.Fatalf("after the drain time: shares %v", sh)
	}
	l.Undrain(1)
	_ = l.Step(time.Unix(7, 0))
	if sh := l.Last().Shares; sh[1] == 0 {
		t.Fatalf("undrained server has no share: %v", sh)
	}
}
