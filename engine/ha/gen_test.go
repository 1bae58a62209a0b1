package ha

import (
	"math/rand/v2"
	"net/netip"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
)

// randomRecord returns a put (3 in 4) or a delete over a key space of about
// keys entries of every kind, IPv4 and IPv6.
func randomRecord(rng *rand.Rand, keys int) Record {
	k := rng.IntN(keys)
	op := OpPut
	if rng.IntN(4) == 0 {
		op = OpDelete
	}
	addr := func(i int) netip.Addr {
		if i%5 == 0 {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)})
		}
		return netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
	}
	vip := func(i int) netip.Addr {
		if i%5 == 0 {
			return netip.MustParseAddr("2001:db8::100")
		}
		return netip.MustParseAddr("10.0.0.100")
	}
	srv := cluster.ServerID(rng.IntN(8))
	switch rng.IntN(10) {
	case 0, 1, 2, 3:
		return Record{Kind: KindFlow, Op: op, Flow: FlowRecord{
			Key:    session.FlowKey{Src: netip.AddrPortFrom(addr(k), uint16(1024+k)), Dst: netip.AddrPortFrom(vip(k), 5060), Proto: session.UDP},
			Server: srv, Session: session.ID(k + 1), Identity: session.Identity([]int{0, 2, 3}[rng.IntN(3)]),
			LastSeen: rng.Int64N(1 << 40), Timeout: rng.Uint32()}}
	case 4, 5:
		src := netip.Addr{}
		if rng.IntN(2) == 0 {
			src = addr(k + 1)
		}
		return Record{Kind: KindExpectation, Op: op, Exp: ExpectationRecord{
			Dst: netip.AddrPortFrom(vip(k), uint16(30000+k)), Proto: session.UDP, Session: session.ID(k + 1),
			Src: src, SrcPort: uint16(rng.IntN(3) * 4000), Server: srv, HasServer: rng.IntN(2) == 0,
			RTCP: k%2 == 1, Receiver: uint8(rng.IntN(3)), Index: uint8(rng.IntN(4)), Expires: rng.Int64N(1 << 40)}}
	case 6, 7:
		return Record{Kind: KindAssociation, Op: op, Assoc: AssociationRecord{Session: session.ID(k + 1), Server: srv}}
	case 8:
		return Record{Kind: KindServer, Op: OpPut, Server: ServerStateRecord{Server: srv, State: cluster.State(rng.IntN(5))}}
	}
	t1 := rng.Float64() * 0.7
	return Record{Kind: KindAdmission, Op: OpPut, Admission: AdmissionRecord{T1: t1, T2: t1 + 0.1, T3: t1 + 0.2, C: 1}}
}
