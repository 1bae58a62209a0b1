package admission

import (
	"math"
	"math/rand"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

func flat(n int, l float64) []cluster.ServerView {
	v := make([]cluster.ServerView, n)
	for i := range v {
		v[i] = cluster.ServerView{ID: cluster.ServerID(i), State: cluster.Active, Load: l, HasLoad: true}
	}
	return v
}

// TestControllerByHand: α = .5, static thresholds, three servers at .8 (σ = 0).
//
//	I1: l_c = .5·.8 + .5·0 = .4; first sample → l̃_c = .4 → Accept.
//	I2: l_c = .5·.8 + .5·.4 = .6; f = .4, err = .2/.6 = 1/3;
//	    OLS .4,.6 → .8; l̃_c = (1/3)·.6 + (2/3)·.8 = .7333…
//	    p_new = (.7333…−.7)/.15 = .2222…
func TestControllerByHand(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Moving = false
	c, err := NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Update(flat(3, .8), 0)
	if !near(p.ClusterLoad, .4) || !near(p.Load, .4) || p.Region != Accept || p.PNew != 0 {
		t.Fatalf("I1: %+v", p)
	}
	p = c.Update(flat(3, .8), 0)
	if !near(p.ClusterLoad, .6) || !near(p.Estimate, 0.2+1.6/3) || p.Region != DropNew || !near(p.PNew, (0.2+1.6/3-.7)/.15) {
		t.Fatalf("I2: %+v", p)
	}
	// The dispatcher's own load wins when higher: l = max(l̃_c, l_h).
	p = c.Update(flat(3, .0), 0.9)
	if !near(p.Load, 0.9) || p.Region != EstablishedOnly || p.PNew != 1 {
		t.Fatalf("l_h: %+v", p)
	}
	// No active server: new sessions cannot be placed, established unaffected.
	f := flat(2, .5)
	f[0].State, f[1].State = cluster.Failed, cluster.Draining
	p = c.Update(f, 0)
	if !p.NoServers || p.PNew != 1 || p.RejectAll {
		t.Fatalf("no servers: %+v", p)
	}
	if n := c.RegionCounts(); n[Accept]+n[DropNew]+n[EstablishedOnly]+n[DegradeMedia]+n[RejectAll] != 4 {
		t.Fatalf("region counts %v", n)
	}
}

// TestControllerMovesAndResets drives l through l_h (servers idle, so l̃_c = 0)
// and checks the published thresholds and the pacing epoch over intervals.
func TestControllerMovesAndResets(t *testing.T) {
	c, _ := NewController(DefaultConfig())
	idle := flat(2, 0)
	p0 := c.Update(idle, 0.5)
	ep := p0.PaceEpoch
	p := c.Update(idle, 0.9)
	if !near(p.T2, 0.825) || p.T3 != 0.95 || p.PaceEpoch != ep {
		t.Fatalf("after .9: %+v", p)
	}
	p = c.Update(idle, 1.0)
	// T2 = .825 − .5·(1−.825) = .7375; T3 = .95·(1−(1−.95)) = .9025
	if !near(p.T2, 0.7375) || !near(p.T3, 0.9025) || !p.RejectAll {
		t.Fatalf("after 1.0: %+v", p)
	}
	p = c.Update(idle, 0.3)
	if p.T2 != 0.85 || p.T3 != 0.95 || p.PaceEpoch != ep+1 || p.Region != Accept {
		t.Fatalf("after reset: %+v", p)
	}
	if p = c.Update(idle, 0.3); p.PaceEpoch != ep+1 {
		t.Fatal("epoch must move only on entering the calm region")
	}
}

// TestInvariantsRandom is the property test: under random loads, dispatcher
// loads and configs, 0 < T1 ≤ T2 ≤ T3 ≤ C ≤ 1 always holds, probabilities
// stay in [0,1], and the region agrees with l.
func TestInvariantsRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		cfg := DefaultConfig()
		x := []float64{rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()}
		for i := 1; i < 4; i++ {
			x[i] = x[i-1] + (1-x[i-1])*x[i]
		}
		cfg.T1, cfg.T2, cfg.T3, cfg.C = 0.01+0.99*x[0], 0, 0, 0
		cfg.T2, cfg.T3, cfg.C = max(cfg.T1, x[1]), max(cfg.T1, x[2]), max(cfg.T1, x[3])
		cfg.Alpha, cfg.Kappa = rng.Float64(), 3*rng.Float64()
		c, err := NewController(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for it := 0; it < 100; it++ {
			v := flat(1+rng.Intn(5), 0)
			for i := range v {
				v[i].Load = rng.Float64() * 1.2
			}
			p := c.Update(v, rng.Float64()*rng.Float64())
			if !(0 < p.T1 && p.T1 <= p.T2 && p.T2 <= p.T3 && p.T3 <= p.C && p.C <= 1) {
				t.Fatalf("trial %d it %d: thresholds %v %v %v %v", trial, it, p.T1, p.T2, p.T3, p.C)
			}
			if p.PNew < 0 || p.PNew > 1 || p.PEst < 0 || p.PEst > 1 {
				t.Fatalf("probabilities %v %v", p.PNew, p.PEst)
			}
			if (p.Load >= p.C) != p.RejectAll || (p.Load < p.T1) != (p.Region == Accept) {
				t.Fatalf("region %v for l=%v: %+v", p.Region, p.Load, p)
			}
		}
	}
}

func TestUpdateAllocFree(t *testing.T) {
	c, _ := NewController(DefaultConfig())
	v := flat(16, .75)
	if a := testing.AllocsPerRun(100, func() { c.Update(v, 0.2) }); a != 0 {
		t.Fatalf("Update allocates %v", a)
	}
}

// TestControllerOff: with admission off the load is still measured, but
// nothing is refused, at full load too (only "no server" still sets p_new).
func TestControllerOff(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Off = true
	c, err := NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var p Policy
	for range 6 {
		p = c.Update(flat(3, 1), 1)
	}
	if p.Load < 1 || p.ClusterLoad < .9 || p.Region != Accept || p.PNew != 0 || p.PEst != 0 || p.RejectAll ||
		p.T2 != cfg.T2 || p.T3 != cfg.T3 {
		t.Fatalf("off at full load: %+v", p)
	}
	// The same intervals with admission on reject everything.
	on, _ := NewController(DefaultConfig())
	for range 6 {
		p = on.Update(flat(3, 1), 1)
	}
	if !p.RejectAll {
		t.Fatalf("on at full load: %+v", p)
	}
	f := flat(1, 0)
	f[0].State = cluster.Failed
	if p = c.Update(f, 0); !p.NoServers || p.PNew != 1 || p.RejectAll {
		t.Fatalf("off, no server: %+v", p)
	}
}

// Adopt takes another controller's moving thresholds, within bounds, and
// the next Update moves them from there.
func TestAdoptThresholds(t *testing.T) {
	cfg := DefaultConfig()
	c, err := NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Adopt(cfg.T1+0.01, cfg.T1+0.02)
	if p := c.Policy(); p.T2 != cfg.T1+0.01 || p.T3 != cfg.T1+0.02 {
		t.Fatalf("adopted %v %v", p.T2, p.T3)
	}
	c.Adopt(0, 2) // out of range: clamped to T1 ≤ T2 ≤ T3 ≤ C
	if p := c.Policy(); p.T2 != cfg.T1 || p.T3 != cfg.C {
		t.Fatalf("clamped to %v %v, want %v %v", p.T2, p.T3, cfg.T1, cfg.C)
	}
	c.Adopt(math.NaN(), 0.9)
	if p := c.Policy(); p.T2 != cfg.T1 || p.T3 != cfg.C {
		t.Fatalf("NaN adopted: %v %v", p.T2, p.T3)
	}
	c.Adopt(cfg.T1+0.01, cfg.T1+0.02)
	// a calm interval (l < T1) resets the moving thresholds to the
	// operator's (eq 4): the adopted values were the working state
	if p := c.Update(flat(3, 0), 0); p.T2 != cfg.T2 || p.T3 != cfg.T3 {
		t.Fatalf("after a calm interval %v %v, want the start values %v %v", p.T2, p.T3, cfg.T2, cfg.T3)
	}
}
