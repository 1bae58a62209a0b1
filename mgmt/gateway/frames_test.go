package gateway

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/engine/announce"
)

// sipAnswer returns the UDP payload of the first 200 OK with SDP of sip_calls.
func sipAnswer(t *testing.T) []byte {
	src := pcapFile(t, "sip_calls")
	for {
		b, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			t.Fatal("no 200 OK with SDP")
		}
		if len(b) > 400 && string(b[42:49]) == "SIP/2.0" {
			return append([]byte(nil), b[42:]...)
		}
	}
}

func udpFrame(t *testing.T, vlan bool, ip gopacket.SerializableLayer, nl gopacket.NetworkLayer, payload []byte) []byte {
	eth := &layers.Ethernet{SrcMAC: srvMAC, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 9}, EthernetType: layers.EthernetTypeIPv4}
	if _, v6 := ip.(*layers.IPv6); v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
	}
	ls := []gopacket.SerializableLayer{eth}
	if vlan {
		ls = append(ls, &layers.Dot1Q{VLANIdentifier: 10, Type: eth.EthernetType})
		eth.EthernetType = layers.EthernetTypeDot1Q
	}
	udp := &layers.UDP{SrcPort: 5060, DstPort: 5060}
	_ = udp.SetNetworkLayerForChecksum(nl)
	ls = append(ls, ip, udp, gopacket.Payload(payload))
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFramesIPv6VLANFragments(t *testing.T) {
	answer := sipAnswer(t)
	vip6 := netip.MustParseAddr("fd00::2")
	var got collector
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip, vip6}, Ports: fixPorts}, got.emit)
	ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP,
		SrcIP: vip6.AsSlice(), DstIP: netip.MustParseAddr("fd00::1").AsSlice()}
	p.Frame(t0, udpFrame(t, false, ip6, ip6, answer))
	ip4 := func(flags layers.IPv4Flag, off uint16, src netip.Addr) *layers.IPv4 {
		return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, Flags: flags, FragOffset: off,
			SrcIP: src.AsSlice(), DstIP: client.AsSlice()}
	}
	v := ip4(0, 0, vip)
	p.Frame(t0, udpFrame(t, true, v, v, answer)) // 802.1Q tagged
	f := ip4(layers.IPv4MoreFragments, 0, vip)
	p.Frame(t0, udpFrame(t, false, f, f, answer)) // first fragment of a larger datagram
	o := ip4(0, 0, client)
	p.Frame(t0, udpFrame(t, false, o, o, answer)) // not from a VIP
	p.Frame(t0, []byte{1, 2, 3})
	c := p.Counters()
	if len(got) != 2 || c.Fragments != 1 || c.NotVIP != 1 || c.Undecodable != 1 || c.UDP != 2 {
		t.Fatalf("%d announcements, %+v", len(got), c)
	}
	if got[0].Server.Addr() != vip6 || got[0].Client.Addr() != netip.MustParseAddr("fd00::1") || got[1].Server.Addr() != vip {
		t.Fatalf("signalling addresses %v %v", got[0], got[1])
	}
	checkCounters(t, c)
}

func TestSendFailureCounted(t *testing.T) {
	answer := sipAnswer(t)
	p := NewPipeline(PipelineConfig{Ports: fixPorts}, func(*announce.Message) error { return errors.New("unreachable") })
	v := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: vip.AsSlice(), DstIP: client.AsSlice()}
	p.Frame(t0, udpFrame(t, false, v, v, answer))
	if c := p.Counters(); c.SendFailed != 1 || c.Announced != 0 {
		t.Fatalf("%+v", c)
	}
}

func TestConfigReceiver(t *testing.T) {
	cfg := testConfig(t, "127.0.0.1:9")
	if r, err := cfg.Receiver(func(*announce.Message) {}, 0, nil); r != nil || err != nil {
		t.Fatalf("no announce_listen: %v %v", r, err)
	}
	cfg.AnnounceListen = "127.0.0.1:0"
	n := make(chan struct{}, 1)
	r, err := cfg.Receiver(func(*announce.Message) { n <- struct{}{} }, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cfg.Announce = r.Addr().String()
	g, err := Build(cfg, nil, nil, &idle{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m := announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindSIP, Op: announce.OpEndSession, Key: []byte("k"),
		Client: netip.MustParseAddrPort("192.0.2.1:5060"), Server: netip.MustParseAddrPort("192.0.2.2:5060")}
	if err := g.Sender().Send(&m); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.Run(t.Context()) }()
	select {
	case <-n:
	case <-time.After(5 * time.Second):
		t.Fatalf("not received: %+v", r.Counters())
	}
}
