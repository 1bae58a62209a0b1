package inspect

// DefaultMaxBuffer is the default bound on the bytes a Stream keeps for an
// incomplete message.
const DefaultMaxBuffer = 64 << 10

// StreamConfig configures a Stream.
type StreamConfig struct {
	// MaxBuffer bounds the bytes buffered while a message is incomplete,
	// and thus the largest message (head + body) the stream accepts.
	// Zero means DefaultMaxBuffer.
	MaxBuffer int
}

// StreamStats are a Stream's counts. Plain fields: a Stream belongs to
// one goroutine, which reads them.
type StreamStats struct {
	Messages     uint64 // whole messages returned by Next
	Interleaved  uint64 // RTSP interleaved binary frames skipped
	Keepalives   uint64 // CRLF keep-alive runs skipped
	Overflows    uint64 // messages larger than MaxBuffer: stream reset
	BadFraming   uint64 // bad Content-Length: stream reset
	BufferedPeak int    // most bytes ever buffered
}

// Stream cuts one TCP connection's in-order byte stream into SIP or RTSP
// messages. Feed it each segment, then call Next until it returns nil.
//
// A message returned by Next aliases either the segment given to Feed or
// the Stream's own buffer; it is valid until the next Feed or Reset. When a
// segment holds only whole messages nothing is copied; bytes of an
// incomplete message are copied into the Stream's buffer. A message (head
// and body) larger than MaxBuffer that does not arrive whole in one segment
// is refused with ErrTooLarge, so the buffer never holds more than
// MaxBuffer plus one segment. After an error the Stream has dropped everything buffered
// (the connection cannot be re-synchronised) and starts afresh with the
// next Feed.
type Stream struct {
	max   int
	buf   []byte // owned: pending bytes of an incomplete message
	cur   []byte // bytes not consumed yet: a suffix of the last segment or buf
	inSeg bool   // cur aliases the caller's segment
	skip  int    // bytes of an interleaved frame still to skip
	// Work already done on the message at the start of cur, so that a
	// message arriving in many small segments is scanned once, not once
	// per segment: scanned = bytes known to hold no head end; need = the
	// message's total length once its head is parsed (0: not yet).
	scanned, need int
	stats         StreamStats
}

// NewStream returns an empty Stream.
func NewStream(cfg StreamConfig) *Stream {
	s := &Stream{}
	s.Init(cfg)
	return s
}

// Init (re)configures s in place, for Streams embedded in other structs.
func (s *Stream) Init(cfg StreamConfig) {
	*s = Stream{max: cfg.MaxBuffer}
	if s.max <= 0 {
		s.max = DefaultMaxBuffer
	}
}

// Stats returns the stream's counts.
func (s *Stream) Stats() StreamStats { return s.stats }

// Buffered returns the bytes held for an incomplete message.
func (s *Stream) Buffered() int { return len(s.cur) }

// Reset drops any buffered bytes.
func (s *Stream) Reset() {
	s.buf, s.cur, s.inSeg, s.skip = s.buf[:0], nil, false, 0
	s.scanned, s.need = 0, 0
}

// advance drops n bytes from the front of cur: a new message starts.
func (s *Stream) advance(n int) {
	s.cur = s.cur[n:]
	s.scanned, s.need = 0, 0
}

// Feed adds the next segment of the connection.
func (s *Stream) Feed(seg []byte) {
	if s.max == 0 {
		s.Init(StreamConfig{})
	}
	if s.skip > 0 { // rest of an interleaved frame
		n := min(s.skip, len(seg))
		s.skip -= n
		seg = seg[n:]
	}
	if len(s.cur) == 0 {
		s.cur, s.inSeg = seg, true
		return
	}
	if s.inSeg {
		s.buf = append(s.buf[:0], s.cur...)
	} else {
		s.buf = s.buf[:copy(s.buf, s.cur)] // compact to the start
	}
	// Pending bytes are at most MaxBuffer (wait enforces it), so the
	// buffer holds at most MaxBuffer plus one segment.
	s.buf = append(s.buf, seg...)
	s.cur, s.inSeg = s.buf, false
	s.peak()
}

func (s *Stream) peak() {
	if len(s.cur) > s.stats.BufferedPeak {
		s.stats.BufferedPeak = len(s.cur)
	}
}

// Next returns the next whole message, or nil when more bytes are needed.
// On ErrContentLength or ErrTooLarge the stream has been reset.
func (s *Stream) Next() ([]byte, error) {
	for {
		if k := skipKeepalive(s.cur); k > 0 {
			s.advance(k)
			s.stats.Keepalives++
		}
		if len(s.cur) == 0 {
			s.cur, s.inSeg = nil, false
			return nil, nil
		}
		if frame, complete := isInterleaved(s.cur); frame != 0 {
			if !complete {
				return nil, s.wait()
			}
			s.stats.Interleaved++
			if frame > len(s.cur) {
				s.skip = frame - len(s.cur)
				s.advance(len(s.cur))
				return nil, nil
			}
			s.advance(frame)
			continue
		}
		if s.need == 0 {
			if !hasHeadEnd(s.cur[max(s.scanned-3, 0):]) {
				s.scanned = len(s.cur)
				return nil, s.wait()
			}
			head, body, ok, err := HeadLength(s.cur)
			if err != nil {
				s.stats.BadFraming++
				s.Reset()
				return nil, err
			}
			if !ok {
				return nil, s.wait()
			}
			s.need = head + max(body, 0)
		}
		total := s.need
		if total > len(s.cur) {
			if total > s.max {
				s.stats.Overflows++
				s.Reset()
				return nil, ErrTooLarge
			}
			return nil, s.wait()
		}
		msg := s.cur[:total:total]
		s.advance(total)
		s.stats.Messages++
		return msg, nil
	}
}

// wait keeps the incomplete bytes of cur in the Stream's own buffer, as the
// caller may reuse its segment after Next returns.
func (s *Stream) wait() error {
	if len(s.cur) > s.max {
		s.stats.Overflows++
		s.Reset()
		return ErrTooLarge
	}
	if s.inSeg {
		s.buf = append(s.buf[:0], s.cur...)
		s.cur, s.inSeg = s.buf, false
		s.peak()
	}
	return nil
}
