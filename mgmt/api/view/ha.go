package view

import (
	"github.com/sara-lb/sara/engine/ha"
	"github.com/sara-lb/sara/mgmt/api"
)

// HA builds the HA status from a node's statistics (ha.Node.Stats) and the
// peer's address.
func HA(s ha.Stats, peer string) api.HAStatus {
	h := api.HAStatus{Enabled: true, Role: s.Role.String(), Epoch: s.Epoch, Peer: peer, PeerAlive: s.PeerAlive,
		InSync: s.InSync, LagRecords: s.LagRecords, Lag: s.Lag, Takeovers: s.TakeoverCount(),
		TakeoverReasons: make(map[string]uint64, len(s.Takeovers))}
	if s.PeerAlive || !s.PeerHeard.IsZero() {
		h.PeerRole = s.PeerRole.String()
	}
	if !s.PeerHeard.IsZero() {
		t := s.PeerHeard
		h.LastPeerHeartbeat = &t
	}
	for r, n := range s.Takeovers {
		h.TakeoverReasons[ha.Reason(r).String()] = n
	}
	if s.Role == ha.RoleBackup {
		h.Replicated, h.Snapshots = s.RecordsApplied, s.SnapshotsApplied
	} else {
		h.Replicated, h.Snapshots = s.RecordsSent, s.SnapshotsSent
	}
	return h
}
