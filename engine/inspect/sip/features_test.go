package sip

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

const sdpBody = "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\nt=0 0\nm=audio 40000 RTP/AVP 0\n"

func invite(callID, extra, body string) []byte {
	return crlf("INVITE sip:svc@203.0.113.10 SIP/2.0\nVia: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK1\n" +
		"From: <sip:a@x>;tag=1\nTo: <sip:svc@y>\nCall-ID: " + callID + "\nCSeq: 1 INVITE\n" + extra + "\n" + body)
}

func TestContentLengthRules(t *testing.T) {
	noCL := invite("c1@x", "Content-Type: application/sdp\n", sdpBody)
	r := inspectOK(t, in, noCL) // UDP: body = rest of datagram
	if r.NMedia != 1 || r.Media[0].Port != 40000 || r.Length != len(noCL) {
		t.Fatalf("UDP without Content-Length: media %d len %d/%d", r.NMedia, r.Length, len(noCL))
	}
	tcp := in
	tcp.Transport = inspect.TCP
	r = inspectOK(t, tcp, noCL) // TCP: no Content-Length = no body
	if r.NMedia != 0 || r.Length >= len(noCL) {
		t.Fatalf("TCP without Content-Length read a body: %d media", r.NMedia)
	}
	two := append(invite("c2@x", "Content-Length: 0\n", ""), invite("c3@x", "Content-Length: 0\n", "")...)
	r = inspectOK(t, in, two) // RFC 4475 dblreq: trailing bytes ignored
	if string(r.Key) != "c2@x" || r.Length != len(two)/2 {
		t.Fatalf("two messages in a datagram: key %q length %d of %d", r.Key, r.Length, len(two))
	}
}

func TestTrunkCallsDistinctKeys(t *testing.T) {
	ins := New()
	var r inspect.Result
	seen := map[string]bool{}
	for _, id := range []string{"trunk-1@sbc", "trunk-2@sbc", "trunk-3@sbc"} {
		if err := ins.Inspect(in, invite(id, "Content-Length: 0\n", ""), &r); err != nil {
			t.Fatal(err)
		}
		if r.Event != inspect.EventNew || string(r.Key) != id {
			t.Fatalf("%s: key %q event %v", id, r.Key, r.Event)
		}
		seen[string(r.Key)] = true
	}
	if len(seen) != 3 || ins.Counters().Parsed != 3 {
		t.Fatalf("keys %v, counters %+v", seen, ins.Counters())
	}
}

func TestMultipartSDP(t *testing.T) {
	body := "--b1\nContent-Type: text/plain\n\nhello\n--b1\nContent-Type: application/sdp\n\n" + sdpBody + "--b1--\n"
	r := inspectOK(t, in, invite("m@x", "Content-Type: multipart/mixed; boundary=\"b1\"\n", body))
	if !r.HasSDP || r.NMedia != 1 || r.Media[0].Port != 40000 {
		t.Fatalf("multipart: sdp %v media %+v", r.HasSDP, r.Medias())
	}
}

func TestHoldAndBadSDP(t *testing.T) {
	hold := strings.Replace(sdpBody, "c=IN IP4 198.51.100.7", "c=IN IP4 0.0.0.0", 1)
	r := inspectOK(t, in, invite("h@x", "Content-Type: application/sdp\n", hold))
	if r.NMedia != 1 || !r.Media[0].Hold || r.Media[0].Addr != netip.IPv4Unspecified() {
		t.Fatalf("hold: %+v", r.Medias())
	}
	ins := New()
	if err := ins.Inspect(in, invite("b@x", "Content-Type: application/sdp\n", "not sdp\n"), r); err != nil {
		t.Fatal(err)
	}
	if !r.BadBody || r.HasSDP || r.NMedia != 0 || ins.Counters().BadBody != 1 || string(r.Key) != "b@x" {
		t.Fatalf("bad SDP: %+v counters %+v", r, ins.Counters())
	}
}

func TestRejections(t *testing.T) {
	ok := string(invite("e@x", "Content-Length: 0\n", ""))
	cases := []struct {
		name, msg string
		err       error
	}{
		{"empty", "", inspect.ErrNotProtocol},
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", inspect.ErrNotProtocol},
		{"no line end", "INVITE sip:x SIP/2.0", inspect.ErrTruncated},
		{"bad version", strings.Replace(ok, "SIP/2.0\r\n", "SIP/3.0\r\n", 1), inspect.ErrStartLine},
		{"status 99", "SIP/2.0 99 X\r\n", inspect.ErrStartLine},
		{"no colon", strings.Replace(ok, "Call-ID:", "Call-ID", 1), inspect.ErrHeader},
		{"no Call-ID", strings.Replace(ok, "Call-ID: e@x\r\n", "", 1), inspect.ErrMissingHeader},
		{"empty Call-ID", strings.Replace(ok, "Call-ID: e@x", "Call-ID:  ", 1), inspect.ErrHeader},
		{"two Call-IDs", strings.Replace(ok, "Call-ID: e@x", "Call-ID: e@x\r\ni: f@x", 1), inspect.ErrHeader},
		{"CSeq no number", strings.Replace(ok, "CSeq: 1", "CSeq: x", 1), inspect.ErrCSeq},
		{"CSeq method", strings.Replace(ok, "1 INVITE", "1 BYE", 1), inspect.ErrCSeq},
		{"CL not number", strings.Replace(ok, "Content-Length: 0", "Content-Length: -1", 1), inspect.ErrContentLength},
		{"CL too big", strings.Replace(ok, "Content-Length: 0", "Content-Length: 10", 1), inspect.ErrTruncated},
		{"quote", strings.Replace(ok, "From: <sip:a@x>", "From: \"a <sip:a@x>", 1), inspect.ErrHeader},
		{"two To", strings.Replace(ok, "To: <sip:svc@y>", "To: <sip:svc@y>\r\nt: <sip:z@y>", 1), inspect.ErrHeader},
	}
	ins := New()
	var r inspect.Result
	for _, c := range cases {
		if err := ins.Inspect(in, []byte(c.msg), &r); !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
	}
	got := ins.Counters()
	if got.Parsed != 0 || got.TotalFailed() != uint64(len(cases)) || got.Failed[inspect.ReasonHeader] != 5 {
		t.Fatalf("counters %+v", got)
	}
}

func TestSniffAndRegistry(t *testing.T) {
	if !Sniff([]byte("SIP/2.0 200 OK\r\n")) || !Sniff([]byte("BYE sip:x SIP/2.0\r\n")) || Sniff([]byte("PLAY rtsp://x RTSP/1.0\r\n")) {
		t.Fatal("Sniff")
	}
	ins, err := inspect.Default.New("sip")
	if err != nil || ins.Name() != "sip" {
		t.Fatalf("registry: %v %v", ins, err)
	}
	if inspect.Default.Sniff([]byte("INVITE sip:x SIP/2.0\r\n")) != "sip" {
		t.Fatal("registry sniff")
	}
}
