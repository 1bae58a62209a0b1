package auth

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	t0     = time.Unix(1700000000, 0)
)

const goldenTag = "5e2d9e77c28726925904545d00778a5c"

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func mustKey(t testing.TB, id uint8, s []byte) Key {
	t.Helper()
	k, err := NewKey(id, s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pair(t testing.TB) (*Sealer, *Opener) {
	t.Helper()
	k := mustKey(t, 7, secret)
	s, err := NewSealer(42, k, fixedClock(t0))
	if err != nil {
		t.Fatal(err)
	}
	o := NewOpener(5 * time.Second)
	if err := o.AddHost(42, k); err != nil {
		t.Fatal(err)
	}
	return s, o
}

// TestGoldenTrailer pins the trailer bytes: KeyID, Sender, Counter, SentAt
// and the truncated tag, computed independently of the package.
func TestGoldenTrailer(t *testing.T) {
	s, _ := pair(t)
	body := []byte{0xde, 0xad, 0xbe, 0xef}
	got := s.Seal(nil, body)
	want := "deadbeef" + "07" + "0000002a" + "6553f10000000001" + "6553f100"
	if h := hex.EncodeToString(got[:len(got)-TagLen]); h != want {
		t.Fatalf("header\n got %s\nwant %s", h, want)
	}
	// HMAC-SHA256(secret, deadbeef07...6553f100) computed with openssl:
	// printf 'deadbeef070000002a6553f100000000016553f100' | xxd -r -p |
	//   openssl dgst -sha256 -mac HMAC -macopt key:0123456789abcdef0123456789abcdef
	if tag := hex.EncodeToString(got[len(got)-TagLen:]); tag != goldenTag {
		t.Fatalf("tag %s, want %s", tag, goldenTag)
	}
	if len(got) != len(body)+TrailerLen || TrailerLen != 33 {
		t.Fatalf("length %d", len(got))
	}
}

func TestOpenRoundTripAndReasons(t *testing.T) {
	s, o := pair(t)
	msg := s.Seal(nil, []byte("hello"))
	op, err := o.Open(msg, t0)
	if err != nil || string(op.Body) != "hello" || op.Sender != 42 || op.KeyID != 7 {
		t.Fatalf("open: %+v %v", op, err)
	}
	cases := []struct {
		name string
		msg  func() []byte
		now  time.Time
		want error
	}{
		{"short", func() []byte { return msg[:TrailerLen-1] }, t0, ErrShort},
		{"replay", func() []byte { return msg }, t0, ErrReplay},
		{"bad mac", func() []byte { m := s.Seal(nil, []byte("x")); m[0] ^= 1; return m }, t0, ErrBadMAC},
		{"tag flip", func() []byte { m := s.Seal(nil, []byte("x")); m[len(m)-1] ^= 1; return m }, t0, ErrBadMAC},
		{"stale", func() []byte { return s.Seal(nil, nil) }, t0.Add(6 * time.Second), ErrStale},
		{"future", func() []byte { return s.Seal(nil, nil) }, t0.Add(-6 * time.Second), ErrFuture},
		{"unknown host", func() []byte {
			s2, _ := NewSealer(43, mustKey(t, 7, secret), fixedClock(t0))
			return s2.Seal(nil, nil)
		}, t0, ErrUnknownHost},
		{"unknown key", func() []byte {
			s2, _ := NewSealer(42, mustKey(t, 8, secret), fixedClock(t0))
			return s2.Seal(nil, nil)
		}, t0, ErrUnknownKey},
		{"forged key", func() []byte {
			s2, _ := NewSealer(42, mustKey(t, 7, bytes.Repeat([]byte{1}, 32)), fixedClock(t0.Add(time.Second)))
			return s2.Seal(nil, []byte("x"))
		}, t0, ErrBadMAC},
	}
	for _, c := range cases {
		_, err := o.Open(c.msg(), c.now)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
		if r, ok := ReasonOf(err); !ok || reasonErrs[r] != c.want {
			t.Errorf("%s: ReasonOf = %v %v", c.name, r, ok)
		}
	}
	c := o.Counters()
	want := [NumReasons]uint64{ReasonShort: 1, ReasonUnknownHost: 1, ReasonUnknownKey: 1, ReasonStale: 1,
		ReasonFuture: 1, ReasonReplay: 1, ReasonBadMAC: 3}
	if c.Accepted != 1 || c.Rejected != want {
		t.Fatalf("counters %+v, want rejected %v", c, want)
	}
	// A forged message with a valid-looking counter must not move the window:
	// the genuine next message is still accepted.
	if _, err := o.Open(s.Seal(nil, []byte("next")), t0); err != nil {
		t.Fatalf("genuine message after forgeries: %v", err)
	}
}

func TestRestartedSenderAccepted(t *testing.T) {
	s, o := pair(t)
	for i := 0; i < 3; i++ {
		if _, err := o.Open(s.Seal(nil, nil), t0); err != nil {
			t.Fatal(err)
		}
	}
	s2, _ := NewSealer(42, mustKey(t, 7, secret), fixedClock(t0.Add(time.Second)))
	if _, err := o.Open(s2.Seal(nil, nil), t0.Add(time.Second)); err != nil {
		t.Fatalf("restarted sender rejected: %v", err)
	}
}

func TestKeyRotation(t *testing.T) {
	o := NewOpener(0)
	k1, k2 := mustKey(t, 1, secret), mustKey(t, 2, bytes.Repeat([]byte{9}, 16))
	if err := o.AddHost(5, k1, k2); err != nil {
		t.Fatal(err)
	}
	for i, k := range []Key{k1, k2} {
		// The second key's sender started a second later (counters differ).
		s, _ := NewSealer(5, k, fixedClock(t0.Add(time.Duration(i)*time.Second)))
		if _, err := o.Open(s.Seal(nil, []byte("b")), t0); err != nil {
			t.Fatalf("key %d: %v", k.ID(), err)
		}
	}
}

func TestKeyRedacted(t *testing.T) {
	k, err := ParseKey(3, hex.EncodeToString(secret))
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(struct{ K Key }{k})
	txt, _ := k.MarshalText()
	outs := []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %x %q", k, k, k, k, k, k),
		fmt.Sprintf("%#v", struct{ K Key }{k}), string(j), string(txt)}
	for _, out := range outs {
		if strings.Contains(out, string(secret)) || strings.Contains(out, hex.EncodeToString(secret)) ||
			strings.Contains(out, "30313233") {
			t.Fatalf("secret leaked: %s", out)
		}
		if !strings.Contains(out, "redacted") {
			t.Fatalf("no redaction marker: %s", out)
		}
	}
	if _, err := ParseKey(1, "abcd"); !errors.Is(err, ErrKey) {
		t.Fatalf("short key: %v", err)
	}
	if _, err := ParseKey(1, "zz"); !errors.Is(err, ErrKey) {
		t.Fatalf("bad hex: %v", err)
	}
	var u Key
	if err := u.UnmarshalText([]byte(hex.EncodeToString(secret))); err != nil || u.IsZero() {
		t.Fatalf("UnmarshalText: %v", err)
	}
}

func TestOpenSealNoAlloc(t *testing.T) {
	s, o := pair(t)
	buf := make([]byte, 0, 128)
	body := []byte("0123456789a")
	var msg []byte
	if n := testing.AllocsPerRun(200, func() { msg = s.Seal(buf[:0], body) }); n != 0 {
		t.Fatalf("Seal allocates %v", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		m := s.Seal(buf[:0], body)
		if _, err := o.Open(m, t0); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("Open allocates %v", n)
	}
	_ = msg
}
