package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/inspect"
)

const fixtures = "../../test/fixtures"

var (
	vip      = netip.MustParseAddr("10.201.0.2")
	fixPorts = Ports{SIPUDP: []uint16{5060}, SIPTCP: []uint16{5060}, RTSPTCP: []uint16{554, 8554}}
)

type truth struct {
	Sessions []struct {
		Kind, ID string
		Flows    []struct{ Proto, Src, Dst, Role string }
	}
}

func loadTruth(t *testing.T, name string) truth {
	b, err := os.ReadFile(filepath.Join(fixtures, name+".truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// collector keeps copies of emitted announcements.
type collector []announce.Message

func (c *collector) emit(m *announce.Message) error {
	cp := *m
	cp.Key = bytes.Clone(m.Key)
	*c = append(*c, cp)
	return nil
}

// run feeds every frame of src through a new pipeline.
func run(t *testing.T, src Source) (*Pipeline, collector) {
	var got collector
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip}, Ports: fixPorts}, got.emit)
	for {
		b, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p.Frame(ci.Timestamp, b)
	}
	checkCounters(t, p.Counters())
	return p, got
}

func checkCounters(t *testing.T, c Counters) {
	t.Helper()
	if c.Frames != c.Undecodable+c.Fragments+c.NotSignalling+c.NotVIP+c.UDP+c.TCP ||
		c.Messages != c.Failed+c.Nothing+c.Announced+c.SendFailed {
		t.Fatalf("counters do not add up: %+v", c)
	}
}

func pcapFile(t *testing.T, name string) Source {
	f, err := Filter([]netip.Addr{vip}, fixPorts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenFile(filepath.Join(fixtures, name+".pcap"), f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestFixturesAnnounceServerMedia replays the server side of real-peer
// captures through the BPF filter and the pipeline: every media endpoint a
// server announced (a media flow towards the VIP in the truth file) is in
// an announcement of its session, and every announcement names a session
// of the truth file.
func TestFixturesAnnounceServerMedia(t *testing.T) {
	for _, name := range []string{"sip_calls", "sip_trunk", "rtsp_udp", "rtsp_tcp"} {
		t.Run(name, func(t *testing.T) {
			p, got := run(t, pcapFile(t, name))
			tr := loadTruth(t, name)
			ids := map[string]bool{}
			for _, s := range tr.Sessions {
				ids[s.ID] = true
			}
			type ep struct {
				key  string
				addr netip.AddrPort
			}
			announced := map[ep]bool{}
			ends := map[string]bool{}
			for _, m := range got {
				if !ids[string(m.Key)] {
					t.Errorf("announcement for %q, not a session of the truth file", m.Key)
				}
				if m.Server.Addr() != vip || m.Client.Addr() == vip {
					t.Errorf("signalling addresses %v -> %v", m.Server, m.Client)
				}
				if m.Op == announce.OpEndSession {
					ends[string(m.Key)] = true
				}
				for _, e := range m.Endpoints() {
					if e.Receiver == inspect.SideServer {
						announced[ep{string(m.Key), netip.AddrPortFrom(e.Addr, e.Port)}] = true
						announced[ep{string(m.Key), netip.AddrPortFrom(e.Addr, e.RTCPPort)}] = true
					}
				}
			}
			want := 0
			for _, s := range tr.Sessions {
				for _, f := range s.Flows {
					dst := netip.MustParseAddrPort(f.Dst)
					if f.Role != "media" || dst.Addr() != vip {
						continue
					}
					want++
					if !announced[ep{s.ID, dst}] {
						t.Errorf("session %s: server endpoint %v (flow %s -> %s) not announced", s.ID, dst, f.Src, f.Dst)
					}
				}
				if s.Kind == "sip" && !ends[s.ID] {
					t.Errorf("session %s: end (200 OK to BYE) not announced", s.ID)
				}
			}
			c := p.Counters()
			t.Logf("%d server media flows in the truth, %d announcements; %+v", want, len(got), c)
			if c.Failed != 0 || c.NotVIP != 0 || c.Gaps != 0 || c.Unsynced != 0 {
				t.Fatalf("clean capture: %+v", c)
			}
			if name == "rtsp_tcp" {
				for _, m := range got {
					for _, e := range m.Endpoints() {
						if !e.Interleaved {
							t.Errorf("rtsp over tcp: endpoint %+v not interleaved", e)
						}
					}
				}
			}
		})
	}
}

// TestGoFilterMatchesBPF reads the capture without a BPF filter (pcapgo,
// pure Go): the pipeline's own checks give the same announcements.
func TestGoFilterMatchesBPF(t *testing.T) {
	_, bpf := run(t, pcapFile(t, "sip_calls"))
	f, err := os.Open(filepath.Join(fixtures, "sip_calls.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	p, all := run(t, r)
	if len(all) != len(bpf) || len(all) == 0 {
		t.Fatalf("%d announcements without BPF, %d with", len(all), len(bpf))
	}
	for i := range all {
		a, b := all[i], bpf[i]
		if !bytes.Equal(a.Key, b.Key) || a.Op != b.Op || a.N != b.N || a.Media != b.Media {
			t.Fatalf("announcement %d differs:\n%+v\n%+v", i, a, b)
		}
	}
	if c := p.Counters(); c.NotSignalling == 0 {
		t.Fatalf("media and client frames should be counted as not signalling: %+v", c)
	}
}

func TestFilter(t *testing.T) {
	f, err := Filter([]netip.Addr{vip, netip.MustParseAddr("fd00::1")}, Ports{SIPUDP: []uint16{5060}, RTSPTCP: []uint16{554}})
	want := "((udp and src port (5060)) or (tcp and src port (554))) and (src host 10.201.0.2 or src host fd00::1)"
	if err != nil || f != want {
		t.Fatalf("%q %v", f, err)
	}
	if _, err := Filter(nil, Ports{}); !errors.Is(err, ErrNoPorts) {
		t.Fatal(err)
	}
}
