package replay_test

import (
	"net/netip"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
)

// TestExpectationPortFilter checks the workers' expectation lookups through
// the per-port filter: a key still matches after another key of the same
// port and side was removed (the port's count, not a flag), on both sides
// (destination keys and by-source keys); a removed key no longer matches;
// an ambiguous key is still counted as such.
func TestExpectationPortFilter(t *testing.T) {
	const rounds = 3
	udp := func(a netip.Addr, port uint16) dataplane.ExpectKey {
		return dataplane.ExpectKey{Dst: netip.AddrPortFrom(a, port), Proto: 17}
	}
	bySrc := func(a netip.Addr, port uint16) dataplane.ExpectKey {
		k := udp(a, port)
		k.BySource = true
		return k
	}
	other := netip.MustParseAddr("10.9.9.9")
	in := writePcap(t, func(fw *frameWriter) {
		for r := 0; r < rounds; r++ {
			fw.raw(fw.udp4(client(0), vip4, 10000, 7000, 100)) // dst key, port shared with a removed key
			fw.raw(fw.udp4(client(1), vip4, 10001, 7001, 100)) // by-source key, port shared with a removed key
			fw.raw(fw.udp4(client(3), vip4, 10002, 7002, 100)) // its key was removed
			fw.raw(fw.udp4(client(4), vip4, 10003, 7003, 100)) // two servers expect it
		}
	})
	res := replayExpecting(t, in, func(dp *dataplane.Dataplane, set expectSetter) {
		set(udp(other, 7000), dataplane.ExpectCand{Server: 0})
		set(udp(vip4, 7000), dataplane.ExpectCand{Src: client(0), Server: 2})
		set(udp(other, 7000)) // removed: port 7000 still has the key above
		set(bySrc(client(2), 10001), dataplane.ExpectCand{Server: 0})
		set(bySrc(client(1), 10001), dataplane.ExpectCand{Server: 1})
		set(bySrc(client(2), 10001)) // removed: port 10001 still has the key above
		set(udp(vip4, 7002), dataplane.ExpectCand{Server: 2})
		set(udp(vip4, 7002)) // removed, the last of its port
		set(udp(vip4, 7003), dataplane.ExpectCand{Server: 1}, dataplane.ExpectCand{Server: 2})
		if dp.ExpectLen() != 3 {
			t.Errorf("ExpectLen %d, want 3", dp.ExpectLen())
		}
	})
	c := res.Counters
	if c.ExpectHit != 2 || c.ExpectAmbiguous != 1 {
		t.Errorf("expect_hit %d (want 2), expect_ambiguous %d (want 1)", c.ExpectHit, c.ExpectAmbiguous)
	}
	// 7000 -> 2 and 10001 -> 1 by expectation; 7002 and 7003 selected (0)
	if c.FlowsCreated != 4 || !slices.Equal(c.ServerFlows[:3], []uint64{2, 1, 1}) {
		t.Errorf("flows created %d, per server %v; want 4, [2 1 1]", c.FlowsCreated, c.ServerFlows)
	}
	if c.TX != 4*rounds || res.Leaked != 0 {
		t.Errorf("tx %d of %d frames, %d mbufs leaked", c.TX, 4*rounds, res.Leaked)
	}
}

// TestExpectationPrecedence checks which expectation places a new flow when
// both of its keys exist: the client's own endpoint (by source: the
// client's offer) first, the destination (VIP port) when the client's key
// is missing or names several servers, and a flow that neither tells apart
// is counted as ambiguous and selected as a new session.
func TestExpectationPrecedence(t *testing.T) {
	dst := func(port uint16) dataplane.ExpectKey {
		return dataplane.ExpectKey{Dst: netip.AddrPortFrom(vip4, port), Proto: 17}
	}
	bySrc := func(a netip.Addr, port uint16) dataplane.ExpectKey {
		return dataplane.ExpectKey{Dst: netip.AddrPortFrom(a, port), Proto: 17, BySource: true}
	}
	in := writePcap(t, func(fw *frameWriter) {
		for r := 0; r < 2; r++ {
			// two sessions of one client address were given VIP port 7100 by
			// servers 1 and 2; the client's offer (port 20000) says server 2
			fw.raw(fw.udp4(client(5), vip4, 20000, 7100, 100))
			// only another session's answer is known for 7102 (server 1);
			// this client's own offer says server 2
			fw.raw(fw.udp4(client(6), vip4, 20002, 7102, 100))
			// the client offered port 20004 in sessions on servers 1 and 2;
			// the destination tells them apart (server 2)
			fw.raw(fw.udp4(client(7), vip4, 20004, 7104, 100))
			// neither key tells servers 1 and 2 apart
			fw.raw(fw.udp4(client(8), vip4, 20006, 7106, 100))
		}
	})
	res := replayExpecting(t, in, func(_ *dataplane.Dataplane, set expectSetter) {
		set(dst(7100), dataplane.ExpectCand{Src: client(5), Server: 1}, dataplane.ExpectCand{Src: client(5), Server: 2})
		set(bySrc(client(5), 20000), dataplane.ExpectCand{Server: 2})
		set(dst(7102), dataplane.ExpectCand{Src: client(6), Server: 1})
		set(bySrc(client(6), 20002), dataplane.ExpectCand{Server: 2})
		set(bySrc(client(7), 20004), dataplane.ExpectCand{Server: 1}, dataplane.ExpectCand{Server: 2})
		set(dst(7104), dataplane.ExpectCand{Src: client(7), Server: 2})
		set(bySrc(client(8), 20006), dataplane.ExpectCand{Server: 1}, dataplane.ExpectCand{Server: 2})
		set(dst(7106), dataplane.ExpectCand{Src: client(8), Server: 1}, dataplane.ExpectCand{Src: client(8), Server: 2})
	})
	c := res.Counters
	if c.ExpectHit != 3 || c.ExpectAmbiguous != 1 {
		t.Errorf("expect_hit %d (want 3), expect_ambiguous %d (want 1)", c.ExpectHit, c.ExpectAmbiguous)
	}
	// three flows on server 2 by expectation, the ambiguous one selected (0)
	if c.FlowsCreated != 4 || !slices.Equal(c.ServerFlows[:3], []uint64{1, 0, 3}) {
		t.Errorf("flows created %d, per server %v; want 4, [1 0 3]", c.FlowsCreated, c.ServerFlows)
	}
	if c.TX != 8 || res.Leaked != 0 {
		t.Errorf("tx %d of 8 frames, %d mbufs leaked", c.TX, res.Leaked)
	}
}

// expectSetter installs (or, without candidates, removes) an expectation.
type expectSetter func(k dataplane.ExpectKey, cs ...dataplane.ExpectCand)

// replayExpecting replays in with signalling on, after install has set
// the expectations, every new flow selected on server 0 unless one places
// it.
func replayExpecting(t *testing.T, in string, install func(dp *dataplane.Dataplane, set expectSetter)) *replay.Result {
	t.Helper()
	cfg := baseConfig()
	cfg.Signalling = true
	res, err := replay.Run(cfg, in, filepath.Join(t.TempDir(), "out.pcap"), func(dp *dataplane.Dataplane) (func(), error) {
		install(dp, func(k dataplane.ExpectKey, cs ...dataplane.ExpectCand) {
			if err := dp.ExpectSet(k, cs); err != nil {
				t.Fatal(err)
			}
		})
		return nil, dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{0}, 1024)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
