package session

import "sync/atomic"

// Counters is a snapshot of a Tracker's counts. Invariants (tested):
// FlowsCreated = FlowsExpired + FlowsEnded + live flows;
// ExpCreated = ExpMatched + ExpExpired + ExpCancelled + live expectations;
// SessionsCreated = Σ SessionsEnded + live sessions.
type Counters struct {
	FlowsCreated uint64 // flows added (signalling, promoted, pinned)
	FlowsExpired uint64 // flows purged after twice their timeout
	FlowsEnded   uint64 // flows removed with their ended or expired session
	FlowsFull    uint64 // flows refused: table full

	ExpCreated   uint64 // expectations added
	ExpMatched   uint64 // expectations promoted to a flow by a first packet
	ExpExpired   uint64 // expectations purged without a packet
	ExpCancelled uint64 // expectations removed: session ended, or a SIP offer/answer moved the stream elsewhere
	ExpConflicts uint64 // expectations added on a (dst, proto) another session already expects
	ExpAmbiguous uint64 // packets matching expectations of several sessions with no way to tell (not promoted)
	ExpFull      uint64 // expectations refused: table full

	SessionsCreated uint64                // sessions opened
	SessionsEnded   [numEndReasons]uint64 // sessions removed, by EndReason (index EndNone unused)
	SessionsFull    uint64                // sessions refused: table full
	Orphans         uint64                // in-session messages whose session is unknown (not created)
	Restored        uint64                // sessions restored or moved from the primary's stream (hot standby)
	NoSession       uint64                // messages that belong to no session (REGISTER, OPTIONS...)
	Misses          uint64                // Observe: packets of no flow and no expectation
}

// counterSet is the live, atomically updated form of Counters.
type counterSet struct {
	flowsCreated, flowsExpired, flowsEnded, flowsFull                            atomic.Uint64
	expCreated, expMatched, expExpired, expCancelled, expConflicts, expAmbig     atomic.Uint64
	expFull, sessionsCreated, sessionsFull, orphans, noSession, misses, restored atomic.Uint64
	sessionsEnded                                                                [numEndReasons]atomic.Uint64
}

// Counters returns a snapshot; it may be called from any goroutine.
func (t *Tracker) Counters() Counters {
	c := &t.ctr
	s := Counters{
		FlowsCreated: c.flowsCreated.Load(), FlowsExpired: c.flowsExpired.Load(),
		FlowsEnded: c.flowsEnded.Load(), FlowsFull: c.flowsFull.Load(),
		ExpCreated: c.expCreated.Load(), ExpMatched: c.expMatched.Load(), ExpExpired: c.expExpired.Load(),
		ExpCancelled: c.expCancelled.Load(), ExpConflicts: c.expConflicts.Load(),
		ExpAmbiguous: c.expAmbig.Load(), ExpFull: c.expFull.Load(),
		SessionsCreated: c.sessionsCreated.Load(), SessionsFull: c.sessionsFull.Load(),
		Orphans: c.orphans.Load(), Restored: c.restored.Load(), NoSession: c.noSession.Load(), Misses: c.misses.Load(),
	}
	for i := range c.sessionsEnded {
		s.SessionsEnded[i] = c.sessionsEnded[i].Load()
	}
	return s
}
