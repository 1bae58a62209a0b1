package ha

import (
	"time"

	"go.uber.org/zap"
)

// snapshotWindow is how many snapshot frames may be unacknowledged.
const snapshotWindow = 64

// sender is the primary's side: the change log, the stream cursor and the
// snapshot being transferred. Both use go-back-N: a cumulative ack moves
// acked; a retransmission timeout or a nack moves the cursor back.
type sender struct {
	log       changeLog
	streaming bool   // the backup holds a snapshot of this epoch: stream to it
	sent      uint64 // last sequence sent
	acked     uint64 // last sequence the backup applied
	rtoAt     time.Time
	snap      *snapshot
	snapID    uint32
}

func (s *sender) reset() { s.stop(); s.log.reset(); s.sent, s.acked = 0, 0 }
func (s *sender) stop()  { s.streaming, s.snap, s.rtoAt = false, nil, time.Time{} }

// tickSender sends what the window allows and retransmits after a timeout.
func (n *Node) tickSender(now time.Time) {
	if n.snd.snap != nil {
		n.tickSnapshot(now)
		return
	}
	s := &n.snd
	if !s.streaming {
		return
	}
	if s.sent > s.acked && !now.Before(s.rtoAt) {
		s.sent = s.acked
		n.st.Retransmits++
	}
	outstanding := s.sent > s.acked
	window := s.acked + uint64(n.cfg.Window)
	for s.sent < s.log.head && s.sent < window {
		if !s.log.holds(s.sent + 1) {
			n.log.Warn("backup fell behind the change log: resync", zap.Uint64("acked", s.acked),
				zap.Uint64("oldest", s.log.oldest()))
			n.startSnapshot(now, reasonOverrun)
			return
		}
		s.sent += uint64(n.sendBatch(s.sent+1, min(s.log.head, window)))
		if !outstanding {
			s.rtoAt, outstanding = now.Add(n.cfg.RetransmitTimeout), true
		}
	}
}

// sendBatch sends changes first.. up to last, as many as one datagram
// holds, and returns how many.
func (n *Node) sendBatch(first, last uint64) int {
	s := &n.snd
	n.frame(&Frame{Type: TypeBatch, Seq: first})
	count := 0
	for seq := first; seq <= last && count < 0xffff; seq++ {
		sl := s.log.get(seq)
		if len(n.out)+int(sl.n) > n.bodyMax {
			break
		}
		n.out = append(n.out, sl.b[:sl.n]...)
		count++
	}
	n.out[batchLen-2], n.out[batchLen-1] = byte(count>>8), byte(count)
	n.st.BatchesSent++
	n.st.RecordsSent += uint64(count)
	n.send()
	return count
}

func (n *Node) onAck(f *Frame, now time.Time) {
	if n.role != RolePrimary || f.Epoch != n.epoch {
		n.st.WrongEpoch++
		return
	}
	n.st.AcksReceived++
	if f.Snap != 0 {
		n.onSnapAck(f, now)
		return
	}
	s := &n.snd
	if !s.streaming || f.Seq <= s.acked || f.Seq > s.log.head {
		return
	}
	// Beyond sent after a go-back: the backup held what was sent before.
	s.acked, s.sent = f.Seq, max(s.sent, f.Seq)
	s.rtoAt = now.Add(n.cfg.RetransmitTimeout)
}

func (n *Node) onNack(f *Frame, now time.Time) {
	if n.role != RolePrimary {
		return
	}
	n.st.NacksReceived++
	s := &n.snd
	switch {
	case f.Reason == NackSnapshot && s.snap != nil:
		s.snap.next = s.snap.acked // restart from what it holds
	case f.Reason == NackSnapshot || f.Epoch != n.epoch || !s.streaming:
		n.startSnapshot(now, "requested")
	case f.Seq <= s.acked || f.Seq > s.sent+1:
		// stale (acknowledged since) or bogus (never sent)
	case !s.log.holds(f.Seq):
		n.startSnapshot(now, reasonOverrun)
	case f.Seq <= s.sent: // fast retransmit of the hole only; the timeout goes back for the rest
		s.acked = max(s.acked, f.Seq-1)
		n.sendBatch(f.Seq, s.sent)
		s.rtoAt = now.Add(n.cfg.RetransmitTimeout)
		n.st.Retransmits++
	}
}

// resume restarts the stream to a backup that says it is in sync with this
// epoch while this node stopped streaming (it had seemed dead: a one-way
// partition longer than n·d): from its applied sequence if the log still
// holds what follows, else with a snapshot.
func (n *Node) resume(f *Frame, now time.Time) {
	s := &n.snd
	if s.streaming || s.snap != nil || f.Flags&FlagInSync == 0 || f.Epoch != n.epoch || f.Seq > s.log.head {
		return
	}
	if f.Seq < s.log.head && !s.log.holds(f.Seq+1) {
		n.startSnapshot(now, reasonOverrun)
		return
	}
	n.log.Info("backup back in sync: stream resumed", zap.Uint64("from", f.Seq))
	s.streaming, s.sent, s.acked, s.rtoAt = true, f.Seq, f.Seq, time.Time{}
}

// Lag returns how far the backup is behind: changes published but not
// acknowledged, and the age of the oldest of them.
func (n *Node) lag(now time.Time) (uint64, time.Duration) {
	s := &n.snd
	if n.role != RolePrimary || s.acked >= s.log.head {
		return 0, 0
	}
	behind := s.log.head - s.acked
	if !s.log.holds(s.acked + 1) {
		return behind, 0
	}
	return behind, now.Sub(time.Unix(0, s.log.get(s.acked+1).at))
}
