package replay_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
)

// TestFamiliesInOneBurst interleaves IPv4 and IPv6 frames within every
// burst: the worker stages the two families apart (IPv6 from the top of
// its staging arrays) and looks them up in two loops. Every flow must be
// created once, under its own key (the records it exports), and every
// frame must reach the server of its flow's record.
func TestFamiliesInOneBurst(t *testing.T) {
	const flows, rounds = 24, 3
	type flow struct {
		src   netip.Addr
		sport int
	}
	var fl []flow
	for i := 0; i < flows; i++ {
		if i%3 == 1 { // one frame in three is IPv6, between IPv4 frames
			fl = append(fl, flow{netip.AddrFrom16([16]byte{0xfd, 2, 15: byte(i + 1)}), 31000 + i})
		} else {
			fl = append(fl, flow{client(i), 11000 + i})
		}
	}
	in := writePcap(t, func(fw *frameWriter) {
		for r := 0; r < rounds; r++ {
			for _, f := range fl {
				if f.src.Is6() {
					fw.raw(fw.udp6(f.src, vip6, f.sport, 5004))
				} else {
					fw.raw(fw.udp4(f.src, vip4, f.sport, 5004, 40))
				}
			}
		}
	})
	cfg := baseConfig()
	cfg.FlowEvents = true
	var created []dataplane.FlowRecord
	out := filepath.Join(t.TempDir(), "out.pcap")
	res, err := replay.Run(cfg, in, out, func(dp *dataplane.Dataplane) (func(), error) {
		_, err := publishAll(dp)
		return drainFlowEvents(dp, &created), err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counters; c.TX != flows*rounds || c.FlowsCreated != flows || c.FwdHit != flows*(rounds-1) {
		t.Fatalf("tx %d, flows created %d, hits %d; want %d, %d, %d", c.TX, c.FlowsCreated, c.FwdHit,
			flows*rounds, flows, flows*(rounds-1))
	}

	// the records name exactly the flows sent, once each
	serverOf := map[flowKey][6]byte{}
	for _, r := range created {
		k := flowKey{src: r.Key.Src.Addr(), dst: r.Key.Dst.Addr(), sport: r.Key.Src.Port(), dport: r.Key.Dst.Port(),
			proto: r.Key.Proto}
		if _, dup := serverOf[k]; dup || r.Type != dataplane.FlowCreated {
			t.Fatalf("record %+v: type %d, already seen %v", r, r.Type, dup)
		}
		serverOf[k] = servers[r.Server]
	}
	for _, f := range fl {
		dst := vip4
		if f.src.Is6() {
			dst = vip6
		}
		if _, ok := serverOf[flowKey{src: f.src, dst: dst, sport: uint16(f.sport), dport: 5004, proto: 17}]; !ok {
			t.Fatalf("no flow created for %v:%d; records %+v", f.src, f.sport, created)
		}
	}
	for i, b := range readPcap(t, out) {
		k := keyOf(t, b)
		if s, ok := serverOf[k]; !ok || [6]byte(b[0:6]) != s {
			t.Fatalf("frame %d of %+v went to %x, its flow's record says %x", i, k, b[0:6], s)
		}
	}
}
