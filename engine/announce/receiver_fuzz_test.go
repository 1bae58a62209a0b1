package announce

import (
	"bytes"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
)

// FuzzReceive feeds the receiver raw datagrams (seal false) and bodies
// sealed with the gateway's key (seal true, so the fuzzer explores the
// decoding of authenticated bodies): no panic, every datagram counted once,
// every delivered announcement re-encodes to the authenticated body.
func FuzzReceive(f *testing.F) {
	s, out := newPair(f, 77)
	_ = s.Send(sample())
	_ = s.Hello()
	_ = s.Send(&Message{Type: TypeAnnounce, Kind: KindRTSP, Op: OpEndSession, Key: []byte("s1")})
	for _, d := range *out {
		f.Add(d, false)
		f.Add(d[:len(d)-auth.TrailerLen], true)
	}
	f.Add([]byte("SARA"), true)
	// A later start than newPair's sealer: its counters are all fresh.
	sealer, _ := auth.NewSealer(77, testKey, func() time.Time { return testNow.Add(time.Second) })
	var last *Message
	r := NewReceiver(func() *auth.Opener {
		o := auth.NewOpener(0)
		_ = o.AddHost(77, testKey)
		return o
	}(), func(m *Message) { last = m }, ReceiverOptions{})
	f.Fuzz(func(t *testing.T, b []byte, seal bool) {
		if seal {
			b = sealer.Seal(nil, b)
		}
		last = nil
		before := r.Counters()
		err := r.Handle(b, testNow)
		after := r.Counters()
		if after.Datagrams != before.Datagrams+1 {
			t.Fatal("datagram not counted")
		}
		if seal && after.Auth.Accepted != before.Auth.Accepted+1 {
			t.Fatalf("sealed datagram not authenticated: %v", err)
		}
		if err == nil && last != nil {
			body, aerr := last.Append(nil)
			if aerr != nil || !bytes.Equal(body, b[:len(b)-auth.TrailerLen]) {
				t.Fatalf("accepted body does not re-encode: %v", aerr)
			}
		}
	})
}
