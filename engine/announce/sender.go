package announce

import (
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
