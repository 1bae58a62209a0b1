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
	}
	lastFrameAt time.Time // last snapshot frame received
	lastAskAt   time.Time // last snapshot request sent
	lastGapAt   time.Time
	lastGapSeq  uint64
}

func (r *receiver) reset() {
	staged := r.snap.staged[:0]
	*r = receiver{}
	r.snap.staged = staged
}

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

func (n *Node) onBatch(f *Frame, now time.Time) {
	r := &n.rcv
	if n.role != RoleBackup || !r.synced || f.Epoch != r.epoch {
		n.st.WrongEpoch++
		if n.role == RoleBackup {
			n.askSnapshot(now)
		}
		return
	}
	if f.Seq > r.applied+1 {
		n.st.Gaps++
		if r.lastGapSeq != r.applied+1 || now.Sub(r.lastGapAt) >= n.cfg.RetransmitTimeout {
			r.lastGapSeq, r.lastGapAt = r.applied+1, now
			n.frame(&Frame{Type: TypeNack, Reason: NackGap, Seq: r.applied + 1})
			n.send()
		}
		return
	}
	f.EachRecord(func(i int, rec Record) {
		if f.Seq+uint64(i) <= r.applied {
			n.st.Duplicates++
			return
		}
		n.deps.Sink.Apply(rec)
		r.applied++
		n.st.RecordsApplied++
	})
	n.ack(0, r.applied)
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
		n.ack(sn.id, 1)
		return
	}
	if f.Snap != sn.id || f.Epoch != sn.epoch || f.Index != sn.next || sn.next >= sn.frames {
		n.ack(sn.id, uint64(sn.next)) // duplicate, out of order, or of another snapshot
		return
	}
	if f.Type == TypeSnapChunk && f.Index < sn.frames-1 {
		sn.staged = append(sn.staged, f.Records...)
		sn.count += uint32(f.Count)
		sn.next++
		n.ack(sn.id, uint64(sn.next))
		return
	}
	if f.Type != TypeSnapEnd || f.Index != sn.frames-1 || f.Total != sn.total || sn.count != sn.total ||
		f.Frames != uint32(len(sn.staged)) {
		n.st.SnapshotErrors++
		n.log.Warn("inconsistent snapshot: asking again", zap.Uint32("id", sn.id),
			zap.Uint32("records", sn.count), zap.Uint32("announced", sn.total))
		sn.id = 0
		r.lastFrameAt = time.Time{}
		n.askSnapshot(now)
		return
	}
	n.commitSnapshot(now)
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
	sn.next = sn.frames
	r.synced, r.epoch, r.applied = true, sn.epoch, sn.base
	took := now.Sub(sn.started)
	n.st.SnapshotsApplied++
	n.st.LastSnapshot = SnapshotStats{Records: sn.count, Bytes: uint32(len(sn.staged)), Frames: sn.frames, Took: took}
	n.log.Info("snapshot applied: in sync", zap.Uint32("id", sn.id), zap.Uint32("records", sn.count),
		zap.Uint64("base", sn.base), zap.Duration("took", took))
}
