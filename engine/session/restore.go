package session

import (
	"fmt"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// A hot-standby dispatcher's Tracker holds copies of the primary's
// sessions, so that after a takeover in-dialog messages (a BYE of a trunk
// call, a PLAY on an RTSP session) find their server and announced media
// its expectation. The replication stream (engine/ha) calls these methods
// on the Tracker's goroutine; each fires the Listener like the live path
// does, so the data plane's expectation table follows.

// Restore makes sure a running session of kind keyed by key (Call-ID or
// RTSP Session) exists with server, and returns its id. An existing
// session without a server is assigned; one with another server is moved
// (the primary's association wins). The session is fresh: LastSeen is now.
func (t *Tracker) Restore(now time.Time, kind Kind, key string, server cluster.ServerID) (ID, error) {
	if kind != KindSIP && kind != KindRTSP || key == "" {
		return 0, fmt.Errorf("restore %v %q: %w", kind, key, ErrNoSession)
	}
	s, ok := t.byKey[kind][key]
	if !ok || s.End != EndNone {
		var err error
		if s, err = t.newSession(now, kind, key, FlowKey{}); err != nil {
			return 0, err
		}
	}
	s.touch(now)
	if s.HasServer && s.Server == server {
		return s.ID, nil
	}
	s.HasServer = false
	if err := t.Assign(s.ID, server); err != nil {
		return 0, err
	}
	t.ctr.restored.Add(1)
	return s.ID, nil
}

// RestoreExpectation adds x (Dst, Proto, Src, SrcPort, RTCP, Receiver,
// Index; the rest is the session's) to session id unless it lapsed
// (expires, the primary's deadline, is past); like any announcement it
// lives for the media timeout from now.
func (t *Tracker) RestoreExpectation(now time.Time, id ID, x Expectation, expires time.Time) error {
	s, ok := t.sessions[id]
	if !ok || s.End != EndNone {
		return fmt.Errorf("restore expectation of %d: %w", id, ErrUnknownSession)
	}
	if !expires.After(now) {
		return nil // it lapsed in transit
	}
	t.addExpectation(now, s, x)
	return nil
}

// Forget ends session id because the primary ended it (EndReplica): its
// expectations go now, the rest lingers like any ended session.
func (t *Tracker) Forget(now time.Time, id ID) {
	if s, ok := t.sessions[id]; ok {
		t.endSession(now, s, EndReplica)
	}
}

// ForgetAll ends every running session (a standby about to take a new
// snapshot).
func (t *Tracker) ForgetAll(now time.Time) {
	for _, s := range t.sessions {
		t.endSession(now, s, EndReplica)
	}
}

// TouchAll makes every running session fresh (LastSeen = now): a standby's
// copies were idle there while the primary kept them busy.
func (t *Tracker) TouchAll(now time.Time) {
	for _, s := range t.sessions {
		if s.End == EndNone {
			s.touch(now)
		}
	}
}
