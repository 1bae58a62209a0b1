package ha

import (
	"time"

	"go.uber.org/zap"
)

// receiver is the backup's side: the state it holds is a snapshot of the
// primary's epoch `epoch` plus the stream up to `applied`. A snapshot being
// received is staged (encoded) and applied to the Sink only when complete,
// so a transfer cut short leaves the previous state in place.
type receiver struct {
	synced  bool
	epoch   uint32
	applied uint64
	snap    struct {
		id, epoch    uint32
		base         uint64
		total, count uint32
		frames, next uint32
		staged       []byte
		started      time.Time
		pend         [snapshotWindow]pendingFrame // frames next.. received out of order
	}
	lastFrameAt time.Time // last snapshot frame received
	lastAskAt   time.Time // last snapshot request sent
	lastGapAt   time.Time
	lastGapSeq  uint64
	held        [heldBatches]heldBatch // stream batches received ahead of a gap
}

// pendingFrame is a snapshot frame received ahead of its turn.
type pendingFrame struct {
	ok           bool
	count        uint16
	total, bytes uint32 // SnapEnd's totals
	b            []byte
}

func (r *receiver) reset() {
	snap, held := r.snap, r.held
	*r = receiver{}
	r.snap.staged, r.snap.pend, r.held = snap.staged[:0], snap.pend, held
	for i := range r.snap.pend {
		r.snap.pend[i].ok = false
	}
	r.dropHeld()
}

// inSync reports whether this node holds a snapshot of the epoch it
// follows and the stream since.
func (n *Node) inSync() bool { return n.rcv.synced && n.rcv.epoch == n.epoch }

// ack sends a cumulative acknowledgement: frames held of snapshot snap, or
// (snap 0) the last change applied.
func (n *Node) ack(snap uint32, seq uint64) {
	n.frame(&Frame{Type: TypeAck, Snap: snap, Seq: seq})
	n.send()
}

// askSnapshot requests a snapshot unless one is arriving, at most once per
// retransmission timeout.
func (n *Node) askSnapshot(now time.Time) {
	r := &n.rcv
	if now.Sub(r.lastFrameAt) < n.snapWait || (!r.lastAskAt.IsZero() && now.Sub(r.lastAskAt) < n.cfg.RetransmitTimeout) {
		return
	}
	r.lastAskAt = now
	n.st.SnapshotRequests++
	n.frame(&Frame{Type: TypeNack, Reason: NackSnapshot, Seq: r.applied + 1})
	n.send()
}

func (n *Node) onSnapFrame(f *Frame, now time.Time) {
	if n.role != RoleBackup || f.Epoch < n.epoch {
		n.st.WrongEpoch++
		return
	}
	r := &n.rcv
	sn := &r.snap
	r.lastFrameAt = now
	if f.Type == TypeSnapBegin && (f.Snap != sn.id || f.Epoch != sn.epoch) {
		sn.id, sn.epoch, sn.base, sn.total, sn.frames = f.Snap, f.Epoch, f.Seq, f.Total, f.Frames
		sn.next, sn.count, sn.staged, sn.started = 1, 0, sn.staged[:0], now
		for i := range sn.pend {
			sn.pend[i].ok = false
		}
		n.ack(sn.id, 1)
		return
	}
	if f.Snap != sn.id || f.Epoch != sn.epoch || f.Index < sn.next || f.Index >= sn.frames ||
		f.Index >= sn.next+snapshotWindow || (f.Type == TypeSnapEnd) != (f.Index == sn.frames-1) ||
		f.Type == TypeSnapBegin {
		n.ack(sn.id, uint64(sn.next)) // duplicate, too far ahead, or of another snapshot
		return
	}
	p := &sn.pend[f.Index%snapshotWindow]
	p.ok, p.count, p.total, p.bytes = true, f.Count, f.Total, f.Frames
	p.b = append(p.b[:0], f.Records...)
	for sn.next < sn.frames && sn.pend[sn.next%snapshotWindow].ok {
		q := &sn.pend[sn.next%snapshotWindow]
		q.ok = false
		if sn.next < sn.frames-1 {
			sn.staged = append(sn.staged, q.b...)
			sn.count += uint32(q.count)
			sn.next++
			continue
		}
		if q.total != sn.total || sn.count != sn.total || q.bytes != uint32(len(sn.staged)) {
			n.st.SnapshotErrors++
			n.log.Warn("inconsistent snapshot: asking again", zap.Uint32("id", sn.id),
				zap.Uint32("records", sn.count), zap.Uint32("announced", sn.total))
			sn.id = 0
			r.lastFrameAt = time.Time{}
			n.askSnapshot(now)
			return
		}
		sn.next++
		n.commitSnapshot(now)
	}
	n.ack(sn.id, uint64(sn.next))
}

// commitSnapshot replaces the Sink's content with the staged snapshot.
func (n *Node) commitSnapshot(now time.Time) {
	r := &n.rcv
	sn := &r.snap
	n.deps.Sink.Reset()
	for b := sn.staged; len(b) > 0; {
		rec, k, err := DecodeRecord(b)
		if err != nil { // checked when the chunk was decoded
			break
		}
		n.deps.Sink.Apply(rec)
		b = b[k:]
	}
	r.synced, r.epoch, r.applied = true, sn.epoch, sn.base
	r.dropHeld()
	took := now.Sub(sn.started)
	n.st.SnapshotsApplied++
	n.st.LastSnapshot = SnapshotStats{Records: sn.count, Bytes: uint32(len(sn.staged)), Frames: sn.frames, Took: took}
	n.log.Info("snapshot applied: in sync", zap.Uint32("id", sn.id), zap.Uint32("records", sn.count),
		zap.Uint64("base", sn.base), zap.Duration("took", took))
}
