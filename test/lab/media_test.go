package lab

import (
	"net/netip"
	"testing"
)

func TestAnnouncements(t *testing.T) {
	ok200 := pk(1, 10, "10.90.9.100:5060", "10.90.1.2:40000", "a", "", 22000)
	reply := Packet{Server: 0, T: 11, Proto: 6, TCP: true, Src: netip.MustParseAddrPort("10.90.9.100:8554"),
		Dst: netip.MustParseAddrPort("10.90.1.2:59018"), Transport: "RTP/AVP;unicast;client_port=6400-6401;server_port=39052-39053"}
	rtp := pk(1, 9, "10.90.9.100:22000", "10.90.1.2:30000", "", "") // server media, not a reply
	at := Announcements([]Packet{rtp, ok200, reply, pk(2, 12, "10.90.9.100:5060", "10.90.1.2:40002", "b", "", 22000)})
	want := map[uint16]float64{22000: 10, 22001: 10, 39052: 11, 39053: 11}
	if len(at) != len(want) {
		t.Fatalf("announcements %v, want %v", at, want)
	}
	for port, tm := range want {
		if at[port] != tm {
			t.Errorf("port %d announced at %v, want %v (the first reply)", port, at[port], tm)
		}
	}
}

func TestMediaChecks(t *testing.T) {
	vip := "10.90.9.100:5060"
	pkts := []Packet{
		pk(0, 1, "10.90.1.2:40000", vip, "late", "INVITE", 30000),
		pk(0, 2, "10.90.1.2:30000", "10.90.9.100:20000", "", ""), // 1 s after its announcement, same server
		pk(1, 1, "10.90.1.2:40002", vip, "early", "INVITE", 30004),
		pk(2, 1.001, "10.90.1.2:30004", "10.90.9.100:22000", "", ""), // 1 ms after, elsewhere
	}
	calls, _ := SIPCalls(pkts)
	r := &Run{Counters: Counters{ExpectHit: 1}, Announced: map[uint16]float64{20000: 1, 22000: 1}}
	res := newResult("t")
	mediaChecks(res, r, "sip", sessionList(calls), func(*Session) bool { return false }, true)
	// an early flow on another server than its call fails: the dispatcher
	// places early media from the client's own offer
	if len(res.Checks) != 2 || res.Checks[0].Status != Pass || res.Checks[1].Status != Fail {
		t.Fatalf("checks %+v", res.Checks)
	}
	pkts[3].Server = 1 // the early flow on its call's server passes
	calls, _ = SIPCalls(pkts)
	res = newResult("t")
	mediaChecks(res, r, "sip", sessionList(calls), func(*Session) bool { return false }, true)
	if len(res.Checks) != 2 || res.Checks[1].Status != Pass {
		t.Fatalf("early flow on its call's server: %+v", res.Checks)
	}
	pkts[3].Server = 2
	// A late flow on the wrong server fails.
	pkts[1].Server = 2
	calls, _ = SIPCalls(pkts)
	res = newResult("t")
	mediaChecks(res, r, "sip", sessionList(calls), func(*Session) bool { return false }, true)
	if res.Checks[0].Status != Fail {
		t.Fatalf("misplaced late flow: %+v", res.Checks[0])
	}
	// Without expectation hits the data plane does not place media: pending.
	res = newResult("t")
	mediaChecks(res, &Run{Announced: r.Announced}, "sip", sessionList(calls), func(*Session) bool { return false }, true)
	if len(res.Checks) != 1 || res.Checks[0].Status != Pending || res.Checks[0].WaitsFor != WaitGateway {
		t.Fatalf("no placement: %+v", res.Checks)
	}
}
