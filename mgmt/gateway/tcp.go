package gateway

import (
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

// TCP signalling is followed per direction (server->client only: that is
// all the gateway sees) strictly in order. A segment that starts at the
// next expected sequence number is fed to the connection's inspect.Stream;
// one that repeats bytes already fed is trimmed (or skipped when nothing in
// it is new). Out-of-order segments are not buffered: a gap (bytes never
// seen) drops the partial message, and the stream waits for a segment that
// starts a message (a status line, a request line or an RTSP interleaved
// frame) before it feeds again. A framing error does the same. Capturing on
// the sender's path, gaps mean capture loss, which pcap counts.

type connKey struct{ src, dst netip.AddrPort }

type conn struct {
	st     inspect.Stream
	next   uint32 // next expected sequence number
	synced bool   // next is known and the stream is at a message boundary
	seen   time.Time
}

type conns struct {
	m         map[connKey]*conn
	free      []*conn
	max       int
	idle      time.Duration
	lastSweep time.Time
}

func (c *conns) init(max int, idle time.Duration) {
	c.m, c.max, c.idle = make(map[connKey]*conn), max, idle
}

// get returns k's connection, creating it if there is room.
func (c *conns) get(k connKey, ts time.Time, ctr *counters) *conn {
	if x := c.m[k]; x != nil {
		return x
	}
	if len(c.m) >= c.max {
		ctr.connsFull.Add(1)
		return nil
	}
	var x *conn
	if n := len(c.free); n > 0 {
		x, c.free = c.free[n-1], c.free[:n-1]
	} else {
		x = &conn{}
	}
	x.st.Reset()
	x.next, x.synced, x.seen = 0, false, ts
	c.m[k] = x
	return x
}

func (c *conns) drop(k connKey) {
	if x := c.m[k]; x != nil {
		delete(c.m, k)
		c.free = append(c.free, x)
	}
}

// sweep forgets connections idle for longer than idle, at most once per
// idle/4 of capture time.
func (c *conns) sweep(ts time.Time, ctr *counters) {
	if ts.Sub(c.lastSweep) < c.idle/4 {
		return
	}
	c.lastSweep = ts
	for k, x := range c.m {
		if ts.Sub(x.seen) > c.idle {
			c.drop(k)
			ctr.connsIdle.Add(1)
		}
	}
}

// startsMessage reports whether a segment can begin a SIP/RTSP message: a
// status line, a request line (an upper-case token and a space) or an
// RTSP interleaved frame.
func startsMessage(b []byte) bool {
	if len(b) > 0 && b[0] == '$' {
		return true
	}
	for i, ch := range b {
		switch {
		case ch >= 'A' && ch <= 'Z' || ch == '-' || ch == '_' || (i > 0 && (ch == '/' || ch == '.' || ch >= '0' && ch <= '9')):
		case ch == ' ':
			return i > 0
		default:
			return false
		}
		if i >= 32 {
			return false
		}
	}
	return false
}

// segment follows one TCP segment of a signalling connection.
func (p *Pipeline) segment(ts time.Time, meta inspect.Meta, ins inspect.Inspector, host uint32, hasHost bool) {
	t := &p.tcp
	k := connKey{meta.Src, meta.Dst}
	if t.RST {
		p.conns.drop(k)
		return
	}
	data := t.LayerPayload()
	if t.SYN {
		x := p.conns.get(k, ts, &p.ctr)
		if x != nil {
			x.st.Reset()
			x.next, x.synced = t.Seq+1, true
		}
		return
	}
	if len(data) > 0 {
		x := p.conns.get(k, ts, &p.ctr)
		if x == nil {
			return
		}
		x.seen = ts
		p.feed(x, t.Seq, data, meta, ins, host, hasHost)
	}
	if t.FIN {
		p.conns.drop(k)
	}
}

// feed applies the in-order rule to a segment of x starting at seq.
func (p *Pipeline) feed(x *conn, seq uint32, data []byte, meta inspect.Meta, ins inspect.Inspector, host uint32, hasHost bool) {
	if x.synced {
		switch d := int32(seq - x.next); {
		case d < 0 && int(-d) >= len(data):
			p.ctr.retransmits.Add(1)
			return
		case d < 0:
			p.ctr.retransmits.Add(1)
			data, seq = data[-d:], x.next
		case d > 0:
			p.ctr.gaps.Add(1)
			x.st.Reset()
			x.synced = false
		}
	}
	if !x.synced {
		if !startsMessage(data) {
			p.ctr.unsynced.Add(1)
			x.next = seq + uint32(len(data))
			return
		}
		x.synced = true
	}
	x.next = seq + uint32(len(data))
	x.st.Feed(data)
	for {
		msg, err := x.st.Next()
		if err != nil {
			p.ctr.streamErrors.Add(1)
			x.synced = false // the stream reset itself: wait for a message start
			return
		}
		if msg == nil {
			return
		}
		p.message(meta, ins, msg, host, hasHost)
	}
}
