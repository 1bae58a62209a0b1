// Package listener receives management datagrams on the dispatcher's
// kernel-owned management address: it authenticates each one (mgmt/auth),
// decodes it by body length (11 bytes: heartbeat, 22 bytes with magic 'L':
// load vector), checks that the body's host matches the authenticated
// sender, and hands it to a Sink (the mgmt/health monitor).
//
// One goroutine (Run) reads into a single reused buffer; handling a datagram
// allocates nothing. Every datagram is counted exactly once: accepted as a
// heartbeat or a load vector, or rejected by one auth reason or one of the
// listener's own reasons (malformed, unknown type, sender mismatch).
package listener

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

// MaxDatagram is the read buffer size; longer datagrams are truncated and
// then fail authentication.
const MaxDatagram = 2048

// Listener rejection errors.
var (
	ErrMalformed      = errors.New("listener: malformed body")
	ErrUnknownType    = errors.New("listener: unknown message type")
	ErrSenderMismatch = errors.New("listener: body host differs from authenticated sender")
)

// Sink consumes accepted messages (implemented by *health.Monitor).
type Sink interface {
	Heartbeat(m heartbeat.Message, now time.Time)
	LoadVector(m loadvec.Message, now time.Time)
}

// Counters are the listener's totals; auth rejections are in the Opener's
// counters (auth.Counters), read through Counters too.
type Counters struct {
	Datagrams      uint64
	Heartbeats     uint64
	LoadVectors    uint64
	Malformed      uint64
	UnknownType    uint64
	SenderMismatch uint64
	ReadErrors     uint64
	Auth           auth.Counters
}

// Options are optional collaborators.
type Options struct {
	Now func() time.Time // clock (default time.Now)
	Log *zap.Logger
	// Tap, if set, sees every raw datagram before authentication (tests and
	// diagnostics). It must copy what it keeps and must not block.
	Tap func([]byte)
}

// Listener owns a UDP socket. Create with Listen; run with Run.
type Listener struct {
	conn   *net.UDPConn
	opener *auth.Opener
	sink   Sink
	opt    Options
	log    *zap.Logger
	buf    [MaxDatagram]byte

	datagrams, heartbeats, vectors, malformed, unknown, mismatch, readErrs atomic.Uint64
}

// Listen binds addr (host:port, "udp") and returns a Listener.
func Listen(addr string, opener *auth.Opener, sink Sink, opt Options) (*Listener, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("listener: resolve %q: %w", addr, err)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("listener: %w", err)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	return &Listener{conn: conn, opener: opener, sink: sink, opt: opt, log: opt.Log.Named("mgmt-listener")}, nil
}

// Addr is the bound address.
func (l *Listener) Addr() net.Addr { return l.conn.LocalAddr() }

// Run reads datagrams until ctx is done, then closes the socket.
func (l *Listener) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = l.conn.Close() })
	defer stop()
	for {
		n, _, err := l.conn.ReadFromUDPAddrPort(l.buf[:])
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			l.readErrs.Add(1)
			continue
		}
		if l.opt.Tap != nil {
			l.opt.Tap(l.buf[:n])
		}
		if err := l.handle(l.buf[:n], l.opt.Now()); err != nil {
			l.log.Debug("datagram rejected", zap.Error(err))
		}
	}
}

// Close closes the socket (Run returns); use it when Run was never started.
func (l *Listener) Close() error { return l.conn.Close() }

// handle authenticates, decodes and dispatches one datagram.
func (l *Listener) handle(b []byte, now time.Time) error {
	l.datagrams.Add(1)
	op, err := l.opener.Open(b, now)
	if err != nil {
		return err
	}
	return l.dispatch(op, now)
}

// dispatch decodes an authenticated body and hands it to the sink.
func (l *Listener) dispatch(op auth.Opened, now time.Time) error {
	switch {
	case len(op.Body) == heartbeat.Len:
		var m heartbeat.Message
		if err := m.Decode(op.Body); err != nil {
			l.malformed.Add(1)
			return ErrMalformed
		}
		if m.Host != op.Sender {
			l.mismatch.Add(1)
			return ErrSenderMismatch
		}
		l.heartbeats.Add(1)
		l.sink.Heartbeat(m, now)
	case len(op.Body) > 0 && op.Body[0] == loadvec.Magic:
		var m loadvec.Message
		if err := m.Decode(op.Body); err != nil {
			l.malformed.Add(1)
			return ErrMalformed
		}
		if m.Host != op.Sender {
			l.mismatch.Add(1)
			return ErrSenderMismatch
		}
		l.vectors.Add(1)
		l.sink.LoadVector(m, now)
	default:
		l.unknown.Add(1)
		return ErrUnknownType
	}
	return nil
}

// Counters returns the listener's and its opener's totals.
func (l *Listener) Counters() Counters {
	return Counters{Datagrams: l.datagrams.Load(), Heartbeats: l.heartbeats.Load(), LoadVectors: l.vectors.Load(),
		Malformed: l.malformed.Load(), UnknownType: l.unknown.Load(), SenderMismatch: l.mismatch.Load(),
		ReadErrors: l.readErrs.Load(), Auth: l.opener.Counters()}
}
