package ha

import (
	"fmt"
	"net/netip"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
)

// Kind says which table a Record belongs to.
type Kind uint8

// The replicated tables.
const (
	KindFlow        Kind = iota + 1 // a flow-table entry (Go tracker or C worker)
	KindExpectation                 // an announced flow not seen yet
	KindAssociation                 // session → server
	KindServer                      // a server's availability state
	KindAdmission                   // the admission thresholds in force (one record)
	numKinds
)

var kindNames = [numKinds]string{"kind?", "flow", "expectation", "association", "server", "admission"}

// String names the kind as in logs and metrics.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Op is what a Record does to its key.
type Op uint8

// Record operations.
const (
	OpPut    Op = 1 // the key now has this value (insert or overwrite)
	OpDelete Op = 2 // the key is gone (only the key fields are meaningful)
)

// FlowRecord is one direction of a flow and the server it goes to.
type FlowRecord struct {
	Key      session.FlowKey
	Server   cluster.ServerID
	Session  session.ID       // 0 for plain flows
	Identity session.Identity // signalling, secondary or plain
	LastSeen int64            // unix milliseconds of the last packet
	Timeout  uint32           // milliseconds: inactive after it, purged after twice it
	// DPClass and DPFlags are a data-plane flow's timeout class and
	// identity/status bits (dpdk/dataplane), installed as they are on the
	// backup; zero for the tracker's flows.
	DPClass, DPFlags uint8
}

// ExpectationRecord is an announced flow. Its key is (Dst, Proto, Session).
type ExpectationRecord struct {
	Dst       netip.AddrPort
	Proto     session.Proto
	Session   session.ID
	Src       netip.Addr // invalid: any source
	SrcPort   uint16     // symmetric-RTP hint, 0 if none
	Server    cluster.ServerID
	HasServer bool
	RTCP      bool
	Receiver  uint8 // inspect.Side of the receiving party
	Index     uint8 // SDP m= line
	Expires   int64 // unix milliseconds
}

// MaxSessionKey is the longest session key (Call-ID, RTSP Session) an
// AssociationRecord carries; longer keys are replicated without it (the
// backup then places the session's signalling by its flow only).
const MaxSessionKey = 128

// AssociationRecord binds a session to a server. Its key is Session (the
// primary's id); Kind and Key (KeyLen bytes) name the session, so that a
// backup that takes over finds it by Call-ID or RTSP Session. Kind is 0
// when the key is not carried.
type AssociationRecord struct {
	Session session.ID
	Server  cluster.ServerID
	Kind    session.Kind
	KeyLen  uint8
	Key     [MaxSessionKey]byte
}

// SetKey stores the session's kind and key; false (and no key) when the
// key is empty or longer than MaxSessionKey.
func (a *AssociationRecord) SetKey(kind session.Kind, key string) bool {
	if key == "" || len(key) > MaxSessionKey || (kind != session.KindSIP && kind != session.KindRTSP) {
		a.Kind, a.KeyLen = 0, 0
		return false
	}
	a.Kind, a.KeyLen = kind, uint8(len(key))
	copy(a.Key[:], key)
	return true
}

// SessionKey returns the carried key ("" when none); it allocates.
func (a *AssociationRecord) SessionKey() string { return string(a.Key[:a.KeyLen]) }

// ServerStateRecord is a server's state; a dispatcher streams the
// operator's override in force (Draining, Failed for a removed server).
type ServerStateRecord struct {
	Server cluster.ServerID
	State  cluster.State
}

// AdmissionRecord holds the admission thresholds in force (engine/admission
// Policy T1..T3, C). There is one per dispatcher: its key is empty.
type AdmissionRecord struct {
	T1, T2, T3, C float64
}

// Record is one replicated change: Op applied to the entry of table Kind
// whose fields are in the matching member (the others are ignored). It is
// a plain value so that publishing and applying allocate nothing.
type Record struct {
	Kind      Kind
	Op        Op
	Flow      FlowRecord
	Exp       ExpectationRecord
	Assoc     AssociationRecord
	Server    ServerStateRecord
	Admission AdmissionRecord
}

// RecordKey identifies the entry a Record puts or deletes: two records with
// the same key overwrite each other. It is comparable (a map key).
type RecordKey struct {
	Kind    Kind
	Flow    session.FlowKey
	Dst     netip.AddrPort
	Proto   session.Proto
	Session session.ID
	Server  cluster.ServerID
}

// Key returns the record's key; the value fields do not enter it.
func (r *Record) Key() RecordKey {
	k := RecordKey{Kind: r.Kind}
	switch r.Kind {
	case KindFlow:
		k.Flow = r.Flow.Key
	case KindExpectation:
		k.Dst, k.Proto, k.Session = r.Exp.Dst, r.Exp.Proto, r.Exp.Session
	case KindAssociation:
		k.Session = r.Assoc.Session
	case KindServer:
		k.Server = r.Server.Server
	}
	return k
}

// Value returns r with the members of other kinds cleared, and for a delete
// only its key fields kept: what a decoder returns for r's encoding.
func (r Record) Value() Record {
	out := Record{Kind: r.Kind, Op: r.Op}
	switch r.Kind {
	case KindFlow:
		out.Flow = r.Flow
		if r.Op == OpDelete {
			out.Flow = FlowRecord{Key: r.Flow.Key}
		}
	case KindExpectation:
		out.Exp = r.Exp
		if r.Op == OpDelete {
			out.Exp = ExpectationRecord{Dst: r.Exp.Dst, Proto: r.Exp.Proto, Session: r.Exp.Session}
		}
	case KindAssociation:
		out.Assoc = AssociationRecord{Session: r.Assoc.Session}
		if r.Op == OpPut {
			out.Assoc.Server = r.Assoc.Server
			out.Assoc.SetKey(r.Assoc.Kind, string(r.Assoc.Key[:r.Assoc.KeyLen]))
		}
	case KindServer:
		out.Server = r.Server
		if r.Op == OpDelete {
			out.Server.State = 0
		}
	case KindAdmission:
		if r.Op == OpPut {
			out.Admission = r.Admission
		}
	}
	return out
}
