package admission

import "time"

// Rand is the random source of a Decider; *math/rand.Rand satisfies it.
// Tests inject a seeded or scripted source.
type Rand interface {
	Float64() float64
}

// Clock returns the current time as a duration since any fixed origin.
type Clock func() time.Duration

// DecisionCounters count every decision a Decider took.
type DecisionCounters struct {
	NewAdmitted, NewRejected uint64
	// InDialogRejected stays 0: in-dialog requests are never rejected
	// (kept for the API and metrics that report it).
	InDialogAdmitted, InDialogRejected uint64
	MediaForwarded, MediaDropped       uint64
}

// Decider applies a Policy to individual sessions and packets, as one data
// plane worker would. It is not safe for concurrent use: one per worker.
type Decider struct {
	p        Policy
	rng      Rand
	clock    Clock
	epoch    uint64
	started  bool          // paced mode: a pacing period is running
	period   time.Duration // T_i
	next     time.Duration // time of the next paced rejection
	Counters DecisionCounters
}

// NewDecider returns a Decider drawing from rng; clock is needed by the
// Paced mode only (nil is allowed for Bernoulli policies).
func NewDecider(rng Rand, clock Clock) *Decider {
	return &Decider{rng: rng, clock: clock}
}

// Apply installs the policy of a new interval. A changed PaceEpoch resets
// the pacing period to T_0 (eq 3).
func (d *Decider) Apply(p Policy) {
	if p.PaceEpoch != d.epoch {
		d.epoch, d.started = p.PaceEpoch, false
	}
	d.p = p
}

// Policy returns the policy in force.
func (d *Decider) Policy() Policy { return d.p }

// AdmitNew decides on a request opening a new session.
func (d *Decider) AdmitNew() bool {
	ok := d.admitNew()
	if ok {
		d.Counters.NewAdmitted++
	} else {
		d.Counters.NewRejected++
	}
	return ok
}

func (d *Decider) admitNew() bool {
	p := &d.p
	switch {
	case p.RejectAll || p.NoServers || p.PNew >= 1:
		return false
	case p.PNew <= 0:
		return true
	case p.Pacing == Paced:
		return !d.pacedReject()
	}
	return d.rng.Float64() >= p.PNew
}

// pacedReject is eq (3): the first new session at or after the deadline is
// rejected and the next deadline is T_{i+1} = (1 − p_new)·T_i later.
func (d *Decider) pacedReject() bool {
	now := d.clock()
	if !d.started {
		d.started, d.period, d.next = true, time.Duration(d.p.PaceT0Ns), now+time.Duration(d.p.PaceT0Ns)
		return false
	}
	if now < d.next {
		return false
	}
	d.period = time.Duration((1 - d.p.PNew) * float64(d.period))
	d.next = now + d.period
	return true
}

// PacePeriod returns the current T_i of the paced mode (0 before it starts).
func (d *Decider) PacePeriod() time.Duration {
	if !d.started {
		return 0
	}
	return d.period
}

// AdmitInDialog decides on a signalling request of an established session
// (re-INVITE, BYE, PLAY, TEARDOWN...): always admitted, at reject-all too,
// as the workers and the signalling path do — ending sessions frees
// capacity, and a dropped BYE keeps a dialog alive on its server.
func (d *Decider) AdmitInDialog() bool {
	d.Counters.InDialogAdmitted++
	return true
}

// DropMedia decides on one media packet of an established session: dropped
// with p_est (eq 2), always when RejectAll.
func (d *Decider) DropMedia() bool {
	drop := d.p.RejectAll || (d.p.PEst > 0 && d.rng.Float64() < d.p.PEst)
	if drop {
		d.Counters.MediaDropped++
	} else {
		d.Counters.MediaForwarded++
	}
	return drop
}
