package shell

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

func mustNew(t testing.TB, mut func(*Config)) *Shell {
	t.Helper()
	cfg := DefaultConfig()
	if mut != nil {
		mut(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func view(id int, load float64, sessions int) cluster.ServerView {
	return cluster.ServerView{ID: cluster.ServerID(id), State: cluster.Active, Load: load, HasLoad: true, Sessions: sessions, Weight: 1}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	c := DefaultConfig()
	c.History, c.Epsilon, c.Slots, c.CostMin, c.ReportLag = 1, 0, 0, 1, 9
	err := c.Validate()
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("want ErrConfig, got %v", err)
	}
	if _, err := New(c); !errors.Is(err, ErrConfig) {
		t.Fatalf("New accepted a bad config: %v", err)
	}
}

// TestChooseTies checks eq (9)'s argmin and its tie rules.
func TestChooseTies(t *testing.T) {
	s := mustNew(t, nil)
	// First report: err=1 so L̂ = l. Server 2 is least loaded.
	s.Update([]cluster.ServerView{view(0, 0.5, 3), view(1, 0.4, 9), view(2, 0.3, 9)})
	if id, ok := s.Choose(); !ok || id != 2 {
		t.Fatalf("Choose = %v,%v want 2", id, ok)
	}
	// Equal estimates: fewer sessions wins.
	s = mustNew(t, nil)
	s.Update([]cluster.ServerView{view(0, 0.5, 7), view(1, 0.5, 4), view(2, 0.5, 5)})
	if id, _ := s.Choose(); id != 1 {
		t.Fatalf("tie on load: chose %v, want 1 (fewest sessions)", id)
	}
	// Equal estimates and sessions: lowest id wins, whatever the view order.
	s = mustNew(t, nil)
	s.Update([]cluster.ServerView{view(5, 0.5, 4), view(3, 0.5, 4), view(4, 0.5, 4)})
	if id, _ := s.Choose(); id != 3 {
		t.Fatalf("full tie: chose %v, want 3", id)
	}
}

// TestNonActiveNeverChosen: random states and loads; only Active servers
// may appear, in both modes; no active server gives an empty sequence.
func TestNonActiveNeverChosen(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, mode := range []Mode{WaterFill, BareArgmin} {
		s := mustNew(t, func(c *Config) { c.Mode = mode })
		buf := make([]cluster.ServerID, 0, 256)
		for it := 0; it < 200; it++ {
			views := make([]cluster.ServerView, 6)
			nActive := 0
			for i := range views {
				views[i] = view(i, rng.Float64(), rng.Intn(50))
				views[i].State = cluster.State(rng.Intn(5))
				if views[i].State == cluster.Active {
					nActive++
				}
			}
			s.Update(views)
			seq := s.Sequence(buf, 256)
			if nActive == 0 && len(seq) != 0 {
				t.Fatalf("%v: no active server but sequence has %d slots", mode, len(seq))
			}
			if nActive > 0 && len(seq) != 256 {
				t.Fatalf("%v: sequence len %d, want 256", mode, len(seq))
			}
			for _, id := range seq {
				if views[id].State != cluster.Active {
					t.Fatalf("%v: chose %v in state %v", mode, id, views[id].State)
				}
			}
		}
		if s.Counters().EmptySeqs == 0 {
			t.Fatalf("%v: no empty sequence counted in 200 random intervals", mode)
		}
	}
}

// TestWaterFillByHand: levels .25, .375, .5, cost .0625 each, 10 sessions each.
//
//	slot 1: A .25 → .3125        slot 2: A .3125 → .375
//	slot 3: A .375 = B .375, sessions A 12 > B 10 → B → .4375
//	slot 4: A .375 → .4375       slot 5: A=B=.4375, A 13 > B 11 → B → .5
//	slot 6: A .4375 → .5         slot 7: A=B=C=.5, C has fewest (10) → C
func TestWaterFillByHand(t *testing.T) {
	s := mustNew(t, func(c *Config) { c.CostPrior = 0.0625 })
	s.Update([]cluster.ServerView{view(0, 0.25, 10), view(1, 0.375, 10), view(2, 0.5, 10)})
	got := s.Sequence(nil, 7)
	want := []cluster.ServerID{0, 0, 1, 0, 1, 0, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sequence %v, want %v", got, want)
		}
	}
	// Bare argmin gives every slot to server 0 (herding).
	b := mustNew(t, func(c *Config) { c.CostPrior = 0.0625; c.Mode = BareArgmin })
	b.Update([]cluster.ServerView{view(0, 0.25, 10), view(1, 0.375, 10), view(2, 0.5, 10)})
	for _, id := range b.Sequence(nil, 7) {
		if id != 0 {
			t.Fatal("bare argmin sequence is not all server 0")
		}
	}
}

// TestWeightsProportions: equal loads, weights 1 and 2. The cost prior is
// CostPrior/w = .01 and .005, so water-filling gives the weight-2 server two
// slots for each of the other's: 100 and 200 of 300.
func TestWeightsProportions(t *testing.T) {
	s := mustNew(t, nil)
	v0, v1 := view(0, 0.5, 0), view(1, 0.5, 0)
	v1.Weight = 2
	s.Update([]cluster.ServerView{v0, v1})
	if !near(s.Cost(0), 0.01) || !near(s.Cost(1), 0.005) {
		t.Fatalf("costs %v %v, want .01 .005", s.Cost(0), s.Cost(1))
	}
	var n [2]int
	for _, id := range s.Sequence(nil, 300) {
		n[id]++
	}
	if n[0] < 99 || n[0] > 101 || n[1] < 199 || n[1] > 201 {
		t.Fatalf("slots %v, want ≈ [100 200]", n)
	}
}
