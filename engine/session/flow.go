package session

import (
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Flow is one direction of a flow as the Tracker knows it (a copy).
type Flow struct {
	Key       FlowKey
	Identity  Identity
	Status    Status // as of the last packet; see Tracker.Lookup for the status now
	Session   ID     // owning session (0: Plain); for a shared SIP trunk flow, the last dialog seen
	Server    cluster.ServerID
	HasServer bool
	// Multiplexed: a SIP-over-UDP signalling flow that carried several
	// dialogs: its server is decided per message (by Call-ID), not per flow.
	Multiplexed bool
	Created     time.Time
	LastSeen    time.Time
	Timeout     time.Duration // inactive after it, purged after twice it
	Packets     uint64
}

// flowEntry is a Flow in the table.
type flowEntry struct {
	Flow
	sess     *sessEntry // owning session for Secondary flows (nil otherwise)
	lingerAt time.Time  // session ended: purge at this time at the latest
	gone     bool
}

func (f *flowEntry) deadline() (time.Time, bool) {
	at := f.LastSeen.Add(2 * f.Timeout)
	if !f.lingerAt.IsZero() && f.lingerAt.Before(at) {
		at = f.lingerAt
	}
	return at, !f.gone
}

// statusAt is the flow's status at now.
func (f *Flow) statusAt(now time.Time) Status {
	if now.Sub(f.LastSeen) >= f.Timeout {
		return StatusInactive
	}
	return f.Status
}

// touch records a packet of the flow.
func (f *Flow) touch(now time.Time) {
	if f.Packets > 0 {
		f.Status = StatusEstablished
	}
	f.Packets++
	if now.After(f.LastSeen) {
		f.LastSeen = now
	}
}

// addFlow inserts a new flow (the caller checked it is absent).
func (t *Tracker) addFlow(now time.Time, f Flow) (*flowEntry, error) {
	if len(t.flows) >= t.cfg.MaxFlows {
		t.ctr.flowsFull.Add(1)
		return nil, ErrFlowsFull
	}
	f.Created, f.LastSeen, f.Status = now, now, StatusNew
	e := &flowEntry{Flow: f}
	t.flows[f.Key] = e
	t.ctr.flowsCreated.Add(1)
	t.wheel.add(e, now.Add(2*f.Timeout), now)
	if t.cfg.Listener != nil {
		t.cfg.Listener.FlowAdded(e.Flow)
	}
	return e, nil
}

// removeFlow deletes a flow from the table.
func (t *Tracker) removeFlow(e *flowEntry, expired bool) {
	if e.gone {
		return
	}
	e.gone = true
	delete(t.flows, e.Key)
	if expired {
		t.ctr.flowsExpired.Add(1)
	} else {
		t.ctr.flowsEnded.Add(1)
	}
	if t.cfg.Listener != nil {
		t.cfg.Listener.FlowRemoved(e.Key)
	}
}

// flowTimeout is the timeout of a flow of the given identity.
func (t *Tracker) flowTimeout(id Identity, kind Kind, p Proto) time.Duration {
	to := &t.cfg.Timeouts
	switch {
	case id == Announced || id == Secondary:
		return to.Media
	case id == Signalling && kind == KindSIP:
		return to.SIP
	case id == Signalling && kind == KindRTSP:
		return to.RTSP
	case p == TCP:
		return to.TCP
	}
	return to.UDP
}

// Pin adds (or refreshes) a Plain flow — one of no session — bound to
// server, with the plain UDP/TCP timeout: for callers that give flows
// outside any session a sticky server.
func (t *Tracker) Pin(now time.Time, k FlowKey, server cluster.ServerID) (Flow, error) {
	if e, ok := t.flows[k]; ok {
		e.touch(now)
		return e.Flow, nil
	}
	e, err := t.addFlow(now, Flow{Key: k, Identity: Plain, Server: server, HasServer: true,
		Timeout: t.flowTimeout(Plain, 0, k.Proto)})
	if err != nil {
		return Flow{}, err
	}
	e.touch(now)
	return e.Flow, nil
}
