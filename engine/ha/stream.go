package ha

import (
	"time"
)

// heldBatches bounds the stream batches a backup keeps while it waits for
// a missing one (about 77 kB at the default datagram size).
const heldBatches = 64

// heldBatch is a stream batch received ahead of a gap (its records copied).
type heldBatch struct {
	ok    bool
	first uint64
	count uint16
	b     []byte
}

func (r *receiver) dropHeld() {
	for i := range r.held {
		r.held[i].ok = false
	}
}

// onBatch applies a batch that continues the backup's state. A batch
// beyond the next change is a gap: it is held (up to heldBatches) and the
// missing change nacked; when the gap fills, held batches are applied too,
// and the next gap, if any, is nacked at once.
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
		n.hold(f)
		n.nackGap(now)
		return
	}
	n.applyBatch(f.Seq, f.Count, f.Records)
	n.applyHeld()
	for i := range r.held {
		if r.held[i].ok {
			n.nackGap(now)
			break
		}
	}
	n.ack(0, r.applied)
}

// nackGap asks for change applied+1, once per retransmission timeout.
func (n *Node) nackGap(now time.Time) {
	r := &n.rcv
	if r.lastGapSeq == r.applied+1 && now.Sub(r.lastGapAt) < n.cfg.RetransmitTimeout {
		return
	}
	r.lastGapSeq, r.lastGapAt = r.applied+1, now
	n.frame(&Frame{Type: TypeNack, Reason: NackGap, Seq: r.applied + 1})
	n.send()
}

// hold keeps a copy of a batch ahead of a gap in a free slot, if any.
func (n *Node) hold(f *Frame) {
	free := -1
	for i := range n.rcv.held {
		h := &n.rcv.held[i]
		if h.ok && h.first == f.Seq && h.count >= f.Count {
			return // already held
		}
		if !h.ok && free < 0 {
			free = i
		}
	}
	if free < 0 {
		return
	}
	h := &n.rcv.held[free]
	h.ok, h.first, h.count, h.b = true, f.Seq, f.Count, append(h.b[:0], f.Records...)
}

// applyHeld applies held batches that now continue the state, until none does.
func (n *Node) applyHeld() {
	r := &n.rcv
	for progress := true; progress; {
		progress = false
		for i := range r.held {
			h := &r.held[i]
			switch {
			case !h.ok:
			case h.first+uint64(h.count)-1 <= r.applied:
				h.ok = false // all applied already
			case h.first <= r.applied+1:
				h.ok = false
				n.applyBatch(h.first, h.count, h.b)
				progress = true
			}
		}
	}
}

// applyBatch applies the records of a batch starting at first ≤ applied+1
// (validated when its frame was decoded); those already applied are
// counted as duplicates.
func (n *Node) applyBatch(first uint64, count uint16, b []byte) {
	r := &n.rcv
	for i := uint64(0); i < uint64(count); i++ {
		rec, k, err := DecodeRecord(b)
		if err != nil {
			return
		}
		b = b[k:]
		if first+i <= r.applied {
			n.st.Duplicates++
			continue
		}
		n.deps.Sink.Apply(rec)
		r.applied++
		n.st.RecordsApplied++
	}
}
