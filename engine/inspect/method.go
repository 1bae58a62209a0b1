package inspect

// Method is a SIP or RTSP request method.
type Method uint8

// Methods of SIP (RFC 3261 and extensions) and RTSP (RFC 2326, RFC 7826).
// MethodOther is a syntactically valid method SARA has no name for; its
// text is in Result.MethodName.
const (
	MethodUnknown Method = iota
	MethodOther
	// SIP
	INVITE
	ACK
	BYE
	CANCEL
	OPTIONS // SIP and RTSP
	REGISTER
	PRACK
	SUBSCRIBE
	NOTIFY
	PUBLISH
	INFO
	REFER
	MESSAGE
	UPDATE
	// RTSP
	DESCRIBE
	ANNOUNCE
	SETUP
	PLAY
	PAUSE
	RECORD
	TEARDOWN
	GET_PARAMETER //nolint:revive // the protocol's spelling
	SET_PARAMETER //nolint:revive
	REDIRECT
	PLAY_NOTIFY //nolint:revive
	numMethods
)

var methodNames = [numMethods]string{
	"", "", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
	"SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE",
	"DESCRIBE", "ANNOUNCE", "SETUP", "PLAY", "PAUSE", "RECORD", "TEARDOWN",
	"GET_PARAMETER", "SET_PARAMETER", "REDIRECT", "PLAY_NOTIFY",
}

// String returns the method's name as written on the wire ("INVITE"), or
// "unknown" / "other".
func (m Method) String() string {
	switch {
	case m == MethodUnknown:
		return "unknown"
	case m == MethodOther:
		return "other"
	case m < numMethods:
		return methodNames[m]
	}
	return "method?"
}

// LookupMethod returns the Method spelled exactly (case-sensitive, as both
// RFCs require) by b, or MethodOther. It does not allocate.
func LookupMethod(b []byte) Method {
	if len(b) == 0 {
		return MethodUnknown
	}
	for m := INVITE; m < numMethods; m++ {
		if string(b) == methodNames[m] { // no allocation: compiler-optimised comparison
			return m
		}
	}
	return MethodOther
}
