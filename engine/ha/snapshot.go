package ha

import (
	"encoding/binary"
	"time"

	"go.uber.org/zap"
)

// snapshot is a full copy of the Source, encoded into frames when it
// starts: frame 0 is SnapBegin, the last SnapEnd, chunks between. The
// backup acknowledges the number of frames it holds in order.
type snapshot struct {
	id      uint32
	base    uint64 // log head when it started: the stream resumes after it
	frames  [][]byte
	records uint32
	bytes   uint32
	started time.Time
	next    int // next frame to send
	acked   int // frames the backup holds
	rewound int // acked when the last fast rewind happened (-1: none)
	rtoAt   time.Time
	reason  string
}

// reasonOverrun is the snapshot reason when the backup needs changes that
// left the log.
const reasonOverrun = "log-overrun"

// startSnapshot encodes the Source into a new snapshot and starts sending
// it; the stream stops until the backup holds it.
func (n *Node) startSnapshot(now time.Time, reason string) {
	s := &n.snd
	s.stop()
	s.snapID++
	if s.snapID == 0 {
		s.snapID = 1
	}
	sn := &snapshot{id: s.snapID, base: s.log.head, started: now, reason: reason, rewound: -1}
	sn.frames = append(sn.frames, nil) // SnapBegin, written last
	var chunk []byte
	var count uint16
	flush := func() {
		if count == 0 {
			return
		}
		binary.BigEndian.PutUint16(chunk[snapChunkLen-2:], count)
		sn.frames = append(sn.frames, chunk)
		chunk, count = nil, 0
	}
	var rec [MaxRecordLen]byte
	n.deps.Source.Snapshot(func(r Record) {
		r.Op = OpPut
		b, err := AppendRecord(rec[:0], &r)
		if err != nil {
			n.st.PublishErrors++
			return
		}
		if chunk != nil && (len(chunk)+len(b) > n.bodyMax || count == 0xffff) {
			flush()
		}
		if chunk == nil {
			chunk = make([]byte, 0, n.bodyMax)
			chunk = AppendFrame(chunk, &Frame{Type: TypeSnapChunk, Epoch: n.epoch, Snap: sn.id, Index: uint32(len(sn.frames))})
		}
		chunk = append(chunk, b...)
		count++
		sn.records++
		sn.bytes += uint32(len(b))
	})
	flush()
	end := uint32(len(sn.frames))
	sn.frames = append(sn.frames, AppendFrame(nil, &Frame{Type: TypeSnapEnd, Epoch: n.epoch, Snap: sn.id,
		Index: end, Total: sn.records, Frames: sn.bytes}))
	sn.frames[0] = AppendFrame(nil, &Frame{Type: TypeSnapBegin, Epoch: n.epoch, Snap: sn.id,
		Seq: sn.base, Total: sn.records, Frames: end + 1})
	s.snap = sn
	n.st.SnapshotsStarted++
	if reason == reasonOverrun {
		n.st.LogOverruns++
	}
	n.log.Info("snapshot started", zap.String("reason", reason), zap.Uint32("id", sn.id),
		zap.Uint32("records", sn.records), zap.Uint32("bytes", sn.bytes), zap.Int("frames", len(sn.frames)),
		zap.Uint64("base", sn.base))
	n.tickSnapshot(now)
}

// tickSnapshot sends frames within the window, going back after a timeout.
func (n *Node) tickSnapshot(now time.Time) {
	sn := n.snd.snap
	if sn.next > sn.acked && !now.Before(sn.rtoAt) {
		sn.next, sn.rewound = sn.acked, -1
		n.st.Retransmits++
	}
	outstanding := sn.next > sn.acked
	for sn.next < len(sn.frames) && sn.next < sn.acked+snapshotWindow {
		n.st.DatagramsSent++
		n.deps.Transport.Send(sn.frames[sn.next])
		sn.next++
		if !outstanding {
			sn.rtoAt, outstanding = now.Add(n.cfg.RetransmitTimeout), true
		}
	}
}

// onSnapAck moves the snapshot's acknowledged frames; when the backup holds
// them all the stream resumes after the snapshot's base, unless the log no
// longer holds the changes made since (then a new snapshot starts).
func (n *Node) onSnapAck(f *Frame, now time.Time) {
	s := &n.snd
	sn := s.snap
	if sn == nil || f.Snap != sn.id || f.Seq < uint64(sn.acked) || f.Seq > uint64(sn.next) {
		return
	}
	if f.Seq == uint64(sn.acked) { // the backup misses frame acked: go back, once per hole
		if sn.next > sn.acked && sn.acked != sn.rewound {
			sn.rewound, sn.next = sn.acked, sn.acked
			n.st.Retransmits++
			n.tickSnapshot(now)
		}
		return
	}
	sn.acked = int(f.Seq)
	sn.rtoAt = now.Add(n.cfg.RetransmitTimeout)
	if sn.acked < len(sn.frames) {
		n.tickSnapshot(now) // ack-clocked: refill the window at once
		return
	}
	if s.log.head > sn.base && !s.log.holds(sn.base+1) {
		n.st.SnapshotRestarts++
		n.log.Warn("changes during the snapshot overran the log: new snapshot", zap.Uint32("id", sn.id))
		n.startSnapshot(now, reasonOverrun)
		return
	}
	took := now.Sub(sn.started)
	n.st.SnapshotsSent++
	n.st.LastSnapshot = SnapshotStats{Records: sn.records, Bytes: sn.bytes, Frames: uint32(len(sn.frames)), Took: took}
	n.log.Info("snapshot delivered", zap.Uint32("id", sn.id), zap.Uint32("records", sn.records),
		zap.Duration("took", took))
	s.snap = nil
	s.streaming, s.sent, s.acked, s.rtoAt = true, sn.base, sn.base, time.Time{}
	n.tickSender(now)
}
