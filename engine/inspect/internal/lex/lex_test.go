package lex

import (
	"net/netip"
	"testing"
)

func TestAddrMatchesNetip(t *testing.T) {
	for _, s := range []string{
		"192.0.2.1", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1",
		"::", "::1", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "fe80::1:2", "1::", "1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:192.0.2.1", "1::2::3",
		"1:2:3:4:5:6:192.0.2.1", ":1", "1:", "12345::", "", "x", "::ffff:1.2.3", "1:2:3:4:5:6:7:8:9",
	} {
		want, werr := netip.ParseAddr(s)
		got, ok := Addr([]byte(s))
		if ok != (werr == nil) || (ok && got != want) {
			t.Errorf("Addr(%q) = %v,%v; netip: %v,%v", s, got, ok, want, werr)
		}
	}
}

func FuzzAddr(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "2001:db8::1", "::ffff:10.0.0.1", "1::2::3", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Addr([]byte(s))
		want, err := netip.ParseAddr(s)
		if err == nil && want.Zone() != "" {
			return // zones are not SDP/RTSP syntax; Addr rejects them
		}
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("Addr(%q) = %v,%v; netip: %v,%v", s, got, ok, want, err)
		}
	})
}

func TestUint(t *testing.T) {
	cases := []struct {
		in  string
		max uint64
		v   uint64
		ok  bool
	}{
		{"0", 10, 0, true}, {"10", 10, 10, true}, {"11", 10, 0, false}, {"", 10, 0, false},
		{"-1", 10, 0, false}, {"4294967295", 1<<32 - 1, 1<<32 - 1, true}, {"4294967296", 1<<32 - 1, 0, false},
		{"99999999999999999999", 1<<64 - 1, 0, false}, {"1 ", 10, 0, false},
	}
	for _, c := range cases {
		v, ok := Uint([]byte(c.in), c.max)
		if v != c.v || ok != c.ok {
			t.Errorf("Uint(%q,%d) = %d,%v want %d,%v", c.in, c.max, v, ok, c.v, c.ok)
		}
	}
}

func TestLineTrimFold(t *testing.T) {
	l, rest, ok := Line([]byte("a b\r\nc\nd"))
	if string(l) != "a b" || string(rest) != "c\nd" || !ok {
		t.Fatalf("Line: %q %q %v", l, rest, ok)
	}
	l, rest, _ = Line(rest)
	if string(l) != "c" || string(rest) != "d" {
		t.Fatalf("Line LF: %q %q", l, rest)
	}
	if _, _, ok := Line([]byte("no end")); ok {
		t.Fatal("Line without terminator reported ok")
	}
	if got := TrimSpace([]byte(" \t x y\t ")); string(got) != "x y" {
		t.Fatalf("TrimSpace = %q", got)
	}
	if !EqualFold([]byte("Content-LENGTH"), "content-length") || EqualFold([]byte("content-lengt"), "content-length") {
		t.Fatal("EqualFold")
	}
	tok, rest := Token([]byte("INVITE  sip:x SIP/2.0"))
	if string(tok) != "INVITE" || string(rest) != "sip:x SIP/2.0" {
		t.Fatalf("Token %q %q", tok, rest)
	}
}

func TestAddrAllocs(t *testing.T) {
	b4, b6 := []byte("192.0.2.10"), []byte("2001:db8::10")
	if n := testing.AllocsPerRun(100, func() { Addr(b4); Addr(b6) }); n != 0 {
		t.Fatalf("Addr allocates %v", n)
	}
}
