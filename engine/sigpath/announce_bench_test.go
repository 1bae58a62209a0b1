package sigpath

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/auth"
)

// handoff delivers each sealed datagram to the receiver at once: the
// in-process "wire" of the inproc benchmark.
type handoff struct{ r *announce.Receiver }

func (h handoff) Write(b []byte) (int, error) { return len(b), h.r.Handle(b, time.Now()) }

// BenchmarkAnnounceToInstall measures, per announcement, the time from the
// gateway's Send (number, encode, seal, write) to the expectations being
// written into the data plane's expectation table (receiver: open, decode
// -> Path.Announce -> drainAnnouncements -> tracker -> mirror -> ExpectSet).
// inproc hands the datagram straight to the receiver; udp sends it over
// loopback to a receiver goroutine, as in production; udp-loaded does the
// same while the data plane's worker forwards at full speed on its own
// lcore (CPU 1 when there are two, the Go threads then kept on CPU 0 by
// Dataplane.Start, as in sara run: a
// capture of 64-byte UDP frames to the VIP replayed forever, net_pcap
// infinite_rx, busy polling) and reports the rate it forwarded during the
// measurement (bg-Mpps). Each
// announcement is a new SDP answer for one of 256 sessions: the previous
// answer's RTP and RTCP expectations are removed and two new ones
// installed.
func BenchmarkAnnounceToInstall(b *testing.B) {
	for _, mode := range []string{"inproc", "udp", "udp-loaded"} {
		b.Run(mode, func(b *testing.B) { benchAnnounce(b, mode) })
	}
}

// loadFrames is the background capture of udp-loaded: one 64-byte frame
// to the VIP per flow.
const loadFrames = 4096

// annLoadedPath is annPath with a forwarding worker: its port replays a
// capture of loadFrames UDP flows to the VIP forever, a round-robin policy
// is published and the worker busy-polls.
func annLoadedPath(b *testing.B) (*Path, *dataplane.Dataplane) {
	b.Helper()
	in := filepath.Join(b.TempDir(), "load.pcap")
	frames := make([][]byte, 0, loadFrames)
	client := annClient.As4()
	for i := range loadFrames {
		client[2], client[3] = byte(i>>8), byte(i)
		eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 9, 1}, DstMAC: []byte{2, 0, 0, 0, 9, 2},
			EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP,
			SrcIP: client[:], DstIP: annVIP.AsSlice()}
		udp := &layers.UDP{SrcPort: layers.UDPPort(10000 + i), DstPort: 40000}
		_ = udp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, udp, gopacket.Payload(make([]byte, 18))); err != nil {
			b.Fatal(err)
		}
		frames = append(frames, buf.Bytes())
	}
	if err := replay.WriteFrames(in, frames, annT0, 0); err != nil {
		b.Fatal(err)
	}
	dp, err := dataplane.New(dataplane.Config{VIPs: []netip.Addr{annVIP},
		ServerMACs: [][6]byte{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}},
		Ports: []dataplane.PortSpec{{Name: fmt.Sprintf("net_pcap_ann%d", annPorts.Add(1)),
			Devargs: "rx_pcap=" + in + ",infinite_rx=1"}},
		Workers: 1, FlowTableSize: 2 * loadFrames, Mbufs: 2*loadFrames - 1, MbufCache: 256, Signalling: true,
		ExpectTableSize: 8192, IdlePolls: 0})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = dp.Close() })
	if err := dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{0, 1},
		dp.SelectionSlots())}); err != nil {
		b.Fatal(err)
	}
	if err := dp.Start(); err != nil { // keeps the Go threads off the worker's CPU (eal.KeepOffLcores)
		b.Fatal(err)
	}
	p, err := New(dp, []netip.Addr{annVIP}, Config{SIPUDPPorts: []uint16{5060}, RTSPTCPPorts: []uint16{8554}})
	if err != nil {
		b.Fatal(err)
	}
	return p, dp
}

func benchAnnounce(b *testing.B, mode string) {
	var p *Path
	var dp *dataplane.Dataplane
	if mode == "udp-loaded" {
		p, dp = annLoadedPath(b)
	} else {
		p, dp = annPath(b)
	}
	const sessions = 256
	var msgs []*announce.Message
	for i := range sessions {
		id := fmt.Sprintf("bench-%d@x", i)
		annInvite(b, p, id, uint16(i%2))
		msgs = append(msgs, annAnswer(id, uint16(20000+4*i)), annAnswer(id, uint16(20002+4*i)))
	}
	key, _ := auth.NewKey(1, bytes.Repeat([]byte{7}, 32))
	opener := auth.NewOpener(0)
	_ = opener.AddHost(9, key)
	sealer, _ := auth.NewSealer(9, key, nil)
	var snd *announce.Sender
	switch mode {
	case "inproc":
		snd = announce.NewSender(handoff{announce.NewReceiver(opener, p.Announce, announce.ReceiverOptions{})}, sealer, nil)
	case "udp", "udp-loaded":
		rcv, err := announce.Listen("127.0.0.1:0", opener, p.Announce, announce.ReceiverOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { _ = rcv.Run(ctx) }()
		if snd, err = announce.Dial(rcv.Addr().String(), sealer, nil); err != nil {
			b.Fatal(err)
		}
		defer snd.Close()
	}
	q := p.announceQueue()
	one := func(i int, lat []time.Duration) []time.Duration {
		m := msgs[i%len(msgs)]
		applied := q.ctr.applied.Load()
		t0 := time.Now()
		if err := snd.Send(m); err != nil {
			b.Fatal(err)
		}
		for spins := 0; q.ctr.applied.Load() == applied; spins++ {
			if p.drainAnnouncements(time.Now()) == 0 {
				runtime.Gosched()
			}
			if spins%4096 == 4095 && time.Since(t0) > 5*time.Second {
				b.Fatalf("announcement %d not applied: %+v", i, p.AnnounceCounters())
			}
		}
		return append(lat, time.Since(t0))
	}
	for i := range len(msgs) { // warm up: every session has its expectations
		one(i, nil)
	}
	lat := make([]time.Duration, 0, b.N)
	rx0, t0 := dp.Totals().RX, time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		lat = one(i, lat)
	}
	b.StopTimer()
	if mode == "udp-loaded" {
		c := dp.Totals()
		mpps := float64(c.RX-rx0) / time.Since(t0).Seconds() / 1e6
		if c.TX == 0 || (b.N >= 100 && c.RX == rx0) { // (a single announcement may fall between two bursts)
			b.Fatalf("the background worker forwarded nothing: %+v", c)
		}
		b.ReportMetric(mpps, "bg-Mpps")
	}
	// every answer's RTP and RTCP towards the VIP, plus the client's own
	// endpoint (all sessions share it here), installed by source
	if c := p.Counters(); c.ExpectErr != 0 || dp.ExpectLen() != 2*sessions+2 {
		b.Fatalf("mirror %+v, %d keys installed (want %d)", c, dp.ExpectLen(), 2*sessions+2)
	}
	if c := p.AnnounceCounters(); c.Dropped+c.Orphans+c.Failed != 0 {
		b.Fatalf("%+v", c)
	}
	slices.Sort(lat)
	us := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(us(0.5), "p50-µs")
	b.ReportMetric(us(0.99), "p99-µs")
}
