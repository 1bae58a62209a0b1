package replay_test

import (
	"bytes"
	"net"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
)

// arpRequest is "who has target? tell sender" from mac.
func arpRequest(fw *frameWriter, mac net.HardwareAddr, sender, target netip.Addr) []byte {
	s, t := sender.As4(), target.As4()
	return fw.layers(
		&layers.Ethernet{SrcMAC: mac, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6,
			ProtAddressSize: 4, Operation: layers.ARPRequest, SourceHwAddress: mac, SourceProtAddress: s[:],
			DstHwAddress: make([]byte, 6), DstProtAddress: t[:]})
}

// replayARP replays requests through a data plane that owns the VIP
// (standby false) or is a hot standby, and returns the counters and the
// frames it sent.
func replayARP(t *testing.T, standby bool, frames func(fw *frameWriter)) (dataplane.Counters, [][]byte) {
	t.Helper()
	in, out := writePcap(t, frames), filepath.Join(t.TempDir(), "out.pcap")
	res, err := replay.Run(baseConfig(), in, out, func(dp *dataplane.Dataplane) (func(), error) {
		if _, err := publishAll(dp); err != nil {
			return nil, err
		}
		return nil, dp.SetStandby(standby)
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := readPcap(t, out)
	return res.Counters, sent
}

// TestARPResponder: the VIP's owner answers "who has VIP?" out of the port
// it came in on; requests for other addresses, gratuitous ARPs (its own
// takeover announcements looped back) and every request on a hot standby
// are dropped and counted as arp.
func TestARPResponder(t *testing.T) {
	router := net.HardwareAddr{2, 0xaa, 0, 0, 0, 1}
	gw := netip.MustParseAddr("10.0.0.1")
	frames := func(fw *frameWriter) {
		fw.raw(arpRequest(fw, router, gw, vip4))                                   // answered
		fw.raw(arpRequest(fw, router, gw, netip.MustParseAddr("10.0.0.55")))       // not a VIP
		fw.raw(arpRequest(fw, router, vip4, vip4))                                 // gratuitous
		fw.raw(arpRequest(fw, router, netip.MustParseAddr("10.0.0.2"), vip4)[:30]) // cut short
	}
	c, sent := replayARP(t, false, frames)
	if c.ARPReplies != 1 || c.Drops["arp"] != 3 || c.TX != 1 || len(sent) != 1 {
		t.Fatalf("owner: replies %d, arp drops %d, tx %d, sent %d; want 1, 3, 1, 1", c.ARPReplies, c.Drops["arp"], c.TX, len(sent))
	}
	if c.RX != c.Forwarded()+c.ARPReplies+c.DropTotal()-c.Drops["tx_full"] {
		t.Fatalf("counters do not reconcile: %+v", c)
	}
	p := gopacket.NewPacket(sent[0], layers.LayerTypeEthernet, gopacket.Default)
	eth, _ := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	a, _ := p.Layer(layers.LayerTypeARP).(*layers.ARP)
	if eth == nil || a == nil {
		t.Fatalf("reply is not ARP: %v", p)
	}
	v, g := vip4.As4(), gw.As4()
	switch {
	case a.Operation != layers.ARPReply:
		t.Errorf("operation %d, want reply", a.Operation)
	case !bytes.Equal(eth.DstMAC, router) || !bytes.Equal(a.DstHwAddress, router) || !bytes.Equal(a.DstProtAddress, g[:]):
		t.Errorf("reply to %v / %v %v, want the requester %v %v", eth.DstMAC, a.DstHwAddress, a.DstProtAddress, router, gw)
	case !bytes.Equal(a.SourceProtAddress, v[:]) || !bytes.Equal(a.SourceHwAddress, eth.SrcMAC) ||
		bytes.Equal(eth.SrcMAC, make([]byte, 6)):
		t.Errorf("reply says %v is at %v (frame from %v), want the VIP at the port's MAC", a.SourceProtAddress, a.SourceHwAddress, eth.SrcMAC)
	}

	c, sent = replayARP(t, true, frames)
	if c.ARPReplies != 0 || c.Drops["arp"] != 4 || len(sent) != 0 {
		t.Fatalf("standby: replies %d, arp drops %d, sent %d; want 0, 4, 0", c.ARPReplies, c.Drops["arp"], len(sent))
	}
}

// neighbourSolicitation is "who has target?" from (mac, src), to the
// target's solicited-node multicast group.
func neighbourSolicitation(fw *frameWriter, mac net.HardwareAddr, src, target netip.Addr) []byte {
	t := target.As16()
	group := netip.AddrFrom16([16]byte{0xff, 0x02, 11: 1, 12: 0xff, 13: t[13], 14: t[14], 15: t[15]})
	ip := &layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: src.AsSlice(), DstIP: group.AsSlice()}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	var opts layers.ICMPv6Options
	if src.IsValid() && !src.IsUnspecified() {
		opts = layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: mac}}
	}
	return fw.layers(&layers.Ethernet{SrcMAC: mac, DstMAC: net.HardwareAddr{0x33, 0x33, 0xff, t[13], t[14], t[15]},
		EthernetType: layers.EthernetTypeIPv6}, ip, icmp,
		&layers.ICMPv6NeighborSolicitation{TargetAddress: target.AsSlice(), Options: opts})
}

// TestNeighbourDiscoveryResponder: the owner of an IPv6 VIP answers a
// neighbour solicitation for it with the solicited advertisement (checked
// against gopacket's encoding, checksum included); solicitations for other
// addresses, duplicate address detection and every one on a standby are
// counted as arp drops; other ICMPv6 stays an l4_protocol drop.
func TestNeighbourDiscoveryResponder(t *testing.T) {
	router := net.HardwareAddr{2, 0xaa, 0, 0, 0, 1}
	gw := netip.MustParseAddr("fd00::1")
	frames := func(fw *frameWriter) {
		fw.raw(neighbourSolicitation(fw, router, gw, vip6))                            // answered
		fw.raw(neighbourSolicitation(fw, router, gw, netip.MustParseAddr("fd00::55"))) // not a VIP
		fw.raw(neighbourSolicitation(fw, router, netip.IPv6Unspecified(), vip6))       // DAD
		ping := neighbourSolicitation(fw, router, gw, vip6)
		ping[14+40] = 128 // an echo request: not neighbour discovery
		fw.raw(ping)
	}
	c, sent := replayARP(t, false, frames)
	if c.ARPReplies != 1 || c.Drops["arp"] != 2 || c.Drops["l4_protocol"] != 1 || len(sent) != 1 {
		t.Fatalf("owner: replies %d, arp drops %d, l4 drops %d, sent %d; want 1, 2, 1, 1",
			c.ARPReplies, c.Drops["arp"], c.Drops["l4_protocol"], len(sent))
	}
	mac := net.HardwareAddr(sent[0][6:12])
	ip := &layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: vip6.AsSlice(), DstIP: gw.AsSlice()}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: mac, DstMAC: router, EthernetType: layers.EthernetTypeIPv6}, ip, icmp,
		&layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: vip6.AsSlice(),
			Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: mac}}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sent[0], buf.Bytes()) || bytes.Equal(mac, make([]byte, 6)) {
		t.Fatalf("advertisement\n got %x\nwant %x", sent[0], buf.Bytes())
	}
	c, sent = replayARP(t, true, frames)
	if c.ARPReplies != 0 || c.Drops["arp"] != 3 || len(sent) != 0 {
		t.Fatalf("standby: replies %d, arp drops %d, sent %d; want 0, 3, 0", c.ARPReplies, c.Drops["arp"], len(sent))
	}
}
