package ha

import (
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/heartbeat"
)

// sendHello tells the peer this node's role, priority, epoch, sequence
// (head when primary, applied when backup) and flags.
func (n *Node) sendHello(now time.Time) {
	f := Frame{Type: TypeHello, Role: n.role, Priority: n.priority}
	switch n.role {
	case RolePrimary:
		f.Seq = n.snd.log.head
		if now.Before(n.handover) {
			f.Flags |= FlagHandover
		}
	case RoleBackup:
		f.Seq = n.rcv.applied
		if n.inSync() {
			f.Flags |= FlagInSync
		}
		if n.inSync() && n.peerAlive(now) && n.ready() && (now.Before(n.switchReq) ||
			n.cfg.Preempt && n.peer.role == RolePrimary && n.priority > n.peer.priority) {
			f.Flags |= FlagSwitchReq
		}
	}
	n.frame(&f)
	n.send()
}

// peerAlive reports whether a heartbeat or hello of the peer arrived
// within n·d (and the peer did not announce a planned failure).
func (n *Node) peerAlive(now time.Time) bool {
	ref := n.peer.lastHeard
	if n.peer.grace.After(ref) {
		ref = n.peer.grace
	}
	return !ref.IsZero() && !n.peer.leaving && now.Sub(ref) < time.Duration(n.cfg.Misses)*n.cfg.HeartbeatPeriod
}

func (n *Node) onHeartbeat(m heartbeat.Message, now time.Time) {
	if n.peer.beatSeen && !n.peer.leaving {
		if lost := m.Seq - n.peer.hbSeq - 1; lost > 0 && lost < 1<<15 {
			n.st.HeartbeatsLost += uint64(lost)
		}
	}
	n.peer.beatSeen, n.peer.lastHeard, n.peer.hbSeq = true, now, m.Seq
	n.peer.leaving = m.Flag == heartbeat.FlagPlanned
	if n.peer.leaving && n.role == RoleBackup && n.peer.role == RolePrimary {
		n.becomePrimary(now, ReasonPeerLeaving)
	}
}

// wins reports whether this node beats the peer (both starting, both
// backups or both primaries): higher epoch, then higher priority, then
// higher node id.
func (n *Node) wins() bool {
	if n.epoch != n.peer.epoch {
		return n.epoch > n.peer.epoch
	}
	if n.priority != n.peer.priority {
		return n.priority > n.peer.priority
	}
	return n.cfg.NodeID > n.cfg.PeerID
}

// winsAsPrimary decides between two primaries: higher epoch, then more
// changes published in it (the one that served longer keeps its state),
// then wins.
func (n *Node) winsAsPrimary() bool {
	if n.epoch == n.peer.epoch && n.snd.log.head != n.peer.seq {
		return n.snd.log.head > n.peer.seq
	}
	return n.wins()
}

func (n *Node) onHello(f *Frame, now time.Time) {
	n.peer.seen, n.peer.role, n.peer.priority, n.peer.flags, n.peer.seq = true, f.Role, f.Priority, f.Flags, f.Seq
	n.peer.epoch = f.Epoch
	if n.role == RoleBackup && f.Role == RolePrimary {
		n.epoch = f.Epoch // the epoch this backup follows, carried by its frames
	}
	// A hello is periodic like the heartbeat it travels with: either proves
	// the peer alive (two chances per period on a lossy link).
	n.peer.lastHeard = now
	switch {
	case n.role == RoleInit:
		n.settle(now)
	case n.role == RolePrimary && f.Role == RolePrimary && now.Before(n.handover) && f.Epoch > n.epoch:
		n.log.Info("handover complete: the peer is primary", zap.Uint32("peer_epoch", f.Epoch))
		n.becomeBackup(now)
	case n.role == RolePrimary && f.Role == RolePrimary:
		n.st.SplitBrains++
		if !n.winsAsPrimary() {
			n.log.Warn("two primaries: peer wins, demoting", zap.Uint32("epoch", n.epoch),
				zap.Uint32("peer_epoch", f.Epoch), zap.Bool("handover", now.Before(n.handover)))
			n.becomeBackup(now)
		} else {
			n.log.Warn("two primaries: this node wins", zap.Uint32("epoch", n.epoch), zap.Uint32("peer_epoch", f.Epoch))
		}
	case n.role == RoleBackup && f.Role == RoleBackup && n.wins():
		n.becomePrimary(now, ReasonBothBackup)
	case n.role == RoleBackup && f.Role == RolePrimary:
		if f.Flags&FlagHandover != 0 && n.rcv.synced && n.rcv.epoch == f.Epoch && n.rcv.applied >= f.Seq && n.ready() {
			n.becomePrimary(now, ReasonSwitchover)
		} else if f.Flags&FlagHandover != 0 {
			n.st.HandoverNotReady++
		}
	case n.role == RolePrimary && f.Role == RoleBackup:
		n.resume(f, now)
		if f.Flags&FlagSwitchReq != 0 && !now.Before(n.handover) && n.startHandover(now) == nil {
			n.log.Info("switchover requested by the backup")
		}
	}
}

// settle leaves RoleInit once the peer's hello is known.
func (n *Node) settle(now time.Time) {
	switch {
	case n.peer.role == RolePrimary:
		n.becomeBackup(now)
	case n.peer.role == RoleBackup, n.wins():
		n.becomePrimary(now, ReasonElected)
	default:
		n.becomeBackup(now)
	}
}

func (n *Node) tickRoles(now time.Time) {
	switch n.role {
	case RoleInit:
		if now.Sub(n.started) >= n.cfg.InitWait {
			n.becomePrimary(now, ReasonNoPeer)
		}
	case RoleBackup:
		if !n.peerAlive(now) {
			n.becomePrimary(now, ReasonPeerSilent)
		}
	case RolePrimary:
		if (n.snd.streaming || n.snd.snap != nil) && !n.peerAlive(now) {
			n.log.Warn("backup lost: stream and snapshot stopped")
			n.snd.stop()
		}
	}
}

func (n *Node) becomePrimary(now time.Time, reason Reason) {
	synced := n.inSync()
	n.epoch = max(n.epoch, n.peer.epoch, n.rcv.epoch) + 1
	n.st.Takeovers[reason]++
	fields := []zap.Field{zap.Stringer("reason", reason), zap.Uint32("epoch", n.epoch),
		zap.Bool("in_sync", synced), zap.Uint64("applied", n.rcv.applied)}
	if n.role == RoleBackup && !synced {
		n.st.TakeoversUnsynced++
		n.log.Warn("taking over without a complete state", fields...)
	} else {
		n.log.Info("becoming primary", fields...)
	}
	n.role = RolePrimary
	n.handover, n.switchReq = time.Time{}, time.Time{}
	n.rcv.reset()
	n.snd.reset()
	if err := n.deps.VIP.TakeVIP(); err != nil {
		n.st.VIPErrors++
		n.log.Error("taking the VIP", zap.Error(err))
	}
	n.sendHello(now)
}

func (n *Node) becomeBackup(now time.Time) {
	was := n.role
	n.role = RoleBackup
	n.epoch = max(n.epoch, n.peer.epoch)
	n.handover, n.switchReq = time.Time{}, time.Time{}
	n.snd.stop()
	n.rcv.reset()
	n.peer.grace = now // n·d from now before the peer counts as silent
	if was == RolePrimary {
		n.st.Demotions++
		if err := n.deps.VIP.ReleaseVIP(); err != nil {
			n.st.VIPErrors++
			n.log.Error("releasing the VIP", zap.Error(err))
		}
	}
	n.log.Info("becoming backup", zap.Stringer("was", was), zap.Uint32("peer_epoch", n.peer.epoch))
	n.sendHello(now)
}
