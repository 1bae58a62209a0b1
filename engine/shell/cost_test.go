package shell

import (
	"math"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

// TestCostLearned: the true load is 0.1 + 0.02·sessions; the learned cost
// converges to 0.02 (prior 0.01) within 5 %.
func TestCostLearned(t *testing.T) {
	s := mustNew(t, nil)
	sess := []int{10, 20, 15, 30, 25, 35, 20, 10, 28, 18}
	for k := 0; k < 40; k++ {
		n := sess[k%len(sess)]
		s.Update([]cluster.ServerView{view(0, 0.1+0.02*float64(n), n)})
	}
	if c := s.Cost(0); math.Abs(c-0.02) > 0.001 {
		t.Fatalf("cost %v, want 0.02±5%%", c)
	}
}

// TestCostReportLag: the report lags sessions by one interval. With
// ReportLag=1 the estimator pairs them right and learns 0.02; with
// ReportLag=0 it pairs them wrong and does not.
func TestCostReportLag(t *testing.T) {
	sess := []int{10, 20, 15, 30, 25, 35, 20, 10, 28, 18, 40, 5}
	run := func(lag int) float64 {
		s := mustNew(t, func(c *Config) { c.ReportLag = lag })
		prev := sess[0]
		for k := 0; k < 60; k++ {
			n := sess[k%len(sess)]
			s.Update([]cluster.ServerView{view(0, 0.1+0.02*float64(prev), n)})
			prev = n
		}
		return s.Cost(0)
	}
	if c := run(1); math.Abs(c-0.02) > 0.001 {
		t.Fatalf("lag 1: cost %v, want 0.02", c)
	}
	if c := run(0); math.Abs(c-0.02) < 0.005 {
		t.Fatalf("lag 0 on lagged reports learned %v: pairing has no effect?", c)
	}
}

// TestPendingSessionsRaiseLevel: ReportLag=1, the report shows 10 sessions,
// 20 now: the starting level is L̂ + c·10 = .3 + .01·10 = .4, so a server at
// .35 with no pending session gets the first slot.
func TestPendingSessionsRaiseLevel(t *testing.T) {
	s := mustNew(t, func(c *Config) { c.ReportLag = 1 })
	s.Update([]cluster.ServerView{view(0, 0.3, 10), view(1, 0.35, 10)})
	s.Update([]cluster.ServerView{view(0, 0.3, 20), view(1, 0.35, 10)})
	if seq := s.Sequence(nil, 1); seq[0] != 1 {
		t.Fatalf("first slot %v, want 1 (server 0 has 10 unreported sessions)", seq[0])
	}
	if id, _ := s.Choose(); id != 0 {
		t.Fatal("bare eq (9) should still pick server 0")
	}
}

// TestSaturatedReportsSkipped: a capped load says nothing about cost.
func TestSaturatedReportsSkipped(t *testing.T) {
	s := mustNew(t, nil)
	for n := 10; n < 200; n += 10 {
		s.Update([]cluster.ServerView{view(0, 1, n)})
	}
	if !near(s.Cost(0), 0.01) {
		t.Fatalf("cost %v moved on saturated reports", s.Cost(0))
	}
}

// TestFailedServerRestartsHistory: a server returning from Failed forgets
// its old forecast (the first new report gives L̂ = l, err = 1).
func TestFailedServerRestartsHistory(t *testing.T) {
	s := mustNew(t, nil)
	for i := 0; i < 5; i++ {
		s.Update([]cluster.ServerView{view(0, 0.1*float64(i+1), 10)})
	}
	f := view(0, 0, 0)
	f.State, f.HasLoad = cluster.Failed, false
	s.Update([]cluster.ServerView{f})
	s.Update([]cluster.ServerView{view(0, 0.05, 0)})
	if !near(s.Estimate(0), 0.05) {
		t.Fatalf("estimate %v after restart, want 0.05", s.Estimate(0))
	}
}
