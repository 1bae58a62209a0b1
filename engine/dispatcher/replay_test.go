package dispatcher_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"
	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/dispatcher"
)

const fixtures = "../../test/fixtures"

var vip = netip.MustParseAddr("10.201.0.2")

type truth struct {
	Sessions []struct {
		Kind, ID string
		Flows    []struct{ Proto, Src, Dst, Role string }
	}
}

func fixtureConfig(t *testing.T) *config.Config {
	c, err := config.Parse([]byte(`vips: ["10.201.0.2"]
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
  - {name: s3, mac: "02:00:00:00:00:03"}
dataplane:
  lcores: "0@0,1@0"
  eal_args: ["--no-huge", "--no-pci", "--no-shconf", "-m", "256", "--log-level", "*:warning"]
  flow_table_size: 4096
  mempool_mbufs: 4095
  mempool_cache: 32
api: {listen: ""}
`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// frame is a classified frame with its destination MAC and SIP Call-ID.
type frame struct {
	dataplane.Classification
	dstMAC, callID string
}

func callID(b []byte) string {
	i := bytes.Index(b, []byte("\r\nCall-ID: "))
	if i < 0 {
		return ""
	}
	rest := b[i+len("\r\nCall-ID: "):]
	if j := bytes.Index(rest, []byte("\r\n")); j >= 0 {
		return string(rest[:j])
	}
	return ""
}

func frames(t *testing.T, path string) []frame {
	bs, err := replay.ReadFrames(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]frame, 0, len(bs))
	for _, b := range bs {
		out = append(out, frame{dataplane.Classify(b), fmt.Sprintf("%x", b[0:6]), callID(b)})
	}
	return out
}

// TestReplayKeepsSessionsOnOneServer replays captures of real peers (sipp,
// ffmpeg against gst-rtsp-server) and checks, against tshark's ground
// truth, that every client→VIP frame of every session (signalling and
// media) was forwarded, all to one server, and that the trunk's calls,
// multiplexed on one 5-tuple, use every server.
func TestReplayKeepsSessionsOnOneServer(t *testing.T) {
	for _, name := range []string{"sip_calls", "sip_trunk", "rtsp_udp", "rtsp_tcp"} {
		t.Run(name, func(t *testing.T) {
			var tr truth
			b, err := os.ReadFile(filepath.Join(fixtures, name+".truth.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.pcap")
			res, err := dispatcher.Replay(fixtureConfig(t), filepath.Join(fixtures, name+".pcap"), out)
			if err != nil {
				t.Fatal(err)
			}
			if res.Leaked != 0 {
				t.Errorf("%d mbufs leaked", res.Leaked)
			}
			// "proto src dst" → session id; a flow several sessions share
			// (a trunk's signalling 5-tuple) is told apart by Call-ID.
			sessionOf, shared := map[string]string{}, map[string]bool{}
			for _, s := range tr.Sessions {
				for _, f := range s.Flows {
					k := f.Proto + " " + f.Src + " " + f.Dst
					if netip.MustParseAddrPort(f.Dst).Addr() != vip {
						continue
					}
					if id, ok := sessionOf[k]; ok && id != s.ID {
						shared[k] = true
					}
					sessionOf[k] = s.ID
				}
			}
			session := func(c frame) (string, bool) {
				p := "udp"
				if c.Key.Proto == 6 {
					p = "tcp"
				}
				k := p + " " + c.Key.Src.String() + " " + c.Key.Dst.String()
				if shared[k] {
					return c.callID, c.callID != ""
				}
				id, ok := sessionOf[k]
				return id, ok
			}
			want := map[string]int{} // session → client→VIP frames in the input
			for _, c := range frames(t, filepath.Join(fixtures, name+".pcap")) {
				if id, ok := session(c); ok {
					want[id]++
				}
			}
			got, server := map[string]int{}, map[string]string{}
			servers := map[string]bool{}
			for _, c := range frames(t, out) {
				id, ok := session(c)
				if !ok {
					continue
				}
				got[id]++
				if s, seen := server[id]; seen && s != c.dstMAC {
					t.Fatalf("session %s on two servers: %s and %s", id, s, c.dstMAC)
				}
				server[id] = c.dstMAC
				servers[c.dstMAC] = true
			}
			for id, n := range want {
				if got[id] != n {
					t.Errorf("session %s: %d of %d client→VIP frames forwarded", id, got[id], n)
				}
			}
			if len(want) != len(tr.Sessions) {
				t.Errorf("%d sessions in the truth, %d seen towards the VIP", len(tr.Sessions), len(want))
			}
			// each call's client RTP (sipp sends no RTCP) and each RTSP
			// stream's RTP and RTCP (ffmpeg's NAT punches) was announced
			wantHits := map[string]uint64{"sip_calls": 4, "sip_trunk": 20, "rtsp_udp": 4, "rtsp_tcp": 0}[name]
			if res.Counters.ExpectHit != wantHits {
				t.Errorf("%d flows promoted from announcements, want %d", res.Counters.ExpectHit, wantHits)
			}
			if name == "sip_trunk" && len(servers) != 3 {
				t.Errorf("trunk calls on %d servers, want all 3", len(servers))
			}
			t.Logf("%s: %d sessions, servers %v, expectations hit %d, SIP decision p50 ≤ %.0f µs p99 ≤ %.0f µs",
				name, len(want), servers, res.Counters.ExpectHit, res.SigLatencyP50/1e3, res.SigLatencyP99/1e3)
		})
	}
}

// TestReplayPlacesMediaFromTheClientsOffer replays the sipp and RTSP-UDP
// captures WITHOUT the server side (no answer, no SETUP reply: what a
// dispatcher sees when the gateway's announcement comes late): media must
// still follow its session, placed from the client's own offer (symmetric
// RTP: the client sends from where it receives).
func TestReplayPlacesMediaFromTheClientsOffer(t *testing.T) {
	for _, name := range []string{"sip_calls", "rtsp_udp"} {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "client-side.pcap")
			f, err := os.Open(filepath.Join(fixtures, name+".pcap"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := pcapgo.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			o, err := os.Create(in)
			if err != nil {
				t.Fatal(err)
			}
			w := pcapgo.NewWriter(o)
			if err := w.WriteFileHeader(65535, r.LinkType()); err != nil {
				t.Fatal(err)
			}
			kept := 0
			for {
				b, ci, err := r.ReadPacketData()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if c := dataplane.Classify(b); c.Drop == "" && c.Key.Src.Addr() == vip {
					continue // the server side
				}
				if err := w.WritePacket(ci, b); err != nil {
					t.Fatal(err)
				}
				kept++
			}
			o.Close()
			res, err := dispatcher.Replay(fixtureConfig(t), in, filepath.Join(t.TempDir(), "out.pcap"))
			if err != nil {
				t.Fatal(err)
			}
			c := res.Counters
			// sip_calls: 4 calls' RTP; rtsp_udp: 2 streams' RTP and RTCP punches
			want := map[string]uint64{"sip_calls": 4, "rtsp_udp": 4}[name]
			if c.ExpectHit != want {
				t.Fatalf("%d media flows placed by the client's offer, want %d (counters %+v)", c.ExpectHit, want, c)
			}
			t.Logf("%s without the server side: %d frames, %d media flows placed from the client's offer",
				name, kept, c.ExpectHit)
		})
	}
}

// running builds a dispatcher from c and runs it until the test ends
// (stopping it and checking Run's error in Cleanup, before Close).
func running(t *testing.T, c *config.Config, opts ...dispatcher.Options) *dispatcher.Dispatcher {
	t.Helper()
	d, err := dispatcher.New(c, zap.NewNop(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := d.Run(ctx, time.Second); done <- err }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		d.Close()
	})
	return d
}
