package auth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MinKeyLen is the shortest secret accepted: 16 bytes (128 bits), the
// truncated tag length, as RFC 2104 §3 recommends keys at least as long as
// the security level sought.
const MinKeyLen = 16

// ErrKey reports a secret that is missing, too short or not valid hex.
var ErrKey = errors.New("auth: bad key")

// Key is a shared HMAC-SHA256 secret with a one-byte identifier carried in
// every trailer (so keys can be rotated: a receiver may hold several ids).
// Its secret never leaves the value: String, Format (every fmt verb, %#v
// included), MarshalText and MarshalJSON all print a redacted form, so a Key
// logged by mistake through fmt, zap or encoding/json shows only its id.
type Key struct {
	id     uint8
	secret []byte
}

// NewKey copies secret into a Key with identifier id.
func NewKey(id uint8, secret []byte) (Key, error) {
	if len(secret) < MinKeyLen {
		return Key{}, fmt.Errorf("%w: %d bytes, need at least %d", ErrKey, len(secret), MinKeyLen)
	}
	return Key{id: id, secret: append([]byte(nil), secret...)}, nil
}

// ParseKey decodes a hex-encoded secret (whitespace around it ignored).
func ParseKey(id uint8, hexSecret string) (Key, error) {
	b, err := hex.DecodeString(strings.TrimSpace(hexSecret))
	if err != nil {
		return Key{}, fmt.Errorf("%w: not hex", ErrKey)
	}
	return NewKey(id, b)
}

// ID returns the key identifier carried in trailers.
func (k Key) ID() uint8 { return k.id }

// WithID returns the same secret under another identifier.
func (k Key) WithID(id uint8) Key { k.id = id; return k }

// IsZero reports whether the key has no secret.
func (k Key) IsZero() bool { return len(k.secret) == 0 }

// String returns a redacted description: the id, never the secret.
func (k Key) String() string {
	if k.IsZero() {
		return "key(none)"
	}
	return fmt.Sprintf("key#%d(redacted)", k.id)
}

// GoString is String: %#v must not reveal the secret either.
func (k Key) GoString() string { return k.String() }

// Format makes every fmt verb print the redacted form.
func (k Key) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// MarshalText returns the redacted form, so encoders never write the secret.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// MarshalJSON returns the redacted form as a JSON string.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"` + k.String() + `"`), nil }

// UnmarshalText parses a hex secret (config loading); the id stays as set.
func (k *Key) UnmarshalText(b []byte) error {
	nk, err := ParseKey(k.id, string(b))
	if err != nil {
		return err
	}
	*k = nk
	return nil
}
