package inspect

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
)

type fakeInspector struct{ c CounterSet }

func (*fakeInspector) Name() string { return "fake" }
func (f *fakeInspector) Inspect(_ Meta, p []byte, r *Result) error {
	r.Reset()
	var err error
	if len(p) == 0 {
		err = ErrTruncated
	}
	return f.c.Done(r, err)
}
func (f *fakeInspector) Counters() Counters { return f.c.Snapshot() }

func TestRegistry(t *testing.T) {
	var g Registry
	reg := Registration{Name: "fake", New: func() Inspector { return &fakeInspector{} },
		Sniff: func(p []byte) bool { return len(p) > 0 && p[0] == 'F' }}
	if err := g.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := g.Register(reg); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := g.New("nope"); !errors.Is(err, ErrUnknownInspector) {
		t.Fatalf("unknown: %v", err)
	}
	a, _ := g.New("fake")
	b, _ := g.New("fake")
	if a == b {
		t.Fatal("factory returned a shared inspector")
	}
	if g.Sniff([]byte("F...")) != "fake" || g.Sniff([]byte("x")) != "" || len(g.Names()) != 1 {
		t.Fatal("sniff/names")
	}
}

func TestCountersInvariant(t *testing.T) {
	f := &fakeInspector{}
	var r Result
	for i := 0; i < 5; i++ {
		_ = f.Inspect(Meta{}, make([]byte, i%2), &r)
	}
	c := f.Counters()
	if c.Parsed != 2 || c.Failed[ReasonTruncated] != 3 || c.Parsed+c.TotalFailed() != 5 {
		t.Fatalf("%+v", c)
	}
	if ReasonOf(fmt.Errorf("op: %w", ErrCSeq)) != ReasonCSeq || ReasonOf(errors.New("x")) != ReasonOther {
		t.Fatal("ReasonOf")
	}
}

func TestMethodsAndSides(t *testing.T) {
	for m := INVITE; m < numMethods; m++ {
		if LookupMethod([]byte(m.String())) != m {
			t.Errorf("LookupMethod(%s)", m)
		}
	}
	if LookupMethod([]byte("invite")) != MethodOther || LookupMethod(nil) != MethodUnknown {
		t.Fatal("LookupMethod is case-sensitive and rejects empty")
	}
	c, s := netip.MustParseAddrPort("192.0.2.1:1"), netip.MustParseAddrPort("203.0.113.1:2")
	m := Meta{Src: s, Dst: c, Dir: FromServer}
	if m.ClientAddr() != c.Addr() || m.ServerAddr() != s.Addr() || m.SideAddr(SideServer) != s.Addr() ||
		FromServer.Sender() != SideServer || FromClient.Recipient() != SideServer {
		t.Fatal("sides")
	}
	var r Result
	for i := 0; i < MaxMedia; i++ {
		r.AddMedia().Port = uint16(i)
	}
	if r.AddMedia() != nil || !r.MediaDropped || len(r.Medias()) != MaxMedia {
		t.Fatal("AddMedia bound")
	}
}
