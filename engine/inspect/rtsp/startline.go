package rtsp

import (
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// isVersion accepts RTSP/1.0 and RTSP/2.0 (RFC 2326, RFC 7826).
func isVersion(v []byte) bool {
	return lex.EqualFold(v, "rtsp/1.0") || lex.EqualFold(v, "rtsp/2.0")
}

// startLine parses "METHOD URI RTSP/x.y" or "RTSP/x.y CODE reason".
func startLine(line []byte, r *inspect.Result) error {
	if lex.HasPrefixFold(line, "rtsp/") {
		ver, rest, _ := lex.Cut(line, ' ')
		code, _, _ := lex.Cut(rest, ' ')
		if !isVersion(ver) {
			return inspect.ErrStartLine
		}
		n, ok := lex.Uint(code, 999)
		if !ok || len(code) != 3 || n < 100 {
			return inspect.ErrStartLine
		}
		r.Kind, r.Status = inspect.Response, uint16(n)
		return nil
	}
	m, rest, ok1 := lex.Cut(line, ' ')
	uri, ver, ok2 := lex.Cut(rest, ' ')
	if !ok1 || !ok2 || !isVersion(ver) {
		return inspect.ErrNotProtocol
	}
	if !lex.AllToken(m) || len(uri) == 0 {
		return inspect.ErrStartLine
	}
	for _, c := range uri {
		if c <= ' ' || c == 0x7f {
			return inspect.ErrStartLine
		}
	}
	r.Kind, r.MethodName, r.Method = inspect.Request, m, inspect.LookupMethod(m)
	return nil
}

// Sniff reports whether payload's first line is an RTSP request or
// status line, or an interleaved frame ('$').
func Sniff(payload []byte) bool {
	line, _, _ := lex.Line(payload)
	if lex.HasPrefixFold(line, "rtsp/") {
		return true
	}
	const v = " rtsp/1.0"
	return len(line) > len(v) && (lex.EqualFold(line[len(line)-len(v):], v) ||
		lex.EqualFold(line[len(line)-len(v):], " rtsp/2.0"))
}
