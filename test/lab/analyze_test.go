package lab

import (
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"sort"
	"testing"
)

// fixtureVIP is the server address of test/fixtures (the VIP in replays).
var fixtureVIP = netip.MustParseAddr("10.201.0.2")

// decodeFixture decodes a real-peer capture of test/fixtures and keeps what
// a server behind the VIP receives (destination = the VIP).
func decodeFixture(t *testing.T, name string) []Packet {
	t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("needs tshark (test/deps.sh)")
	}
	all, err := Decode("../fixtures/"+name, 0)
	if err != nil {
		t.Fatal(err)
	}
	var in []Packet
	for _, p := range all {
		if p.Dst.Addr() == fixtureVIP {
			in = append(in, p)
		}
	}
	return in
}

// truth is the part of a fixture's truth file the tests compare with.
type truth struct {
	Sessions []struct {
		Kind, ID string
		Flows    []struct{ Proto, Src, Dst, Role string }
	}
}

func readTruth(t *testing.T, name string) truth {
	t.Helper()
	b, err := os.ReadFile("../fixtures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var tr truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestSIPCallsOnRealCapture(t *testing.T) {
	calls, unattributed := SIPCalls(decodeFixture(t, "sip_calls.pcap"))
	tr := readTruth(t, "sip_calls.truth.json")
	var want, got []string
	for _, s := range tr.Sessions {
		want = append(want, s.ID)
	}
	for id, c := range calls {
		got = append(got, id)
		if n := c.Media.Packets[0]; n != 25 {
			t.Errorf("call %s: %d client→VIP RTP packets, want 25 (sipp played 25)", id, n)
		}
		if n := c.Sig.Packets[0]; n != 3 {
			t.Errorf("call %s: %d client→VIP SIP messages, want 3 (INVITE, ACK, BYE)", id, n)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(got) != 4 || !equal(got, want) {
		t.Fatalf("calls %v, truth %v", got, want)
	}
	if len(unattributed) != 0 {
		t.Fatalf("%d datagrams of no call", len(unattributed))
	}
}

func TestRTSPSessionsOnRealCaptures(t *testing.T) {
	for _, c := range []struct {
		pcap, kind string
		media      bool
	}{{"rtsp_udp.pcap", "rtsp-udp", true}, {"rtsp_tcp.pcap", "rtsp-tcp", false}} {
		sessions, unattributed := RTSPSessions(decodeFixture(t, c.pcap))
		if len(sessions) != 1 || len(unattributed) != 0 {
			t.Fatalf("%s: %d sessions, %d datagrams of no session", c.pcap, len(sessions), len(unattributed))
		}
		for _, s := range sessions {
			if s.Kind != c.kind || (len(s.Media.Packets) > 0) != c.media {
				t.Fatalf("%s: session %+v, want kind %s with media %v", c.pcap, s, c.kind, c.media)
			}
		}
	}
}

// pk builds a packet for the synthetic tests.
func pk(server int, t float64, src, dst string, callID, method string, sdp ...int) Packet {
	return Packet{Server: server, T: t, Proto: 17, Src: netip.MustParseAddrPort(src), Dst: netip.MustParseAddrPort(dst),
		CallID: callID, SIPMethod: method, SDPPorts: sdp}
}

func TestSIPCallsPlacement(t *testing.T) {
	vip := "10.90.9.100:5060"
	pkts := []Packet{
		pk(0, 1, "10.90.1.2:40000", vip, "a", "INVITE", 30000),
		pk(0, 2, "10.90.1.2:40000", vip, "a", "ACK"),
		pk(1, 3, "10.90.1.2:30000", "10.90.9.100:22000", "", ""), // a's RTP on another server
		pk(2, 1.5, "10.90.1.2:40002", vip, "b", "INVITE", 30004),
		pk(0, 2.5, "10.90.1.2:40002", vip, "b", "BYE"),           // b's signalling split
		pk(2, 3, "10.90.1.2:30005", "10.90.9.100:24001", "", ""), // b's RTCP (port + 1)
		pk(2, 3, "10.90.1.2:31000", "10.90.9.100:24000", "", ""), // of no call
	}
	calls, unattributed := SIPCalls(pkts)
	if !unattributed[6] || len(unattributed) != 1 || len(calls) != 2 {
		t.Fatalf("%d calls, unattributed %v", len(calls), unattributed)
	}
	if n := Stray(pkts); n != 1 {
		t.Errorf("Stray = %d, want 1", n)
	}
	if s, ok := calls["a"].Sig.One(); !ok || s != 0 {
		t.Errorf("a's signalling on %v", calls["a"].Sig.Servers())
	}
	if m, _ := calls["a"].Media.One(); m != 1 {
		t.Errorf("a's media on %v", calls["a"].Media.Servers())
	}
	if _, ok := calls["b"].Sig.One(); ok || calls["b"].Sig.First != 1.5 {
		t.Errorf("b's signalling %+v: want split, first 1.5", calls["b"].Sig)
	}
	if calls["b"].Media.Packets[2] != 1 {
		t.Errorf("b's RTCP not attributed: %+v", calls["b"].Media)
	}
	per, split := Spread(sessionList(calls))
	if split != 1 || per[0] != 1 || per[1]+per[2] != 0 {
		t.Errorf("spread %v split %d", per, split)
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
