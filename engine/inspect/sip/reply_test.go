package sip

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

var outMeta = inspect.Meta{Src: vip, Dst: client, Transport: inspect.UDP, Dir: inspect.FromServer}

func TestReplyByHand(t *testing.T) {
	req := crlf(`INVITE sip:bob@10.0.0.100 SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1
v:  SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0, SIP/2.0/UDP 10.0.0.8
f: "Alice" <sip:alice@a.example>;tag=1928
To: <sip:bob@b.example>
i: a84b4c76e66710
CSeq: 314159 INVITE
Content-Length: 0

`)
	got, err := AppendReply([]byte("x"), req, 503, "Service Unavailable", 2)
	if err != nil {
		t.Fatal(err)
	}
	want := "x" + string(crlf(`SIP/2.0 503 Service Unavailable
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1
Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0, SIP/2.0/UDP 10.0.0.8
From: "Alice" <sip:alice@a.example>;tag=1928
To: <sip:bob@b.example>;tag=sara`)) + string(appendTag(nil, []byte("a84b4c76e66710"), []byte("1928"))[4:]) + string(crlf(`
Call-ID: a84b4c76e66710
CSeq: 314159 INVITE
Retry-After: 2
Content-Length: 0

`))
	if string(got) != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	// The tag depends on the Call-ID and the From tag only.
	again, _ := AppendReply(nil, req, 503, "Service Unavailable", 2)
	other, _ := AppendReply(nil, bytes.Replace(req, []byte("tag=1928"), []byte("tag=1929"), 1), 503, "Service Unavailable", 2)
	if !bytes.Equal(again, got[1:]) || bytes.Equal(other[:len(other)-60], again[:len(again)-60]) {
		t.Fatal("To tag not a function of Call-ID and From tag")
	}
	// A To tag present (re-INVITE) is kept; no Retry-After when 0.
	re := bytes.Replace(req, []byte("To: <sip:bob@b.example>"), []byte("To: <sip:bob@b.example>;tag=77"), 1)
	got, _ = AppendReply(nil, re, 486, "Busy Here", 0)
	if !bytes.Contains(got, []byte("\r\nTo: <sip:bob@b.example>;tag=77\r\n")) || bytes.Contains(got, []byte("Retry-After")) ||
		!bytes.HasPrefix(got, []byte("SIP/2.0 486 Busy Here\r\n")) {
		t.Fatalf("re-INVITE answer:\n%s", got)
	}
}

func TestReplyRefuses(t *testing.T) {
	base := string(crlf("%s\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c1\nCSeq: 1 %s\n\n"))
	for name, msg := range map[string]string{
		"ack":         fmtMsg(base, "ACK sip:b@h SIP/2.0", "ACK"),
		"response":    fmtMsg(base, "SIP/2.0 200 OK", "INVITE"),
		"no via":      string(crlf("INVITE sip:b@h SIP/2.0\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: c1\nCSeq: 1 INVITE\n\n")),
		"no call-id":  string(crlf("INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCSeq: 1 INVITE\n\n")),
		"bad to":      string(crlf("INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h\nFrom: <sip:a@h>;tag=1\nTo: \"b <sip:b@h>\nCall-ID: c1\nCSeq: 1 INVITE\n\n")),
		"no line end": "INVITE sip:b@h SIP/2.0",
		"empty":       "",
	} {
		dst := []byte("keep")
		out, err := AppendReply(dst, []byte(msg), 503, "Service Unavailable", 1)
		if !errors.Is(err, ErrNoReply) || string(out) != "keep" {
			t.Errorf("%s: %q, %v", name, out, err)
		}
	}
	req := []byte(fmtMsg(base, "INVITE sip:b@h SIP/2.0", "INVITE"))
	if _, err := AppendReply(nil, req, 200, "OK", 0); !errors.Is(err, ErrNoReply) {
		t.Error("a 2xx is not a stateless refusal")
	}
}

func fmtMsg(base, start, method string) string {
	return string(bytes.Replace(bytes.Replace([]byte(base), []byte("%s"), []byte(start), 1), []byte("%s"), []byte(method), 1))
}

// checkReply: the inspector reads reply as the 503 answering req (parsed
// into rq): same Call-ID, CSeq and From tag, a To tag (the request's if it
// had one), and one Via line per Via header field of the request.
func checkReply(t *testing.T, name string, req, reply []byte, rq *inspect.Result) {
	t.Helper()
	var r inspect.Result
	if err := New().Inspect(outMeta, reply, &r); err != nil {
		t.Fatalf("%s: the answer does not parse: %v\n%s", name, err, reply)
	}
	if r.Kind != inspect.Response || r.Status != 503 || string(r.Key) != string(rq.Key) || r.CSeq != rq.CSeq ||
		r.CSeqMethod != rq.CSeqMethod || string(r.FromTag) != string(rq.FromTag) || len(r.ToTag) == 0 ||
		(len(rq.ToTag) > 0 && string(r.ToTag) != string(rq.ToTag)) || string(r.Branch) != string(rq.Branch) {
		t.Fatalf("%s: answer %+v does not match request %+v\n%s", name, r, rq, reply)
	}
	if n, want := bytes.Count(reply, []byte("\r\nVia: ")), viaFields(req); n != want {
		t.Fatalf("%s: %d Via lines, request has %d\n%s", name, n, want, reply)
	}
	if !bytes.Contains(reply, []byte("\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")) {
		t.Fatalf("%s: no Retry-After\n%s", name, reply)
	}
}

// viaFields counts the non-empty Via header fields of a request's head, on
// its own (lines unfolded; names "via" or "v", any case).
func viaFields(req []byte) int {
	var lines [][]byte
	for _, l := range bytes.Split(req, []byte("\n"))[1:] {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(lines) > 0 {
			lines[len(lines)-1] = append(append([]byte(nil), lines[len(lines)-1]...), l...)
			continue
		}
		lines = append(lines, l)
	}
	n := 0
	for _, l := range lines {
		name, value, ok := bytes.Cut(l, []byte(":"))
		nm := string(bytes.ToLower(bytes.TrimSpace(name)))
		if ok && (nm == "via" || nm == "v") && len(bytes.TrimSpace(value)) > 0 {
			n++
		}
	}
	return n
}

// TestReplyTorture answers every RFC 4475 request the inspector accepts
// (ACKs excepted, which are never answered) and checks each answer.
func TestReplyTorture(t *testing.T) {
	idx := loadTorture(t)
	in := New()
	var rq inspect.Result
	answered := 0
	for _, m := range idx.Messages {
		b, err := os.ReadFile(filepath.Join("testdata/rfc4475", m.File))
		if err != nil {
			t.Fatal(err)
		}
		if in.Inspect(udpMeta, b, &rq) != nil || rq.Kind != inspect.Request {
			continue
		}
		reply, err := AppendReply(nil, b, 503, "Service Unavailable", 1)
		if rq.Method == inspect.ACK {
			if !errors.Is(err, ErrNoReply) {
				t.Errorf("%s: an ACK was answered", m.File)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s (%s): %v", m.File, m.Title, err)
			continue
		}
		checkReply(t, m.File, b, reply, &rq)
		answered++
	}
	if answered < 20 {
		t.Fatalf("only %d torture requests answered", answered)
	}
}

func TestReplyNoAllocs(t *testing.T) {
	req := crlf(compactInvite)
	buf := make([]byte, 0, 2048)
	if a := testing.AllocsPerRun(100, func() {
		if _, err := AppendReply(buf[:0], req, 503, "Service Unavailable", 1); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Fatalf("AppendReply allocates %v times", a)
	}
}

// FuzzAppendReply: no input panics, a refusal leaves dst as it was, and
// an answer to a request the inspector accepts reads back as its 503.
func FuzzAppendReply(f *testing.F) {
	files, _ := filepath.Glob("testdata/rfc4475/*.dat")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(crlf(compactInvite))
	in := New()
	var rq inspect.Result
	f.Fuzz(func(t *testing.T, msg []byte) {
		reply, err := AppendReply(nil, msg, 503, "Service Unavailable", 1)
		if err != nil {
			if !errors.Is(err, ErrNoReply) || reply != nil {
				t.Fatalf("error %v with output %q", err, reply)
			}
		} else if !bytes.HasPrefix(reply, []byte("SIP/2.0 503 Service Unavailable\r\n")) ||
			!bytes.HasSuffix(reply, []byte("\r\nContent-Length: 0\r\n\r\n")) {
			t.Fatalf("malformed answer %q", reply)
		}
		if in.Inspect(udpMeta, msg, &rq) != nil || rq.Kind != inspect.Request || rq.Method == inspect.ACK {
			return
		}
		if err != nil {
			return // no Via to answer along, or a To a tag cannot be added to (TestReplyTorture: real requests are answered)
		}
		checkReply(t, "fuzz", msg, reply, &rq)
	})
}
