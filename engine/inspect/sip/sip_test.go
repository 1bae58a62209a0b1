package sip

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

// crlf turns a readable message written with \n into wire form.
// LEN in the head is replaced by the body's length.
func crlf(s string) []byte {
	w := strings.ReplaceAll(s, "\n", "\r\n")
	if i := strings.Index(w, "\r\n\r\n"); i >= 0 {
		w = strings.Replace(w, "LEN", strconv.Itoa(len(w)-i-4), 1)
	}
	return []byte(w)
}

var (
	client = netip.MustParseAddrPort("198.51.100.7:5060")
	vip    = netip.MustParseAddrPort("203.0.113.10:5060")
	in     = inspect.Meta{Src: client, Dst: vip, Transport: inspect.UDP, Dir: inspect.FromClient}
	out    = inspect.Meta{Src: vip, Dst: client, Transport: inspect.UDP, Dir: inspect.FromServer}
)

func mustFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func inspectOK(t *testing.T, m inspect.Meta, msg []byte) *inspect.Result {
	t.Helper()
	var r inspect.Result
	if err := New().Inspect(m, msg, &r); err != nil {
		t.Fatalf("Inspect: %v\n%s", err, msg)
	}
	return &r
}

func TestSippInviteAndAnswer(t *testing.T) {
	sippC := netip.MustParseAddrPort("10.201.0.1:35770")
	sippS := netip.MustParseAddrPort("10.201.0.2:5060")
	r := inspectOK(t, inspect.Meta{Src: sippC, Dst: sippS}, mustFile(t, "testdata/sipp/sipp_1.txt"))
	if r.Kind != inspect.Request || r.Method != inspect.INVITE || r.Event != inspect.EventNew ||
		string(r.Key) != "1-18272@10.201.0.1" || r.KeyKind != inspect.KeyCallID || r.CSeq != 1 ||
		string(r.FromTag) != "18272SARA1" || r.ToTag != nil || string(r.Branch) != "z9hG4bK-18272-1-0" {
		t.Fatalf("INVITE: %+v", r)
	}
	want := inspect.Media{Receiver: inspect.SideClient, Addr: sippC.Addr(), Port: 30000, RTCPPort: 30001}
	if r.NMedia != 1 || !r.HasSDP || r.Media[0] != want || r.Length != 489 {
		t.Fatalf("INVITE media %+v (n=%d len=%d)", r.Media[0], r.NMedia, r.Length)
	}
	r = inspectOK(t, inspect.Meta{Src: sippS, Dst: sippC, Dir: inspect.FromServer}, mustFile(t, "testdata/sipp/sipp_3.txt"))
	want = inspect.Media{Receiver: inspect.SideServer, Addr: sippS.Addr(), Port: 20000, RTCPPort: 20001}
	if r.Kind != inspect.Response || r.Status != 200 || r.Method != inspect.INVITE || r.CSeqMethod != inspect.INVITE ||
		r.Event != inspect.EventInSession || string(r.ToTag) != "18254SARAS1" || r.NMedia != 1 || r.Media[0] != want {
		t.Fatalf("200 OK: %+v", r)
	}
	r = inspectOK(t, inspect.Meta{Src: sippS, Dst: sippC, Dir: inspect.FromServer}, mustFile(t, "testdata/sipp/sipp_2.txt"))
	if r.Status != 180 || r.Event != inspect.EventInSession || r.NMedia != 0 {
		t.Fatalf("180: %+v", r)
	}
}

const compactInvite = `INVITE sip:bob@biloxi.example.com SIP/2.0
v: SIP/2.0/UDP pc33.atlanta.example.com
 ;branch=z9hG4bKnashds8
f: Alice <sip:alice@atlanta.example.com>
  ;tag=1928301774
t: "Bob, \"the\" <b>" <sip:bob@biloxi.example.com>
i: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159
	INVITE
m: <sip:alice@pc33.atlanta.example.com>
c: application/sdp
l: LEN

v=0
o=alice 2890844526 2890844526 IN IP6 2001:db8::1
s=-
c=IN IP6 2001:db8::10
t=0 0
m=audio 49170 RTP/AVP 0
a=rtcp:53020 IN IP6 2001:db8::11
m=video 0 RTP/AVP 31
m=video 51372 RTP/AVP 31
a=sendonly
m=application 9 TCP/BFCP *
c=IN IP4 192.0.2.33
a=inactive
m=audio 49180/2 RTP/AVP 0
a=rtcp-mux
`

func TestCompactFoldedIPv6MultiMedia(t *testing.T) {
	r := inspectOK(t, in, crlf(compactInvite))
	if string(r.Key) != "a84b4c76e66710@pc33.atlanta.example.com" || string(r.FromTag) != "1928301774" ||
		r.ToTag != nil || string(r.Branch) != "z9hG4bKnashds8" || r.CSeq != 314159 || r.Event != inspect.EventNew {
		t.Fatalf("headers: key=%q from=%q to=%q branch=%q cseq=%d ev=%v", r.Key, r.FromTag, r.ToTag, r.Branch, r.CSeq, r.Event)
	}
	v6, v6r, v4 := netip.MustParseAddr("2001:db8::10"), netip.MustParseAddr("2001:db8::11"), netip.MustParseAddr("192.0.2.33")
	c := inspect.SideClient
	want := []inspect.Media{
		{Receiver: c, Addr: v6, Port: 49170, RTCPPort: 53020, RTCPAddr: v6r},
		{Receiver: c, Addr: v6, Refused: true, Index: 1},
		{Receiver: c, Addr: v6, Port: 51372, RTCPPort: 51373, Hold: true, Dir: inspect.SendOnly, Index: 2},
		{Receiver: c, Addr: v4, Port: 9, RTCPPort: 10, Transport: inspect.TCP, Hold: true, Dir: inspect.Inactive, Index: 3},
		{Receiver: c, Addr: v6, Port: 49180, RTCPPort: 49180, Index: 4},
		{Receiver: c, Addr: v6, Port: 49182, RTCPPort: 49182, Index: 4},
	}
	got := r.Medias()
	if len(got) != len(want) {
		t.Fatalf("%d media, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("media %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func dialogMsg(start, to, cseq string) []byte {
	return crlf(start + "\nVia: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK77\nFrom: <sip:a@x>;tag=aa\nTo: <sip:b@y>" + to +
		"\nCall-ID: d1@x\nCSeq: " + cseq + "\nContent-Length: 0\n\n")
}

func TestDialogEvents(t *testing.T) {
	cases := []struct {
		name string
		msg  []byte
		ev   inspect.Event
	}{
		{"initial INVITE", dialogMsg("INVITE sip:b@y SIP/2.0", "", "1 INVITE"), inspect.EventNew},
		{"re-INVITE", dialogMsg("INVITE sip:b@y SIP/2.0", ";tag=bb", "2 INVITE"), inspect.EventInSession},
		{"ACK", dialogMsg("ACK sip:b@y SIP/2.0", ";tag=bb", "1 ACK"), inspect.EventInSession},
		{"in-dialog INFO", dialogMsg("INFO sip:b@y SIP/2.0", ";tag=bb", "3 INFO"), inspect.EventInSession},
		{"BYE", dialogMsg("BYE sip:b@y SIP/2.0", ";tag=bb", "4 BYE"), inspect.EventEnding},
		{"CANCEL", dialogMsg("CANCEL sip:b@y SIP/2.0", "", "1 CANCEL"), inspect.EventEnding},
		{"200 to BYE", dialogMsg("SIP/2.0 200 OK", ";tag=bb", "4 BYE"), inspect.EventEnded},
		{"481 to BYE", dialogMsg("SIP/2.0 481 No Dialog", ";tag=bb", "4 BYE"), inspect.EventEnded},
		{"100 to BYE", dialogMsg("SIP/2.0 100 Trying", ";tag=bb", "4 BYE"), inspect.EventInSession},
		{"200 to CANCEL", dialogMsg("SIP/2.0 200 OK", "", "1 CANCEL"), inspect.EventEnded},
		{"487 to INVITE", dialogMsg("SIP/2.0 487 Terminated", ";tag=bb", "1 INVITE"), inspect.EventInSession},
		{"REGISTER", dialogMsg("REGISTER sip:y SIP/2.0", "", "1 REGISTER"), inspect.EventNone},
		{"200 to REGISTER", dialogMsg("SIP/2.0 200 OK", ";tag=r", "1 REGISTER"), inspect.EventNone},
		{"OPTIONS", dialogMsg("OPTIONS sip:y SIP/2.0", "", "1 OPTIONS"), inspect.EventNone},
	}
	for _, c := range cases {
		r := inspectOK(t, in, c.msg)
		if r.Event != c.ev || string(r.Key) != "d1@x" {
			t.Errorf("%s: event %v key %q, want %v", c.name, r.Event, r.Key, c.ev)
		}
	}
}
