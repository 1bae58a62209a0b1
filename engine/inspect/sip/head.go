package sip

import (
	"bytes"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/internal/lex"
)

// maxCSeq: RFC 3261 §8.1.1.5, the sequence number is below 2**31.
const maxCSeq = 1<<31 - 1

// head is the scratch state of one message's header walk.
type head struct {
	callID      []byte
	contentType []byte
	contentLen  int // -1: absent
	body        []byte
	cseqMeth    []byte // CSeq method as written
	seen        uint8  // bit per mandatory header
}

const (
	seenCallID = 1 << iota
	seenCSeq
	seenFrom
	seenTo
	seenAll = seenCallID | seenCSeq | seenFrom | seenTo
)

// parse reads the start line and the headers of payload into r and h, and
// returns the bytes after the blank line (body and any trailing bytes).
// A datagram (udp) may end right after its last header line without the
// blank line: it then has no body.
func (h *head) parse(payload []byte, udp bool, r *inspect.Result) ([]byte, error) {
	h.contentLen = -1
	line, rest, ok := lex.Line(payload)
	if !ok {
		if Sniff(payload) {
			return nil, inspect.ErrTruncated
		}
		return nil, inspect.ErrNotProtocol
	}
	if err := startLine(line, r); err != nil {
		return nil, err
	}
	for {
		name, value, next, end, ok := lex.Header(rest)
		if !ok && udp && len(rest) == 0 {
			h.body = rest
			break
		}
		if !ok {
			if _, _, found := lex.Line(rest); !found {
				return nil, inspect.ErrTruncated
			}
			return nil, inspect.ErrHeader
		}
		if end {
			h.body = next
			break
		}
		if err := h.header(headerID(name), value, r); err != nil {
			return nil, err
		}
		rest = next
	}
	if h.seen != seenAll {
		return nil, inspect.ErrMissingHeader
	}
	if r.Kind == inspect.Request && !bytes.Equal(r.MethodName, h.cseqMeth) {
		return nil, inspect.ErrCSeq // RFC 4475 §3.1.2.17/18: start line and CSeq disagree
	}
	if r.Kind == inspect.Response {
		r.Method = r.CSeqMethod
	}
	return h.body, nil
}

func (h *head) header(id hdr, value []byte, r *inspect.Result) error {
	switch id {
	case hCallID:
		v := lex.TrimLWS(value)
		if len(v) == 0 || bytes.ContainsAny(v, " \t\r\n") {
			return inspect.ErrHeader
		}
		if h.seen&seenCallID != 0 && !bytes.Equal(v, h.callID) {
			return inspect.ErrHeader // two different Call-IDs
		}
		h.callID, h.seen = v, h.seen|seenCallID
	case hCSeq:
		return h.cseq(value, r)
	case hFrom, hTo:
		bit := uint8(seenFrom)
		if id == hTo {
			bit = seenTo
		}
		if h.seen&bit != 0 {
			return inspect.ErrHeader // From and To are single-valued
		}
		tag, ok := tagOf(value)
		if !ok || len(lex.TrimLWS(value)) == 0 {
			return inspect.ErrHeader
		}
		if id == hTo {
			r.ToTag = tag
		} else {
			r.FromTag = tag
		}
		h.seen |= bit
	case hVia:
		if r.Branch == nil {
			b, _ := param(value, "branch")
			r.Branch = b[:len(b):len(b)]
		}
	case hContentLength:
		n, ok := lex.Uint(lex.TrimLWS(value), 1<<24)
		if !ok || (h.contentLen >= 0 && int(n) != h.contentLen) {
			return inspect.ErrContentLength
		}
		h.contentLen = int(n)
	case hContentType:
		h.contentType = lex.TrimLWS(value)
	}
	return nil
}

// cseq reads "CSeq: 4711 INVITE" (number and method separated by LWS).
func (h *head) cseq(value []byte, r *inspect.Result) error {
	v := lex.TrimLWS(value)
	i := 0
	for i < len(v) && !lex.IsLWS(v[i]) {
		i++
	}
	num, meth := v[:i], lex.TrimLWS(v[i:])
	n, ok := lex.Uint(num, maxCSeq)
	if !ok || !lex.AllToken(meth) {
		return inspect.ErrCSeq
	}
	m := inspect.LookupMethod(meth)
	if h.seen&seenCSeq != 0 && (uint32(n) != r.CSeq || m != r.CSeqMethod) {
		return inspect.ErrCSeq
	}
	r.CSeq, r.CSeqMethod, h.seen = uint32(n), m, h.seen|seenCSeq
	h.cseqMeth = meth
	return nil
}
