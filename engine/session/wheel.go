package session

import "time"

// timed is an entry of the timer wheel: a flow, a session or an expectation.
// deadline returns when it must go and whether it is still in its table
// (entries removed early stay in the wheel and are dropped when reached).
type timed interface {
	deadline() (at time.Time, alive bool)
}

// wheel is a hashed timer wheel with lazy rescheduling: an entry sits in
// the slot of the deadline it had when added; when its slot comes round,
// an entry whose deadline moved later (a packet refreshed it) is put in its
// new slot, one past its deadline is purged. Each purge call handles a
// bounded number of entries, so no call scans the tables.
type wheel struct {
	tick    time.Duration
	slots   [][]timed
	cur     int64 // absolute tick of the slot being processed
	pos     int   // entries of slot cur already handled
	started bool
	carry   []timed // entries that belong in slot cur again (one whole turn later)
	size    int     // entries in the wheel, including dead ones
}

func newWheel(tick, horizon time.Duration) *wheel {
	n := int(horizon/tick) + 2
	return &wheel{tick: tick, slots: make([][]timed, n)}
}

func (w *wheel) tickOf(t time.Time) int64 { return t.UnixNano() / int64(w.tick) }

// add schedules e at its deadline at (a deadline in the past lands in the
// slot being processed).
func (w *wheel) add(e timed, at time.Time, now time.Time) {
	if !w.started {
		w.cur, w.started = w.tickOf(now), true
	}
	t := max(w.tickOf(at), w.cur)
	if t > w.cur+int64(len(w.slots))-1 {
		t = w.cur + int64(len(w.slots)) - 1 // beyond the horizon: seen again one turn later
	}
	i := int(t % int64(len(w.slots)))
	if t != w.cur && i == int(w.cur%int64(len(w.slots))) {
		w.carry = append(w.carry, e)
	} else {
		w.slots[i] = append(w.slots[i], e)
	}
	w.size++
}

// advance visits at most budget entries whose slot is older than now's
// tick, calling purge for those past their deadline. It returns the number
// of entries visited.
func (w *wheel) advance(now time.Time, budget int, purge func(timed, time.Time)) int {
	if !w.started {
		w.cur, w.started = w.tickOf(now), true
	}
	visited := 0
	end := w.tickOf(now)
	if w.size == 0 && w.cur < end { // nothing scheduled: skip the empty slots at once
		w.cur, w.pos = end, 0
	}
	for w.cur < end && visited < budget {
		slot := &w.slots[w.cur%int64(len(w.slots))]
		for w.pos < len(*slot) && visited < budget {
			e := (*slot)[w.pos]
			(*slot)[w.pos] = nil
			w.pos++
			w.size--
			visited++
			at, alive := e.deadline()
			switch {
			case !alive:
			case w.tickOf(at) <= w.cur:
				purge(e, now)
			default:
				w.add(e, at, now)
			}
		}
		if w.pos < len(*slot) {
			break
		}
		*slot, w.pos = (*slot)[:0], 0
		w.cur++
		carry := w.carry
		w.carry = nil
		for _, e := range carry {
			w.size--
			at, _ := e.deadline()
			w.add(e, at, now)
		}
	}
	return visited
}
