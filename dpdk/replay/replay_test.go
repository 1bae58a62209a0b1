package replay_test

import (
	"net"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal/ealtest"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
)

func TestMain(m *testing.M) {
	ealtest.Main(m, nil, "0@0,1@0")
}

var (
	vip4    = netip.MustParseAddr("10.0.0.100")
	vip6    = netip.MustParseAddr("fd00::100")
	servers = [][6]byte{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 3}}
)

// frameWriter builds frames with gopacket and collects them for a capture
// (writePcap).
type frameWriter struct {
	t      *testing.T
	frames [][]byte
}

func (fw *frameWriter) raw(b []byte) { fw.frames = append(fw.frames, b) }

func (fw *frameWriter) layers(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opt := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	for _, l := range ls {
		if n, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			for _, nl := range ls {
				if ip, ok := nl.(gopacket.NetworkLayer); ok {
					_ = n.SetNetworkLayerForChecksum(ip)
				}
			}
		}
	}
	if err := gopacket.SerializeLayers(buf, opt, ls...); err != nil {
		fw.t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

var eth4 = &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 9, 9},
	DstMAC: net.HardwareAddr{2, 0x5a, 0x52, 0x41, 0, 1}, EthernetType: layers.EthernetTypeIPv4}
var eth6 = &layers.Ethernet{SrcMAC: eth4.SrcMAC, DstMAC: eth4.DstMAC, EthernetType: layers.EthernetTypeIPv6}

func (fw *frameWriter) udp4(src, dst netip.Addr, sport, dport int, payload int) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	return fw.layers(eth4, ip, &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)},
		gopacket.Payload(make([]byte, payload)))
}

func (fw *frameWriter) tcp4(src, dst netip.Addr, sport, dport int, syn bool) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	return fw.layers(eth4, ip, &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport),
		SYN: syn, ACK: !syn, Window: 1000}, gopacket.Payload([]byte("x")))
}

func (fw *frameWriter) udp6(src, dst netip.Addr, sport, dport int) []byte {
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	return fw.layers(eth6, ip, &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)},
		gopacket.Payload(make([]byte, 20)))
}

func client(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{192, 0, 2 + byte(i/250), byte(1 + i%250)})
}

func baseConfig() dataplane.Config {
	return dataplane.Config{VIPs: []netip.Addr{vip4, vip6}, ServerMACs: servers, Burst: 32,
		FlowTableSize: 4096, Mbufs: 4095, MbufCache: 32, TCPSynOnly: true,
		IdlePolls: 64, IdleSleep: 50 * time.Microsecond}
}

func publishAll(dp *dataplane.Dataplane) (func(), error) {
	return nil, dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin(
		[]cluster.ServerID{0, 1, 2}, 1024)})
}

// writePcap writes the frames build writes to a new capture in the test's
// directory and returns its path.
func writePcap(t *testing.T, build func(fw *frameWriter)) string {
	t.Helper()
	fw := &frameWriter{t: t}
	build(fw)
	path := filepath.Join(t.TempDir(), "in.pcap")
	if err := replay.WriteFrames(path, fw.frames, time.Unix(1700000000, 0), time.Microsecond); err != nil {
		t.Fatal(err)
	}
	return path
}

// readPcap returns every frame of a capture.
func readPcap(t *testing.T, path string) [][]byte {
	t.Helper()
	frames, err := replay.ReadFrames(path)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

// drainFlowEvents returns a hook for the end of a replay that appends the
// flow records dp still holds to *recs.
func drainFlowEvents(dp *dataplane.Dataplane, recs *[]dataplane.FlowRecord) func() {
	return func() {
		buf := make([]dataplane.FlowRecord, dataplane.FlowBatch)
		for {
			n, err := dp.FlowEvents(buf)
			if err != nil || n == 0 {
				return
			}
			*recs = append(*recs, buf[:n]...)
		}
	}
}
