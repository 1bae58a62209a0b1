package inspect

import "errors"

// Sentinel errors returned by inspectors and Stream. They are returned
// unwrapped on the per-message path so that a flood of malformed packets
// allocates nothing; compare with errors.Is.
var (
	ErrNotProtocol   = errors.New("inspect: not a message of this protocol")
	ErrStartLine     = errors.New("inspect: malformed request or status line")
	ErrHeader        = errors.New("inspect: malformed header")
	ErrMissingHeader = errors.New("inspect: mandatory header missing")
	ErrContentLength = errors.New("inspect: bad Content-Length")
	ErrTruncated     = errors.New("inspect: message truncated")
	ErrCSeq          = errors.New("inspect: bad CSeq")
	ErrBody          = errors.New("inspect: malformed body (SDP)")
	ErrTransport     = errors.New("inspect: malformed RTSP Transport")
	ErrTooLarge      = errors.New("inspect: message or stream buffer too large")
)

// Reason indexes Counters.Failed: one per sentinel error, plus ReasonOther.
type Reason uint8

// Failure reasons, in the order of the sentinel errors.
const (
	ReasonNotProtocol Reason = iota
	ReasonStartLine
	ReasonHeader
	ReasonMissingHeader
	ReasonContentLength
	ReasonTruncated
	ReasonCSeq
	ReasonBody
	ReasonTransport
	ReasonTooLarge
	ReasonOther
	NumReasons
)

var reasonErrs = [...]error{
	ErrNotProtocol, ErrStartLine, ErrHeader, ErrMissingHeader, ErrContentLength,
	ErrTruncated, ErrCSeq, ErrBody, ErrTransport, ErrTooLarge,
}

var reasonNames = [NumReasons]string{
	"not_protocol", "start_line", "header", "missing_header", "content_length",
	"truncated", "cseq", "body", "transport", "too_large", "other",
}

// String returns the reason's metric label ("start_line").
func (r Reason) String() string {
	if r < NumReasons {
		return reasonNames[r]
	}
	return "reason?"
}

// ReasonOf maps an error returned by an inspector or Stream to its Reason.
func ReasonOf(err error) Reason {
	for i, e := range reasonErrs {
		if err == e { // fast path: sentinels are returned unwrapped
			return Reason(i)
		}
	}
	for i, e := range reasonErrs {
		if errors.Is(err, e) {
			return Reason(i)
		}
	}
	return ReasonOther
}
