package sip

import "github.com/sara-lb/sara/engine/inspect/internal/lex"

// hdr identifies the headers the inspector reads.
type hdr uint8

const (
	hOther hdr = iota
	hCallID
	hCSeq
	hFrom
	hTo
	hVia
	hContentLength
	hContentType
)

// headerID maps a header name (long or RFC 3261 §7.3.3 compact form,
// any case) to the header it names.
func headerID(name []byte) hdr {
	if len(name) == 1 {
		switch name[0] | 0x20 { // ASCII lower case
		case 'i':
			return hCallID
		case 'f':
			return hFrom
		case 't':
			return hTo
		case 'v':
			return hVia
		case 'l':
			return hContentLength
		case 'c':
			return hContentType
		}
		return hOther
	}
	switch len(name) {
	case 2:
		if lex.EqualFold(name, "to") {
			return hTo
		}
	case 3:
		if lex.EqualFold(name, "via") {
			return hVia
		}
	case 4:
		if lex.EqualFold(name, "cseq") {
			return hCSeq
		}
		if lex.EqualFold(name, "from") {
			return hFrom
		}
	case 7:
		if lex.EqualFold(name, "call-id") {
			return hCallID
		}
	case 12:
		if lex.EqualFold(name, "content-type") {
			return hContentType
		}
	case 14:
		if lex.EqualFold(name, "content-length") {
			return hContentLength
		}
	}
	return hOther
}

// nextHeader reads the header starting at b[0] (a non-blank line), with
// its folded continuation lines (RFC 3261 §7.3.1). value spans from after
// the colon to the end of the last continuation line and may contain CRLF
// and white space: use lex.TrimLWS and LWS-aware scanning on it. end=true
// means b starts with the blank line that ends the head; rest is then the
// body. ok=false: no colon, a bad name, or no line end before the body.
func nextHeader(b []byte) (name, value, rest []byte, end, ok bool) {
	line, next, found := lex.Line(b)
	if !found {
		return nil, nil, nil, false, false
	}
	if len(line) == 0 {
		return nil, nil, next, true, true
	}
	n, _, colon := lex.Cut(line, ':')
	if !colon {
		return nil, nil, nil, false, false
	}
	name = lex.TrimSpace(n)
	if len(n) > 0 && lex.IsSpace(n[0]) || !lex.AllToken(name) {
		return nil, nil, nil, false, false
	}
	start := len(n) + 1
	stop := len(line)
	consumed := len(b) - len(next)
	for len(next) > 0 && lex.IsSpace(next[0]) {
		l, nn, f := lex.Line(next)
		if !f {
			return nil, nil, nil, false, false
		}
		stop = consumed + len(l)
		consumed = len(b) - len(nn)
		next = nn
	}
	return name, b[start:stop], next, false, true
}
