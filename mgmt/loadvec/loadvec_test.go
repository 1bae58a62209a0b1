package loadvec

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
)

func TestGolden(t *testing.T) {
	m := Message{Host: 0x01020304, Seq: 0xfffe, Timestamp: 0x6553f100,
		Load: cluster.LoadVector{CPU: 0.5, Mem: 1, NetBuf: 0, IOQueue: 0.25, Backlog: 2}}
	want := "4c01" + "01020304" + "fffe" + "6553f100" + "8000" + "ffff" + "0000" + "4000" + "ffff"
	b := m.Append(nil)
	if hex.EncodeToString(b) != want {
		t.Fatalf("encode\n got %x\nwant %s", b, want)
	}
	var got Message
	if err := got.Decode(b); err != nil {
		t.Fatal(err)
	}
	wantLoad := cluster.LoadVector{CPU: 32768.0 / 65535, Mem: 1, IOQueue: 16384.0 / 65535, Backlog: 1}
	if got.Host != m.Host || got.Seq != m.Seq || got.Timestamp != m.Timestamp || got.Load != wantLoad {
		t.Fatalf("decode %+v", got)
	}
}

func TestFixedRange(t *testing.T) {
	cases := map[float64]uint16{-1: 0, math.NaN(): 0, 0: 0, 1: 65535, 1.5: 65535, math.Inf(1): 65535, 0.5: 32768}
	for v, want := range cases {
		if got := Fixed(v); got != want {
			t.Errorf("Fixed(%v) = %d, want %d", v, got, want)
		}
	}
	for v := 0.0; v <= 1; v += 0.001 {
		if d := math.Abs(Fraction(Fixed(v)) - v); d > 0.5/65535+1e-12 {
			t.Fatalf("precision at %v: %v", v, d)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := Message{Host: 1}.Append(nil)
	var m Message
	bad := func(mod func([]byte) []byte, want error) {
		t.Helper()
		if err := m.Decode(mod(bytes.Clone(good))); !errors.Is(err, want) {
			t.Errorf("got %v, want %v", err, want)
		}
	}
	bad(func(b []byte) []byte { return b[:21] }, ErrLength)
	bad(func(b []byte) []byte { return append(b, 0) }, ErrLength)
	bad(func(b []byte) []byte { b[0] = 'X'; return b }, ErrMagic)
	bad(func(b []byte) []byte { b[1] = 2; return b }, ErrVersion)
}

func TestDecodeNoAlloc(t *testing.T) {
	b := Message{Host: 1, Load: cluster.LoadVector{CPU: 0.3}}.Append(nil)
	var m Message
	if n := testing.AllocsPerRun(100, func() { _ = m.Decode(b) }); n != 0 {
		t.Fatalf("Decode allocates %v", n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Message{Host: 1, Seq: 2, Timestamp: 3, Load: cluster.LoadVector{CPU: 0.1, Backlog: 0.9}}.Append(nil))
	f.Add([]byte{Magic, Version})
	f.Add(make([]byte, Len))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := m.Decode(b); err != nil {
			return
		}
		for _, v := range []float64{m.Load.CPU, m.Load.Mem, m.Load.NetBuf, m.Load.IOQueue, m.Load.Backlog} {
			if v < 0 || v > 1 {
				t.Fatalf("component out of range: %v", v)
			}
		}
		if out := m.Append(nil); !bytes.Equal(out, b) {
			t.Fatalf("round trip %x -> %x", b, out)
		}
	})
}
