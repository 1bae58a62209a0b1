package listener

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

var now = time.Unix(1700000000, 0)

type sink struct {
	mu  sync.Mutex
	hbs []heartbeat.Message
	lvs []loadvec.Message
}

func (s *sink) Heartbeat(m heartbeat.Message, _ time.Time) {
	s.mu.Lock()
	s.hbs = append(s.hbs, m)
	s.mu.Unlock()
}

func (s *sink) LoadVector(m loadvec.Message, _ time.Time) {
	s.mu.Lock()
	s.lvs = append(s.lvs, m)
	s.mu.Unlock()
}

func key(t testing.TB, b byte) auth.Key {
	k, err := auth.NewKey(1, bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func setup(t testing.TB) (*Listener, *sink, *auth.Sealer) {
	o := auth.NewOpener(0)
	if err := o.AddHost(10, key(t, 1)); err != nil {
		t.Fatal(err)
	}
	s := &sink{}
	l, err := Listen("127.0.0.1:0", o, s, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	se, _ := auth.NewSealer(10, key(t, 1), func() time.Time { return now })
	return l, s, se
}

func TestHandleDispatchAndReject(t *testing.T) {
	l, s, se := setup(t)
	hb := heartbeat.Message{Host: 10, Seq: 1, Flag: heartbeat.FlagUp, Timestamp: 5}
	lv := loadvec.Message{Host: 10, Seq: 1, Load: cluster.LoadVector{CPU: 0.5}}
	good := se.Seal(nil, hb.Append(nil))
	forger, _ := auth.NewSealer(10, key(t, 2), func() time.Time { return now.Add(time.Second) })
	steps := []struct {
		msg  []byte
		want error
	}{
		{good, nil},
		{se.Seal(nil, lv.Append(nil)), nil},
		{good, auth.ErrReplay},
		{forger.Seal(nil, hb.Append(nil)), auth.ErrBadMAC},
		{se.Seal(nil, heartbeat.Message{Host: 20, Flag: heartbeat.FlagUp}.Append(nil)), ErrSenderMismatch},
		{se.Seal(nil, loadvec.Message{Host: 20}.Append(nil)), ErrSenderMismatch},
		{se.Seal(nil, []byte{0, 0, 0, 10, 0, 2, 9, 0, 0, 0, 0}), ErrMalformed},
		{se.Seal(nil, []byte{loadvec.Magic, 9}), ErrMalformed},
		{se.Seal(nil, []byte("junk")), ErrUnknownType},
		{[]byte("x"), auth.ErrShort},
	}
	for i, st := range steps {
		if err := l.handle(st.msg, now); err != st.want {
			t.Errorf("step %d: %v, want %v", i, err, st.want)
		}
	}
	c := l.Counters()
	if c.Datagrams != uint64(len(steps)) || c.Heartbeats != 1 || c.LoadVectors != 1 || c.SenderMismatch != 2 ||
		c.Malformed != 2 || c.UnknownType != 1 || c.Auth.Rejected[auth.ReasonReplay] != 1 ||
		c.Auth.Rejected[auth.ReasonBadMAC] != 1 || c.Auth.Rejected[auth.ReasonShort] != 1 {
		t.Fatalf("counters %+v", c)
	}
	// Invariant: every datagram counted once.
	var rej uint64
	for _, r := range c.Auth.Rejected {
		rej += r
	}
	if c.Datagrams != c.Heartbeats+c.LoadVectors+c.Malformed+c.UnknownType+c.SenderMismatch+rej {
		t.Fatalf("counter invariant broken: %+v", c)
	}
	if len(s.hbs) != 1 || s.hbs[0] != hb || len(s.lvs) != 1 || s.lvs[0].Load.CPU != loadvec.Fraction(loadvec.Fixed(0.5)) {
		t.Fatalf("sink %+v", s)
	}
}

func TestRunOverUDP(t *testing.T) {
	var taps int
	l, s, se := setup(t)
	l.opt.Tap = func([]byte) { taps++ }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx) }()
	c, err := net.Dial("udp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 1; i <= 3; i++ {
		_, _ = c.Write(se.Seal(nil, heartbeat.Message{Host: 10, Seq: uint16(i), Flag: heartbeat.FlagUp}.Append(nil)))
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.Counters().Datagrams < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.hbs) != 3 || taps != 3 {
		t.Fatalf("received %d heartbeats, %d taps", len(s.hbs), taps)
	}
}

func TestHandleNoAlloc(t *testing.T) {
	l, _, se := setup(t)
	buf := make([]byte, 0, 128)
	body := heartbeat.Message{Host: 10, Flag: heartbeat.FlagUp}.Append(nil)
	n := testing.AllocsPerRun(200, func() {
		if err := l.handle(se.Seal(buf[:0], body), now); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("handle allocates %v per datagram", n)
	}
}
