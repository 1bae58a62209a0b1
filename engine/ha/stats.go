package ha

import (
	"fmt"
	"time"
)

// Reason says why a node became primary.
type Reason uint8

// Takeover reasons.
const (
	ReasonNoPeer      Reason = iota // started and heard no peer within InitWait
	ReasonElected                   // started with the peer and won (priority, node id)
	ReasonPeerSilent                // the primary's heartbeats stopped for n·d
	ReasonPeerLeaving               // the primary announced a planned failure (flag 3)
	ReasonSwitchover                // planned switchover: the primary handed over
	ReasonBothBackup                // both nodes were backups and this one won
	NumReasons
)

var reasonNames = [NumReasons]string{"no-peer", "elected", "peer-silent", "peer-leaving", "switchover", "both-backup"}

// String returns the reason's log and metric label.
func (r Reason) String() string {
	if r < NumReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// SnapshotStats describe the last snapshot sent (primary: from its start to
// the backup's last acknowledgement) or applied (backup: first frame to
// commit).
type SnapshotStats struct {
	Records, Bytes, Frames uint32
	Took                   time.Duration
}

// Stats are a node's counters and its view of the replication.
type Stats struct {
	Role    Role
	Epoch   uint32
	InSync  bool   // backup: holds the primary's state
	Applied uint64 // backup: last change applied
	Head    uint64 // primary: last change published
	// LagRecords and Lag: primary: changes not acknowledged and the age of
	// the oldest; backup: the primary's head (last hello) minus Applied.
	LagRecords uint64
	Lag        time.Duration
	PeerAlive  bool
	PeerRole   Role
	PeerHeard  time.Time // last heartbeat or hello of the peer (zero: never)

	Published, PublishErrors           uint64
	DatagramsSent, BatchesSent         uint64
	RecordsSent, Retransmits           uint64
	AcksReceived, NacksReceived        uint64
	RecordsApplied, Duplicates, Gaps   uint64 // records applied, skipped as already applied; gaps seen
	SnapshotsStarted, SnapshotsSent    uint64
	SnapshotRestarts, SnapshotRequests uint64
	LogOverruns                        uint64 // snapshots started because the backup needed changes gone from the log
	SnapshotsApplied, SnapshotErrors   uint64
	LastSnapshot                       SnapshotStats
	Takeovers                          [NumReasons]uint64
	TakeoversUnsynced, Demotions       uint64
	SplitBrains, HandoverNotReady      uint64
	Malformed, WrongEpoch, VIPErrors   uint64
	HeartbeatsLost                     uint64
}

// Stats returns a copy of the counters and the lag at time now.
func (n *Node) Stats(now time.Time) Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.st
	s.Role, s.Epoch, s.InSync, s.Applied, s.Head = n.role, n.epoch, n.inSync(), n.rcv.applied, n.snd.log.head
	s.PeerAlive, s.PeerRole = n.peerAlive(now), n.peer.role
	s.PeerHeard = n.peer.lastHeard
	switch n.role {
	case RolePrimary:
		s.LagRecords, s.Lag = n.lag(now)
	case RoleBackup:
		if n.peer.role == RolePrimary && n.peer.seq > n.rcv.applied {
			s.LagRecords = n.peer.seq - n.rcv.applied
		}
	}
	return s
}

// TakeoverCount is the number of times this node became primary, all
// reasons together.
func (s *Stats) TakeoverCount() uint64 {
	var t uint64
	for _, v := range s.Takeovers {
		t += v
	}
	return t
}
