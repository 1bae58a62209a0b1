package view_test

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/ha"
	"github.com/sara-lb/sara/mgmt/api/view"
)

func TestHA(t *testing.T) {
	heard := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := ha.Stats{Role: ha.RolePrimary, Epoch: 3, PeerAlive: true, PeerRole: ha.RoleBackup, PeerHeard: heard,
		LagRecords: 2, Lag: time.Millisecond, RecordsSent: 100, RecordsApplied: 7, SnapshotsSent: 1}
	s.Takeovers[ha.ReasonPeerSilent] = 2
	s.Takeovers[ha.ReasonElected] = 1
	h := view.HA(s, "192.0.2.2:7430")
	if !h.Enabled || h.Role != "primary" || h.PeerRole != "backup" || h.Epoch != 3 || h.Replicated != 100 ||
		h.Snapshots != 1 || h.Takeovers != 3 || h.TakeoverReasons["peer-silent"] != 2 || h.LagRecords != 2 ||
		h.LastPeerHeartbeat == nil || !h.LastPeerHeartbeat.Equal(heard) || h.Peer != "192.0.2.2:7430" {
		t.Fatalf("primary: %+v", h)
	}
	s.Role = ha.RoleBackup
	if h := view.HA(s, ""); h.Replicated != 7 || h.Role != "backup" {
		t.Fatalf("backup: %+v", h)
	}
	if h := view.HA(ha.Stats{}, ""); h.Role != "init" || h.PeerRole != "" || h.LastPeerHeartbeat != nil {
		t.Fatalf("fresh node: %+v", h)
	}
}
