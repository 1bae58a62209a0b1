package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

func body(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParseSessionAndMediaLevels(t *testing.T) {
	var d Description
	err := Parse(body(`v=0
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
s=SDP Seminar
c=IN IP4 224.2.17.12/127
t=2873397496 2873404696
a=recvonly
m=audio 49170 RTP/AVP 0
m=video 51372/2 RTP/AVP 99
c=IN IP6 FF15::101/3
a=rtcp:53020 IN IP4 126.16.64.4
a=sendrecv
m=text 11000 RTP/AVP 98
c=IN IP4 host.example.com
`), &d)
	if err != nil {
		t.Fatal(err)
	}
	if d.OriginAddr != netip.MustParseAddr("10.47.16.5") || d.Conn != netip.MustParseAddr("224.2.17.12") ||
		d.Dir != inspect.RecvOnly || d.N != 3 {
		t.Fatalf("session level: %+v", d)
	}
	m := d.Media[1]
	if string(m.Type) != "video" || m.Port != 51372 || m.Count != 2 || m.Conn != netip.MustParseAddr("ff15::101") ||
		m.RTCPPort != 53020 || m.RTCPAddr != netip.MustParseAddr("126.16.64.4") || m.Dir != inspect.SendRecv || !m.HasDir {
		t.Fatalf("video: %+v", m)
	}
	if !d.Media[2].HasConn || d.Media[2].Conn.IsValid() {
		t.Fatalf("FQDN c= must give an invalid address: %+v", d.Media[2])
	}
	var r inspect.Result
	fallback := netip.MustParseAddr("192.0.2.99")
	Endpoints(&d, inspect.SideServer, fallback, &r)
	if r.NMedia != 4 || !r.Media[0].Multicast || r.Media[0].Dir != inspect.RecvOnly || r.Media[0].Hold ||
		r.Media[2].Port != 51374 || r.Media[2].RTCPPort != 51375 || r.Media[3].Addr != fallback ||
		r.Media[1].Receiver != inspect.SideServer {
		t.Fatalf("endpoints: %+v", r.Medias())
	}
}

func TestTooManyMedia(t *testing.T) {
	s := "v=0\nc=IN IP4 192.0.2.1\n" + strings.Repeat("m=audio 1000 RTP/AVP 0\n", inspect.MaxMedia+3)
	var d Description
	if err := Parse(body(s), &d); err != nil {
		t.Fatal(err)
	}
	var r inspect.Result
	Endpoints(&d, inspect.SideClient, netip.Addr{}, &r)
	if d.N != inspect.MaxMedia || !d.Dropped || !r.MediaDropped || r.NMedia != inspect.MaxMedia {
		t.Fatalf("N=%d dropped=%v result=%d/%v", d.N, d.Dropped, r.NMedia, r.MediaDropped)
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"", "hello", "v=1\n", "o=x\nv=0\n", "v=0\nm=audio\n", "v=0\nm=audio 70000 RTP/AVP 0\n",
		"v=0\nm=audio 1/0 RTP/AVP 0\n", "v=0\nc=IN\n", "v=0\nc=IN IP4 2001:db8::1\n", "v=0\nX=1\n",
	} {
		var d Description
		if err := Parse(body(s), &d); !errors.Is(err, inspect.ErrBody) {
			t.Errorf("Parse(%q) = %v, want ErrBody", s, err)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	b := body("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 30000 RTP/AVP 8\na=rtcp:30001\na=sendrecv\n")
	var d Description
	var r inspect.Result
	if n := testing.AllocsPerRun(100, func() {
		r.Reset()
		if Parse(b, &d) != nil {
			t.Fatal("parse")
		}
		Endpoints(&d, inspect.SideClient, netip.Addr{}, &r)
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// FuzzParse: no panic; every endpoint is bounded and refused ones have no port.
func FuzzParse(f *testing.F) {
	f.Add(body("v=0\nc=IN IP4 10.0.0.1\nm=audio 30000/2 RTP/AVP 8\na=rtcp:9 IN IP6 ::1\na=inactive\nm=video 0 RTP/AVP 1\n"))
	f.Add(body("v=0\nc=IN IP6 2001:db8::1\nm=audio 1 TCP/RTP/AVP 0\na=rtcp-mux\n"))
	var d Description
	var r inspect.Result
	f.Fuzz(func(t *testing.T, b []byte) {
		r.Reset()
		if err := Parse(b, &d); err != nil {
			return
		}
		Endpoints(&d, inspect.SideClient, netip.Addr{}, &r)
		for _, m := range r.Medias() {
			if m.Refused && m.Port != 0 {
				t.Fatalf("refused with port: %+v", m)
			}
		}
		if r.NMedia > inspect.MaxMedia {
			t.Fatal("too many media")
		}
	})
}
