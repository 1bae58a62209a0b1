package replay_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/replay"
)

// TestSeveralIPv4VIPs checks the workers' VIP test when one IPv4 VIP does
// not decide it alone (the common single-VIP case has a shortcut): frames
// to either VIP are forwarded, frames to another address are not_vip, and
// frames from a VIP are from_vip.
func TestSeveralIPv4VIPs(t *testing.T) {
	second, other := netip.MustParseAddr("10.0.0.101"), netip.MustParseAddr("10.0.0.7")
	in := writePcap(t, func(fw *frameWriter) {
		for i := 0; i < 4; i++ {
			fw.raw(fw.udp4(client(i), vip4, 10000+i, 7000, 100))
			fw.raw(fw.udp4(client(i), second, 10000+i, 7000, 100))
			fw.raw(fw.udp4(client(i), other, 10000+i, 7000, 100))
			fw.raw(fw.udp4(second, client(i), 7000, 10000+i, 100))
		}
	})
	cfg := baseConfig()
	cfg.VIPs = append(cfg.VIPs, second)
	res, err := replay.Run(cfg, in, filepath.Join(t.TempDir(), "out.pcap"), publishAll)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counters
	if c.TX != 8 || c.FlowsCreated != 8 || c.Drops["not_vip"] != 4 || c.Drops["from_vip"] != 4 {
		t.Errorf("two IPv4 VIPs: tx %d (want 8), flows %d (want 8), not_vip %d (want 4), from_vip %d (want 4)",
			c.TX, c.FlowsCreated, c.Drops["not_vip"], c.Drops["from_vip"])
	}
}
