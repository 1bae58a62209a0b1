package ha

import (
	"errors"
	"testing"
	"time"
)

// pair starts node 0 (priority 200) alone, lets it become primary, then
// node 1 (priority 100) and waits until it holds the state.
func pair(t *testing.T, seed uint64, entries int) *simNet {
	t.Helper()
	s := newSim(t, seed)
	s.start(0, testConfig(1, 2, 200))
	s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
	for i := 0; i < entries; i++ {
		s.change(0, 2*entries)
	}
	s.start(1, testConfig(2, 1, 100))
	if !s.runUntil(3*time.Second, func() bool { return s.stats(1).InSync && s.stats(0).LagRecords == 0 }) {
		t.Fatalf("backup never in sync: %+v", s.stats(1))
	}
	if s.role(0) != RolePrimary || s.role(1) != RoleBackup || !s.vips[0].owned || s.vips[1].owned {
		t.Fatalf("roles %v %v vips %v %v", s.role(0), s.role(1), s.vips[0].owned, s.vips[1].owned)
	}
	return s
}

func TestStartTogether(t *testing.T) {
	for _, c := range []struct {
		name       string
		p0, p1     int
		id0, id1   uint32
		wantWinner int
	}{
		{"priority", 100, 200, 1, 2, 1},
		{"priority beats id", 200, 100, 1, 2, 0},
		{"tie: higher id", 150, 150, 1, 2, 1},
		{"role default", 0, 0, 7, 3, 0}, // both "backup" (100): id 7 wins
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, 1)
			s.start(0, testConfig(c.id0, c.id1, c.p0))
			s.start(1, testConfig(c.id1, c.id0, c.p1))
			s.run(300 * time.Millisecond) // well before InitWait: decided by hellos
			w, l := c.wantWinner, 1-c.wantWinner
			if s.role(w) != RolePrimary || s.role(l) != RoleBackup {
				t.Fatalf("roles %v %v", s.role(0), s.role(1))
			}
			if st := s.stats(w); st.Takeovers[ReasonElected] != 1 || !s.vips[w].owned || s.vips[l].takes != 0 {
				t.Fatalf("winner %+v vips %+v %+v", st.Takeovers, s.vips[w], s.vips[l])
			}
		})
	}
}

// TestTakeoverAfterSilence: the backup takes the VIP n·d after the last
// heartbeat or hello of the primary (not before, and within one flush
// interval after), with the replicated state and a higher epoch.
func TestTakeoverAfterSilence(t *testing.T) {
	s := pair(t, 2, 2000)
	cfg := s.nodes[1].cfg
	nd := time.Duration(cfg.Misses) * cfg.HeartbeatPeriod
	s.run(50 * time.Millisecond)
	s.down[0] = true // the primary dies: nothing sent, nothing received
	s.queue = nil
	died := s.now
	last := s.nodes[1].peer.lastHeard
	if !s.runUntil(2*nd, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatalf("no takeover within %v", 2*nd)
	}
	took := s.now.Sub(last)
	if took < nd || took > nd+cfg.FlushInterval {
		t.Fatalf("takeover %v after the last heartbeat, want n·d = %v (+%v)", took, nd, cfg.FlushInterval)
	}
	st := s.stats(1)
	if st.Takeovers[ReasonPeerSilent] != 1 || st.TakeoverCount() != 1 || st.TakeoversUnsynced != 0 || st.Epoch != 2 ||
		!s.vips[1].owned || st.PeerAlive || !st.PeerHeard.Equal(last) {
		t.Fatalf("after takeover: %+v vip %+v", st, s.vips[1])
	}
	if d := s.tables[0].Diff(s.tables[1]); d != 0 || s.tables[1].Len() == 0 {
		t.Fatalf("replicated state differs from the primary's at its death: %d keys", d)
	}
	t.Logf("takeover %v after the primary's death, %v after its last message (n·d = %v)", s.now.Sub(died), took, nd)
}

// TestLeavingPrimary: a primary that announces a planned failure (heartbeat
// flag 3) is replaced at once.
func TestLeavingPrimary(t *testing.T) {
	s := pair(t, 3, 100)
	s.nodes[0].Leave(s.now)
	s.down[0] = true
	if !s.runUntil(20*time.Millisecond, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatal("backup did not take over after the primary left")
	}
	if st := s.stats(1); st.Takeovers[ReasonPeerLeaving] != 1 {
		t.Fatalf("reasons %v", st.Takeovers)
	}
}

// TestNoPreemptionBeforeSync: the ex-primary comes back with a higher
// priority and preempt on; it stays backup while its snapshot cannot
// complete, a switchover is refused on both sides, and only once it holds
// the state does the (automatic, preempt) switch-back happen, carrying
// every change.
func TestNoPreemptionBeforeSync(t *testing.T) {
	s := pair(t, 4, 1500)
	s.down[0] = true
	s.queue = nil
	if !s.runUntil(time.Second, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatal("no failover")
	}
	for i := 0; i < 500; i++ { // the new primary's own changes
		s.change(1, 3000)
	}
	s.tables[0], s.vips[0] = NewTable(), &fakeVIP{} // the old primary restarts empty
	cfg := testConfig(1, 2, 250)
	cfg.Preempt = true
	blockSnap := true
	s.filter = func(from int, f *Frame) bool {
		return !(blockSnap && from == 1 && f.Type >= TypeSnapBegin && f.Type <= TypeSnapEnd)
	}
	s.start(0, cfg)
	for i := 0; i < 30; i++ { // 3 s: hellos settle, snapshots requested and lost
		s.run(100 * time.Millisecond)
		if s.role(0) != RoleBackup || s.role(1) != RolePrimary || s.vips[0].owned {
			t.Fatalf("preempted before sync at %v: roles %v %v", s.now.Sub(simStart), s.role(0), s.role(1))
		}
		s.change(1, 3000)
	}
	if err := s.nodes[1].Switchover(s.now); !errors.Is(err, ErrPeerNotInSync) {
		t.Fatalf("primary switchover before sync: %v", err)
	}
	if err := s.nodes[0].Switchover(s.now); !errors.Is(err, ErrNotInSync) {
		t.Fatalf("backup switchover before sync: %v", err)
	}
	if st := s.stats(0); st.InSync || st.SnapshotRequests < 2 {
		t.Fatalf("restarted node: %+v", st)
	}
	blockSnap = false
	var atSwitch int
	ok := s.runUntil(3*time.Second, func() bool {
		if s.role(0) == RolePrimary && atSwitch == 0 {
			atSwitch = s.tables[0].Diff(s.tables[1]) + 1
		}
		return s.role(0) == RolePrimary && s.role(1) == RoleBackup
	})
	if !ok {
		t.Fatalf("no switch-back after sync: roles %v %v, %+v", s.role(0), s.role(1), s.stats(0))
	}
	if atSwitch != 1 {
		t.Fatalf("switch-back with %d keys differing", atSwitch-1)
	}
	st0, st1 := s.stats(0), s.stats(1)
	if st0.Takeovers[ReasonSwitchover] != 1 || st0.Epoch != 3 || !s.vips[0].owned || s.vips[1].owned ||
		st1.Demotions != 1 || st0.TakeoversUnsynced != 0 {
		t.Fatalf("after switch-back: %+v\n%+v\nvips %+v %+v", st0, st1, s.vips[0], s.vips[1])
	}
}

// TestPlannedSwitchover: on command, the primary hands over to its in-sync
// backup while changes keep coming; the new primary holds every change the
// old one made, and the old one resyncs as backup.
func TestPlannedSwitchover(t *testing.T) {
	s := pair(t, 5, 1000)
	for i := 0; i < 200; i++ {
		s.change(0, 2000)
	}
	if err := s.nodes[0].Switchover(s.now); err != nil {
		t.Fatal(err)
	}
	diff := -1
	if !s.runUntil(time.Second, func() bool {
		if s.role(1) == RolePrimary && diff < 0 {
			diff = s.tables[0].Diff(s.tables[1])
		}
		return s.role(1) == RolePrimary && s.role(0) == RoleBackup
	}) {
		t.Fatalf("no switchover: %v %v", s.role(0), s.role(1))
	}
	if diff != 0 {
		t.Fatalf("new primary misses %d keys at takeover", diff)
	}
	for i := 0; i < 300; i++ {
		s.change(1, 2000)
	}
	if !s.runUntil(2*time.Second, func() bool { return s.stats(0).InSync && s.tables[0].Diff(s.tables[1]) == 0 }) {
		t.Fatalf("old primary never resynced: %+v", s.stats(0))
	}
	if st := s.stats(1); st.Takeovers[ReasonSwitchover] != 1 || s.vips[0].releases != 1 || !s.vips[1].owned ||
		s.stats(0).SplitBrains != 0 || s.stats(0).Demotions != 1 {
		t.Fatalf("%+v vips %+v %+v", st.Takeovers, s.vips[0], s.vips[1])
	}
}

// TestNoPreemptionBeforeReady: an ex-primary back in sync but without a
// view of its servers yet (Deps.Ready false) neither preempts nor accepts a
// handover nor asks for one; once ready it takes the VIP back. A primary
// that dies is still taken over by an unready backup.
func TestNoPreemptionBeforeReady(t *testing.T) {
	s := pair(t, 6, 1500)
	s.down[0] = true
	s.queue = nil
	if !s.runUntil(time.Second, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatal("no failover")
	}
	s.tables[0], s.vips[0] = NewTable(), &fakeVIP{}
	cfg := testConfig(1, 2, 250)
	cfg.Preempt = true
	s.unready[0] = true
	s.start(0, cfg)
	if !s.runUntil(2*time.Second, func() bool { return s.stats(0).InSync }) {
		t.Fatalf("restarted node never in sync: %+v", s.stats(0))
	}
	s.run(time.Second)
	if s.role(0) != RoleBackup || s.vips[0].owned {
		t.Fatalf("preempted while not ready: role %v", s.role(0))
	}
	if err := s.nodes[0].Switchover(s.now); !errors.Is(err, ErrNotReady) {
		t.Fatalf("backup switchover while not ready: %v", err)
	}
	if err := s.nodes[1].Switchover(s.now); err != nil {
		t.Fatalf("primary switchover: %v", err)
	}
	s.run(500 * time.Millisecond)
	if s.role(0) != RoleBackup || s.stats(0).HandoverNotReady == 0 {
		t.Fatalf("handover accepted while not ready: role %v %+v", s.role(0), s.stats(0))
	}
	s.unready[0] = false
	if !s.runUntil(2*time.Second, func() bool { return s.role(0) == RolePrimary && s.role(1) == RoleBackup }) {
		t.Fatalf("no switch-back once ready: %v %v", s.role(0), s.role(1))
	}
	if s.stats(0).Takeovers[ReasonSwitchover] != 1 || !s.vips[0].owned {
		t.Fatalf("after switch-back: %+v", s.stats(0))
	}
	// Unready does not delay a takeover after a failure.
	s.unready[1] = true
	s.down[0] = true
	s.queue = nil
	if !s.runUntil(time.Second, func() bool { return s.role(1) == RolePrimary }) {
		t.Fatal("an unready backup did not take over a dead primary")
	}
}
