package replay_test

import (
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
)

// TestFlowExportImport exports the flows one data plane creates (what the
// primary streams to its backup), installs them in a second one whose
// selection would send every new flow elsewhere, and checks that the
// installed flows keep their servers and that a dump reports them.
func TestFlowExportImport(t *testing.T) {
	const flows = 30
	in := udpFlows(t, flows, 2)
	cfg := baseConfig()
	cfg.FlowEvents = true
	var exported []dataplane.FlowRecord
	res, err := replay.Run(cfg, in, filepath.Join(t.TempDir(), "a.pcap"), func(dp *dataplane.Dataplane) (func(), error) {
		err := dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{0, 1}, 1024)})
		return func() {
			buf := make([]dataplane.FlowRecord, dataplane.FlowBatch)
			for {
				n, err := dp.FlowEvents(buf)
				if err != nil || n == 0 {
					return
				}
				exported = append(exported, buf[:n]...)
			}
		}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(exported) != flows || res.Counters.FlowEvSent != flows {
		t.Fatalf("exported %d records (sent %d), want %d", len(exported), res.Counters.FlowEvSent, flows)
	}
	servers := map[cluster.ServerID]int{}
	for _, r := range exported {
		if r.Type != dataplane.FlowCreated || r.Key.Dst.Addr() != vip4 || r.Key.Proto != 17 {
			t.Fatalf("bad record %+v", r)
		}
		servers[r.Server]++
	}
	if servers[0] != flows/2 || servers[1] != flows/2 {
		t.Fatalf("exported servers %v", servers)
	}

	// The backup: every new flow would go to server 2; installed ones must not.
	for i := range exported {
		exported[i].Type = dataplane.FlowInstall
	}
	var dumped []dataplane.FlowRecord
	res, err = replay.Run(cfg, in, filepath.Join(t.TempDir(), "b.pcap"), func(dp *dataplane.Dataplane) (func(), error) {
		if err := dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{2}, 1024)}); err != nil {
			return nil, err
		}
		if n, err := dp.PushFlows(exported); err != nil || n != flows {
			t.Fatalf("pushed %d of %d: %v", n, flows, err)
		}
		return func() {
			if err := dp.RequestDump(); err != nil {
				t.Error(err)
				return
			}
			buf := make([]dataplane.FlowRecord, dataplane.FlowBatch)
			for i := 0; i < 1000 && (dp.DumpPending() || len(dumped) < flows); i++ {
				n, _ := dp.FlowEvents(buf)
				for _, r := range buf[:n] {
					if r.Type == dataplane.FlowSnapshot {
						dumped = append(dumped, r)
					}
				}
			}
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counters
	if c.FlowEvApplied != flows || c.ServerPackets[2] != 0 || c.TX != 2*flows {
		t.Fatalf("backup: applied %d, server packets %v, tx %d", c.FlowEvApplied, c.ServerPackets, c.TX)
	}
	if len(dumped) != flows {
		t.Fatalf("dump reported %d flows, want %d", len(dumped), flows)
	}
}
