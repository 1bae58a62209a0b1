package lex

// Header reads the SIP/RTSP/HTTP-style header starting at b[0] (a non-blank line), with
// its folded continuation lines (RFC 3261 §7.3.1, RFC 2616 §2.2). value spans from after
// the colon to the end of the last continuation line and may contain CRLF
// and white space: use TrimLWS and LWS-aware scanning on it. end=true
// means b starts with the blank line that ends the head; rest is then the
// body. ok=false: no colon, a bad name, or no line end before the body.
func Header(b []byte) (name, value, rest []byte, end, ok bool) {
	line, next, found := Line(b)
	if !found {
		return nil, nil, nil, false, false
	}
	if len(line) == 0 {
		return nil, nil, next, true, true
	}
	n, _, colon := Cut(line, ':')
	if !colon {
		return nil, nil, nil, false, false
	}
	name = TrimSpace(n)
	if len(n) > 0 && IsSpace(n[0]) || !AllToken(name) {
		return nil, nil, nil, false, false
	}
	start := len(n) + 1
	stop := len(line)
	consumed := len(b) - len(next)
	for len(next) > 0 && IsSpace(next[0]) {
		l, nn, f := Line(next)
		if !f {
			return nil, nil, nil, false, false
		}
		stop = consumed + len(l)
		consumed = len(b) - len(nn)
		next = nn
	}
	return name, b[start:stop], next, false, true
}
