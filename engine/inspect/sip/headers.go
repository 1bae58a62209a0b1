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
