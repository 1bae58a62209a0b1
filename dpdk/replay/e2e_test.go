package replay_test

import (
	"encoding/binary"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
)

// flowKey identifies a forwarded frame's flow from its bytes.
type flowKey struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

func keyOf(t *testing.T, b []byte) flowKey {
	off := 14
	et := binary.BigEndian.Uint16(b[12:])
	if et == 0x8100 {
		et = binary.BigEndian.Uint16(b[16:])
		off = 18
	}
	var k flowKey
	var l4 int
	switch et {
	case 0x0800:
		k.src = netip.AddrFrom4([4]byte(b[off+12 : off+16]))
		k.dst = netip.AddrFrom4([4]byte(b[off+16 : off+20]))
		k.proto = b[off+9]
		l4 = off + int(b[off]&0xf)*4
	case 0x86dd:
		k.src = netip.AddrFrom16([16]byte(b[off+8 : off+24]))
		k.dst = netip.AddrFrom16([16]byte(b[off+24 : off+40]))
		k.proto = b[off+6]
		l4 = off + 40
	default:
		t.Fatalf("forwarded a non-IP frame: % x", b)
	}
	k.sport = binary.BigEndian.Uint16(b[l4:])
	k.dport = binary.BigEndian.Uint16(b[l4+2:])
	return k
}

// TestReplayForwardsSessionsStickyAndCountsDrops replays a hand-built mix
// through the real data plane and checks every output frame.
func TestReplayForwardsSessionsStickyAndCountsDrops(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pcap"), filepath.Join(dir, "out.pcap")
	fw := &frameWriter{t: t}
	other := netip.MustParseAddr("10.0.0.7")
	wantDrops := map[string]uint64{}
	valid := 0
	const udpFlows, tcpFlows, rounds = 300, 60, 4
	for r := 0; r < rounds; r++ {
		for i := 0; i < udpFlows; i++ {
			fw.raw(fw.udp4(client(i), vip4, 10000+i, 5060+i%3, 160))
			valid++
		}
		for i := 0; i < tcpFlows; i++ {
			fw.raw(fw.tcp4(client(i), vip4, 20000+i, 554, r == 0))
			valid++
		}
		for i := 0; i < 20; i++ {
			fw.raw(fw.udp6(netip.AddrFrom16([16]byte{0xfd, 1, 15: byte(i + 1)}), vip6, 30000+i, 5004))
			valid++
		}
		// noise and garbage, each with the reason it must be counted under
		fw.raw(fw.udp4(client(1), other, 1000, 53, 10))
		wantDrops["not_vip"]++
		fw.raw(fw.udp4(vip4, client(2), 5060, 10000, 10))
		wantDrops["from_vip"]++
		fw.raw(fw.tcp4(client(900), vip4, 40000+r, 80, false))
		wantDrops["tcp_no_flow"]++
		fw.raw([]byte{1, 2, 3, 4, 5})
		wantDrops["runt"]++
		arp := fw.udp4(client(3), vip4, 1, 2, 10)
		arp[12], arp[13] = 0x08, 0x06 // ARP ethertype, not an ARP request
		fw.raw(arp)
		wantDrops["arp"]++
		lldp := fw.udp4(client(3), vip4, 1, 2, 10)
		lldp[12], lldp[13] = 0x88, 0xcc
		fw.raw(lldp)
		wantDrops["ethertype"]++
		b := fw.udp4(client(4), vip4, 1, 2, 10)
		b[14] = 0x44 // IHL 4
		fw.raw(b)
		wantDrops["bad_ihl"]++
		b = fw.udp4(client(5), vip4, 1, 2, 10)
		b[16], b[17] = 0x05, 0xdc // total length 1500 beyond the frame
		fw.raw(b)
		wantDrops["bad_ip_length"]++
		fw.raw(fw.udp4(client(6), vip4, 1, 2, 10)[:14+20+4])
		wantDrops["bad_ip_length"]++
		b = fw.udp4(client(7), vip4, 1, 2, 10)
		b[20] = 0x20 // MF
		fw.raw(b)
		wantDrops["fragment"]++
		fw.raw(fw.udp4(client(8), vip4, 1, 2, 10)[:14+10])
		wantDrops["l3_truncated"]++
	}
	if err := replay.WriteFrames(in, fw.frames, time.Unix(1700000000, 0), time.Microsecond); err != nil {
		t.Fatal(err)
	}

	var portMAC [6]byte
	res, err := replay.Run(baseConfig(), in, out, func(dp *dataplane.Dataplane) (func(), error) {
		portMAC = dp.Ports()[0].MAC()
		return publishAll(dp)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counters
	if res.Frames != uint64(len(fw.frames)) || c.RX != uint64(len(fw.frames)) {
		t.Fatalf("frames %d, rx %d, written %d", res.Frames, c.RX, len(fw.frames))
	}
	for reason, n := range wantDrops {
		if c.Drops[reason] != n {
			t.Errorf("drop %s = %d, want %d", reason, c.Drops[reason], n)
		}
	}
	fwd := c.Forwarded()
	if c.RX != fwd+c.DropTotal()-c.Drops["tx_full"] || c.TX+c.Drops["tx_full"] != fwd {
		t.Fatalf("counters do not reconcile: %+v", c)
	}
	if c.TX != uint64(valid) {
		t.Fatalf("tx %d, want every valid VIP frame (%d); counters %+v", c.TX, valid, c)
	}
	if wantFlows := uint64(udpFlows + tcpFlows + 20); c.FlowsCreated != wantFlows {
		t.Errorf("flows created %d, want %d", c.FlowsCreated, wantFlows)
	}
	if res.Leaked != 0 {
		t.Errorf("%d mbufs leaked", res.Leaked)
	}

	// Every output frame goes to a server MAC from the port's MAC (direct
	// server return); each flow to one server.
	serverOf := map[flowKey][6]byte{}
	perServer := map[[6]byte]int{}
	n := 0
	for _, b := range readPcap(t, out) {
		n++
		dst := [6]byte(b[0:6])
		if dst != servers[0] && dst != servers[1] && dst != servers[2] {
			t.Fatalf("frame %d to %x, not a server", n, dst)
		}
		if src := [6]byte(b[6:12]); src != portMAC {
			t.Fatalf("frame %d from %x, not the port's MAC %x", n, src, portMAC)
		}
		k := keyOf(t, b)
		if k.dst != vip4 && k.dst != vip6 {
			t.Fatalf("forwarded a frame to %v", k.dst)
		}
		if s, ok := serverOf[k]; ok && s != dst {
			t.Fatalf("flow %+v moved from %x to %x", k, s, dst)
		}
		serverOf[k] = dst
		perServer[dst]++
	}
	if n != valid {
		t.Fatalf("output has %d frames, want %d", n, valid)
	}
	var sum uint64
	for i, s := range servers {
		sum += c.ServerPackets[i]
		if c.ServerPackets[i] != uint64(perServer[s]) {
			t.Errorf("server %d counter %d, output has %d frames for it", i, c.ServerPackets[i], perServer[s])
		}
		if perServer[s] < valid/6 {
			t.Errorf("server %x got %d of %d frames: not spread", s, perServer[s], valid)
		}
	}
	if sum != c.TX {
		t.Errorf("per-server counters sum to %d, tx %d", sum, c.TX)
	}
}
