package sip

import (
	"errors"
	"strconv"

	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// ErrNoReply is returned by AppendReply for a message it must not or
// cannot answer: a response, an ACK (never answered, RFC 3261 §17.1.1.3),
// or a request without the headers a response copies.
var ErrNoReply = errors.New("sip: message cannot be answered")

// AppendReply appends to dst a stateless final response (RFC 3261 §8.2.6)
// with status code (300–699) and reason to the SIP request req: every Via
// header field of the request in order, From, To, Call-ID and CSeq copied
// (values as written, names in long form), a To tag added when the request
// had none (§8.2.6.2; derived from the Call-ID and From tag, so a
// retransmitted request gets the same one), Retry-After: retryAfter
// seconds when retryAfter > 0 (§20.33, for 503 §21.5.4), and
// Content-Length: 0. It allocates nothing when dst has room for the
// response. On error dst is returned unchanged.
func AppendReply(dst, req []byte, code int, reason string, retryAfter int) ([]byte, error) {
	if code < 300 || code > 699 {
		return dst, ErrNoReply
	}
	line, rest, ok := lex.Line(req)
	if !ok || lex.HasPrefixFold(line, "sip/") {
		return dst, ErrNoReply
	}
	method, _ := lex.Token(line)
	if len(method) == 0 || string(method) == "ACK" { // methods are case-sensitive (§7.1)
		return dst, ErrNoReply
	}
	var from, to, callID, cseq []byte
	vias := 0
	for b := rest; ; {
		name, value, next, end, ok := lex.Header(b)
		if !ok || end {
			break
		}
		v := lex.TrimLWS(value)
		switch headerID(name) {
		case hVia:
			if len(v) > 0 {
				vias++
			}
		case hFrom:
			from = first(from, v)
		case hTo:
			to = first(to, v)
		case hCallID:
			callID = first(callID, v)
		case hCSeq:
			cseq = first(cseq, v)
		}
		b = next
	}
	if vias == 0 || len(from) == 0 || len(to) == 0 || len(callID) == 0 || len(cseq) == 0 {
		return dst, ErrNoReply
	}
	toTag, ok := tagOf(to)
	if !ok {
		return dst, ErrNoReply
	}
	fromTag, _ := tagOf(from)
	out := append(dst, "SIP/2.0 "...)
	out = strconv.AppendInt(out, int64(code), 10)
	out = append(out, ' ')
	out = append(out, reason...)
	out = append(out, "\r\n"...)
	for b := rest; ; {
		name, value, next, end, ok := lex.Header(b)
		if !ok || end {
			break
		}
		if v := lex.TrimLWS(value); headerID(name) == hVia && len(v) > 0 {
			out = header(out, "Via", v)
		}
		b = next
	}
	out = header(out, "From", from)
	toAt := len(out) + len("To: ")
	out = header(out, "To", to)
	if len(toTag) == 0 {
		out = append(out[:len(out)-2], ";tag="...)
		out = appendTag(out, callID, fromTag)
		if t, _ := tagOf(out[toAt:]); len(t) != tagLen {
			return dst, ErrNoReply // a To value the tag would not be read from (a stray ',')
		}
		out = append(out, "\r\n"...)
	}
	out = header(out, "Call-ID", callID)
	out = header(out, "CSeq", cseq)
	if retryAfter > 0 {
		out = append(out, "Retry-After: "...)
		out = strconv.AppendInt(out, int64(retryAfter), 10)
		out = append(out, "\r\n"...)
	}
	return append(out, "Content-Length: 0\r\n\r\n"...), nil
}

// first keeps the first value of a header (v if none yet).
func first(have, v []byte) []byte {
	if have != nil {
		return have
	}
	return v
}

func header(out []byte, name string, v []byte) []byte {
	out = append(out, name...)
	out = append(out, ": "...)
	out = append(out, v...)
	return append(out, "\r\n"...)
}

// tagLen is the length of the To tags appendTag writes.
const tagLen = len("sara") + 8

// appendTag appends "sara" and 8 hex digits of FNV-1a over the Call-ID and From tag:
// the same request always gets the same To tag.
func appendTag(out, callID, fromTag []byte) []byte {
	h := uint32(2166136261)
	for _, b := range [2][]byte{callID, fromTag} {
		for _, c := range b {
			h = (h ^ uint32(c)) * 16777619
		}
		h = (h ^ 0xff) * 16777619
	}
	const hex = "0123456789abcdef"
	out = append(out, "sara"...)
	for s := 28; s >= 0; s -= 4 {
		out = append(out, hex[h>>uint(s)&0xf])
	}
	return out
}
