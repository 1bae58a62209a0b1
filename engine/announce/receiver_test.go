package announce

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
)

var (
	testNow    = time.Unix(1_800_000_000, 0)
	testKey, _ = auth.NewKey(3, bytes.Repeat([]byte{0x5a}, 32))
)

// datagrams records each Write as one datagram.
type datagrams [][]byte

func (d *datagrams) Write(b []byte) (int, error) {
	*d = append(*d, bytes.Clone(b))
	return len(b), nil
}

func newPair(t testing.TB, sender uint32) (*Sender, *datagrams) {
	sealer, err := auth.NewSealer(sender, testKey, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	var d datagrams
	return NewSender(&d, sealer, func() time.Time { return testNow }), &d
}

func newReceiver(t testing.TB, got *[]*Message) *Receiver {
	o := auth.NewOpener(0)
	if err := o.AddHost(77, testKey); err != nil {
		t.Fatal(err)
	}
	return NewReceiver(o, func(m *Message) {
		if got != nil {
			c := *m
			c.Key = bytes.Clone(m.Key)
			*got = append(*got, &c)
		}
	}, ReceiverOptions{Now: func() time.Time { return testNow }})
}

func checkInvariant(t *testing.T, r *Receiver) {
	t.Helper()
	c := r.Counters()
	sum := c.Announcements + c.Hellos + c.Malformed
	for _, n := range c.Auth.Rejected {
		sum += n
	}
	if sum != c.Datagrams || c.Auth.Accepted != c.Announcements+c.Hellos+c.Malformed {
		t.Fatalf("counters do not add up: %+v", c)
	}
}

func TestSendReceive(t *testing.T) {
	s, out := newPair(t, 77)
	var got []*Message
	r := newReceiver(t, &got)
	m := sample()
	if err := s.Send(m); err != nil {
		t.Fatal(err)
	}
	if err := s.Hello(); err != nil {
		t.Fatal(err)
	}
	if len(*out) != 2 {
		t.Fatalf("%d datagrams", len(*out))
	}
	for _, d := range *out {
		if err := r.Handle(d, testNow); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || !equal(got[0], m) || got[0].Seq != 1 || got[0].Time != uint64(testNow.UnixNano()) {
		t.Fatalf("received %+v", got)
	}
	if c := r.Counters(); c.Announcements != 1 || c.Hellos != 1 {
		t.Fatalf("%+v", c)
	}
	if c := s.Counters(); c.Sent != 1 || c.Hellos != 1 || c.Failed != 0 {
		t.Fatalf("sender %+v", c)
	}
	checkInvariant(t, r)
}

func TestReceiverRejects(t *testing.T) {
	s, out := newPair(t, 77)
	stranger, sout := newPair(t, 99)
	for range 2 {
		_ = s.Send(sample())
	}
	_ = stranger.Send(sample())
	good, second := (*out)[0], (*out)[1]
	forged := bytes.Clone(second)
	forged[30] ^= 1 // a body byte
	wrongKey := func() []byte {
		k, _ := auth.NewKey(3, bytes.Repeat([]byte{0x11}, 32))
		sl, _ := auth.NewSealer(77, k, func() time.Time { return testNow.Add(2 * time.Second) })
		b, _ := sample().Append(nil)
		return sl.Seal(nil, b)
	}()
	garbage := func() []byte {
		sl, _ := auth.NewSealer(77, testKey, func() time.Time { return testNow.Add(3 * time.Second) })
		return sl.Seal(nil, []byte("not an announcement, authentic"))
	}()
	var got []*Message
	r := newReceiver(t, &got)
	cases := []struct {
		name string
		b    []byte
		at   time.Time
		err  error
	}{
		{"forged", forged, testNow, auth.ErrBadMAC},
		{"good", good, testNow, nil},
		{"replayed", good, testNow, auth.ErrReplay},
		{"second after forgery", second, testNow, nil},
		{"unknown host", (*sout)[0], testNow, auth.ErrUnknownHost},
		{"wrong key", wrongKey, testNow, auth.ErrBadMAC},
		{"stale", second, testNow.Add(time.Hour), auth.ErrStale},
		{"short", []byte{1, 2, 3}, testNow, auth.ErrShort},
		{"authentic garbage", garbage, testNow, ErrMagic},
	}
	for _, c := range cases {
		if err := r.Handle(c.b, c.at); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d announcements delivered, want 2", len(got))
	}
	c := r.Counters()
	if c.Malformed != 1 || c.Auth.Rejected[auth.ReasonBadMAC] != 2 || c.Auth.Rejected[auth.ReasonReplay] != 1 ||
		c.Auth.Rejected[auth.ReasonUnknownHost] != 1 || c.Auth.Rejected[auth.ReasonStale] != 1 {
		t.Fatalf("%+v", c)
	}
	checkInvariant(t, r)
}

func TestReceiverUDP(t *testing.T) {
	var got []*Message
	done := make(chan struct{}, 16)
	o := auth.NewOpener(0)
	_ = o.AddHost(77, testKey)
	r, err := Listen("127.0.0.1:0", o, func(m *Message) { got = append(got, nil); done <- struct{}{} }, ReceiverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error)
	go func() { ran <- r.Run(ctx) }()
	sealer, _ := auth.NewSealer(77, testKey, nil)
	s, err := Dial(r.Addr().String(), sealer, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if err := s.Send(sample()); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of 3 announcements received: %+v", i, r.Counters())
		}
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if len(got) != 3 {
		t.Fatalf("%d delivered", len(got))
	}
}

func TestSendHandleNoAllocs(t *testing.T) {
	sealer, _ := auth.NewSealer(77, testKey, func() time.Time { return testNow })
	s := NewSender(io.Discard, sealer, func() time.Time { return testNow })
	m := sample()
	r := newReceiver(t, nil)
	const runs = 50
	if n := testing.AllocsPerRun(runs, func() { _ = s.Send(m) }); n != 0 {
		t.Fatalf("Send: %v allocations", n)
	}
	s2, out2 := newPair(t, 77)
	for range runs + 1 {
		_ = s2.Send(m)
	}
	i := 0
	if n := testing.AllocsPerRun(runs, func() {
		if err := r.Handle((*out2)[i], testNow); err != nil {
			t.Fatal(err)
		}
		i++
	}); n != 0 {
		t.Fatalf("Handle: %v allocations", n)
	}
}

// TestDialAllReachesBothDispatchers: a gateway in front of a hot-standby
// pair announces to both; a member that is down (its port refuses) does
// not make the announcement fail while the other takes it.
func TestDialAllReachesBothDispatchers(t *testing.T) {
	got := [2]chan struct{}{make(chan struct{}, 8), make(chan struct{}, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var addrs []string
	for i := range got {
		o := auth.NewOpener(0) // each dispatcher its own (replay windows)
		_ = o.AddHost(77, testKey)
		r, err := Listen("127.0.0.1:0", o, func(*Message) { got[i] <- struct{}{} }, ReceiverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = r.Run(ctx) }()
		addrs = append(addrs, r.Addr().String())
	}
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addrs = append(addrs, dead.LocalAddr().String())
	dead.Close() // nothing listens there: its writes are refused
	sealer, _ := auth.NewSealer(77, testKey, nil)
	s, err := DialAll(addrs, sealer, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if err := s.Send(sample()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // let the refusal come back
	}
	for i := range got {
		for k := range 3 {
			select {
			case <-got[i]:
			case <-time.After(5 * time.Second):
				t.Fatalf("dispatcher %d received %d of 3", i, k)
			}
		}
	}
	if c := s.Counters(); c.Sent != 3 || c.Failed != 0 {
		t.Fatalf("sender counters %+v, want 3 sent", c)
	}
}
