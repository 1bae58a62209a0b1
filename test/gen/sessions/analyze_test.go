package sessions

import (
	"bytes"
	"net/netip"
	"sort"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/session/offline"
)

// flowStrings renders flows of one role as sorted strings.
func flowStrings[F offline.FlowReport | TruthFlow](fs []F, role string) []string {
	var out []string
	for _, f := range fs {
		r := TruthFlow(f)
		if r.Role == role {
			out = append(out, r.Proto+" "+r.Src+">"+r.Dst)
		}
	}
	sort.Strings(out)
	return out
}

// TestInspectFindsEverySession runs the analysis behind `sara inspect` on
// a generated capture and checks that it finds every SIP call and RTSP
// session with exactly its signalling and media flows, and the background
// flows as flows of no session.
func TestInspectFindsEverySession(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    func(*Options)
	}{
		{"ipv4", func(o *Options) {}},
		{"mixed-ipv6", func(o *Options) {
			o.VIPs = append(o.VIPs, netip.MustParseAddr("2001:db8:100::1"))
			o.IPv6Share = 0.4
		}},
		{"64-byte", func(o *Options) { o.Min = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Calls, o.RTSP, o.Flows, o.Duration = 12, 5, 6, 6*time.Second
			tc.o(&o)
			var buf bytes.Buffer
			st, truth, err := Generate(&buf, o)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := offline.Analyze(&buf, offline.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Stats.BadMessages != 0 || rep.Stats.Orphans != 0 || rep.Stats.StreamErrors != 0 || rep.Stats.Ambiguous != 0 {
				t.Errorf("analysis stats: %+v", rep.Stats)
			}
			if st.Frames != rep.Stats.Packets {
				t.Errorf("wrote %d frames, analysis read %d", st.Frames, rep.Stats.Packets)
			}
			got := map[string]offline.SessionReport{}
			for _, s := range rep.Sessions {
				got[s.Kind+" "+s.ID] = s
			}
			if len(rep.Sessions) != len(truth.Sessions) || len(truth.Sessions) != o.Calls+o.RTSP {
				t.Errorf("%d sessions found, %d generated, want %d", len(rep.Sessions), len(truth.Sessions), o.Calls+o.RTSP)
			}
			for _, w := range truth.Sessions {
				g, ok := got[w.Kind+" "+w.ID]
				if !ok {
					t.Errorf("session %s %s not found", w.Kind, w.ID)
					continue
				}
				for _, role := range []string{RoleSignalling, RoleMedia} {
					gs, ws := flowStrings(g.Flows, role), flowStrings(w.Flows, role)
					if !equal(gs, ws) {
						t.Errorf("%s %s %s flows:\n got %v\nwant %v", w.Kind, w.ID, role, gs, ws)
					}
				}
			}
			if g, w := flowStrings(rep.Unmatched, ""), flowStrings(truth.Unmatched, ""); !equal(g, w) {
				t.Errorf("unmatched flows:\n got %v\nwant %v", g, w)
			}
		})
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
