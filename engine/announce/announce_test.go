package announce

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

func sample() *Message {
	m := &Message{
		Type: TypeAnnounce, Seq: 0x01020304, Time: 0x1122334455667788, Kind: KindSIP, Op: OpExpectMedia,
		Key:    []byte("ab@c"),
		Client: netip.MustParseAddrPort("192.0.2.1:5060"), Server: netip.MustParseAddrPort("203.0.113.10:5060"),
		HostID: 7, HasHostID: true, N: 2,
	}
	m.Media[0] = Endpoint{Receiver: inspect.SideServer, Addr: netip.MustParseAddr("203.0.113.10"), Port: 20000, RTCPPort: 20001}
	m.Media[1] = Endpoint{Receiver: inspect.SideServer, Addr: netip.MustParseAddr("2001:db8::1"), Transport: inspect.TCP, Refused: true, Hold: true}
	return m
}

// golden is sample() encoded by hand from the layout in docs/inspection.md.
const golden = "53415241" + "01" + "01" + "01" + "00" + "01020304" + "1122334455667788" + // header
	"01" + "01" + "04" + "02" + "61624063" + // kind SIP, op expect, key length 4, 2 media, key
	"04" + "c0000201" + "13c4" + // client 192.0.2.1:5060
	"04" + "cb00710a" + "13c4" + // server 203.0.113.10:5060
	"00000007" + // host id
	"04" + "cb00710a" + "4e20" + "4e21" + "00" + "10" + // endpoint: server receives, udp
	"06" + "20010db8000000000000000000000001" + "0000" + "0000" + "01" + "13" // tcp, refused|hold|server

func TestGolden(t *testing.T) {
	want, _ := hex.DecodeString(golden)
	got, err := sample().Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding\n got %x\nwant %x", got, want)
	}
	var m Message
	if err := m.Decode(want); err != nil {
		t.Fatal(err)
	}
	if !equal(&m, sample()) {
		t.Fatalf("decoded %+v", m)
	}
	hello := Message{Type: TypeHello, Seq: 9, Time: 1}
	h, _ := hello.Append(nil)
	if hex.EncodeToString(h) != "5341524101020000"+"00000009"+"0000000000000001" {
		t.Fatalf("hello %x", h)
	}
}

func equal(a, b *Message) bool {
	if a.Type != b.Type || a.Seq != b.Seq || a.Time != b.Time || a.Kind != b.Kind || a.Op != b.Op ||
		!bytes.Equal(a.Key, b.Key) || a.Client != b.Client || a.Server != b.Server || a.HasHostID != b.HasHostID ||
		a.HostID != b.HostID || a.Truncated != b.Truncated || a.N != b.N {
		return false
	}
	for i := range a.N {
		if a.Media[i] != b.Media[i] {
			return false
		}
	}
	return true
}

func randAddr(r *rand.Rand) netip.Addr {
	if r.IntN(2) == 0 {
		return netip.AddrFrom4([4]byte{byte(r.Uint32()), 2, 3, byte(r.Uint32())})
	}
	var b [16]byte
	b[0], b[1], b[15] = 0x20, 0x01, byte(r.Uint32())
	return netip.AddrFrom16(b)
}

// TestRoundTripProperty: Decode(Append(m)) == m for random valid messages.
func TestRoundTripProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, MaxLen)
	for i := range 2000 {
		m := Message{Type: TypeAnnounce, Seq: rnd.Uint32(), Time: rnd.Uint64(), Kind: Kind(1 + rnd.IntN(2)),
			Op: Op(1 + rnd.IntN(2)), Key: bytes.Repeat([]byte{byte('a' + i%26)}, 1+rnd.IntN(MaxKey)),
			Client: netip.AddrPortFrom(randAddr(rnd), uint16(rnd.Uint32())), Server: netip.AddrPortFrom(randAddr(rnd), 5060),
			HasHostID: rnd.IntN(2) == 0, Truncated: rnd.IntN(4) == 0, N: rnd.IntN(MaxMedia + 1)}
		if m.HasHostID {
			m.HostID = rnd.Uint32()
		}
		for j := range m.N {
			m.Media[j] = Endpoint{Receiver: inspect.Side(rnd.IntN(2)), Addr: randAddr(rnd), Port: uint16(rnd.Uint32()),
				RTCPPort: uint16(rnd.Uint32()), Transport: inspect.Transport(rnd.IntN(2)), Refused: rnd.IntN(2) == 0,
				Hold: rnd.IntN(2) == 0, Interleaved: rnd.IntN(2) == 0, Multicast: rnd.IntN(2) == 0}
		}
		b, err := m.Append(buf[:0])
		if err != nil || len(b) > MaxLen {
			t.Fatalf("append: %v (%d bytes)", err, len(b))
		}
		var d Message
		if err := d.Decode(b); err != nil || !equal(&d, &m) {
			t.Fatalf("round trip %d: %v\n%+v\n%+v", i, err, d, m)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good, _ := sample().Append(nil)
	mut := func(i int, v byte) []byte { b := bytes.Clone(good); b[i] = v; return b }
	cases := []struct {
		name string
		b    []byte
		err  error
	}{
		{"empty", nil, ErrShort},
		{"header only", good[:HeaderLen], ErrShort},
		{"magic", mut(0, 'X'), ErrMagic},
		{"version", mut(4, 2), ErrVersion},
		{"type", mut(5, 9), ErrType},
		{"flags", mut(6, 0x80), ErrFlags},
		{"reserved", mut(7, 1), ErrFlags},
		{"kind", mut(20, 0), ErrKind},
		{"op", mut(21, 3), ErrOp},
		{"key length 0", mut(22, 0), ErrKey},
		{"count", mut(23, MaxMedia+1), ErrCount},
		{"key past end", mut(22, 255), ErrShort},
		{"family", mut(28, 5), ErrAddress},
		{"truncated", good[:len(good)-1], ErrShort},
		{"trailing", append(bytes.Clone(good), 0), ErrTrailing},
		{"endpoint transport", mut(len(good)-2, 2), ErrEndpoint},
		{"endpoint flags", mut(len(good)-1, 0x80), ErrEndpoint},
	}
	var m Message
	for _, c := range cases {
		if err := m.Decode(c.b); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
	bad := sample()
	bad.Key = make([]byte, MaxKey+1)
	if _, err := bad.Append(nil); !errors.Is(err, ErrKey) {
		t.Fatalf("long key: %v", err)
	}
}

func TestNoAllocs(t *testing.T) {
	m := sample()
	buf := make([]byte, 0, MaxLen)
	var d Message
	if n := testing.AllocsPerRun(100, func() {
		b, _ := m.Append(buf[:0])
		if d.Decode(b) != nil {
			t.Fatal("decode")
		}
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// FuzzDecode: never panics; whatever decodes re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	g, _ := hex.DecodeString(golden)
	f.Add(g)
	h, _ := (&Message{Type: TypeHello}).Append(nil)
	f.Add(h)
	var m Message
	f.Fuzz(func(t *testing.T, b []byte) {
		if m.Decode(b) != nil {
			return
		}
		out, err := m.Append(nil)
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("re-encode: %v\n in %x\nout %x", err, b, out)
		}
	})
}

func TestMaxLen(t *testing.T) {
	m := sample()
	m.Key = bytes.Repeat([]byte{'k'}, MaxKey)
	v6 := netip.MustParseAddr("2001:db8::9")
	m.Client, m.Server, m.N = netip.AddrPortFrom(v6, 1), netip.AddrPortFrom(v6, 2), MaxMedia
	for i := range m.Media {
		m.Media[i] = Endpoint{Addr: v6, Port: 9}
	}
	b, err := m.Append(nil)
	if err != nil || len(b) != MaxLen || MaxLen != 689 {
		t.Fatalf("largest message: %d bytes (%v), MaxLen %d", len(b), err, MaxLen)
	}
}
