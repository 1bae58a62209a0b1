package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
	"time"
)

// Sealer appends authentication trailers for one sender. It is safe for
// concurrent use (a node agent's heartbeat and load-vector loops share one,
// so both advance the same counter).
type Sealer struct {
	mu      sync.Mutex
	keyID   uint8
	sender  uint32
	counter uint64
	mac     hash.Hash
	sum     [fullMACLen]byte
	now     func() time.Time
}

// NewSealer returns a Sealer for sender using key. now is the clock (nil for
// time.Now); the counter starts at now's unix seconds shifted left 32 bits.
func NewSealer(sender uint32, key Key, now func() time.Time) (*Sealer, error) {
	if key.IsZero() {
		return nil, ErrKey
	}
	if now == nil {
		now = time.Now
	}
	return &Sealer{
		keyID:   key.id,
		sender:  sender,
		counter: uint64(now().Unix()) << 32,
		mac:     hmac.New(sha256.New, key.secret),
		now:     now,
	}, nil
}

// Seal appends body and its trailer to dst and returns the extended slice.
// With a dst of enough capacity it does not allocate.
func (s *Sealer) Seal(dst, body []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counter++
	start := len(dst)
	dst = append(dst, body...)
	var tr [headerLen]byte
	Trailer{KeyID: s.keyID, Sender: s.sender, Counter: s.counter, SentAt: uint32(s.now().Unix())}.put(tr[:])
	dst = append(dst, tr[:]...)
	s.mac.Reset()
	s.mac.Write(dst[start:])
	tag := s.mac.Sum(s.sum[:0])
	return append(dst, tag[:TagLen]...)
}
