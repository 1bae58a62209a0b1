package sigpath

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/rtsp"
	"github.com/sara-lb/sara/engine/inspect/sip"
	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/gateway"
)

const annFixtures = "../../test/fixtures"

// TestAnnounceFixtures plays a real-peer capture in order: the client's
// signalling goes to the tracker as the dispatcher inspects it (servers
// given alternately), the server's replies go through the gateway
// pipeline, sealed, to a receiver delivering to Path.Announce, drained
// after every frame. Every server media endpoint of the truth file must be
// installed in the data plane's expectation table, on its session's
// server, and the SIP calls' ends must remove them.
func TestAnnounceFixtures(t *testing.T) {
	for _, name := range []string{"sip_calls", "sip_trunk", "rtsp_udp"} {
		t.Run(name, func(t *testing.T) { annFixture(t, name) })
	}
}

func annFixture(t *testing.T, name string) {
	p, dp := annPath(t)
	key, _ := auth.NewKey(1, make([]byte, 32))
	opener := auth.NewOpener(0)
	_ = opener.AddHost(900, key)
	sealer, _ := auth.NewSealer(900, key, nil)
	rcv := announce.NewReceiver(opener, p.Announce, announce.ReceiverOptions{})
	snd := announce.NewSender(handoff{rcv}, sealer, nil)
	pipe := gateway.NewPipeline(gateway.PipelineConfig{VIPs: []netip.Addr{annVIP},
		Ports: gateway.Ports{SIPUDP: []uint16{5060}, RTSPTCP: []uint16{8554}}}, snd.Send)

	f, err := os.Open(filepath.Join(annFixtures, name+".pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sipIns, rtspIns := sip.New(), rtsp.New()
	var res inspect.Result
	streams := map[[2]netip.AddrPort]*inspect.Stream{}
	ever := map[netip.AddrPort]cluster.ServerID{}
	next := cluster.ServerID(0)
	now := annT0
	for {
		frame, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		now = now.Add(time.Millisecond)
		pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.NoCopy)
		ip, _ := pkt.NetworkLayer().(*layers.IPv4)
		if ip == nil {
			continue
		}
		src, _ := netip.AddrFromSlice(ip.SrcIP)
		if src == annVIP {
			pipe.Frame(now, frame) // the gateway's view
		} else if udp, ok := pkt.TransportLayer().(*layers.UDP); ok && udp.DstPort == 5060 {
			m := inspect.Meta{Src: netip.AddrPortFrom(src, uint16(udp.SrcPort)), Dst: netip.AddrPortFrom(annVIP, 5060)}
			if sipIns.Inspect(m, udp.Payload, &res) == nil {
				annSignal(t, p, now, m, &res, &next)
			}
		} else if tcp, ok := pkt.TransportLayer().(*layers.TCP); ok && tcp.DstPort == 8554 && len(tcp.Payload) > 0 {
			m := inspect.Meta{Src: netip.AddrPortFrom(src, uint16(tcp.SrcPort)), Dst: netip.AddrPortFrom(annVIP, 8554), Transport: inspect.TCP}
			st := streams[[2]netip.AddrPort{m.Src, m.Dst}]
			if st == nil {
				st = inspect.NewStream(inspect.StreamConfig{})
				streams[[2]netip.AddrPort{m.Src, m.Dst}] = st
			}
			st.Feed(tcp.Payload)
			for msg, err := st.Next(); msg != nil && err == nil; msg, err = st.Next() {
				if rtspIns.Inspect(m, msg, &res) == nil {
					annSignal(t, p, now, m, &res, &next)
				}
			}
		}
		p.drainAnnouncements(now)
		for k, cands := range p.mirror.byKey {
			ever[k.Dst] = cands[0].Server
		}
	}
	// RTSP sessions carry the key the gateway's announcement gave them.
	for _, s := range annTruth(t, name) {
		sess, ok := p.tr.SessionByKey(annKind(s.Kind), s.ID)
		if !ok {
			t.Fatalf("session %s unknown to the tracker", s.ID)
		}
		for _, fl := range s.Flows {
			dst := netip.MustParseAddrPort(fl.Dst)
			if fl.Role != "media" || dst.Addr() != annVIP {
				continue
			}
			if srv, ok := ever[dst]; !ok || srv != sess.Server {
				t.Errorf("%s: %v installed %v on server %d, want server %d", s.ID, dst, ok, srv, sess.Server)
			}
		}
	}
	c := p.AnnounceCounters()
	if c.Orphans+c.Dropped+c.Failed+c.NoServer != 0 || c.Applied == 0 || p.Counters().ExpectErr != 0 {
		t.Fatalf("%+v, mirror %+v", c, p.Counters())
	}
	if name != "rtsp_udp" && (dp.ExpectLen() != 0 || c.Ended == 0) {
		t.Fatalf("%d keys left after the calls ended: %+v", dp.ExpectLen(), c)
	}
	t.Logf("%d announcements applied, %d endpoints installed, %d ended", c.Applied, len(ever), c.Ended)
}

// annSignal applies a client message as the dispatcher's path does: a new
// session gets the next server (0, 1, 0, ...).
func annSignal(t *testing.T, p *Path, now time.Time, m inspect.Meta, r *inspect.Result, next *cluster.ServerID) {
	d, err := p.tr.Signal(now, m, r)
	if err != nil || !d.NeedsServer {
		return
	}
	if err := p.tr.Assign(d.Session, *next); err != nil {
		t.Fatal(err)
	}
	*next = (*next + 1) % 2
}

type annTruthSession struct {
	Kind, ID string
	Flows    []struct{ Proto, Src, Dst, Role string }
}

func annTruth(t *testing.T, name string) []annTruthSession {
	b, err := os.ReadFile(filepath.Join(annFixtures, name+".truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr struct{ Sessions []annTruthSession }
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr.Sessions
}

func annKind(k string) session.Kind {
	if k == "rtsp" {
		return session.KindRTSP
	}
	return session.KindSIP
}
