package offline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/gopacket/pcapgo"
)

const fixtures = "../../../test/fixtures"

// flowSet renders a session's flows of one role as sorted strings.
func flowSet(flows []FlowReport, role string) []string {
	var out []string
	for _, f := range flows {
		if f.Role == role {
			out = append(out, f.Proto+" "+f.Src+">"+f.Dst)
		}
	}
	sort.Strings(out)
	return out
}

func readTruth(t *testing.T, name string) Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name+".truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func analyzeFile(t *testing.T, path string) *Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Analyze(f, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// compare checks that got finds every session of want with the same
// signalling and media flows, and no other session or media flow.
func compare(t *testing.T, got *Report, want Report) {
	t.Helper()
	bySession := map[string]SessionReport{}
	for _, s := range got.Sessions {
		if _, dup := bySession[s.Kind+" "+s.ID]; dup {
			t.Errorf("session %s %s reported twice", s.Kind, s.ID)
		}
		bySession[s.Kind+" "+s.ID] = s
	}
	for _, w := range want.Sessions {
		g, ok := bySession[w.Kind+" "+w.ID]
		if !ok {
			t.Errorf("session %s %s (ground truth) not found", w.Kind, w.ID)
			continue
		}
		delete(bySession, w.Kind+" "+w.ID)
		for _, role := range []string{RoleSignalling, RoleMedia} {
			gs, ws := flowSet(g.Flows, role), flowSet(w.Flows, role)
			if !equal(gs, ws) {
				t.Errorf("session %s %s %s flows:\n got  %q\n want %q", w.Kind, w.ID, role, gs, ws)
			}
		}
	}
	for k := range bySession {
		t.Errorf("session %s found, not in the ground truth", k)
	}
	if len(want.Sessions) == 0 {
		t.Fatal("empty ground truth")
	}
	gu, wu := flowSet(got.Unmatched, ""), flowSet(want.Unmatched, "")
	if !equal(gu, wu) {
		t.Errorf("unmatched flows:\n got  %q\n want %q", gu, wu)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFixturesMatchGroundTruth(t *testing.T) {
	for _, name := range []string{"sip_calls", "sip_trunk", "rtsp_udp", "rtsp_tcp"} {
		t.Run(name, func(t *testing.T) {
			got := analyzeFile(t, filepath.Join(fixtures, name+".pcap"))
			compare(t, got, readTruth(t, name))
			if got.Stats.BadMessages != 0 || got.Stats.Ambiguous != 0 || got.Stats.StreamErrors != 0 {
				t.Errorf("stats %+v", got.Stats)
			}
		})
	}
}

// The same capture rewritten as pcapng gives the same report.
func TestPcapng(t *testing.T) {
	in, err := os.Open(filepath.Join(fixtures, "rtsp_udp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	pr, err := pcapgo.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, pr.LinkType())
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := pr.ReadPacketData()
		if err != nil {
			break
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := Analyze(&buf, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	compare(t, got, readTruth(t, "rtsp_udp"))
}

// Without the RTSP port the RTSP capture has no session: its flows are unmatched.
func TestPortsMatter(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "rtsp_udp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Analyze(f, Config{SIPPorts: []uint16{5060}, RTSPPorts: []uint16{554}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Sessions) != 0 || len(r.Unmatched) != 10 {
		t.Fatalf("%d sessions, %d unmatched; want 0 and 10", len(r.Sessions), len(r.Unmatched))
	}
}
