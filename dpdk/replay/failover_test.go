package replay_test

import (
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
)

// TestFlowsOfAFailedServer checks what the workers do with the packets of
// established flows whose server the policy lists as down: dropped
// (server_down) by default, moved to a selectable server with
// failover_rebalance; the flows of the servers that are up are untouched
// either way.
func TestFlowsOfAFailedServer(t *testing.T) {
	const rounds = 3
	in := udpFlows(t, 3, rounds) // flow i: udpFlowKey(i)
	est := uint8(dataplane.FlagEstablished)
	var recs []dataplane.FlowRecord
	for i := 0; i < 3; i++ { // flow i on server i
		recs = append(recs, dataplane.FlowRecord{Type: dataplane.FlowInstall, Key: udpFlowKey(i),
			Server: cluster.ServerID(i), Class: dataplane.ClassUDP, Flags: est})
	}
	pol := dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{0, 2}, 1024), Down: []cluster.ServerID{1}}

	c := replayInstalled(t, in, recs, pol)
	if c.Drops["server_down"] != rounds || c.TX != 2*rounds || c.FlowsRebalanced != 0 {
		t.Errorf("server 1 down: server_down %d (want %d), tx %d (want %d), rebalanced %d",
			c.Drops["server_down"], rounds, c.TX, 2*rounds, c.FlowsRebalanced)
	}
	if c.ServerPackets[0] != rounds || c.ServerPackets[1] != 0 || c.ServerPackets[2] != rounds {
		t.Errorf("server 1 down: server packets %v, want [%d 0 %d]", c.ServerPackets, rounds, rounds)
	}

	cfg := baseConfig()
	cfg.FailoverRebalance = true
	c = replayInstalledCfg(t, cfg, in, recs, pol)
	if c.Drops["server_down"] != 0 || c.TX != 3*rounds || c.FlowsRebalanced != 1 {
		t.Errorf("server 1 down, rebalancing: server_down %d, tx %d (want %d), rebalanced %d (want 1)",
			c.Drops["server_down"], c.TX, 3*rounds, c.FlowsRebalanced)
	}
	if c.ServerPackets[1] != 0 || c.ServerPackets[0]+c.ServerPackets[2] != 3*rounds {
		t.Errorf("server 1 down, rebalancing: server packets %v, want none on server 1", c.ServerPackets)
	}

	c = replayInstalled(t, in, recs, dataplane.Policy{Sequence: pol.Sequence}) // all up again
	if c.TX != 3*rounds || c.ServerPackets[1] != rounds {
		t.Errorf("all up: tx %d, server packets %v, want %d on each", c.TX, c.ServerPackets, rounds)
	}
}
