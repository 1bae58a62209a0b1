package admission

import (
	"math"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestRegionsByHand checks eq (2) with the defaults T1 .70, T2 .85, T3 .95, C 1,
// p_max 1, p_est_max .02.
func TestRegionsByHand(t *testing.T) {
	cases := []struct {
		l          float64
		r          Region
		pNew, pEst float64
	}{
		{0.60, Accept, 0, 0},
		{0.70, DropNew, 0, 0},                 // (.70-.70)/.15 = 0
		{0.775, DropNew, 0.5, 0},              // (.775-.70)/.15 = .5
		{0.85, EstablishedOnly, 1, 0},         // T2 ≤ l < T3
		{0.975, DegradeMedia, 1, 0.01},        // .02·(.975-.95)/.05 = .01
		{1.0, RejectAll, 1, 1},                // l ≥ C
		{1.3, RejectAll, 1, 1},                // forecast may exceed 1
		{0.9499999, EstablishedOnly, 1, 0.00}, // just under T3
	}
	for _, c := range cases {
		r, pn, pe := dropProbabilities(c.l, .70, .85, .95, 1, 1, .02)
		if r != c.r || !near(pn, c.pNew) || !near(pe, c.pEst) {
			t.Errorf("l=%v: %v %v %v, want %v %v %v", c.l, r, pn, pe, c.r, c.pNew, c.pEst)
		}
	}
	// Degenerate thresholds: T1 = T2 and T3 = C leave no division by zero.
	if r, pn, _ := dropProbabilities(0.8, .8, .8, .9, .9, 1, .02); r != EstablishedOnly || pn != 1 {
		t.Errorf("T1=T2: %v %v", r, pn)
	}
	if r, _, pe := dropProbabilities(0.9, .8, .8, .9, .9, 1, .02); r != RejectAll || pe != 1 {
		t.Errorf("T3=C: %v %v", r, pe)
	}
}

// TestClusterLoadByHand: loads .2 .4 .6 → μ = .4, σ² = (.04+0+.04)/3, ℓ = .4 + .163299...
// The Failed server and the one without load are ignored.
func TestClusterLoadByHand(t *testing.T) {
	v := []cluster.ServerView{
		{ID: 0, State: cluster.Active, Load: .2, HasLoad: true},
		{ID: 1, State: cluster.Active, Load: .4, HasLoad: true},
		{ID: 2, State: cluster.Active, Load: .6, HasLoad: true},
		{ID: 3, State: cluster.Failed, Load: .9, HasLoad: true},
		{ID: 4, State: cluster.Active},
	}
	ell, ok := ClusterLoad(v)
	if !ok || !near(ell, .4+math.Sqrt(.08/3)) {
		t.Fatalf("ℓ = %v,%v want %v", ell, ok, .4+math.Sqrt(.08/3))
	}
	if _, ok := ClusterLoad(v[3:]); ok {
		t.Fatal("no active loaded server must give ok=false")
	}
}

// TestMovingThresholdsByHand walks eq (4) with κ = .5 over six intervals.
func TestMovingThresholdsByHand(t *testing.T) {
	cfg := DefaultConfig()
	t2, t3 := cfg.T2, cfg.T3
	steps := []struct{ l, t2, t3 float64 }{
		{0.90, 0.825, 0.95},               // T2 = .85 − .5·(.9−.85)
		{0.90, 0.7875, 0.95},              // T2 = .825 − .5·(.9−.825)
		{1.00, 0.70, 0.9025},              // T2 = max(.7, .7875−.10625); T3 = .95·(1−.05)
		{1.00, 0.70, 0.81450625},          // T3 = .9025·(1−.0975)
		{0.75, 0.70, 0.81450625},          // l > T2 = T1: stays at T1; l < T3: unchanged
		{0.50, cfg.T2, cfg.T3},            // l < T1: reset
		{1.40, 0.70, 0.70},                // T3·(1−.45) = .5225 < T2 → T3 = T2
		{0.70, 0.70, 0.70},                // l = T1: no reset, nothing exceeded
		{0.69, cfg.T2, cfg.T3},            // reset
		{0.95 + 1e-12, 0.8, 0.95 - 5e-13}, // tiny excess over T3
	}
	for i, s := range steps {
		t2, t3 = moveThresholds(s.l, cfg.T1, t2, t3, &cfg)
		if !near(t2, s.t2) || !near(t3, s.t3) {
			t.Fatalf("step %d l=%v: T2=%v T3=%v want %v %v", i, s.l, t2, t3, s.t2, s.t3)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.T2, c.Alpha, c.Pacing, c.PaceT0 = 0.99, 2, Paced, 0
	if _, err := NewController(c); err == nil {
		t.Fatal("bad config accepted")
	}
	if Accept.String() != "accept" || Region(9).String() != "region(9)" || Paced.String() != "paced" {
		t.Fatal("names")
	}
}
