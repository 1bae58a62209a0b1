package sigpath

import (
	"bytes"
	"net"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/sip"
)

var (
	cliMAC  = net.HardwareAddr{2, 0xc0, 0, 0, 0, 1}
	portMAC = net.HardwareAddr{2, 0xd0, 0, 0, 0, 0xfe}
)

// udpFrame serialises Ethernet (optional 802.1Q tag) / IP / UDP / payload
// with gopacket, lengths and checksums computed.
func udpFrame(t testing.TB, src, dst net.HardwareAddr, ip gopacket.SerializableLayer, vlan bool, sport, dport uint16, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeIPv4}
	var nl gopacket.NetworkLayer
	switch v := ip.(type) {
	case *layers.IPv4:
		nl = v
	case *layers.IPv6:
		eth.EthernetType = layers.EthernetTypeIPv6
		nl = v
	}
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if err := u.SetNetworkLayerForChecksum(nl); err != nil {
		t.Fatal(err)
	}
	ls := []gopacket.SerializableLayer{eth}
	if vlan {
		ls = append(ls, &layers.Dot1Q{VLANIdentifier: 42, Type: eth.EthernetType})
		eth.EthernetType = layers.EthernetTypeDot1Q
	}
	ls = append(ls, ip, u, gopacket.Payload(payload))
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func v4(a, b string, tos uint8) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, TOS: tos, Protocol: layers.IPProtocolUDP, Flags: layers.IPv4DontFragment,
		SrcIP: net.ParseIP(a).To4(), DstIP: net.ParseIP(b).To4()}
}

func v6(a, b string) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: net.ParseIP(a), DstIP: net.ParseIP(b)}
}

// TestReplyFrame: the answer replyFrame writes in place is, byte for byte,
// the frame gopacket serialises for the reversed datagram (addresses and
// ports swapped, fresh header, checksums), for IPv4 with and without a
// VLAN tag and IPv4 options, and IPv6; a frame without room is left alone.
func TestReplyFrame(t *testing.T) {
	req := []byte("INVITE sip:x@10.201.0.2 SIP/2.0\r\n" + string(bytes.Repeat([]byte("X-Pad: 0123456789\r\n"), 20)) + "\r\n")
	body := []byte("SIP/2.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
	for _, tc := range []struct {
		name     string
		in, want gopacket.SerializableLayer
		vlan     bool
		l3, l4   int
	}{
		{"ipv4", v4("10.201.0.1", "10.201.0.2", 0xb8), v4("10.201.0.2", "10.201.0.1", 0xb8), false, 14, 34},
		{"ipv4 vlan", v4("10.201.0.1", "10.201.0.2", 0), v4("10.201.0.2", "10.201.0.1", 0), true, 18, 38},
		{"ipv4 options", func() gopacket.SerializableLayer {
			ip := v4("10.201.0.1", "10.201.0.2", 0)
			ip.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
			return ip
		}(), v4("10.201.0.2", "10.201.0.1", 0), false, 14, 38},
		{"ipv6", v6("fd00::1", "fd00::2"), v6("fd00::2", "fd00::1"), false, 14, 54},
	} {
		in := udpFrame(t, cliMAC, portMAC, tc.in, tc.vlan, 5070, 5060, req)
		want := udpFrame(t, portMAC, cliMAC, tc.want, tc.vlan, 5060, 5070, body)
		frame := append(make([]byte, 0, 2048), in...)
		n := replyFrame(frame, tc.l3, tc.l4, body)
		if got := frame[:n]; !bytes.Equal(got, want) {
			t.Errorf("%s: got\n% x\nwant\n% x", tc.name, got, want)
		}
		short := append(make([]byte, 0, tc.l3+20), in[:tc.l3+20]...)
		if replyFrame(short, tc.l3, tc.l4, body) != 0 || !bytes.Equal(short, in[:tc.l3+20]) {
			t.Errorf("%s: a frame without room was rewritten", tc.name)
		}
		if a := testing.AllocsPerRun(50, func() { replyFrame(append(frame[:0], in...), tc.l3, tc.l4, body) }); a != 0 {
			t.Errorf("%s: %v allocations", tc.name, a)
		}
	}
}

func sipReq(method, callID, toTag string) []byte {
	to := "<sip:svc@10.201.0.2>"
	if toTag != "" {
		to += ";tag=" + toTag
	}
	return []byte(method + " sip:svc@10.201.0.2:5060 SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 10.201.0.1:5070;branch=z9hG4bK-" + method + callID + "\r\n" +
		"From: <sip:c@10.201.0.1>;tag=f1\r\nTo: " + to + "\r\nCall-ID: " + callID + "\r\n" +
		"CSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n")
}

// TestRefusedCallsAnswered replays, through a real worker and this Path,
// SIP at reject-all: a new INVITE, its retransmission, the ACK of the
// refusal, an OPTIONS outside any session, the BYE of a call established
// before, and a media packet. The INVITEs and the OPTIONS come back as
// 503s from the VIP to the client, the ACK is absorbed, the BYE reaches
// the call's server, the media packet is refused; every drop is counted
// and no mbuf leaks.
func TestRefusedCallsAnswered(t *testing.T) {
	ip := func() *layers.IPv4 { return v4(annClient.String(), annVIP.String(), 0) }
	msgs := [][]byte{sipReq("INVITE", "new@x", ""), sipReq("INVITE", "new@x", ""), sipReq("ACK", "new@x", ""),
		sipReq("OPTIONS", "opt@x", ""), sipReq("BYE", "est@x", "s1")}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pcap"), filepath.Join(dir, "out.pcap")
	var frames [][]byte
	for _, m := range msgs {
		frames = append(frames, udpFrame(t, cliMAC, portMAC, ip(), false, 5070, 5060, m))
	}
	frames = append(frames, udpFrame(t, cliMAC, portMAC, ip(), false, 30000, 20000, make([]byte, 172)))
	if err := replay.WriteFrames(in, frames, time.Unix(1_800_000_000, 0).Add(time.Millisecond), time.Millisecond); err != nil {
		t.Fatal(err)
	}

	servers := [][6]byte{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}}
	seq := dataplane.RoundRobin([]cluster.ServerID{0, 1}, 1024)
	var path *Path
	res, err := replay.Run(dataplane.Config{VIPs: []netip.Addr{annVIP}, ServerMACs: servers, FlowTableSize: 1024,
		Mbufs: 1023, MbufCache: 32, Signalling: true, Lockstep: true, ExpectTableSize: 1024, SIPPortsUDP: []uint16{5060}},
		in, out, func(dp *dataplane.Dataplane) (func(), error) {
			if err := dp.Publish(dataplane.Policy{Sequence: seq, PNew: 1, PEst: 1, RejectAll: true}); err != nil {
				return nil, err
			}
			p, err := New(dp, []netip.Addr{annVIP}, Config{SIPUDPPorts: []uint16{5060}, RetryAfter: 1500 * time.Millisecond})
			if err != nil {
				return nil, err
			}
			annInvite(t, p, "est@x", 1) // a call established before the overload
			p.SetPolicy(Policy{Sequence: seq, PNew: 1, RejectAll: true})
			path = p
			stop, done := make(chan struct{}), make(chan struct{})
			go func() { p.Run(stop); close(done) }()
			return func() { close(stop); <-done }, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	c, pc := res.Counters, path.Counters()
	if res.Leaked != 0 || c.SigReplied != 3 || c.FwdSig != 1 || c.Drops["sig_rejected"] != 1 || c.Drops["admission_all"] != 1 ||
		c.TX != 4 || pc.Refused != 4 || pc.Replied != 3 {
		t.Fatalf("leaked %d; data plane %+v; signalling %+v", res.Leaked, c, pc)
	}
	got, err := replay.ReadFrames(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d frames out, want 4", len(got))
	}
	answered := map[int]string{0: "new@x", 1: "new@x", 2: "opt@x"}
	for i, b := range got {
		pk := gopacket.NewPacket(b, layers.LayerTypeEthernet, gopacket.Default)
		eth, _ := pk.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		ip4, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		u, _ := pk.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if eth == nil || ip4 == nil || u == nil {
			t.Fatalf("frame %d: not Ethernet/IPv4/UDP", i)
		}
		id, isReply := answered[i]
		if !isReply { // the BYE, forwarded as it came to the call's server
			if !bytes.Equal(eth.DstMAC, servers[1][:]) || !bytes.Contains(u.Payload, []byte("BYE ")) {
				t.Fatalf("frame %d: %v → %v %q", i, eth.SrcMAC, eth.DstMAC, u.Payload)
			}
			continue
		}
		// The 503 is the frame gopacket builds for the reversed datagram.
		want := udpFrame(t, portMAC, cliMAC, v4(annVIP.String(), annClient.String(), 0), false, 5060, 5070, u.Payload)
		if !bytes.Equal(b, want) {
			t.Fatalf("frame %d: got\n% x\nwant\n% x", i, b, want)
		}
		var r inspect.Result
		if err := sip.New().Inspect(inspect.Meta{Transport: inspect.UDP, Dir: inspect.FromServer}, u.Payload, &r); err != nil ||
			r.Status != 503 || string(r.Key) != id || !bytes.Contains(u.Payload, []byte("\r\nRetry-After: 2\r\n")) {
			t.Fatalf("frame %d: %v %+v\n%s", i, err, r, u.Payload)
		}
	}
}
