package ha

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
)

// Errors of Node.
var (
	ErrConfig        = errors.New("ha: invalid configuration")
	ErrNotPrimary    = errors.New("ha: not primary")
	ErrNotSettled    = errors.New("ha: role not settled")
	ErrPeerDown      = errors.New("ha: peer not alive")
	ErrPeerNotInSync = errors.New("ha: peer not in sync")
	ErrNotInSync     = errors.New("ha: this node is not in sync")
	ErrNotReady      = errors.New("ha: this node is not ready to serve (no view of its servers yet)")
)

// Deps are what a Node drives. Source is read when primary, Sink written
// when backup; in a dispatcher both are the same tables.
type Deps struct {
	Transport Transport
	VIP       VIPOwner
	Source    Source
	Sink      Sink
	Log       *zap.Logger // nil: no logs
	// Ready reports whether this node could serve now (a dispatcher: its
	// own management plane has a view of the servers). A backup asks for
	// a switchover (preemption, Switchover) and accepts a handover only
	// when Ready; taking over a primary that failed does not wait for it.
	// Nil: always ready. Called under the node's lock: it must not call
	// the node.
	Ready func() bool
}

// peerView is what this node knows of the peer from its hellos and
// heartbeats.
type peerView struct {
	seen      bool // a hello arrived
	role      Role
	epoch     uint32
	priority  uint8
	flags     uint8
	seq       uint64    // its head (primary) or applied sequence (backup)
	lastHeard time.Time // last heartbeat or hello (zero: never)
	grace     time.Time // counted as heard then: a new backup gives the peer n·d
	beatSeen  bool      // a heartbeat arrived: hbSeq is meaningful
	hbSeq     uint16
	leaving   bool // its last heartbeat announced a planned failure
}

// Node is one dispatcher's side of the HA protocol: role state machine,
// sender (primary) and receiver (backup). It has no goroutine: the owner
// calls OnDatagram for every authenticated body from the peer and Tick
// every FlushInterval; Publish may be called from any goroutine. All
// methods are safe for concurrent use (one mutex).
type Node struct {
	mu       sync.Mutex
	cfg      Config
	deps     Deps
	log      *zap.Logger
	priority uint8

	role      Role
	epoch     uint32
	started   time.Time
	nextBeat  time.Time
	beatSeq   uint16
	peer      peerView
	handover  time.Time // primary: handing over until then
	switchReq time.Time // backup: asking for a switchover until then

	snd sender
	rcv receiver
	st  Stats

	out      []byte // frame being built
	bodyMax  int    // MaxDatagram minus the auth trailer
	snapWait time.Duration
}

// NewNode returns a node in RoleInit at time now.
func NewNode(cfg Config, deps Deps, now time.Time) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if deps.Transport == nil || deps.VIP == nil || deps.Source == nil || deps.Sink == nil {
		return nil, fmt.Errorf("%w: transport, vip, source and sink are required", ErrConfig)
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	n := &Node{cfg: cfg, deps: deps, log: deps.Log.Named("ha"), priority: cfg.priority(),
		started: now, nextBeat: now, bodyMax: cfg.MaxDatagram - auth.TrailerLen,
		snapWait: 2 * cfg.RetransmitTimeout}
	n.out = make([]byte, 0, n.bodyMax)
	n.snd.log = newChangeLog(cfg.LogSize)
	return n, nil
}

// Publish records one change of the primary's state; it is streamed to the
// backup at the next Tick. It allocates nothing. On a node that is not
// primary it does nothing (the backup's own changes are not replicated).
func (n *Node) Publish(r Record, now time.Time) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.role != RolePrimary {
		return nil
	}
	if _, err := n.snd.log.append(&r, now); err != nil {
		n.st.PublishErrors++
		return fmt.Errorf("publish: %w", err)
	}
	n.st.Published++
	return nil
}

// OnDatagram handles one authenticated body from the peer: an 11-byte
// heartbeat or a frame. Malformed bodies are counted and ignored.
func (n *Node) OnDatagram(b []byte, now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(b) == heartbeat.Len {
		var m heartbeat.Message
		if err := m.Decode(b); err != nil || m.Host != n.cfg.PeerID {
			n.st.Malformed++
			return
		}
		n.onHeartbeat(m, now)
		return
	}
	var f Frame
	if err := DecodeFrame(b, &f); err != nil {
		n.st.Malformed++
		return
	}
	switch f.Type {
	case TypeHello:
		n.onHello(&f, now)
	case TypeSnapBegin, TypeSnapChunk, TypeSnapEnd:
		n.onSnapFrame(&f, now)
	case TypeBatch:
		n.onBatch(&f, now)
	case TypeAck:
		n.onAck(&f, now)
	case TypeNack:
		n.onNack(&f, now)
	}
}

// Tick advances the timers: heartbeats and hellos every d, role decisions,
// and the primary's sending (snapshot frames, stream batches).
func (n *Node) Tick(now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.tickRoles(now)
	if !now.Before(n.nextBeat) {
		n.sendBeat(heartbeat.FlagUp, now)
		n.nextBeat = now.Add(n.cfg.HeartbeatPeriod)
	}
	switch n.role {
	case RolePrimary:
		n.tickSender(now)
	case RoleBackup:
		if !n.inSync() && n.peer.role == RolePrimary && n.peerAlive(now) {
			n.askSnapshot(now)
		}
	}
}

// Leave announces a planned failure (heartbeat flag 3) so that the peer
// takes over at once; call it before stopping a primary.
func (n *Node) Leave(now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sendBeat(heartbeat.FlagPlanned, now)
}

// Role returns the current role and epoch.
func (n *Node) Role() (Role, uint32) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.role, n.epoch
}

// send hands the frame in n.out to the transport.
func (n *Node) send() {
	n.st.DatagramsSent++
	n.deps.Transport.Send(n.out)
}

// frame starts a frame of type t in n.out and returns it.
func (n *Node) frame(f *Frame) {
	f.Epoch = n.epoch
	n.out = AppendFrame(n.out[:0], f)
}

// sendBeat sends a heartbeat and a hello.
func (n *Node) sendBeat(flag heartbeat.Flag, now time.Time) {
	n.beatSeq++
	n.out = heartbeat.Message{Host: n.cfg.NodeID, Seq: n.beatSeq, Flag: flag, Timestamp: uint32(now.Unix())}.Append(n.out[:0])
	n.send()
	n.sendHello(now)
}

// ready reports Deps.Ready (true without one).
func (n *Node) ready() bool { return n.deps.Ready == nil || n.deps.Ready() }
