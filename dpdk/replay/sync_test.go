package replay_test

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

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
		return drainFlowEvents(dp, &exported), err
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

// TestStandbyKeepsInstalledFlows: a hot standby's flows are the primary's,
// so its purge must not expire them however long they stay idle there;
// the same installs on a data plane that owns the VIP expire after twice
// their timeout (reported as FlowExpired).
func TestStandbyKeepsInstalledFlows(t *testing.T) {
	const flows = 20
	dir := t.TempDir()
	empty := udpFlows(t, 0, 0)
	cfg := baseConfig()
	cfg.FlowEvents, cfg.Workers = true, 1
	cfg.FlowTableSize = 256 // the purge walks it in a few ms
	cfg.Timeouts = dataplane.Timeouts{UDP: 5 * time.Millisecond, TCP: time.Second, SIP: time.Second, RTSP: time.Second, Media: 5 * time.Millisecond}
	var recs []dataplane.FlowRecord
	for i := 0; i < flows; i++ {
		recs = append(recs, dataplane.FlowRecord{Type: dataplane.FlowInstall, Key: udpFlowKey(i), Server: 1, Flags: dataplane.FlagEstablished})
	}
	// run installs the flows, lets the idle worker purge for 30x the
	// timeout, and returns how many flows a dump still finds and how many
	// expired.
	run := func(name string, standby bool) (live, expired int) {
		cfg.Ports = []dataplane.PortSpec{{Name: "net_pcap_" + name,
			Devargs: fmt.Sprintf("rx_pcap=%s,tx_pcap=%s", empty, filepath.Join(dir, name+".pcap"))}}
		dp, err := dataplane.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer dp.Close()
		if err := dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{2}, 1024)}); err != nil {
			t.Fatal(err)
		}
		if err := dp.SetStandby(standby); err != nil || dp.Standby() != standby {
			t.Fatalf("SetStandby(%v): %v, Standby() = %v", standby, err, dp.Standby())
		}
		if n, err := dp.PushFlows(append([]dataplane.FlowRecord(nil), recs...)); err != nil || n != flows {
			t.Fatalf("pushed %d of %d: %v", n, flows, err)
		}
		if err := dp.Start(); err != nil {
			t.Fatal(err)
		}
		defer dp.Stop()
		time.Sleep(150 * time.Millisecond)
		if err := dp.RequestDump(); err != nil {
			t.Fatal(err)
		}
		buf := make([]dataplane.FlowRecord, dataplane.FlowBatch)
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
			pending := dp.DumpPending()
			n, _ := dp.FlowEvents(buf)
			for _, r := range buf[:n] {
				switch r.Type {
				case dataplane.FlowSnapshot:
					live++
				case dataplane.FlowExpired:
					expired++
				}
			}
			if !pending && n == 0 {
				break
			}
		}
		return live, expired
	}
	if live, expired := run("standby", true); live != flows || expired != 0 {
		t.Fatalf("standby: %d flows live, %d expired; want %d, 0", live, expired, flows)
	}
	if live, expired := run("owner", false); live != 0 || expired != flows {
		t.Fatalf("owner: %d flows live, %d expired; want 0, %d", live, expired, flows)
	}
}

// udpFlowKey is the key of udpFlows' flow i.
func udpFlowKey(i int) dataplane.FlowKey {
	return dataplane.FlowKey{Src: netip.AddrPortFrom(client(i), uint16(10000+i)), Dst: netip.AddrPortFrom(vip4, 7000), Proto: 17}
}
