package session

import (
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
)

// Session is a session as the Tracker knows it (a copy).
type Session struct {
	ID         ID
	Kind       Kind
	Key        string // Call-ID or RTSP Session ("" while an RTSP SETUP awaits its reply)
	Server     cluster.ServerID
	HasServer  bool
	Signalling FlowKey // the flow that opened it
	Created    time.Time
	LastSeen   time.Time     // last signalling message or media packet
	Timeout    time.Duration // inactive after it, purged after twice it
	Ending     bool          // BYE, CANCEL or TEARDOWN seen, final answer not yet
	End        EndReason     // EndNone while running
}

// hint is what one side announced for one stream: where it receives.
type hint struct {
	addr      netip.Addr
	rtp, rtcp uint16
}

// sessEntry is a Session in the table.
type sessEntry struct {
	Session
	flows []*flowEntry // announced flows it owns
	exps  []*expEntry  // its expectations (some may be gone)
	hints [2][inspect.MaxMedia]hint
	conn  connKey // RTSP: the connection of a pending SETUP
	// teardownCSeq is the CSeq of the ending request (RTSP: its 2xx reply,
	// recognised by this CSeq, ends the session).
	teardownCSeq uint32
	endAt        time.Time
	gone         bool
}

func (s *sessEntry) deadline() (time.Time, bool) {
	if s.End != EndNone {
		return s.endAt, !s.gone
	}
	return s.LastSeen.Add(2 * s.Timeout), !s.gone
}

func (s *sessEntry) touch(now time.Time) {
	if now.After(s.LastSeen) {
		s.LastSeen = now
	}
}

// Session returns session id.
func (t *Tracker) Session(id ID) (Session, bool) {
	s, ok := t.sessions[id]
	if !ok {
		return Session{}, false
	}
	return s.Session, true
}

// SessionByKey returns the session of a Call-ID or RTSP Session.
func (t *Tracker) SessionByKey(kind Kind, key string) (Session, bool) {
	if int(kind) >= len(t.byKey) {
		return Session{}, false
	}
	s, ok := t.byKey[kind][key]
	if !ok {
		return Session{}, false
	}
	return s.Session, true
}

// Expectations returns the session's pending expectations.
func (t *Tracker) Expectations(id ID) []Expectation {
	s, ok := t.sessions[id]
	if !ok {
		return nil
	}
	var out []Expectation
	for _, x := range s.exps {
		if !x.gone {
			out = append(out, x.Expectation)
		}
	}
	return out
}

// newSession adds a session.
func (t *Tracker) newSession(now time.Time, kind Kind, key string, sig FlowKey) (*sessEntry, error) {
	if len(t.sessions) >= t.cfg.MaxSessions {
		t.ctr.sessionsFull.Add(1)
		return nil, ErrSessionsFull
	}
	t.nextID++
	to := t.cfg.Timeouts.SIP
	if kind == KindRTSP {
		to = t.cfg.Timeouts.RTSP
	}
	s := &sessEntry{Session: Session{ID: t.nextID, Kind: kind, Key: key, Signalling: sig,
		Created: now, LastSeen: now, Timeout: to}}
	t.sessions[s.ID] = s
	if key != "" {
		t.byKey[kind][key] = s
	}
	t.ctr.sessionsCreated.Add(1)
	t.wheel.add(s, now.Add(2*to), now)
	return s, nil
}

// endSession ends s early: its expectations go now, its association and
// flows linger for Config.Linger, then are purged.
func (t *Tracker) endSession(now time.Time, s *sessEntry, r EndReason) {
	if s.End != EndNone {
		return
	}
	s.End, s.Ending, s.endAt = r, false, now.Add(t.cfg.Linger)
	t.ctr.sessionsEnded[r].Add(1)
	for _, x := range s.exps {
		t.removeExpectation(x, &t.ctr.expCancelled)
	}
	s.exps = s.exps[:0]
	for _, f := range s.flows {
		f.lingerAt = s.endAt
	}
	t.wheel.add(s, s.endAt, now)
	if t.cfg.Listener != nil {
		t.cfg.Listener.SessionEnded(s.Session, r)
	}
}

// purgeSession removes s and what it owns; a running session times out.
func (t *Tracker) purgeSession(s *sessEntry, now time.Time) {
	if s.End == EndNone {
		t.endSession(now, s, EndTimeout)
	}
	s.gone = true
	for _, x := range s.exps {
		t.removeExpectation(x, &t.ctr.expCancelled)
	}
	for _, f := range s.flows {
		t.removeFlow(f, false)
	}
	delete(t.sessions, s.ID)
	if cur := t.byKey[s.Kind][s.Key]; cur == s {
		delete(t.byKey[s.Kind], s.Key)
	}
	if cur := t.pending[s.conn]; cur == s {
		delete(t.pending, s.conn)
	}
}

// EachSession calls fn with every session in the table (ended ones still
// lingering included), its flows and its pending expectations, until fn
// returns false. Order is unspecified. Owner's goroutine only.
func (t *Tracker) EachSession(fn func(s Session, flows []Flow, exps []Expectation) bool) {
	var flows []Flow
	var exps []Expectation
	for _, s := range t.sessions {
		flows, exps = flows[:0], exps[:0]
		for _, f := range s.flows {
			flows = append(flows, f.Flow)
		}
		for _, e := range s.exps {
			if !e.gone {
				exps = append(exps, e.Expectation)
			}
		}
		if !fn(s.Session, flows, exps) {
			return
		}
	}
}
