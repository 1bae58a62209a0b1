package ha

import (
	"sync/atomic"
	"time"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
)

// Publisher takes changes (implemented by *Node).
type Publisher interface {
	Publish(r Record, now time.Time) error
}

// Mirror is a session.Listener that turns a Tracker's changes into
// records: each is applied to Table (when set: the Source a primary
// snapshots) and then published (when Publisher is set). It also takes the
// management plane's server states and the admission thresholds. Like any
// Listener it runs on the Tracker's goroutine; ServerState and Admission
// may be called from others (Table and Node lock).
type Mirror struct {
	Table     *Table
	Publisher Publisher
	Now       func() time.Time // nil: time.Now
	errors    atomic.Uint64
	keyless   atomic.Uint64
}

var _ session.Listener = (*Mirror)(nil)

func (m *Mirror) emit(r Record) {
	if m.Table != nil {
		m.Table.Apply(r)
	}
	if m.Publisher == nil {
		return
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	if err := m.Publisher.Publish(r, now()); err != nil {
		m.errors.Add(1)
	}
}

// Errors counts records that could not be published (invalid keys).
func (m *Mirror) Errors() uint64 { return m.errors.Load() }

// FlowRecordOf converts a tracker flow.
func FlowRecordOf(f session.Flow) FlowRecord {
	return FlowRecord{Key: f.Key, Server: f.Server, Session: f.Session, Identity: f.Identity,
		LastSeen: f.LastSeen.UnixMilli(), Timeout: uint32(f.Timeout / time.Millisecond)}
}

// ExpectationRecordOf converts a tracker expectation.
func ExpectationRecordOf(e session.Expectation) ExpectationRecord {
	return ExpectationRecord{Dst: e.Dst, Proto: e.Proto, Session: e.Session, Src: e.Src, SrcPort: e.SrcPort,
		Server: e.Server, HasServer: e.HasServer, RTCP: e.RTCP, Receiver: uint8(e.Receiver), Index: e.Index,
		Expires: e.Expires.UnixMilli()}
}

// FlowAdded publishes the flow.
func (m *Mirror) FlowAdded(f session.Flow) {
	m.emit(Record{Kind: KindFlow, Op: OpPut, Flow: FlowRecordOf(f)})
}

// FlowRemoved publishes the flow's removal.
func (m *Mirror) FlowRemoved(k session.FlowKey) {
	m.emit(Record{Kind: KindFlow, Op: OpDelete, Flow: FlowRecord{Key: k}})
}

// ExpectationAdded publishes the expectation.
func (m *Mirror) ExpectationAdded(e session.Expectation) {
	m.emit(Record{Kind: KindExpectation, Op: OpPut, Exp: ExpectationRecordOf(e)})
}

// ExpectationRemoved publishes the expectation's removal.
func (m *Mirror) ExpectationRemoved(e session.Expectation) {
	m.emit(Record{Kind: KindExpectation, Op: OpDelete, Exp: ExpectationRecord{Dst: e.Dst, Proto: e.Proto, Session: e.Session}})
}

// Associated publishes the session's server.
func (m *Mirror) Associated(s session.Session) {
	r := Record{Kind: KindAssociation, Op: OpPut, Assoc: AssociationRecord{Session: s.ID, Server: s.Server}}
	if !r.Assoc.SetKey(s.Kind, s.Key) {
		m.keyless.Add(1)
	}
	m.emit(r)
}

// Keyless counts associations replicated without their session key
// (empty, or longer than MaxSessionKey).
func (m *Mirror) Keyless() uint64 { return m.keyless.Load() }

// SessionEnded removes the association: the session's lingering flows keep
// their server (FlowRecord.Server) until they are removed themselves.
func (m *Mirror) SessionEnded(s session.Session, _ session.EndReason) {
	m.emit(Record{Kind: KindAssociation, Op: OpDelete, Assoc: AssociationRecord{Session: s.ID}})
}

// ServerState publishes a server's state (from the health monitor).
func (m *Mirror) ServerState(id cluster.ServerID, st cluster.State) {
	m.emit(Record{Kind: KindServer, Op: OpPut, Server: ServerStateRecord{Server: id, State: st}})
}

// Admission publishes the thresholds in force from an admission policy.
func (m *Mirror) Admission(p admission.Policy) {
	m.emit(Record{Kind: KindAdmission, Op: OpPut, Admission: AdmissionRecord{T1: p.T1, T2: p.T2, T3: p.T3, C: p.C}})
}
