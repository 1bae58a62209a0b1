package ha

import (
	"fmt"
	"testing"
	"time"
)

// TestConvergence: a primary with 3000 entries and a backup that joins
// late, over a network that drops 20 %, duplicates 10 % and reorders (up to
// 8 ms of jitter), while the primary keeps changing its state; losing the
// stream (not the heartbeats) for 400 ms while more changes than the log
// holds are made forces a log-overrun resync. Once the changes stop, the
// backup's state must equal the primary's.
func TestConvergence(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := newSim(t, seed)
			s.drop, s.dup, s.jitter = 0.2, 0.1, 8*time.Millisecond
			a, b := testConfig(1, 2, 200), testConfig(2, 1, 100)
			a.LogSize, a.Window = 4096, 512
			s.start(0, a)
			s.run(a.InitWait + 10*time.Millisecond)
			if s.role(0) != RolePrimary {
				t.Fatalf("alone: role %v", s.role(0))
			}
			for i := 0; i < 3000; i++ {
				s.change(0, 4000)
			}
			s.start(1, b)
			for ms := 0; ms < 4000; ms++ { // 4 s of changes, 2 per ms on average
				for k := s.rng.IntN(5); k > 0; k-- {
					s.change(0, 4000)
				}
				s.run(time.Millisecond)
				if ms == 2000 { // the stream is lost for 400 ms while 5000 changes overrun the log: resync
					s.filter = func(from int, f *Frame) bool { return f.Type != TypeBatch }
					for i := 0; i < 5000; i++ {
						s.change(0, 4000)
					}
					s.run(400 * time.Millisecond)
					s.filter = nil
				}
			}
			synced := s.runUntil(10*time.Second, func() bool {
				st := s.stats(1)
				return st.InSync && s.stats(0).LagRecords == 0 && s.tables[0].Diff(s.tables[1]) == 0
			})
			pa, pb := s.stats(0), s.stats(1)
			if !synced {
				t.Fatalf("not converged: %d keys differ\nprimary %+v\nbackup %+v", s.tables[0].Diff(s.tables[1]), pa, pb)
			}
			if s.role(0) != RolePrimary || s.role(1) != RoleBackup || pa.Epoch != pb.Epoch {
				t.Fatalf("roles %v/%v epochs %d/%d", s.role(0), s.role(1), pa.Epoch, pb.Epoch)
			}
			// The run exercised what it claims to: gaps repaired by nacks,
			// retransmissions, duplicates skipped, snapshots beyond the first.
			if pb.Gaps == 0 || pa.Retransmits == 0 || pb.Duplicates == 0 || pa.NacksReceived == 0 {
				t.Errorf("repair paths not exercised: primary %+v backup %+v", pa, pb)
			}
			if pa.SnapshotsStarted < 2 || pb.SnapshotsApplied < 2 || pa.LogOverruns == 0 {
				t.Errorf("snapshots started %d applied %d: no resync exercised", pa.SnapshotsStarted, pb.SnapshotsApplied)
			}
			if s.tables[0].Len() < 1000 {
				t.Errorf("state too small to mean anything: %d", s.tables[0].Len())
			}
			t.Logf("entries %d, published %d, records sent %d, snapshots %d (last %+v), retransmits %d, gaps %d, dups %d",
				s.tables[0].Len(), pa.Published, pa.RecordsSent, pa.SnapshotsStarted, pb.LastSnapshot, pa.Retransmits, pb.Gaps, pb.Duplicates)
		})
	}
}

// TestStreamOrderAndLag: on a clean network every change reaches the
// backup in order, with acknowledged lag 0; with the backup's acks cut, the
// primary's lag grows in changes and in milliseconds of the fake clock.
func TestStreamOrderAndLag(t *testing.T) {
	s := newSim(t, 7)
	s.start(0, testConfig(1, 2, 200))
	s.start(1, testConfig(2, 1, 100))
	if !s.runUntil(2*time.Second, func() bool { return s.stats(1).InSync }) {
		t.Fatalf("backup never in sync: %+v", s.stats(1))
	}
	for i := 0; i < 500; i++ {
		s.change(0, 300)
	}
	s.run(50 * time.Millisecond)
	pa, pb := s.stats(0), s.stats(1)
	if pa.LagRecords != 0 || pb.Applied != pa.Head || pa.Head != 500 || s.tables[0].Diff(s.tables[1]) != 0 {
		t.Fatalf("clean stream: head %d applied %d lag %d diff %d", pa.Head, pb.Applied, pa.LagRecords, s.tables[0].Diff(s.tables[1]))
	}
	if pb.Gaps != 0 || pa.Retransmits != 0 || pb.RecordsApplied != 500 {
		t.Fatalf("clean network repaired something: %+v %+v", pa, pb)
	}
	s.cut[1] = true // acks lost (and heartbeats: keep it shorter than n·d)
	s.change(0, 300)
	s.run(100 * time.Millisecond)
	for i := 0; i < 9; i++ {
		s.change(0, 300)
	}
	s.run(50 * time.Millisecond)
	pa = s.stats(0)
	if pa.LagRecords != 10 || pa.Lag != 150*time.Millisecond {
		t.Fatalf("lag %d changes %v, want 10 and 150ms", pa.LagRecords, pa.Lag)
	}
	s.cut[1] = false
	s.run(300 * time.Millisecond)
	if pa = s.stats(0); pa.LagRecords != 0 || pa.Lag != 0 || s.tables[0].Diff(s.tables[1]) != 0 {
		t.Fatalf("after the cut: lag %d %v diff %d", pa.LagRecords, pa.Lag, s.tables[0].Diff(s.tables[1]))
	}
}
