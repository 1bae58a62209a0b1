// Package lex holds the allocation-free byte-slice helpers shared by the
// SIP, SDP and RTSP parsers and by the stream framer: line splitting,
// case-insensitive comparison, trimming, number and IP address parsing.
package lex

import "bytes"

// IsSpace reports whether c is SP or HTAB (linear white space in a line).
func IsSpace(c byte) bool { return c == ' ' || c == '\t' }

// TrimSpace removes leading and trailing SP/HTAB.
func TrimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && IsSpace(b[i]) {
		i++
	}
	for j > i && IsSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// Line returns the first line of b without its terminator (CRLF or a bare
// LF), the rest after it, and whether a terminator was found.
func Line(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	j := i
	if j > 0 && b[j-1] == '\r' {
		j--
	}
	return b[:j], b[i+1:], true
}

// lower folds an ASCII upper-case letter.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// EqualFold reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case.
func EqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// HasPrefixFold reports whether b starts with the lower-case string s,
// ignoring ASCII case.
func HasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && EqualFold(b[:len(s)], s)
}

// Cut splits b around the first sep.
func Cut(b []byte, sep byte) (before, after []byte, found bool) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// Uint parses b, all decimal digits, as a number no larger than max.
func Uint(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// Port parses a decimal port number (0-65535).
func Port(b []byte) (uint16, bool) {
	n, ok := Uint(b, 65535)
	return uint16(n), ok
}

// Token returns the leading run of b up to the first SP/HTAB, and the rest
// with its leading white space removed.
func Token(b []byte) (tok, rest []byte) {
	i := 0
	for i < len(b) && !IsSpace(b[i]) {
		i++
	}
	tok = b[:i]
	for i < len(b) && IsSpace(b[i]) {
		i++
	}
	return tok, b[i:]
}

// IsLWS reports whether c is white space inside a possibly folded header
// value: SP, HTAB, CR or LF.
func IsLWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// TrimLWS removes leading and trailing SP, HTAB, CR and LF: it cleans a
// header value that spans folded lines.
func TrimLWS(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && IsLWS(b[i]) {
		i++
	}
	for j > i && IsLWS(b[j-1]) {
		j--
	}
	return b[i:j]
}

// IsToken reports whether c is an RFC 3261 token character.
func IsToken(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '!', '%', '*', '_', '+', '`', '\'', '~':
		return true
	}
	return false
}

// AllToken reports whether b is a non-empty run of token characters.
func AllToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !IsToken(c) {
			return false
		}
	}
	return true
}
