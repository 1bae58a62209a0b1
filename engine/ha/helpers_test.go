package ha

import (
	"net/netip"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func flowKey(src, dst string) session.FlowKey {
	return session.FlowKey{Src: ap(src), Dst: ap(dst), Proto: session.UDP}
}

// sampleRecords covers every kind and op, IPv4 and IPv6.
func sampleRecords() []Record {
	return []Record{
		{Kind: KindFlow, Op: OpPut, Flow: FlowRecord{Key: flowKey("10.0.0.1:5060", "10.0.0.100:5060"),
			Server: 2, Session: 7, Identity: session.Signalling, LastSeen: 1700000000123, Timeout: 60000}},
		{Kind: KindFlow, Op: OpPut, Flow: FlowRecord{Key: flowKey("[2001:db8::1]:40000", "[2001:db8::100]:30000"),
			Server: 1023, Session: 1 << 40, Identity: session.Secondary, LastSeen: -1, Timeout: 1, DPClass: 4, DPFlags: 0x0c}},
		{Kind: KindFlow, Op: OpDelete, Flow: FlowRecord{Key: flowKey("10.0.0.1:5060", "10.0.0.100:5060")}},
		{Kind: KindExpectation, Op: OpPut, Exp: ExpectationRecord{Dst: ap("10.0.0.100:30000"), Proto: session.UDP,
			Session: 7, Src: netip.MustParseAddr("192.0.2.9"), SrcPort: 4000, Server: 2, HasServer: true,
			RTCP: true, Receiver: 1, Index: 0, Expires: 1700000030000}},
		{Kind: KindExpectation, Op: OpPut, Exp: ExpectationRecord{Dst: ap("[2001:db8::100]:30002"), Proto: session.TCP,
			Session: 9, Src: netip.MustParseAddr("2001:db8::9"), Receiver: 2, Index: 3}},
		{Kind: KindExpectation, Op: OpPut, Exp: ExpectationRecord{Dst: ap("10.0.0.100:30004"), Proto: session.UDP, Session: 9}},
		{Kind: KindExpectation, Op: OpDelete, Exp: ExpectationRecord{Dst: ap("10.0.0.100:30000"), Proto: session.UDP, Session: 7}},
		{Kind: KindAssociation, Op: OpPut, Assoc: AssociationRecord{Session: 7, Server: 2}},
		assocWithKey(8, 1, session.KindSIP, "ab@cd.e"),
		{Kind: KindAssociation, Op: OpDelete, Assoc: AssociationRecord{Session: 7}},
		{Kind: KindServer, Op: OpPut, Server: ServerStateRecord{Server: 3, State: 2}},
		{Kind: KindServer, Op: OpDelete, Server: ServerStateRecord{Server: 3}},
		{Kind: KindAdmission, Op: OpPut, Admission: AdmissionRecord{T1: 0.7, T2: 0.85, T3: 0.95, C: 1}},
		{Kind: KindAdmission, Op: OpDelete},
	}
}

func mustAppend(t testing.TB, r Record) []byte {
	t.Helper()
	b, err := AppendRecord(nil, &r)
	if err != nil {
		t.Fatalf("AppendRecord(%+v): %v", r, err)
	}
	return b
}

// assocWithKey is an association put that carries its session key.
func assocWithKey(id session.ID, server cluster.ServerID, kind session.Kind, key string) Record {
	r := Record{Kind: KindAssociation, Op: OpPut, Assoc: AssociationRecord{Session: id, Server: server}}
	r.Assoc.SetKey(kind, key)
	return r
}
