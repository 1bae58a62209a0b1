package rtsp

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

var (
	ffmpeg = netip.MustParseAddrPort("10.201.0.1:40312")
	gst    = netip.MustParseAddrPort("10.201.0.2:8554")
	req    = inspect.Meta{Src: ffmpeg, Dst: gst, Transport: inspect.TCP, Dir: inspect.FromClient}
	rep    = inspect.Meta{Src: gst, Dst: ffmpeg, Transport: inspect.TCP, Dir: inspect.FromServer}
)

func file(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
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

func TestFFmpegGstUDP(t *testing.T) {
	r := inspectOK(t, req, file(t, "rtsp_udp_10.txt"))
	want := inspect.Media{Receiver: inspect.SideClient, Addr: ffmpeg.Addr(), Port: 27568, RTCPPort: 27569}
	if r.Method != inspect.SETUP || r.CSeq != 3 || r.Event != inspect.EventNew || r.KeyKind != inspect.KeyConnection ||
		r.NMedia != 1 || r.Media[0] != want {
		t.Fatalf("SETUP: %+v", r)
	}
	r = inspectOK(t, rep, file(t, "rtsp_udp_11.txt"))
	srv := inspect.Media{Receiver: inspect.SideServer, Addr: gst.Addr(), Port: 35458, RTCPPort: 35459}
	if r.Kind != inspect.Response || r.Status != 200 || r.CSeq != 3 || string(r.Key) != "IwwwY2mFfbQfSV0h" ||
		r.KeyKind != inspect.KeyRTSPSession || r.Event != inspect.EventInSession || r.NMedia != 2 ||
		r.Media[0] != want || r.Media[1] != srv {
		t.Fatalf("SETUP reply: %+v", r)
	}
	r = inspectOK(t, req, file(t, "rtsp_udp_12.txt")) // second SETUP inside the session
	if r.Event != inspect.EventInSession || string(r.Key) != "IwwwY2mFfbQfSV0h" || r.Media[0].Port != 27570 {
		t.Fatalf("second SETUP: %+v", r)
	}
	r = inspectOK(t, req, file(t, "rtsp_udp_123.txt"))
	if r.Method != inspect.TEARDOWN || r.Event != inspect.EventEnding || r.KeyKind != inspect.KeyRTSPSession {
		t.Fatalf("TEARDOWN: %+v", r)
	}
	r = inspectOK(t, rep, file(t, "rtsp_udp_9.txt")) // DESCRIBE reply with an SDP body
	if r.Length != len(file(t, "rtsp_udp_9.txt")) || r.NMedia != 0 || r.Event != inspect.EventNone {
		t.Fatalf("DESCRIBE reply: %+v", r)
	}
}

func TestFFmpegGstInterleaved(t *testing.T) {
	r := inspectOK(t, rep, file(t, "rtsp_tcp_11.txt"))
	want := inspect.Media{Receiver: inspect.SideClient, Addr: ffmpeg.Addr(), Transport: inspect.TCP,
		Interleaved: true, RTPChannel: 0, RTCPChannel: 1}
	if r.NMedia != 1 || r.Media[0] != want || string(r.Key) != "LllZ5M-0iHw1vWju" {
		t.Fatalf("interleaved reply: %+v", r.Medias())
	}
}

func msg(start string, headers ...string) []byte {
	return []byte(start + "\r\nCSeq: 7\r\n" + strings.Join(headers, "\r\n") + "\r\n\r\n")
}

func TestTransportForms(t *testing.T) {
	c, s := inspect.SideClient, inspect.SideServer
	mc, src := netip.MustParseAddr("232.1.2.3"), netip.MustParseAddr("10.9.9.9")
	v6 := netip.MustParseAddr("2001:db8::5")
	cases := []struct {
		name string
		m    inspect.Meta
		msg  []byte
		want []inspect.Media
	}{
		{"alternatives", req, msg("SETUP rtsp://h/s RTSP/1.0",
			`Transport: RTP/AVP/TCP;unicast;interleaved=2-3, RTP/AVP;unicast;client_port=5000-5001,RTP/AVP;multicast;destination=232.1.2.3;port=6000-6001`),
			[]inspect.Media{
				{Receiver: c, Addr: ffmpeg.Addr(), Transport: inspect.TCP, Interleaved: true, RTPChannel: 2, RTCPChannel: 3},
				{Receiver: c, Addr: ffmpeg.Addr(), Port: 5000, RTCPPort: 5001, Alt: 1},
				{Receiver: c, Addr: mc, Port: 6000, RTCPPort: 6001, Multicast: true, Alt: 2},
			}},
		{"destination and single port", req, msg("SETUP rtsp://h/s RTSP/1.0",
			"Transport: RTP/AVP;unicast;destination=10.1.1.1;client_port=7000"),
			[]inspect.Media{{Receiver: c, Addr: netip.MustParseAddr("10.1.1.1"), Port: 7000, RTCPPort: 7001}}},
		{"reply with source", rep, msg("RTSP/1.0 200 OK", "Session: 12345678;timeout=60",
			"Transport: RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=10.9.9.9"),
			[]inspect.Media{
				{Receiver: c, Addr: ffmpeg.Addr(), Port: 5000, RTCPPort: 5001},
				{Receiver: s, Addr: src, Port: 6970, RTCPPort: 6971, Source: src},
			}},
		{"rtsp 2.0 addresses", rep, msg("RTSP/2.0 200 OK", "Session: abc",
			`Transport: RTP/AVP/UDP; unicast; dest_addr="[2001:db8::5]:4588"/"[2001:db8::5]:4589"; src_addr="10.9.9.9:6256"/"10.9.9.9:6257"`),
			[]inspect.Media{
				{Receiver: c, Addr: v6, Port: 4588, RTCPPort: 4589},
				{Receiver: s, Addr: src, Port: 6256, RTCPPort: 6257, Source: src},
			}},
		{"rtsp 2.0 port only", req, msg("SETUP rtsp://h/s RTSP/2.0", `Transport: RTP/AVP;unicast;dest_addr=":4588"/":4589"`),
			[]inspect.Media{{Receiver: c, Addr: ffmpeg.Addr(), Port: 4588, RTCPPort: 4589}}},
		{"server_port in a request is ignored", req, msg("SETUP rtsp://h/s RTSP/1.0", "Transport: RTP/AVP;server_port=1-2"), nil},
	}
	for _, tc := range cases {
		r := inspectOK(t, tc.m, tc.msg)
		got := r.Medias()
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d media %+v, want %d", tc.name, len(got), got, len(tc.want))
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: media %d\n got %+v\nwant %+v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
	r := inspectOK(t, rep, cases[2].msg)
	if r.Timeout != 60 || string(r.Key) != "12345678" {
		t.Fatalf("Session timeout: %d key %q", r.Timeout, r.Key)
	}
}

func TestRejections(t *testing.T) {
	cases := []struct {
		name string
		msg  []byte
		err  error
	}{
		{"sip", []byte("INVITE sip:x SIP/2.0\r\n\r\n"), inspect.ErrNotProtocol},
		{"version", []byte("RTSP/3.0 200 OK\r\nCSeq: 1\r\n\r\n"), inspect.ErrStartLine},
		{"code", []byte("RTSP/1.0 20 OK\r\nCSeq: 1\r\n\r\n"), inspect.ErrStartLine},
		{"no CSeq", []byte("OPTIONS * RTSP/1.0\r\n\r\n"), inspect.ErrMissingHeader},
		{"bad CSeq", []byte("OPTIONS * RTSP/1.0\r\nCSeq: x\r\n\r\n"), inspect.ErrCSeq},
		{"no end", []byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n"), inspect.ErrTruncated},
		{"body short", []byte("ANNOUNCE * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 5\r\n\r\nab"), inspect.ErrTruncated},
		{"port range", msg("SETUP r RTSP/1.0", "Transport: RTP/AVP;client_port=9-8"), inspect.ErrTransport},
		{"port", msg("SETUP r RTSP/1.0", "Transport: RTP/AVP;client_port=70000"), inspect.ErrTransport},
		{"channel", msg("SETUP r RTSP/1.0", "Transport: RTP/AVP/TCP;interleaved=300"), inspect.ErrTransport},
		{"lower", msg("SETUP r RTSP/1.0", "Transport: RTP/AVP/SCTP;client_port=1"), inspect.ErrTransport},
		{"profile", msg("SETUP r RTSP/1.0", "Transport: RTP;client_port=1"), inspect.ErrTransport},
		{"empty session", msg("PLAY r RTSP/1.0", "Session: ;timeout=5"), inspect.ErrHeader},
	}
	in := New()
	var r inspect.Result
	for _, c := range cases {
		if err := in.Inspect(req, c.msg, &r); !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
	}
	if got := in.Counters(); got.TotalFailed() != uint64(len(cases)) || got.Failed[inspect.ReasonTransport] != 5 {
		t.Fatalf("counters %+v", got)
	}
}

func TestSniff(t *testing.T) {
	if !Sniff([]byte("RTSP/1.0 200 OK\r\n")) || !Sniff([]byte("PLAY rtsp://x RTSP/2.0\r\n")) || Sniff([]byte("SIP/2.0 200 OK\r\n")) {
		t.Fatal("Sniff")
	}
}
