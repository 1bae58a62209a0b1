package ha

import "time"

// slot is one change in the log: its sequence, when it was published (for
// the lag in milliseconds) and its encoding.
type slot struct {
	seq uint64
	at  int64 // unix nanoseconds
	n   uint8
	b   [MaxRecordLen]byte
}

// changeLog is the primary's ring of the latest changes, numbered from 1 in
// each epoch. A backup that misses a change asks for it again (nack); if it
// has left the ring, the backup needs a snapshot.
type changeLog struct {
	slots []slot
	mask  uint64
	head  uint64 // sequence of the newest change (0: none yet)
}

// newChangeLog returns a log holding the last size changes (a power of two).
func newChangeLog(size int) changeLog {
	return changeLog{slots: make([]slot, size), mask: uint64(size - 1)}
}

// reset empties the log for a new epoch.
func (l *changeLog) reset() { l.head = 0 }

// append encodes r as change head+1. It allocates nothing.
func (l *changeLog) append(r *Record, now time.Time) (uint64, error) {
	s := &l.slots[(l.head+1)&l.mask]
	b, err := AppendRecord(s.b[:0], r)
	if err != nil {
		return 0, err
	}
	l.head++
	s.seq, s.at, s.n = l.head, now.UnixNano(), uint8(len(b))
	return l.head, nil
}

// oldest is the smallest sequence still held (head+1 when empty).
func (l *changeLog) oldest() uint64 {
	if n := uint64(len(l.slots)); l.head > n {
		return l.head - n + 1
	}
	return 1
}

// holds reports whether change seq is still in the ring.
func (l *changeLog) holds(seq uint64) bool { return seq >= l.oldest() && seq <= l.head }

// get returns change seq, which must be held.
func (l *changeLog) get(seq uint64) *slot { return &l.slots[seq&l.mask] }
