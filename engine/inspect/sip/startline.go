package sip

import (
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

const version = "SIP/2.0"

// startLine parses a Request-Line (RFC 3261 §7.1: Method SP Request-URI SP
// SIP-Version, single spaces) or a Status-Line (SIP-Version SP 3DIGIT SP
// Reason-Phrase) into r.
func startLine(line []byte, r *inspect.Result) error {
	if lex.HasPrefixFold(line, "sip/") {
		return statusLine(line, r)
	}
	m, rest, ok1 := lex.Cut(line, ' ')
	uri, ver, ok2 := lex.Cut(rest, ' ')
	if !ok1 || !ok2 {
		return inspect.ErrNotProtocol
	}
	if !lex.AllToken(m) || len(uri) == 0 || !lex.EqualFold(ver, "sip/2.0") {
		if lex.HasPrefixFold(ver, "sip/") || lex.HasPrefixFold(ver, "sip ") {
			return inspect.ErrStartLine // SIP, but a bad version or method
		}
		return inspect.ErrNotProtocol
	}
	if uri[0] == '<' {
		return inspect.ErrStartLine // RFC 4475 §3.1.2.7: <> around the Request-URI
	}
	for _, c := range uri {
		if c <= ' ' || c == 0x7f {
			return inspect.ErrStartLine
		}
	}
	r.Kind, r.MethodName, r.Method = inspect.Request, m, inspect.LookupMethod(m)
	return nil
}

func statusLine(line []byte, r *inspect.Result) error {
	ver, rest, ok := lex.Cut(line, ' ')
	if !ok || !lex.EqualFold(ver, "sip/2.0") {
		return inspect.ErrStartLine
	}
	code, _, _ := lex.Cut(rest, ' ')
	if len(code) != 3 {
		return inspect.ErrStartLine
	}
	n, ok := lex.Uint(code, 699)
	if !ok || n < 100 {
		return inspect.ErrStartLine
	}
	r.Kind, r.Status = inspect.Response, uint16(n)
	return nil
}

// Sniff reports whether payload's first line is a SIP request or status
// line ("... SIP/2.0" or "SIP/2.0 ...").
func Sniff(payload []byte) bool {
	line, _, _ := lex.Line(payload)
	if lex.HasPrefixFold(line, "sip/2.0 ") {
		return true
	}
	return len(line) > len(version) && lex.EqualFold(line[len(line)-len(version)-1:], " sip/2.0")
}
