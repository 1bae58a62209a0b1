package inspect

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func sipMsg(id string, body string) []byte {
	return []byte("INVITE sip:x SIP/2.0\r\nCall-ID: " + id + "\r\nl: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

func interleaved(ch byte, n int) []byte {
	return append([]byte{'$', ch, byte(n >> 8), byte(n)}, bytes.Repeat([]byte{'$'}, n)...)
}

// drain feeds segs one by one and returns copies of every message.
func drain(t *testing.T, s *Stream, segs ...[]byte) []string {
	t.Helper()
	var out []string
	for _, seg := range segs {
		s.Feed(seg)
		for {
			m, err := s.Next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if m == nil {
				break
			}
			out = append(out, string(m))
		}
	}
	return out
}

func TestStreamSplitsAtEveryByte(t *testing.T) {
	rtsp := []byte("RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 4\r\n\r\nv=0\n")
	var all []byte
	all = append(all, sipMsg("a", "v=0\r\n")...)
	all = append(all, "\r\n\r\n"...) // keep-alive
	all = append(all, interleaved(0, 300)...)
	all = append(all, rtsp...)
	all = append(all, interleaved(1, 2)...)
	all = append(all, sipMsg("b", "")...)
	want := []string{string(sipMsg("a", "v=0\r\n")), string(rtsp), string(sipMsg("b", ""))}
	whole := drain(t, NewStream(StreamConfig{}), all)
	if strings.Join(whole, "|") != strings.Join(want, "|") {
		t.Fatalf("one segment: %q", whole)
	}
	for cut := 1; cut < len(all); cut++ {
		for _, step := range []int{cut, 1 + cut%7} {
			s := NewStream(StreamConfig{})
			var segs [][]byte
			segs = append(segs, all[:cut])
			for rest := all[cut:]; len(rest) > 0; {
				n := min(step, len(rest))
				segs = append(segs, rest[:n])
				rest = rest[n:]
			}
			got := drain(t, s, segs...)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("cut %d step %d: %q", cut, step, got)
			}
			if st := s.Stats(); st.Interleaved != 2 || st.Messages != 3 || s.Buffered() != 0 {
				t.Fatalf("cut %d: stats %+v buffered %d", cut, st, s.Buffered())
			}
		}
	}
}

func TestStreamZeroCopyWholeSegments(t *testing.T) {
	s := NewStream(StreamConfig{})
	seg := append(sipMsg("a", ""), sipMsg("b", "xy")...)
	s.Feed(seg)
	m, _ := s.Next()
	if &m[0] != &seg[0] {
		t.Fatal("message of a whole segment was copied")
	}
	if n := testing.AllocsPerRun(100, func() {
		s.Feed(seg)
		for m, _ := s.Next(); m != nil; m, _ = s.Next() {
		}
	}); n != 0 {
		t.Fatalf("%v allocations per segment", n)
	}
}

func TestStreamOverflowAndRecovery(t *testing.T) {
	s := NewStream(StreamConfig{MaxBuffer: 100})
	big := sipMsg("big", strings.Repeat("x", 200))
	s.Feed(big[:30]) // head incomplete: size unknown yet
	if m, err := s.Next(); m != nil || err != nil {
		t.Fatalf("partial: %q %v", m, err)
	}
	s.Feed(big[30:80]) // head complete: 200-byte body announced, over the bound
	if _, err := s.Next(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
	if s.Buffered() != 0 || s.Stats().Overflows != 1 {
		t.Fatalf("not reset: %d buffered, %+v", s.Buffered(), s.Stats())
	}
	s2 := NewStream(StreamConfig{MaxBuffer: 100})
	s2.Feed([]byte("INVITE sip:x SIP/2.0\r\n" + strings.Repeat("X-Long: 0123456789\r\n", 6)))
	if _, err := s2.Next(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless head: err %v", err)
	}
	if got := drain(t, s, sipMsg("ok", "")); len(got) != 1 {
		t.Fatalf("after reset: %q", got)
	}
}

func TestStreamBadContentLength(t *testing.T) {
	s := NewStream(StreamConfig{})
	s.Feed([]byte("SIP/2.0 200 OK\r\nContent-Length: 1\r\nl: 2\r\n\r\nab"))
	if _, err := s.Next(); !errors.Is(err, ErrContentLength) || s.Stats().BadFraming != 1 || s.Buffered() != 0 {
		t.Fatalf("err %v stats %+v", err, s.Stats())
	}
	s.Feed([]byte("SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n"))
	if _, err := s.Next(); !errors.Is(err, ErrContentLength) {
		t.Fatalf("negative: %v", err)
	}
}

// FuzzStream: feeding the same bytes whole or cut into pieces yields the
// same messages, and the buffer stays bounded.
func FuzzStream(f *testing.F) {
	f.Add(append(sipMsg("a", "body"), interleaved(2, 5)...), uint8(3))
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n$\x00\x00\x01x\r\nOPTIONS * RTSP/1.0\r\n\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		collect := func(segs [][]byte) ([]string, bool) {
			s := NewStream(StreamConfig{MaxBuffer: 1 << 20})
			var out []string
			for _, seg := range segs {
				s.Feed(seg)
				for {
					m, err := s.Next()
					if err != nil {
						return out, false
					}
					if m == nil {
						break
					}
					out = append(out, string(m))
				}
			}
			return out, true
		}
		a, okA := collect([][]byte{data})
		var segs [][]byte
		n := int(step%31) + 1
		for rest := data; len(rest) > 0; rest = rest[min(n, len(rest)):] {
			segs = append(segs, rest[:min(n, len(rest))])
		}
		b, okB := collect(segs)
		if okA && okB && strings.Join(a, "\x00|") != strings.Join(b, "\x00|") {
			t.Fatalf("whole %q\npieces %q", a, b)
		}
		small := NewStream(StreamConfig{MaxBuffer: 64})
		for _, seg := range segs {
			small.Feed(seg)
			for m, err := small.Next(); m != nil && err == nil; m, err = small.Next() {
			}
			if small.Buffered() > 64+n {
				t.Fatalf("buffered %d > max+segment", small.Buffered())
			}
		}
	})
}

// TestStreamByteAtATimeIsLinear: a 60 KiB message fed one byte at a time
// must not be rescanned per byte (that would be ~2·10^9 byte reads).
func TestStreamByteAtATimeIsLinear(t *testing.T) {
	head := "OPTIONS sip:x SIP/2.0\r\n" + strings.Repeat("X-Pad: 0123456789abcdefghij\r\n", 1000) + "l: 30000\n\r\n" // bare LF then CRLF blank line
	msg := []byte(head + strings.Repeat("b", 30000))
	s := NewStream(StreamConfig{})
	var got []byte
	for i := range msg {
		s.Feed(msg[i : i+1])
		m, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if m != nil {
			got = m
		}
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("got %d bytes, want %d", len(got), len(msg))
	}
}
