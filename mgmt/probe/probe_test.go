package probe

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func mustNew(t *testing.T, c Config) Prober {
	t.Helper()
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second
	}
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T, network string) string {
	t.Helper()
	if network == "udp" {
		c, _ := net.ListenPacket("udp", "127.0.0.1:0")
		a := c.LocalAddr().String()
		c.Close()
		return a
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	a := l.Addr().String()
	l.Close()
	return a
}

func TestTCPProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := mustNew(t, Config{Kind: "tcp", Target: l.Addr().String()}).Probe(context.Background()); err != nil {
		t.Fatalf("up: %v", err)
	}
	err = mustNew(t, Config{Kind: "tcp", Target: closedPort(t, "tcp")}).Probe(context.Background())
	if !errors.Is(err, ErrDown) {
		t.Fatalf("down: %v", err)
	}
}

// TestSIPProbe answers OPTIONS with a 405 (any response = up) and checks
// the request is a well-formed OPTIONS.
func TestSIPProbe(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 2048)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		got <- string(buf[:n])
		_, _ = pc.WriteTo([]byte("SIP/2.0 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"), from)
	}()
	if err := mustNew(t, Config{Kind: "sip", Target: pc.LocalAddr().String()}).Probe(context.Background()); err != nil {
		t.Fatalf("up: %v", err)
	}
	req := <-got
	for _, want := range []string{"OPTIONS sip:", " SIP/2.0\r\n", "Via: SIP/2.0/UDP 127.0.0.1:", "CSeq: 1 OPTIONS", "Call-ID: "} {
		if !strings.Contains(req, want) {
			t.Errorf("request lacks %q:\n%s", want, req)
		}
	}
	// Nobody answering: down within the timeout.
	start := time.Now()
	err = mustNew(t, Config{Kind: "sip", Target: closedPort(t, "udp"), Timeout: 200 * time.Millisecond}).Probe(context.Background())
	if !errors.Is(err, ErrDown) || time.Since(start) > 3*time.Second {
		t.Fatalf("down: %v after %v", err, time.Since(start))
	}
}

func TestRTSPProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	replies := []string{"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"}
	go func() {
		for _, r := range replies {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 1024)
			_, _ = c.Read(buf)
			if bytes.HasPrefix(buf, []byte("OPTIONS rtsp://")) {
				_, _ = c.Write([]byte(r))
			}
			c.Close()
		}
	}()
	p := mustNew(t, Config{Kind: "rtsp", Target: l.Addr().String()})
	if err := p.Probe(context.Background()); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := p.Probe(context.Background()); !errors.Is(err, ErrResponse) {
		t.Fatalf("HTTP reply accepted as RTSP: %v", err)
	}
}

func TestCommandAndNone(t *testing.T) {
	if err := mustNew(t, Config{Kind: "command", Command: []string{"true"}}).Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := mustNew(t, Config{Kind: "command", Command: []string{"false"}}).Probe(context.Background()); !errors.Is(err, ErrDown) {
		t.Fatalf("false: %v", err)
	}
	slow := mustNew(t, Config{Kind: "command", Command: []string{"sleep", "5"}, Timeout: 100 * time.Millisecond})
	if err := slow.Probe(context.Background()); !errors.Is(err, ErrDown) {
		t.Fatalf("timeout: %v", err)
	}
	if err := mustNew(t, Config{Kind: "none"}).Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
	err := Config{Kind: "tcp", Target: "nope"}.Validate()
	for _, f := range []string{"target:", "interval:", "timeout:"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("missing %q in %v", f, err)
		}
	}
	if err := (Config{Kind: "icmp", Interval: 1, Timeout: 1}).Validate(); !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
	if err := (Config{Kind: "command", Interval: 1, Timeout: 1}).Validate(); !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
}

func TestStatusCode(t *testing.T) {
	cases := map[string]int{"SIP/2.0 200 OK\r\n": 200, "SIP/2.0 486\r\n": 486, "RTSP/1.0 454 Session Not Found\r\n": 0,
		"SIP/2.0 20 OK": -1, "SIP/20 200 OK": -1, "SIP/2.0 700 X": -1, "sip/2.0 200 OK": -1, "SIP/2.0 2000": -1, "": -1}
	for in, want := range cases {
		proto := "SIP"
		if strings.HasPrefix(in, "RTSP") {
			proto, want = "RTSP", 454
		}
		got, err := StatusCode([]byte(in), proto)
		if (want < 0) != (err != nil) || (want >= 0 && got != want) {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
}

func FuzzStatusCode(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\n"), true)
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, sip bool) {
		proto := "RTSP"
		if sip {
			proto = "SIP"
		}
		code, err := StatusCode(b, proto)
		if err == nil && (code < 100 || code > 699 || !bytes.HasPrefix(b, []byte(proto+"/"))) {
			t.Fatalf("accepted %q as %d", b, code)
		}
	})
}
