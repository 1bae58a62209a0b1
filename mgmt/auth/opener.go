package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// Rejection errors returned (wrapped) by Opener.Open; each has a counter.
var (
	ErrShort       = errors.New("auth: message shorter than trailer")
	ErrUnknownHost = errors.New("auth: unknown sender")
	ErrUnknownKey  = errors.New("auth: unknown key id")
	ErrStale       = errors.New("auth: message too old")
	ErrFuture      = errors.New("auth: message from the future")
	ErrReplay      = errors.New("auth: replayed message")
	ErrBadMAC      = errors.New("auth: bad MAC")
)

// Reason indexes the rejection counters.
type Reason uint8

// Rejection reasons, in the order Open checks them.
const (
	ReasonShort Reason = iota
	ReasonUnknownHost
	ReasonUnknownKey
	ReasonStale
	ReasonFuture
	ReasonReplay
	ReasonBadMAC
	NumReasons
)

var reasonErrs = [NumReasons]error{ErrShort, ErrUnknownHost, ErrUnknownKey, ErrStale, ErrFuture, ErrReplay, ErrBadMAC}
var reasonNames = [NumReasons]string{"short", "unknown-host", "unknown-key", "stale", "future", "replay", "bad-mac"}

// String names the reason as in metrics labels.
func (r Reason) String() string {
	if r < NumReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// DefaultMaxSkew is how far SentAt may be from the receiver's clock.
const DefaultMaxSkew = 30 * time.Second

// Opened is an accepted message: its trailer and its body, which aliases the
// input (copy it to keep it beyond the next read into that buffer).
type Opened struct {
	Trailer
	Body []byte
}

type macKey struct {
	id  uint8
	mac hash.Hash
}

type peer struct {
	keys []macKey
	win  Window
}

// Counters are an Opener's totals since creation.
type Counters struct {
	Accepted uint64
	Rejected [NumReasons]uint64
}

// Opener verifies trailers for a known set of senders. Safe for concurrent
// use (one lock per Open; the listener is its only hot caller).
type Opener struct {
	mu      sync.Mutex
	peers   map[uint32]*peer
	maxSkew time.Duration
	sum     [fullMACLen]byte
	c       Counters
}

// NewOpener returns an Opener with no senders; maxSkew ≤ 0 means DefaultMaxSkew.
func NewOpener(maxSkew time.Duration) *Opener {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	return &Opener{peers: make(map[uint32]*peer), maxSkew: maxSkew}
}

// AddHost registers sender with the keys it may use (distinct ids; a second
// call for the same sender adds keys, replacing those with the same id).
func (o *Opener) AddHost(sender uint32, keys ...Key) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.peers[sender]
	if p == nil {
		p = &peer{}
		o.peers[sender] = p
	}
	for _, k := range keys {
		if k.IsZero() {
			return fmt.Errorf("add host %d: %w", sender, ErrKey)
		}
		mk := macKey{id: k.id, mac: hmac.New(sha256.New, k.secret)}
		replaced := false
		for i := range p.keys {
			if p.keys[i].id == k.id {
				p.keys[i], replaced = mk, true
			}
		}
		if !replaced {
			p.keys = append(p.keys, mk)
		}
	}
	return nil
}

// Open authenticates msg at time now. It checks, in order: length, sender,
// key id, age (SentAt within ±maxSkew of now), replay window, MAC; the first
// failure is counted and its sentinel returned. The window moves only for
// messages whose MAC verified. Open does not allocate.
func (o *Opener) Open(msg []byte, now time.Time) (Opened, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(msg) < TrailerLen {
		return Opened{}, o.reject(ReasonShort)
	}
	bodyLen := len(msg) - TrailerLen
	tr := parseTrailer(msg[bodyLen:])
	p := o.peers[tr.Sender]
	if p == nil {
		return Opened{}, o.reject(ReasonUnknownHost)
	}
	var mac hash.Hash
	for i := range p.keys {
		if p.keys[i].id == tr.KeyID {
			mac = p.keys[i].mac
		}
	}
	if mac == nil {
		return Opened{}, o.reject(ReasonUnknownKey)
	}
	skew := int64(o.maxSkew / time.Second)
	age := now.Unix() - int64(tr.SentAt)
	switch {
	case age > skew:
		return Opened{}, o.reject(ReasonStale)
	case age < -skew:
		return Opened{}, o.reject(ReasonFuture)
	}
	if !p.win.Check(tr.Counter) {
		return Opened{}, o.reject(ReasonReplay)
	}
	mac.Reset()
	mac.Write(msg[:bodyLen+headerLen])
	sum := mac.Sum(o.sum[:0])
	if !hmac.Equal(sum[:TagLen], msg[bodyLen+offTag:]) {
		return Opened{}, o.reject(ReasonBadMAC)
	}
	p.win.Update(tr.Counter)
	o.c.Accepted++
	return Opened{Trailer: tr, Body: msg[:bodyLen:bodyLen]}, nil
}

func (o *Opener) reject(r Reason) error {
	o.c.Rejected[r]++
	return reasonErrs[r]
}

// Counters returns a copy of the accept/reject totals.
func (o *Opener) Counters() Counters {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.c
}

// ReasonOf maps an error returned by Open to its Reason (ok false otherwise).
func ReasonOf(err error) (Reason, bool) {
	for r, e := range reasonErrs {
		if errors.Is(err, e) {
			return Reason(r), true
		}
	}
	return 0, false
}
