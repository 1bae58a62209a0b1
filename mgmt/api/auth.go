package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// access is what a route needs.
type access uint8

const (
	readAccess  access = iota // open, or ReadToken/Token when ReadToken is set
	writeAccess               // Token
)

// tokens holds the digests of the configured tokens: comparing digests in
// constant time hides both the content and the length of the secret.
type tokens struct {
	write, read [sha256.Size]byte
	hasWrite    bool
	hasRead     bool
}

func newTokens(c *Config) tokens {
	t := tokens{hasWrite: c.Token != "", hasRead: c.ReadToken != ""}
	if t.hasWrite {
		t.write = sha256.Sum256([]byte(c.Token))
	}
	if t.hasRead {
		t.read = sha256.Sum256([]byte(c.ReadToken))
	}
	return t
}

// bearer returns the request's bearer token and whether it sent one.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) < len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(h[len(p):]), true
}

// check returns 0 when r may proceed, else 401 (no credentials where some
// are needed) or 403 (wrong credentials, or mutations disabled).
func (t *tokens) check(r *http.Request, need access) int {
	if need == readAccess && !t.hasRead {
		return 0
	}
	if need == writeAccess && !t.hasWrite {
		return http.StatusForbidden
	}
	tok, ok := bearer(r)
	if !ok {
		return http.StatusUnauthorized
	}
	d := sha256.Sum256([]byte(tok))
	w := t.hasWrite && subtle.ConstantTimeCompare(d[:], t.write[:]) == 1
	rd := t.hasRead && subtle.ConstantTimeCompare(d[:], t.read[:]) == 1
	if w || (need == readAccess && rd) {
		return 0
	}
	return http.StatusForbidden
}
