package sessions

import (
	"container/heap"
	"time"
)

// item is one kind of frame of a session: sent once (every == nil) or
// periodically until a deadline. emit builds the n-th frame (n from 0).
type item struct {
	at    time.Duration             // time of the next frame
	every func(n int) time.Duration // gap after the n-th frame; nil: once
	until time.Duration             // periodic frames stop before this time
	n     int                       // frames emitted
	emit  func(b *builder, n int) ([]byte, error)
	done  bool
}

// script is a session's items; frames come out in time order, ties in
// item order.
type script struct {
	id    int
	items []item
	next  int // index of the earliest pending item, -1 when finished
}

// add appends a one-shot item at t.
func (s *script) once(t time.Duration, emit func(b *builder, n int) ([]byte, error)) {
	s.items = append(s.items, item{at: t, emit: emit})
}

// periodic appends an item from t, a frame every gap(n), before until.
func (s *script) periodic(t, until time.Duration, gap func(n int) time.Duration, emit func(b *builder, n int) ([]byte, error)) {
	s.items = append(s.items, item{at: t, every: gap, until: until, emit: emit, done: t >= until})
}

// every returns a constant gap.
func every(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }

// pick finds the earliest pending item.
func (s *script) pick() {
	s.next = -1
	for i := range s.items {
		if it := &s.items[i]; !it.done && (s.next < 0 || it.at < s.items[s.next].at) {
			s.next = i
		}
	}
}

// at is the time of the script's next frame.
func (s *script) at() time.Duration { return s.items[s.next].at }

// step emits the next frame and advances.
func (s *script) step(b *builder) ([]byte, error) {
	it := &s.items[s.next]
	frame, err := it.emit(b, it.n)
	if it.every == nil {
		it.done = true
	} else {
		it.at += it.every(it.n)
		it.done = it.at >= it.until
	}
	it.n++
	s.pick()
	return frame, err
}

// queue orders scripts by their next frame's time, then by id.
type queue []*script

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	a, b := q[i].at(), q[j].at()
	return a < b || (a == b && q[i].id < q[j].id)
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*script)) }
func (q *queue) Pop() any {
	old := *q
	s := old[len(old)-1]
	*q = old[:len(old)-1]
	return s
}

var _ heap.Interface = (*queue)(nil)
