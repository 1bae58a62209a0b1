package inspect

import (
	"bytes"

	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// HeadLength returns the length of a SIP or RTSP message head (start line
// and headers, including the blank line ending them) at the start of b,
// and the body length its Content-Length header (or SIP compact "l")
// announces: -1 when there is none. It returns ok=false when the blank
// line is not in b yet. Several Content-Length headers must agree.
func HeadLength(b []byte) (head, body int, ok bool, err error) {
	body = -1
	rest := b
	first := true
	for {
		line, next, found := lex.Line(rest)
		if !found {
			return 0, 0, false, nil
		}
		if len(line) == 0 {
			return len(b) - len(next), body, true, nil
		}
		if !first && !lex.IsSpace(line[0]) {
			if n, isCL, cerr := contentLength(line); cerr != nil {
				return 0, 0, false, cerr
			} else if isCL {
				if body >= 0 && n != body {
					return 0, 0, false, ErrContentLength
				}
				body = n
			}
		}
		first = false
		rest = next
	}
}

// maxBody bounds Content-Length values (bigger bodies are refused).
const maxBody = 1 << 24

// contentLength parses a "Content-Length:" or "l:" header line.
func contentLength(line []byte) (n int, isCL bool, err error) {
	name, val, found := lex.Cut(line, ':')
	if !found {
		return 0, false, nil
	}
	name = lex.TrimSpace(name)
	if !lex.EqualFold(name, "content-length") && !lex.EqualFold(name, "l") {
		return 0, false, nil
	}
	v, ok := lex.Uint(lex.TrimSpace(val), maxBody)
	if !ok {
		return 0, true, ErrContentLength
	}
	return int(v), true, nil
}

// skipKeepalive returns how many leading CR/LF bytes b has (SIP
// keep-alive pings, RFC 5626, and stray line ends between messages).
func skipKeepalive(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// isInterleaved reports whether b starts an RTSP interleaved binary frame
// ('$', channel, 16-bit length) and, when its header is complete, the
// frame's total length.
func isInterleaved(b []byte) (frame int, complete bool) {
	if len(b) == 0 || b[0] != '$' {
		return 0, false
	}
	if len(b) < 4 {
		return -1, false
	}
	return 4 + (int(b[2])<<8 | int(b[3])), true
}

var crlfcrlf, lflf, lfcrlf = []byte("\r\n\r\n"), []byte("\n\n"), []byte("\n\r\n")

// hasHeadEnd is a quick check before HeadLength's line walk.
func hasHeadEnd(b []byte) bool {
	return bytes.Contains(b, crlfcrlf) || bytes.Contains(b, lflf) || bytes.Contains(b, lfcrlf)
}
