package ha

import (
	"fmt"
	"time"
)

// Switchover starts a planned switchover. On the primary it hands over if
// the backup is alive and in sync (ErrPeerDown, ErrPeerNotInSync
// otherwise): its hellos carry the handover flag and its head until the
// backup, once it applied everything up to that head, takes over; then this
// node follows as backup. On the backup it asks the primary to do so
// (ErrNotInSync if this node does not hold the state yet). It never moves
// the VIP to a node that is not in sync.
func (n *Node) Switchover(now time.Time) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch n.role {
	case RolePrimary:
		return n.startHandover(now)
	case RoleBackup:
		if !n.inSync() {
			return fmt.Errorf("switchover: %w", ErrNotInSync)
		}
		if !n.peerAlive(now) {
			return fmt.Errorf("switchover: %w", ErrPeerDown)
		}
		if !n.ready() {
			return fmt.Errorf("switchover: %w", ErrNotReady)
		}
		n.switchReq = now.Add(n.cfg.HandoverTimeout)
		n.sendHello(now)
		return nil
	}
	return fmt.Errorf("switchover: %w", ErrNotSettled)
}

func (n *Node) startHandover(now time.Time) error {
	switch {
	case !n.peerAlive(now):
		return fmt.Errorf("switchover: %w", ErrPeerDown)
	case !n.snd.streaming || n.peer.role != RoleBackup: // streaming: it acknowledged a snapshot of this epoch
		return fmt.Errorf("switchover: %w", ErrPeerNotInSync)
	}
	n.handover = now.Add(n.cfg.HandoverTimeout)
	n.tickSender(now) // flush what the backup lacks, then announce the head
	n.sendHello(now)
	return nil
}
