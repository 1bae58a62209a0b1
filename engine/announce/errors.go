package announce

import "errors"

// Errors of Append and Decode. Decode returns them unwrapped (no
// allocation per malformed datagram); compare with errors.Is.
var (
	ErrShort    = errors.New("announce: message too short")
	ErrMagic    = errors.New("announce: bad magic")
	ErrVersion  = errors.New("announce: unsupported version")
	ErrType     = errors.New("announce: unknown message type")
	ErrFlags    = errors.New("announce: unknown flags or reserved byte set")
	ErrKind     = errors.New("announce: unknown session kind")
	ErrOp       = errors.New("announce: unknown operation")
	ErrKey      = errors.New("announce: session key empty or longer than MaxKey")
	ErrCount    = errors.New("announce: too many media endpoints")
	ErrAddress  = errors.New("announce: bad address family or invalid address")
	ErrEndpoint = errors.New("announce: bad endpoint field")
	ErrTrailing = errors.New("announce: trailing bytes")
)
