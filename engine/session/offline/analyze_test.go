package offline

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// call writes one SIP call between client and server with RTP both ways.
func call(c *capture, client, server, callID string, cport, sport int) {
	cip, sip := strings.Split(client, ":")[0], strings.Split(server, ":")[0]
	c.udp(client, server, sipMessage("INVITE sip:b@example.com SIP/2.0", callID, "1 INVITE", "", cip, cport))
	c.udp(server, client, sipMessage("SIP/2.0 200 OK", callID, "1 INVITE", "t1", sip, sport))
	c.udp(cip+":"+itoa(cport), sip+":"+itoa(sport), "rtp")
	c.udp(sip+":"+itoa(sport), cip+":"+itoa(cport), "rtp")
}

func TestSessionsAndUnmatched(t *testing.T) {
	c := newCapture(t)
	call(c, "10.0.0.1:5060", "10.0.0.2:5060", "one@x", 30000, 20000)
	c.udp("10.0.0.1:40000", "10.0.0.2:9999", "stray")                                                              // no session
	c.udp("10.0.0.1:5060", "10.0.0.2:5060", sipMessage("OPTIONS sip:b SIP/2.0", "ping@x", "1 OPTIONS", "", "", 0)) // outside sessions
	r := c.analyze(DefaultConfig())
	if len(r.Sessions) != 1 || r.Sessions[0].ID != "one@x" || r.Sessions[0].Kind != "sip" {
		t.Fatalf("sessions %+v", r.Sessions)
	}
	wantMedia := []string{"udp 10.0.0.1:30000>10.0.0.2:20000", "udp 10.0.0.2:20000>10.0.0.1:30000"}
	if got := flowSet(r.Sessions[0].Flows, RoleMedia); !equal(got, wantMedia) {
		t.Fatalf("media %q, want %q", got, wantMedia)
	}
	if got := flowSet(r.Unmatched, ""); !equal(got, []string{"udp 10.0.0.1:40000>10.0.0.2:9999"}) {
		t.Fatalf("unmatched %q", got)
	}
	if r.Stats.NoSession != 1 || r.Stats.Messages != 3 {
		t.Fatalf("stats %+v", r.Stats)
	}
}

func TestDirection(t *testing.T) {
	ap := netip.MustParseAddrPort
	cli, srv, trunkA, trunkB := ap("10.0.0.1:40000"), ap("10.0.0.2:5060"), ap("10.0.0.1:5060"), ap("10.0.0.2:5060")
	for _, tc := range []struct {
		name     string
		vip      string
		src, dst netip.AddrPort
		want     inspect.Direction
	}{
		{"to a SIP port", "", cli, srv, inspect.FromClient},
		{"from a SIP port", "", srv, cli, inspect.FromServer},
		{"trunk: first receiver serves", "", trunkA, trunkB, inspect.FromClient},
		{"VIP as destination", "10.0.0.1", trunkB, trunkA, inspect.FromClient},
		{"VIP as source", "10.0.0.2", trunkB, trunkA, inspect.FromServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.vip != "" {
				cfg.VIP = netip.MustParseAddr(tc.vip)
			}
			a := &analyzer{cfg: cfg, servers: map[netip.AddrPort]bool{}}
			if got := a.direction(tc.src, tc.dst, session.UDP); got != tc.want {
				t.Fatalf("direction %v, want %v", got, tc.want)
			}
			// Once learnt, the reply goes the other way.
			if tc.vip == "" {
				if got := a.direction(tc.dst, tc.src, session.UDP); got == tc.want {
					t.Fatalf("reply has the same direction %v", got)
				}
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	c := newCapture(t)
	call(c, "10.0.0.1:5060", "10.0.0.2:5060", "j@x", 30000, 20000)
	var buf bytes.Buffer
	if err := c.analyze(DefaultConfig()).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Fatal("more than one JSON value")
	}
	if len(v) != 2 || v["sessions"] == nil || v["unmatched"] == nil {
		t.Fatalf("top-level keys %v", v)
	}
	s := v["sessions"].([]any)[0].(map[string]any)
	f := s["flows"].([]any)[0].(map[string]any)
	if s["kind"] != "sip" || s["id"] != "j@x" || f["proto"] != "udp" || f["src"] != "10.0.0.1:5060" ||
		f["dst"] != "10.0.0.2:5060" || f["role"] != "signalling" {
		t.Fatalf("session %v", s)
	}
	if u := v["unmatched"].([]any); len(u) != 0 {
		t.Fatalf("unmatched %v, want []", u)
	}
	var tbl bytes.Buffer
	_ = c.analyze(DefaultConfig()).WriteTable(&tbl)
	if !strings.Contains(tbl.String(), "j@x") || !strings.Contains(tbl.String(), "1 sessions, 0 unmatched") {
		t.Fatalf("table:\n%s", tbl.String())
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Analyze(strings.NewReader("not a capture at all"), DefaultConfig()); !errors.Is(err, ErrCapture) {
		t.Fatalf("garbage: %v", err)
	}
	if _, err := Analyze(strings.NewReader(""), Config{SIPPorts: []uint16{554}, RTSPPorts: []uint16{554}}); !errors.Is(err, ErrConfig) {
		t.Fatalf("bad config: %v", err)
	}
}

// FuzzAnalyze: any byte string is rejected or analysed without panic.
func FuzzAnalyze(f *testing.F) {
	c := newCapture(&testing.T{})
	call(c, "10.0.0.1:5060", "10.0.0.2:5060", "f@x", 30000, 20000)
	f.Add(c.buf.Bytes())
	f.Add(c.buf.Bytes()[:60])
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Analyze(bytes.NewReader(b), DefaultConfig())
		if err == nil && r == nil {
			t.Fatal("nil report without error")
		}
	})
}
