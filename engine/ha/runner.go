package ha

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/auth"
)

// RunnerDeps are a Runner's collaborators; Conn and Now are optional.
type RunnerDeps struct {
	VIP    VIPOwner
	Source Source
	Sink   Sink
	Log    *zap.Logger
	// Conn is an already bound socket (tests, socket activation); nil:
	// the Runner binds Config.Listen and closes it when Run returns.
	Conn *net.UDPConn
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Ready is Deps.Ready (nil: always ready).
	Ready func() bool
}

// RunnerCounters are the socket's totals (the protocol's are Node.Stats).
type RunnerCounters struct {
	Received     uint64 // datagrams read
	AuthRejected uint64 // failed mgmt/auth (see Opener counters for reasons)
	WrongSender  uint64 // authenticated, but not from the configured peer
	SendErrors   uint64
}

// Runner connects a Node to a UDP socket: every datagram to the peer is
// sealed with mgmt/auth under NodeID, every datagram received must open
// under PeerID. Run reads on one goroutine and ticks the node every
// FlushInterval on another until its context ends.
type Runner struct {
	node   *Node
	conn   *net.UDPConn
	own    bool
	peer   *net.UDPAddr
	sealer *auth.Sealer
	opener *auth.Opener
	now    func() time.Time
	log    *zap.Logger
	sendB  []byte // guarded by the node's mutex (Send is called under it)
	c      struct{ received, rejected, wrongSender, sendErrors atomic.Uint64 }
}

// NewRunner resolves the peer, binds the socket (unless deps.Conn is set)
// and builds the Node. Nothing runs until Run.
func NewRunner(cfg Config, deps RunnerDeps) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if !cfg.Enabled {
		return nil, fmt.Errorf("%w: ha.enabled is false", ErrConfig)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	r := &Runner{now: deps.Now, log: deps.Log.Named("ha"), conn: deps.Conn, sendB: make([]byte, 0, cfg.MaxDatagram)}
	var err error
	if r.peer, err = net.ResolveUDPAddr("udp", cfg.Peer); err != nil {
		return nil, fmt.Errorf("ha: peer %q: %w", cfg.Peer, err)
	}
	key := cfg.Key.WithID(cfg.KeyID)
	if r.sealer, err = auth.NewSealer(cfg.NodeID, key, deps.Now); err != nil {
		return nil, fmt.Errorf("ha: sealer: %w", err)
	}
	r.opener = auth.NewOpener(auth.DefaultMaxSkew)
	if err := r.opener.AddHost(cfg.PeerID, key); err != nil {
		return nil, fmt.Errorf("ha: opener: %w", err)
	}
	if r.conn == nil {
		la, err := net.ResolveUDPAddr("udp", cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("ha: listen %q: %w", cfg.Listen, err)
		}
		if r.conn, err = net.ListenUDP("udp", la); err != nil {
			return nil, fmt.Errorf("ha: listen: %w", err)
		}
		r.own = true
	}
	r.node, err = NewNode(cfg, Deps{Transport: r, VIP: deps.VIP, Source: deps.Source, Sink: deps.Sink, Log: deps.Log,
		Ready: deps.Ready}, deps.Now())
	if err != nil {
		r.closeConn()
		return nil, err
	}
	return r, nil
}

// Node returns the protocol node (Publish, Switchover, Stats, Role).
func (r *Runner) Node() *Node { return r.node }

// Addr returns the bound local address.
func (r *Runner) Addr() net.Addr { return r.conn.LocalAddr() }

// Counters returns the socket's totals.
func (r *Runner) Counters() RunnerCounters {
	return RunnerCounters{Received: r.c.received.Load(), AuthRejected: r.c.rejected.Load(),
		WrongSender: r.c.wrongSender.Load(), SendErrors: r.c.sendErrors.Load()}
}

// AuthCounters returns the opener's accept/reject totals by reason.
func (r *Runner) AuthCounters() auth.Counters { return r.opener.Counters() }

// Send seals b and sends it to the peer (Transport; called under the
// node's lock, which also guards the send buffer).
func (r *Runner) Send(b []byte) {
	r.sendB = r.sealer.Seal(r.sendB[:0], b)
	if _, err := r.conn.WriteToUDP(r.sendB, r.peer); err != nil {
		r.c.sendErrors.Add(1)
	}
}

// Run drives the node until ctx ends; a primary then announces its planned
// failure (heartbeat flag 3) so that the backup takes over at once. The
// socket is closed (when the Runner bound it) and both goroutines have
// returned when Run returns.
func (r *Runner) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.read(ctx) }()
	t := time.NewTicker(r.node.cfg.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if role, _ := r.node.Role(); role == RolePrimary {
				r.node.Leave(r.now())
			}
			_ = r.conn.SetReadDeadline(time.Now()) // unblock the reader
			wg.Wait()
			r.closeConn()
			return nil
		case <-t.C:
			r.node.Tick(r.now())
		}
	}
}

func (r *Runner) read(ctx context.Context) {
	buf := make([]byte, 65536)
	for ctx.Err() == nil {
		n, _, err := r.conn.ReadFromUDP(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			r.log.Warn("read", zap.Error(err))
			time.Sleep(10 * time.Millisecond)
			continue
		}
		r.c.received.Add(1)
		now := r.now()
		op, err := r.opener.Open(buf[:n], now)
		if err != nil {
			r.c.rejected.Add(1)
			continue
		}
		if op.Sender != r.node.cfg.PeerID {
			r.c.wrongSender.Add(1)
			continue
		}
		r.node.OnDatagram(op.Body, now)
	}
}

func (r *Runner) closeConn() {
	if r.own {
		_ = r.conn.Close()
	}
}
