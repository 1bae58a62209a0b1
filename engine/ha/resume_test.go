package ha

import (
	"testing"
	"time"
)

// TestOneWayPartitionResumes: the backup's datagrams are lost for 1 s (>
// n·d): the primary stops streaming, the backup still hears it and stays
// backup; once healed the stream resumes from the backup's applied change
// without a snapshot.
func TestOneWayPartitionResumes(t *testing.T) {
	s := pair(t, 13, 500)
	snaps := s.stats(0).SnapshotsStarted
	s.cut[1] = true
	for i := 0; i < 10; i++ {
		s.change(0, 1000)
		s.run(100 * time.Millisecond)
	}
	if st := s.stats(0); st.PeerAlive || s.role(1) != RoleBackup {
		t.Fatalf("partition: primary sees the backup alive %v, backup role %v", st.PeerAlive, s.role(1))
	}
	s.cut[1] = false
	if !s.runUntil(time.Second, func() bool { return s.stats(0).LagRecords == 0 && s.tables[0].Diff(s.tables[1]) == 0 }) {
		t.Fatalf("not resumed: %+v", s.stats(0))
	}
	if st := s.stats(0); st.SnapshotsStarted != snaps {
		t.Fatalf("resumed with a snapshot (%d → %d)", snaps, st.SnapshotsStarted)
	}
}

// TestQuickPrimaryRestart: the primary restarts within n·d (the backup
// does not take over); it comes back primary in a new epoch and the backup,
// whose state belongs to the old one, resyncs.
func TestQuickPrimaryRestart(t *testing.T) {
	s := pair(t, 14, 300)
	s.down[0] = true
	s.run(100 * time.Millisecond)
	s.start(0, testConfig(1, 2, 200)) // same table: the restarted process rebuilt its state
	if !s.runUntil(2*time.Second, func() bool {
		return s.role(0) == RolePrimary && s.stats(1).InSync && s.stats(1).Epoch == s.stats(0).Epoch
	}) {
		t.Fatalf("backup never resynced: %+v\n%+v", s.stats(0), s.stats(1))
	}
	if s.role(1) != RoleBackup || s.stats(0).Epoch != 2 || s.stats(1).SnapshotsApplied != 2 {
		t.Fatalf("roles %v %v epoch %d snapshots %d", s.role(0), s.role(1), s.stats(0).Epoch, s.stats(1).SnapshotsApplied)
	}
	for i := 0; i < 50; i++ {
		s.change(0, 600)
	}
	if !s.runUntil(time.Second, func() bool { return s.tables[0].Diff(s.tables[1]) == 0 }) {
		t.Fatal("stream after restart not applied")
	}
}

// TestSnapshotStopsWithTheBackup: a backup that dies during its snapshot
// is not sent frames forever; when it comes back it gets a new snapshot.
func TestSnapshotStopsWithTheBackup(t *testing.T) {
	s := newSim(t, 17)
	s.start(0, testConfig(1, 2, 200))
	s.run(s.nodes[0].cfg.InitWait + 10*time.Millisecond)
	for i := 0; i < 3000; i++ {
		s.change(0, 6000)
	}
	s.filter = func(from int, f *Frame) bool { return !(from == 0 && f.Type == TypeSnapChunk) } // never completes
	s.start(1, testConfig(2, 1, 100))
	s.run(500 * time.Millisecond)
	if s.nodes[0].snd.snap == nil {
		t.Fatal("no snapshot in progress")
	}
	s.down[1] = true
	s.run(time.Second)
	sent := s.stats(0).DatagramsSent
	s.run(time.Second)
	if s.nodes[0].snd.snap != nil || s.stats(0).DatagramsSent-sent > 10 { // heartbeats and hellos only
		t.Fatalf("still sending the snapshot: %d datagrams in 1 s", s.stats(0).DatagramsSent-sent)
	}
	s.filter = nil
	s.start(1, testConfig(2, 1, 100))
	if !s.runUntil(2*time.Second, func() bool { return s.stats(1).InSync && s.tables[0].Diff(s.tables[1]) == 0 }) {
		t.Fatalf("restarted backup not in sync: %+v", s.stats(1))
	}
}
