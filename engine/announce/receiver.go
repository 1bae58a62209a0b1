package announce

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/auth"
)

// MaxDatagram is the receiver's read buffer: the longest sealed message
// with room to spare. Longer datagrams are truncated and then fail
// authentication.
const MaxDatagram = 1024

// Consumer receives each accepted announcement. m and its Key alias the
// receiver's buffer: valid only during the call (copy what is kept). It is
// called on the receiver's goroutine and must not block.
type Consumer func(m *Message)

// ReceiverCounters are a Receiver's totals. Invariant (tested): Datagrams =
// Announcements + Hellos + Malformed + ΣAuth.Rejected.
type ReceiverCounters struct {
	Datagrams     uint64        `json:"datagrams"`     // datagrams read
	Announcements uint64        `json:"announcements"` // accepted and handed to the consumer
	Hellos        uint64        `json:"hellos"`        // accepted hellos (gateway alive)
	Malformed     uint64        `json:"malformed"`     // authenticated but not a valid body (Decode error)
	ReadErrors    uint64        `json:"read_errors"`   // socket read errors (not datagrams)
	Auth          auth.Counters `json:"auth"`
}

// ReceiverOptions are optional collaborators of a Receiver.
type ReceiverOptions struct {
	Now func() time.Time // clock (default time.Now)
	Log *zap.Logger
}

// Receiver is the dispatcher's end: it reads sealed announcements from a
// UDP socket, authenticates them (unknown sender, bad MAC, replay and stale
// messages are rejected and counted by the auth.Opener), decodes them and
// hands them to a Consumer. One goroutine (Run) reads into one reused
// buffer; handling a datagram allocates nothing.
type Receiver struct {
	conn    *net.UDPConn
	opener  *auth.Opener
	consume Consumer
	now     func() time.Time
	log     *zap.Logger
	buf     [MaxDatagram]byte
	msg     Message

	datagrams, announcements, hellos, malformed, readErrs atomic.Uint64
}

// NewReceiver returns a Receiver without a socket: feed it with Handle
// (tests, fuzzing, benchmarks). Listen binds one.
func NewReceiver(opener *auth.Opener, consume Consumer, opt ReceiverOptions) *Receiver {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	return &Receiver{opener: opener, consume: consume, now: opt.Now, log: opt.Log.Named("announce-receiver")}
}

// Listen binds addr (host:port, UDP) and returns a Receiver on it.
func Listen(addr string, opener *auth.Opener, consume Consumer, opt ReceiverOptions) (*Receiver, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("announce: resolve %q: %w", addr, err)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("announce: listen: %w", err)
	}
	r := NewReceiver(opener, consume, opt)
	r.conn = conn
	return r, nil
}

// Addr is the bound address (nil without a socket).
func (r *Receiver) Addr() net.Addr {
	if r.conn == nil {
		return nil
	}
	return r.conn.LocalAddr()
}

// Run reads datagrams until ctx is done, then closes the socket.
func (r *Receiver) Run(ctx context.Context) error {
	if r.conn == nil {
		return errors.New("announce: receiver has no socket (use Listen)")
	}
	stop := context.AfterFunc(ctx, func() { _ = r.conn.Close() })
	defer stop()
	for {
		n, _, err := r.conn.ReadFromUDPAddrPort(r.buf[:])
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			r.readErrs.Add(1)
			continue
		}
		if err := r.Handle(r.buf[:n], r.now()); err != nil {
			r.log.Debug("announcement rejected", zap.Error(err))
		}
	}
}

// Close closes the socket (Run returns); use it when Run was never started.
func (r *Receiver) Close() error {
	if r.conn == nil {
		return nil
	}
	return r.conn.Close()
}

// Handle authenticates, decodes and delivers one datagram received at now.
// It returns the auth error or the decode error (both sentinels, unwrapped:
// a flood of bad datagrams allocates nothing). Not safe for concurrent use
// with Run.
func (r *Receiver) Handle(b []byte, now time.Time) error {
	r.datagrams.Add(1)
	op, err := r.opener.Open(b, now)
	if err != nil {
		return err
	}
	if err := r.msg.Decode(op.Body); err != nil {
		r.malformed.Add(1)
		return err
	}
	if r.msg.Type == TypeHello {
		r.hellos.Add(1)
		return nil
	}
	r.announcements.Add(1)
	r.consume(&r.msg)
	return nil
}

// Counters returns the receiver's and its opener's totals; safe from any
// goroutine.
func (r *Receiver) Counters() ReceiverCounters {
	return ReceiverCounters{Datagrams: r.datagrams.Load(), Announcements: r.announcements.Load(),
		Hellos: r.hellos.Load(), Malformed: r.malformed.Load(), ReadErrors: r.readErrs.Load(),
		Auth: r.opener.Counters()}
}
