package sigpath

import (
	"bytes"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal/ealtest"
	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// The announcement tests install into a real data plane (expectation table
// in DPDK memory, no workers started except by the loaded benchmark): the
// EAL runs once per test binary, without hugepages or PCI; its worker lcore
// is on CPU 1 when there are two CPUs (the loaded benchmark's forwarding
// worker then has a core of its own, as in production), else on CPU 0.
func TestMain(m *testing.M) {
	lcores := "0@0,1@0"
	if runtime.NumCPU() >= 2 {
		lcores = "0@0,1@1"
	}
	ealtest.Main(m, []string{"--no-huge", "--no-pci", "--no-shconf", "-m", "256", "--log-level", "*:error"}, lcores)
}

var (
	annVIP    = netip.MustParseAddr("10.201.0.2")
	annClient = netip.MustParseAddr("10.201.0.1")
	annT0     = time.Unix(1_800_000_000, 0)
	annPorts  atomic.Int32
)

func annPath(t testing.TB) (*Path, *dataplane.Dataplane) {
	t.Helper()
	dp, err := dataplane.New(dataplane.Config{VIPs: []netip.Addr{annVIP},
		ServerMACs: [][6]byte{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}},
		Ports:      []dataplane.PortSpec{{Name: fmt.Sprintf("net_null_ann%d", annPorts.Add(1))}},
		Workers:    1, FlowTableSize: 1024, Mbufs: 1023, MbufCache: 32, Signalling: true, ExpectTableSize: 8192})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dp.Close() })
	p, err := New(dp, []netip.Addr{annVIP}, Config{SIPUDPPorts: []uint16{5060}, RTSPTCPPorts: []uint16{8554}})
	if err != nil {
		t.Fatal(err)
	}
	return p, dp
}

// annInvite opens SIP session callID as the dispatcher would on the
// client's INVITE (offer: the client receives on 30000) and gives it server.
func annInvite(t testing.TB, p *Path, callID string, server uint16) {
	t.Helper()
	var r inspect.Result
	r.Reset()
	r.Proto, r.Method, r.CSeqMethod, r.Key, r.KeyKind, r.Event = inspect.ProtoSIP, inspect.INVITE, inspect.INVITE,
		[]byte(callID), inspect.KeyCallID, inspect.EventNew
	*r.AddMedia() = inspect.Media{Receiver: inspect.SideClient, Addr: annClient, Port: 30000, RTCPPort: 30001}
	m := inspect.Meta{Src: netip.AddrPortFrom(annClient, 5060), Dst: netip.AddrPortFrom(annVIP, 5060)}
	d, err := p.tr.Signal(annT0, m, &r)
	if err != nil || !d.NeedsServer {
		t.Fatalf("invite %s: %+v %v", callID, d, err)
	}
	if err := p.tr.Assign(d.Session, cluster.ServerID(server)); err != nil {
		t.Fatal(err)
	}
}

// annAnswer is the gateway's announcement of the server's SDP answer.
func annAnswer(callID string, port uint16) *announce.Message {
	m := &announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindSIP, Op: announce.OpExpectMedia,
		Key: []byte(callID), Client: netip.AddrPortFrom(annClient, 5060), Server: netip.AddrPortFrom(annVIP, 5060), N: 1}
	m.Media[0] = announce.Endpoint{Receiver: inspect.SideServer, Addr: annVIP, Port: port, RTCPPort: port + 1}
	return m
}

func TestAnnounceInstallsAndEnds(t *testing.T) {
	p, dp := annPath(t)
	annInvite(t, p, "call-1@x", 1)
	key := []byte("call-1@x")
	m := annAnswer(string(key), 20000)
	m.Key = key
	// the client's offer (it receives on 30000/30001) is installed by
	// source already: symmetric RTP from there belongs to the call
	if dp.ExpectLen() != 2 {
		t.Fatalf("%d keys after the INVITE, want the client's RTP and RTCP endpoints", dp.ExpectLen())
	}
	p.Announce(m)
	copy(key, "XXXX") // the queue holds its own copy of the key
	if dp.ExpectLen() != 2 {
		t.Fatal("installed before the Path's goroutine drained the queue")
	}
	if n := p.drainAnnouncements(annT0.Add(time.Millisecond)); n != 1 {
		t.Fatalf("drained %d", n)
	}
	if dp.ExpectLen() != 4 {
		t.Fatalf("%d expectation keys installed, want the answer's RTP and RTCP too", dp.ExpectLen())
	}
	var observed uint64
	for _, n := range p.AnnounceInstallLatency() {
		observed += n
	}
	if observed != 1 {
		t.Fatalf("install latency histogram holds %d observations, want the one applied announcement", observed)
	}
	s, ok := p.tr.SessionByKey(session.KindSIP, "call-1@x")
	if !ok {
		t.Fatal("session lost")
	}
	dsts := map[netip.AddrPort]bool{}
	for _, e := range p.tr.Expectations(s.ID) {
		if e.Receiver == inspect.SideServer {
			dsts[e.Dst] = true
			if e.Src != annClient || e.Proto != session.UDP {
				t.Fatalf("expectation %+v: source should be the client's offered address", e)
			}
		}
	}
	if !dsts[netip.AddrPortFrom(annVIP, 20000)] || !dsts[netip.AddrPortFrom(annVIP, 20001)] {
		t.Fatalf("server-side expectations %v", dsts)
	}
	end := &announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindSIP, Op: announce.OpEndSession,
		Key: []byte("call-1@x"), Client: m.Client, Server: m.Server}
	p.Announce(end)
	p.drainAnnouncements(annT0.Add(2 * time.Millisecond))
	if dp.ExpectLen() != 0 {
		t.Fatalf("%d expectation keys left after the end of the session", dp.ExpectLen())
	}
	c := p.AnnounceCounters()
	if c.Queued != 2 || c.Applied != 2 || c.Expected != 2 || c.Ended != 1 || c.Orphans != 0 {
		t.Fatalf("%+v", c)
	}
	if pc := p.Counters(); pc.ExpectErr != 0 || pc.ExpectSet == 0 {
		t.Fatalf("mirror %+v", pc)
	}
}

func TestAnnounceOrphanAndHello(t *testing.T) {
	p, dp := annPath(t)
	p.Announce(annAnswer("nobody@x", 20000))
	p.Announce(&announce.Message{Type: announce.TypeHello})
	p.drainAnnouncements(annT0)
	c := p.AnnounceCounters()
	if c.Orphans != 1 || c.Hellos != 1 || c.Applied != 0 || dp.ExpectLen() != 0 {
		t.Fatalf("%+v, %d installed", c, dp.ExpectLen())
	}
}

func TestAnnounceRTSPNamesPendingSession(t *testing.T) {
	p, dp := annPath(t)
	client := netip.AddrPortFrom(annClient, 40000)
	vip := netip.AddrPortFrom(annVIP, 8554)
	var r inspect.Result
	r.Reset()
	r.Proto, r.Method, r.KeyKind, r.Event = inspect.ProtoRTSP, inspect.SETUP, inspect.KeyConnection, inspect.EventNew
	*r.AddMedia() = inspect.Media{Receiver: inspect.SideClient, Addr: annClient, Port: 27568, RTCPPort: 27569}
	d, err := p.tr.Signal(annT0, inspect.Meta{Src: client, Dst: vip, Transport: inspect.TCP}, &r)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.tr.Assign(d.Session, 0)
	m := &announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindRTSP, Op: announce.OpExpectMedia,
		Key: []byte("7f3a"), Client: client, Server: vip, N: 2}
	m.Media[0] = announce.Endpoint{Receiver: inspect.SideClient, Addr: annClient, Port: 27568, RTCPPort: 27569}
	m.Media[1] = announce.Endpoint{Receiver: inspect.SideServer, Addr: annVIP, Port: 35458, RTCPPort: 35459}
	p.Announce(m)
	p.drainAnnouncements(annT0)
	if s, ok := p.tr.SessionByKey(session.KindRTSP, "7f3a"); !ok || s.ID != d.Session {
		t.Fatalf("the announcement did not name the SETUP's session: %+v %v", s, ok)
	}
	if dp.ExpectLen() != 4 { // server_port RTP and RTCP towards the VIP; client_port by source
		t.Fatalf("%d keys installed", dp.ExpectLen())
	}
	// The announcement restated the SETUP's client_port: its keys were
	// updated in place, one candidate each, never deleted in between.
	for k, cands := range p.mirror.byKey {
		if len(cands) != 1 {
			t.Errorf("%v: %d candidates, want 1", k, len(cands))
		}
	}
}

func TestAnnounceQueueBounded(t *testing.T) {
	p, _ := annPath(t)
	m := annAnswer("nobody@x", 20000)
	for range AnnounceQueueLen + 5 {
		p.Announce(m)
	}
	c := p.AnnounceCounters()
	if c.Queued != AnnounceQueueLen || c.Dropped != 5 {
		t.Fatalf("%+v", c)
	}
	total := 0
	for {
		n := p.drainAnnouncements(annT0)
		if n > announceBudget {
			t.Fatalf("one drain applied %d", n)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total != AnnounceQueueLen || p.AnnounceCounters().Orphans != AnnounceQueueLen {
		t.Fatalf("drained %d: %+v", total, p.AnnounceCounters())
	}
	if n := testing.AllocsPerRun(100, func() { p.Announce(m); p.drainAnnouncements(annT0) }); n != 0 {
		t.Fatalf("Announce + drain of an orphan: %v allocations", n)
	}
	if n := testing.AllocsPerRun(100, func() { p.drainAnnouncements(annT0) }); n != 0 {
		t.Fatalf("empty drain: %v allocations", n)
	}
}

func TestResultOfRanksPerReceiver(t *testing.T) {
	m := &announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindSIP, Op: announce.OpExpectMedia, Key: []byte("k"), N: 3}
	m.Media[0] = announce.Endpoint{Receiver: inspect.SideServer, Addr: annVIP, Port: 1}
	m.Media[1] = announce.Endpoint{Receiver: inspect.SideClient, Addr: annClient, Port: 2, Hold: true}
	m.Media[2] = announce.Endpoint{Receiver: inspect.SideServer, Addr: annVIP, Port: 3}
	var r inspect.Result
	resultOf(m, &r)
	got := []uint8{r.Media[0].Index, r.Media[1].Index, r.Media[2].Index}
	if !slices.Equal(got, []uint8{0, 0, 1}) || r.NMedia != 3 || !bytes.Equal(r.Key, m.Key) ||
		r.Event != inspect.EventInSession || r.Media[1].Dir != inspect.Inactive {
		t.Fatalf("indices %v, result %+v", got, r)
	}
	m.Op = announce.OpEndSession
	resultOf(m, &r)
	if r.Event != inspect.EventEnded || r.CSeqMethod != inspect.BYE {
		t.Fatalf("end: %+v", r)
	}
}
