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

// TestOneVIPShortcut checks the single-IPv4-VIP shortcut (the fast parser
// answers "to the VIP from elsewhere" from the key in its register) against
// the general rule on each side of it: to the VIP from a client forwarded,
// untagged and under an 802.1Q tag; from the VIP to itself, and from the
// VIP to a client, from_vip; to another address not_vip.
func TestOneVIPShortcut(t *testing.T) {
	other := netip.MustParseAddr("10.0.0.7")
	in := writePcap(t, func(fw *frameWriter) {
		for i := 0; i < 3; i++ {
			fw.raw(fw.udp4(client(i), vip4, 10000+i, 7000, 100))
			fw.raw(tagged(fw.udp4(client(i), vip4, 12000+i, 7000, 100), 10))
			fw.raw(fw.udp4(vip4, vip4, 7000, 7000, 100))
			fw.raw(fw.udp4(vip4, client(i), 7000, 10000+i, 100))
			fw.raw(fw.udp4(client(i), other, 10000+i, 7000, 100))
		}
	})
	res, err := replay.Run(baseConfig(), in, filepath.Join(t.TempDir(), "out.pcap"), publishAll)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counters
	if c.TX != 6 || c.FlowsCreated != 6 || c.Drops["from_vip"] != 6 || c.Drops["not_vip"] != 3 {
		t.Errorf("one IPv4 VIP: tx %d (want 6), flows %d (want 6), from_vip %d (want 6), not_vip %d (want 3)",
			c.TX, c.FlowsCreated, c.Drops["from_vip"], c.Drops["not_vip"])
	}
}

// tagged returns frame b under an 802.1Q tag of VLAN vid.
func tagged(b []byte, vid int) []byte {
	out := append([]byte{}, b[:12]...)
	out = append(out, 0x81, 0x00, byte(vid>>8), byte(vid))
	return append(out, b[12:]...)
}
