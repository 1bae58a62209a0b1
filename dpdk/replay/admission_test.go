package replay_test

import (
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
)

// udpFlows writes flows UDP flows to the VIP, rounds packets each.
func udpFlows(t *testing.T, flows, rounds int) string {
	return writePcap(t, func(fw *frameWriter) {
		for r := 0; r < rounds; r++ {
			for i := 0; i < flows; i++ {
				fw.raw(fw.udp4(client(i), vip4, 10000+i, 7000, 100))
			}
		}
	})
}

// replayWith replays in with policy p published.
func replayWith(t *testing.T, in string, p dataplane.Policy) dataplane.Counters {
	return replayInstalled(t, in, nil, p)
}

// TestAdmissionInTheWorkers checks that the published SA2C probabilities
// are applied per new session, never to an admitted session's later
// packets, and that reject-all refuses everything.
func TestAdmissionInTheWorkers(t *testing.T) {
	const flows, rounds = 1000, 3
	in := udpFlows(t, flows, rounds)
	seq := dataplane.RoundRobin([]cluster.ServerID{0, 1, 2}, 1024)

	c := replayWith(t, in, dataplane.Policy{Sequence: seq, PNew: 1})
	if c.TX != 0 || c.Drops["admission_new"] != flows*rounds {
		t.Fatalf("p_new=1: tx %d, admission_new %d", c.TX, c.Drops["admission_new"])
	}

	c = replayWith(t, in, dataplane.Policy{Sequence: seq, PNew: 0.5})
	// An admitted flow keeps all its packets; a refused one is re-drawn at
	// its next packet: P(admitted by round 3) = 1 - 0.5^3 = 0.875.
	if c.FlowsCreated < 800 || c.FlowsCreated > 950 {
		t.Errorf("p_new=0.5 over 3 rounds: %d flows admitted of %d, want about 875", c.FlowsCreated, flows)
	}
	if c.FwdHit+c.FwdNew != c.TX || c.TX+c.Drops["admission_new"] != flows*rounds {
		t.Errorf("counters do not add up: %+v", c)
	}

	c = replayWith(t, in, dataplane.Policy{Sequence: seq, PEst: 1})
	if c.TX != flows*rounds || c.Drops["admission_media"] != 0 {
		t.Errorf("p_est applies to announced media only: tx %d, admission_media %d", c.TX, c.Drops["admission_media"])
	}

	c = replayWith(t, in, dataplane.Policy{Sequence: seq, RejectAll: true})
	if c.TX != 0 || c.Drops["admission_all"] != flows*rounds {
		t.Errorf("reject-all: tx %d, admission_all %d", c.TX, c.Drops["admission_all"])
	}
}

func baseTimeouts() dataplane.Timeouts {
	c := baseConfig()
	c.Defaults()
	return c.Timeouts
}

func replayWith2(t *testing.T, in, out string, setup func(*dataplane.Dataplane) error) dataplane.Counters {
	res, err := replay.Run(baseConfig(), in, out, func(dp *dataplane.Dataplane) (func(), error) { return nil, setup(dp) })
	if err != nil {
		t.Fatal(err)
	}
	return res.Counters
}

func replayErr(t *testing.T, in string, setup func(*dataplane.Dataplane) error) error {
	_, err := replay.Run(baseConfig(), in, filepath.Join(t.TempDir(), "x.pcap"),
		func(dp *dataplane.Dataplane) (func(), error) { return nil, setup(dp) })
	return err
}

// replayInstalled replays in with recs installed in the flow table first
// (as a hot standby's are) and policy p published.
func replayInstalled(t *testing.T, in string, recs []dataplane.FlowRecord, p dataplane.Policy) dataplane.Counters {
	t.Helper()
	return replayInstalledCfg(t, baseConfig(), in, recs, p)
}

// replayInstalledCfg is replayInstalled with the data plane configured by cfg.
func replayInstalledCfg(t *testing.T, cfg dataplane.Config, in string, recs []dataplane.FlowRecord,
	p dataplane.Policy) dataplane.Counters {
	t.Helper()
	cfg.FlowEvents = len(recs) > 0
	res, err := replay.Run(cfg, in, filepath.Join(t.TempDir(), "out.pcap"), func(dp *dataplane.Dataplane) (func(), error) {
		if len(recs) > 0 {
			if n, err := dp.PushFlows(append([]dataplane.FlowRecord(nil), recs...)); err != nil || n != len(recs) {
				t.Fatalf("pushed %d of %d: %v", n, len(recs), err)
			}
		}
		return nil, dp.Publish(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Leaked != 0 {
		t.Errorf("%d mbufs leaked", res.Leaked)
	}
	return res.Counters
}

// TestAdmissionOfEstablishedFlows checks SA2C on the packets of flows that
// already exist: p_est degrades an established session's announced media
// only, and reject-all lets only established signalling through.
func TestAdmissionOfEstablishedFlows(t *testing.T) {
	const rounds = 3
	in := udpFlows(t, 3, rounds) // flow i: udpFlowKey(i)
	est := uint8(dataplane.FlagEstablished)
	recs := []dataplane.FlowRecord{
		{Type: dataplane.FlowInstall, Key: udpFlowKey(0), Server: 1, Class: dataplane.ClassUDP, Flags: est},
		{Type: dataplane.FlowInstall, Key: udpFlowKey(1), Server: 1, Class: dataplane.ClassMedia,
			Flags: est | dataplane.FlagSecondary},
		{Type: dataplane.FlowInstall, Key: udpFlowKey(2), Server: 1, Class: dataplane.ClassSIP, Flags: est},
	}
	seq := dataplane.RoundRobin([]cluster.ServerID{0}, 1024) // a new flow would go to 0

	c := replayInstalled(t, in, recs, dataplane.Policy{Sequence: seq})
	if c.FwdHit != 3*rounds || c.ServerPackets[1] != 3*rounds {
		t.Fatalf("no pressure: fwd_hit %d, server packets %v, want all %d on server 1", c.FwdHit, c.ServerPackets, 3*rounds)
	}

	c = replayInstalled(t, in, recs, dataplane.Policy{Sequence: seq, PEst: 1})
	if c.Drops["admission_media"] != rounds || c.TX != 2*rounds || c.ServerPackets[1] != 2*rounds {
		t.Errorf("p_est=1: admission_media %d (want %d, the announced media), tx %d (want %d)",
			c.Drops["admission_media"], rounds, c.TX, 2*rounds)
	}

	c = replayInstalled(t, in, recs, dataplane.Policy{Sequence: seq, RejectAll: true})
	if c.Drops["admission_all"] != 2*rounds || c.TX != rounds || c.ServerPackets[1] != rounds {
		t.Errorf("reject-all: admission_all %d (want %d), tx %d (want %d, the signalling flow)",
			c.Drops["admission_all"], 2*rounds, c.TX, rounds)
	}
}
