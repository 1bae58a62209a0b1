package announce

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
)

// Sender seals announcements with an auth trailer and writes each one as a
// single datagram. It numbers messages (Seq) and stamps them (Time). It
// belongs to one goroutine; only Counters may be called from others. Once
// built it does not allocate per message.
type Sender struct {
	w      io.Writer
	closer io.Closer
	sealer *auth.Sealer
	now    func() time.Time
	seq    uint32
	body   []byte
	out    []byte

	sent, hellos, failed atomic.Uint64
}

// SenderCounters are a Sender's totals.
type SenderCounters struct {
	Sent   uint64 `json:"sent"`   // announcements written
	Hellos uint64 `json:"hellos"` // hellos written
	Failed uint64 `json:"failed"` // encode or write errors (the message is lost)
}

// NewSender returns a Sender writing to w (a connected UDP socket: one
// Write, one datagram). now is the clock (nil: time.Now).
func NewSender(w io.Writer, sealer *auth.Sealer, now func() time.Time) *Sender {
	if now == nil {
		now = time.Now
	}
	return &Sender{w: w, sealer: sealer, now: now,
		body: make([]byte, 0, MaxLen), out: make([]byte, 0, MaxLen+auth.TrailerLen)}
}

// Dial connects a UDP socket to addr (host:port) and returns a Sender on it.
func Dial(addr string, sealer *auth.Sealer, now func() time.Time) (*Sender, error) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("announce: dial %q: %w", addr, err)
	}
	s := NewSender(c, sealer, now)
	s.closer = c
	return s, nil
}

// DialAll connects one UDP socket to each of addrs (a hot-standby pair's
// two dispatchers) and returns a Sender writing every message to all of
// them; a message counts as sent when at least one write succeeded (a
// standby that is down refuses its copy).
func DialAll(addrs []string, sealer *auth.Sealer, now func() time.Time) (*Sender, error) {
	if len(addrs) == 1 {
		return Dial(addrs[0], sealer, now)
	}
	var m multiConn
	for _, a := range addrs {
		c, err := net.Dial("udp", a)
		if err != nil {
			_ = m.Close()
			return nil, fmt.Errorf("announce: dial %q: %w", a, err)
		}
		m = append(m, c)
	}
	s := NewSender(m, sealer, now)
	s.closer = m
	return s, nil
}

// multiConn writes each datagram to every socket.
type multiConn []net.Conn

func (m multiConn) Write(b []byte) (int, error) {
	var errs []error
	for _, c := range m {
		if _, err := c.Write(b); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == len(m) {
		return 0, errors.Join(errs...)
	}
	return len(b), nil
}

func (m multiConn) Close() error {
	var errs []error
	for _, c := range m {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// Send numbers, stamps, encodes, seals and writes m (m.Seq and m.Time are
// overwritten).
func (s *Sender) Send(m *Message) error {
	s.seq++
	m.Seq, m.Time = s.seq, uint64(s.now().UnixNano())
	body, err := m.Append(s.body[:0])
	if err != nil {
		s.failed.Add(1)
		return fmt.Errorf("announce: send: %w", err)
	}
	s.out = s.sealer.Seal(s.out[:0], body)
	if _, err := s.w.Write(s.out); err != nil {
		s.failed.Add(1)
		return fmt.Errorf("announce: send: %w", err)
	}
	if m.Type == TypeHello {
		s.hellos.Add(1)
	} else {
		s.sent.Add(1)
	}
	return nil
}

// Hello sends a hello (gateway alive, no body).
func (s *Sender) Hello() error {
	m := Message{Type: TypeHello}
	return s.Send(&m)
}

// Counters returns the sender's totals; safe from any goroutine.
func (s *Sender) Counters() SenderCounters {
	return SenderCounters{Sent: s.sent.Load(), Hellos: s.hellos.Load(), Failed: s.failed.Load()}
}

// Close closes the socket opened by Dial (no-op for NewSender).
func (s *Sender) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}
