package heartbeat

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestGolden(t *testing.T) {
	cases := []struct {
		m   Message
		hex string
	}{
		{Message{Host: 1, Seq: 2, Flag: FlagUp, Timestamp: 0x6553f100}, "00000001" + "0002" + "01" + "6553f100"},
		{Message{Host: 0xc0a80a07, Seq: 0xffff, Flag: FlagAppDown, Timestamp: 1}, "c0a80a07" + "ffff" + "02" + "00000001"},
		{Message{Host: 9, Seq: 0x1234, Flag: FlagPlanned, Timestamp: 0xfffffffe}, "00000009" + "1234" + "03" + "fffffffe"},
	}
	for _, c := range cases {
		b := c.m.Append(nil)
		if hex.EncodeToString(b) != c.hex {
			t.Errorf("encode %+v = %x, want %s", c.m, b, c.hex)
		}
		want, _ := hex.DecodeString(c.hex)
		var got Message
		if err := got.Decode(want); err != nil || got != c.m {
			t.Errorf("decode %s = %+v, %v", c.hex, got, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := Message{Host: 1, Flag: FlagUp}.Append(nil)
	var m Message
	if err := m.Decode(good[:10]); !errors.Is(err, ErrLength) {
		t.Errorf("short: %v", err)
	}
	if err := m.Decode(append(bytes.Clone(good), 0)); !errors.Is(err, ErrLength) {
		t.Errorf("long: %v", err)
	}
	for _, f := range []byte{0, 4, 255} {
		b := bytes.Clone(good)
		b[6] = f
		if err := m.Decode(b); !errors.Is(err, ErrFlag) {
			t.Errorf("flag %d: %v", f, err)
		}
	}
}

func TestDecodeNoAlloc(t *testing.T) {
	b := Message{Host: 7, Seq: 3, Flag: FlagPlanned, Timestamp: 5}.Append(nil)
	var m Message
	if n := testing.AllocsPerRun(100, func() { _ = m.Decode(b) }); n != 0 {
		t.Fatalf("Decode allocates %v", n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Message{Host: 1, Seq: 2, Flag: FlagUp, Timestamp: 3}.Append(nil))
	f.Add(Message{Host: 1, Seq: 0xffff, Flag: FlagPlanned, Timestamp: 3}.Append(nil))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := m.Decode(b); err != nil {
			return
		}
		if out := m.Append(nil); !bytes.Equal(out, b) {
			t.Fatalf("round trip %x -> %+v -> %x", b, m, out)
		}
	})
}
