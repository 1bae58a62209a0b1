package sip

import (
	"bytes"

	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// findSDP returns the SDP in a body of Content-Type ctype: the body
// itself for application/sdp, or the first application/sdp part of a
// multipart/mixed (or /alternative, /related) body (RFC 2046, RFC 5621).
func findSDP(ctype, body []byte) ([]byte, bool) {
	mt, params, _ := lex.Cut(ctype, ';')
	mt = lex.TrimLWS(mt)
	switch {
	case lex.EqualFold(mt, "application/sdp"):
		return body, true
	case lex.HasPrefixFold(mt, "multipart/"):
		return multipartSDP(boundaryOf(params), body)
	}
	return nil, false
}

var crlfBytes = []byte("\r\n")

// boundaryOf returns the boundary parameter of a multipart Content-Type,
// without quotes.
func boundaryOf(params []byte) []byte {
	for len(params) > 0 {
		p, rest, _ := lex.Cut(params, ';')
		k, v, eq := lex.Cut(p, '=')
		if eq && lex.EqualFold(lex.TrimLWS(k), "boundary") {
			v = lex.TrimLWS(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v
		}
		params = rest
	}
	return nil
}

// multipartSDP walks the parts delimited by "--boundary" lines.
func multipartSDP(boundary, body []byte) ([]byte, bool) {
	if len(boundary) == 0 || len(boundary) > 70 {
		return nil, false
	}
	rest := body
	for {
		i := bytes.Index(rest, boundary)
		if i < 2 || rest[i-1] != '-' || rest[i-2] != '-' {
			return nil, false
		}
		rest = rest[i+len(boundary):]
		if len(rest) >= 2 && rest[0] == '-' && rest[1] == '-' {
			return nil, false // closing delimiter
		}
		_, rest, _ = lex.Line(rest) // rest of the delimiter line
		part := rest
		if j := bytes.Index(rest, boundary); j >= 2 {
			part = rest[:j-2]
			part = bytes.TrimSuffix(part, crlfBytes)
		}
		if sdpPart, ok := partSDP(part); ok {
			return sdpPart, true
		}
	}
}

// partSDP returns a part's body when its Content-Type is application/sdp.
func partSDP(part []byte) ([]byte, bool) {
	isSDP := false
	rest := part
	for {
		line, next, ok := lex.Line(rest)
		if !ok {
			return nil, false
		}
		if len(line) == 0 {
			return next, isSDP
		}
		name, v, _ := lex.Cut(line, ':')
		if id := headerID(lex.TrimSpace(name)); id == hContentType {
			mt, _, _ := lex.Cut(v, ';')
			isSDP = lex.EqualFold(lex.TrimLWS(mt), "application/sdp")
		}
		rest = next
	}
}
