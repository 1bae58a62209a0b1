package session

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Tracker holds the flow table, the session table with its association
// session → server, and the expectations. It belongs to one goroutine
// (the signalling-ring drainer on the control lcore); Counters may be read
// from any goroutine.
type Tracker struct {
	cfg      Config
	flows    map[FlowKey]*flowEntry
	sessions map[ID]*sessEntry
	byKey    [3]map[string]*sessEntry // by Kind: Call-ID or RTSP session
	pending  map[connKey]*sessEntry   // RTSP SETUP sent, Session not named yet
	exps     map[expKey][]*expEntry
	nexp     int
	nextID   ID
	wheel    *wheel
	ctr      counterSet
}

// New returns an empty Tracker.
func New(cfg Config) (*Tracker, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("session.New: %w", err)
	}
	to := cfg.Timeouts
	horizon := 2 * max(to.UDP, to.TCP, to.SIP, to.RTSP, to.Media, cfg.Linger)
	t := &Tracker{
		cfg:      cfg,
		flows:    make(map[FlowKey]*flowEntry),
		sessions: make(map[ID]*sessEntry),
		pending:  make(map[connKey]*sessEntry),
		exps:     make(map[expKey][]*expEntry),
		wheel:    newWheel(cfg.Tick, horizon),
	}
	for i := range t.byKey {
		t.byKey[i] = make(map[string]*sessEntry)
	}
	return t, nil
}

// Outcome says what Observe found for a packet.
type Outcome uint8

// Observe outcomes.
const (
	Miss      Outcome = iota // no flow, no expectation: the caller's default action
	Hit                      // a known flow
	Promoted                 // first packet of an expected flow: now a flow of its session
	Ambiguous                // expected by several sessions, no way to tell: handled as a Miss
)

var outcomeNames = [...]string{"miss", "hit", "promoted", "ambiguous"}

// String returns the outcome's name.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "outcome?"
}

// Verdict is Observe's answer for one packet.
type Verdict struct {
	Outcome   Outcome
	Identity  Identity
	Session   ID
	Server    cluster.ServerID
	HasServer bool // false: the session has no server yet, or Miss/Ambiguous
	// PerMessage: a multiplexed SIP-over-UDP signalling flow; the server
	// follows each message's Call-ID (inspect it, then Signal).
	PerMessage bool
}

// Observe accounts one packet of flow k at now: a known flow is refreshed
// (and its session kept alive); otherwise an expectation that matches is
// promoted to an exact flow of its session, inheriting its server.
func (t *Tracker) Observe(now time.Time, k FlowKey) Verdict {
	if f, ok := t.flows[k]; ok {
		f.touch(now)
		if f.sess != nil && !f.sess.gone && f.sess.End == EndNone {
			f.sess.touch(now)
		}
		return Verdict{Outcome: Hit, Identity: f.Identity, Session: f.Session, Server: f.Server,
			HasServer: f.HasServer, PerMessage: f.Multiplexed}
	}
	x, ambiguous := t.match(now, k)
	if ambiguous {
		t.ctr.expAmbig.Add(1)
		return Verdict{Outcome: Ambiguous}
	}
	if x == nil {
		t.ctr.misses.Add(1)
		return Verdict{Outcome: Miss}
	}
	s := x.sess
	f, err := t.addFlow(now, Flow{Key: k, Identity: Secondary, Session: s.ID, Server: s.Server,
		HasServer: s.HasServer, Timeout: t.cfg.Timeouts.Media})
	if err != nil {
		// Table full (counted): the expectation stays, the packet is a miss.
		return Verdict{Outcome: Miss}
	}
	f.sess = s
	f.touch(now)
	s.flows = append(s.flows, f)
	s.touch(now)
	t.removeExpectation(x, &t.ctr.expMatched)
	return Verdict{Outcome: Promoted, Identity: Secondary, Session: s.ID, Server: s.Server, HasServer: s.HasServer}
}

// Lookup returns flow k with its status at now.
func (t *Tracker) Lookup(now time.Time, k FlowKey) (Flow, bool) {
	f, ok := t.flows[k]
	if !ok {
		return Flow{}, false
	}
	c := f.Flow
	c.Status = f.statusAt(now)
	return c, true
}

// Assign records the association session → server chosen by the caller
// for a session that Signal reported with NeedsServer. The session's
// flows, expectations and (for SIP over TCP) its connection follow it.
func (t *Tracker) Assign(id ID, server cluster.ServerID) error {
	s, ok := t.sessions[id]
	if !ok {
		return fmt.Errorf("assign %d: %w", id, ErrUnknownSession)
	}
	if s.HasServer {
		if s.Server == server {
			return nil
		}
		return fmt.Errorf("assign %d to %d (has %d): %w", id, server, s.Server, ErrAlreadyAssigned)
	}
	s.Server, s.HasServer = server, true
	for _, f := range s.flows {
		f.Server, f.HasServer = server, true
	}
	for _, x := range s.exps {
		x.Server, x.HasServer = server, true
	}
	if c := t.flows[s.Signalling]; c != nil && c.Key.Proto == TCP && !c.HasServer {
		c.Server, c.HasServer = server, true
	}
	if t.cfg.Listener != nil {
		t.cfg.Listener.Associated(s.Session)
	}
	return nil
}

// Refuse ends session id, which has no server yet, because admission
// control refused it (EndRefused): it lingers like any ended session
// (Config.Linger), so the caller recognises the refused session's
// retransmissions and the ACK of its refusal (Session(id).End). A session
// with a server, or already ended, is left alone; Refuse reports whether
// it ended the session.
func (t *Tracker) Refuse(now time.Time, id ID) bool {
	s, ok := t.sessions[id]
	if !ok || s.HasServer || s.End != EndNone {
		return false
	}
	t.endSession(now, s, EndRefused)
	return true
}

// Expire purges flows, expectations and sessions past their deadline,
// visiting at most budget timer entries; it returns how many it visited
// (budget when more work is left). Call it from the owner's poll loop.
func (t *Tracker) Expire(now time.Time, budget int) int {
	return t.wheel.advance(now, budget, func(e timed, now time.Time) {
		switch v := e.(type) {
		case *flowEntry:
			t.removeFlow(v, true)
		case *expEntry:
			t.removeExpectation(v, &t.ctr.expExpired)
		case *sessEntry:
			t.purgeSession(v, now)
		}
	})
}

// Len returns the numbers of flows, sessions (including ended ones still
// lingering) and expectations in the tables.
func (t *Tracker) Len() (flows, sessions, expectations int) {
	return len(t.flows), len(t.sessions), t.nexp
}

// connKey names a TCP connection independently of direction.
type connKey struct{ client, server netip.AddrPort }
