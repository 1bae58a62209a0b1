package ha

import (
	"testing"
	"time"
)

// TestSplitBrain: a partition makes both primary; when it heals the higher
// epoch wins, the other demotes (releasing the VIP) and resyncs.
func TestSplitBrain(t *testing.T) {
	s := pair(t, 6, 300)
	s.cut = [2]bool{true, true}
	if !s.runUntil(time.Second, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatal("no takeover during the partition")
	}
	if s.role(0) != RolePrimary || !s.vips[0].owned || !s.vips[1].owned {
		t.Fatal("the partition should leave two primaries")
	}
	for i := 0; i < 100; i++ {
		s.change(1, 600)
	}
	s.cut = [2]bool{}
	if !s.runUntil(2*time.Second, func() bool {
		return s.role(0) == RoleBackup && s.stats(0).InSync && s.tables[0].Diff(s.tables[1]) == 0
	}) {
		t.Fatalf("split brain not resolved: %v %v %+v", s.role(0), s.role(1), s.stats(0))
	}
	st0, st1 := s.stats(0), s.stats(1)
	if st0.SplitBrains == 0 || st0.Demotions != 1 || s.vips[0].owned || !s.vips[1].owned || st1.Epoch != 2 {
		t.Fatalf("%+v\n%+v", st0, st1)
	}
}

// TestSplitBrainSameEpoch: two nodes that started apart are both primary in
// epoch 1; when they meet, the one that published more changes keeps the
// VIP and its state (a node that just started alone cannot wipe a serving
// primary's sessions); with equal changes, the higher priority.
func TestSplitBrainSameEpoch(t *testing.T) {
	for _, c := range []struct {
		name       string
		changes    [2]int
		wantWinner int
	}{{"equal: priority", [2]int{0, 0}, 1}, {"more changes", [2]int{50, 10}, 0}} {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, 16)
			s.cut = [2]bool{true, true}
			s.start(0, testConfig(1, 2, 100))
			s.start(1, testConfig(2, 1, 200))
			s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
			if s.role(0) != RolePrimary || s.role(1) != RolePrimary || s.stats(0).Epoch != 1 || s.stats(1).Epoch != 1 {
				t.Fatalf("apart: %v %v", s.role(0), s.role(1))
			}
			for i := range 2 {
				for k := 0; k < c.changes[i]; k++ {
					s.change(i, 100)
				}
			}
			w, l := c.wantWinner, 1-c.wantWinner
			kept := NewTable()
			s.tables[w].Snapshot(kept.Apply)
			s.cut = [2]bool{}
			if !s.runUntil(time.Second, func() bool { return s.role(l) == RoleBackup && s.stats(l).InSync }) {
				t.Fatalf("not resolved: %v %v", s.role(0), s.role(1))
			}
			if s.role(w) != RolePrimary || s.vips[l].owned || !s.vips[w].owned || s.stats(l).SplitBrains == 0 {
				t.Fatalf("roles %v %v vips %+v %+v", s.role(0), s.role(1), s.vips[0], s.vips[1])
			}
			if kept.Diff(s.tables[w]) != 0 || kept.Diff(s.tables[l]) != 0 {
				t.Fatal("the winner's state was not kept and replicated")
			}
		})
	}
}
