package inspect

import "sync/atomic"

// Counters is a snapshot of an inspector's (or a Stream's) message counts.
// Invariant: every Inspect call adds one to Parsed or to exactly one
// Failed[reason], so Parsed + Σ Failed = calls.
type Counters struct {
	Parsed uint64             // messages parsed successfully
	Failed [NumReasons]uint64 // messages rejected, by Reason
	// MediaDropped counts messages that announced more than MaxMedia
	// endpoints (the extra ones were not reported).
	MediaDropped uint64
	// BadBody counts messages parsed with an unreadable SDP body (they are
	// also counted in Parsed).
	BadBody uint64
}

// TotalFailed returns Σ Failed.
func (c Counters) TotalFailed() uint64 {
	var n uint64
	for _, v := range c.Failed {
		n += v
	}
	return n
}

// CounterSet is the counters an inspector keeps: written by the goroutine
// that runs Inspect, readable from any goroutine through Snapshot. The
// zero value is ready to use.
type CounterSet struct {
	parsed       atomic.Uint64
	failed       [NumReasons]atomic.Uint64
	mediaDropped atomic.Uint64
	badBody      atomic.Uint64
}

// Done counts the outcome of one Inspect call: a success when err is nil,
// else a failure under ReasonOf(err). It returns err unchanged.
func (c *CounterSet) Done(r *Result, err error) error {
	if err != nil {
		c.failed[ReasonOf(err)].Add(1)
		return err
	}
	c.parsed.Add(1)
	if r != nil && r.MediaDropped {
		c.mediaDropped.Add(1)
	}
	if r != nil && r.BadBody {
		c.badBody.Add(1)
	}
	return nil
}

// Snapshot returns the current counts.
func (c *CounterSet) Snapshot() Counters {
	var s Counters
	s.Parsed = c.parsed.Load()
	for i := range c.failed {
		s.Failed[i] = c.failed[i].Load()
	}
	s.MediaDropped = c.mediaDropped.Load()
	s.BadBody = c.badBody.Load()
	return s
}
