package inspect

import "net/netip"

// Kind says whether a message is a request or a response.
type Kind uint8

// Message kinds.
const (
	Request Kind = iota
	Response
)

// KeyKind says what a Result's session Key is.
type KeyKind uint8

// Key kinds.
const (
	KeyNone        KeyKind = iota // no session key (message outside any session)
	KeyCallID                     // SIP Call-ID: one dialog, one session
	KeyRTSPSession                // RTSP Session header value (without ;timeout)
	KeyConnection                 // RTSP SETUP without a Session yet: the connection (Meta) is the key
)

// Event is what a message does to its session.
type Event uint8

// Session events.
const (
	// EventNone: the message belongs to no session that SARA tracks
	// (REGISTER, OPTIONS outside a dialog, RTSP DESCRIBE...).
	EventNone Event = iota
	// EventNew: a message that opens a session: a SIP INVITE without a
	// To-tag, an RTSP SETUP without a Session header.
	EventNew
	// EventInSession: a message inside an existing session: an in-dialog
	// SIP request (To-tag present) or response, an RTSP request or reply
	// carrying a Session, or the reply creating it.
	EventInSession
	// EventEnding: a request that ends the session once answered: SIP BYE
	// or CANCEL, RTSP TEARDOWN.
	EventEnding
	// EventEnded: the final response to an ending request: SIP final
	// (>= 200) response to BYE or CANCEL, RTSP 2xx reply to TEARDOWN.
	EventEnded
)

var eventNames = [...]string{"none", "new", "in-session", "ending", "ended"}

// String returns the event's name.
func (e Event) String() string {
	if int(e) < len(eventNames) {
		return eventNames[e]
	}
	return "event?"
}

// MediaDir is an SDP media direction attribute.
type MediaDir uint8

// Media directions (RFC 8866 §6.7); SendRecv is the default.
const (
	SendRecv MediaDir = iota
	SendOnly
	RecvOnly
	Inactive
)

// Media is one announced media endpoint: where Receiver receives the RTP
// (Port) and RTCP (RTCPPort) of one stream.
type Media struct {
	Receiver  Side       // side that receives on this endpoint
	Addr      netip.Addr // receive address (SDP c=, RTSP destination=, or the side's packet address)
	Port      uint16     // RTP port; 0 when Refused
	RTCPAddr  netip.Addr // RTCP address when announced apart (a=rtcp:port IN IP4 addr); else invalid
	RTCPPort  uint16     // RTCP port: a=rtcp:, the RTSP port range end, or Port+1
	Transport Transport  // UDP, or TCP for SDP TCP/... protocols and RTSP RTP/AVP/TCP
	Refused   bool       // SDP m= port 0: the stream is refused or removed
	Hold      bool       // c=0.0.0.0, a=inactive or a=sendonly: Receiver takes no RTP now
	Dir       MediaDir   // SDP direction attribute
	Multicast bool       // RTSP multicast transport or SDP multicast address
	// Interleaved: RTSP media rides the signalling TCP connection on
	// channels RTPChannel/RTCPChannel; no expectation is needed.
	Interleaved bool
	RTPChannel  uint8
	RTCPChannel uint8
	Source      netip.Addr // sender's address when announced (RTSP source=, src_addr); else invalid
	Alt         uint8      // RTSP: index of the Transport alternative (0 = first)
	Index       uint8      // SDP: index of the m= line (0 = first)
}

// MaxMedia bounds the media endpoints of one Result; further ones are
// dropped and Result.MediaDropped is set.
const MaxMedia = 16

// Result is what an Inspector learnt from one message. Byte slices alias
// the inspected payload (see the package documentation).
type Result struct {
	Proto      Proto
	Kind       Kind
	Method     Method // request method; for a response, equal to CSeqMethod
	MethodName []byte // request method as written (responses: nil)
	Status     uint16 // response status code (requests: 0)
	CSeq       uint32 // CSeq sequence number
	CSeqMethod Method // SIP CSeq method (RTSP: the request's method is unknown in a reply: MethodUnknown)
	Key        []byte // session key, see KeyKind
	KeyKind    KeyKind
	Event      Event
	FromTag    []byte // SIP From tag
	ToTag      []byte // SIP To tag (empty: out of dialog)
	Branch     []byte // SIP topmost Via branch
	Timeout    uint32 // RTSP Session ;timeout= seconds (0: not given)
	Length     int    // bytes of the payload that the message occupies (head + body)
	HasSDP     bool   // an SDP body was found and parsed
	// BadBody: the message parsed but its SDP body did not (its media are
	// unknown); the message itself is still valid for session tracking.
	BadBody bool
	// Media are the announced endpoints; the first NMedia are valid.
	Media        [MaxMedia]Media
	NMedia       int
	MediaDropped bool // more than MaxMedia endpoints were announced
}

// Reset clears r for a new message. Only the fields a caller reads are
// cleared; Media beyond NMedia is left as is.
func (r *Result) Reset() {
	r.Proto, r.Kind, r.Method, r.MethodName, r.Status = ProtoUnknown, Request, MethodUnknown, nil, 0
	r.CSeq, r.CSeqMethod, r.Key, r.KeyKind, r.Event = 0, MethodUnknown, nil, KeyNone, EventNone
	r.FromTag, r.ToTag, r.Branch, r.Timeout, r.Length = nil, nil, nil, 0, 0
	r.HasSDP, r.BadBody, r.NMedia, r.MediaDropped = false, false, 0, false
}

// AddMedia appends a zeroed endpoint and returns it, or nil (setting
// MediaDropped) when MaxMedia endpoints are already there.
func (r *Result) AddMedia() *Media {
	if r.NMedia >= MaxMedia {
		r.MediaDropped = true
		return nil
	}
	m := &r.Media[r.NMedia]
	*m = Media{}
	r.NMedia++
	return m
}

// Medias returns the valid endpoints (an alias of r.Media).
func (r *Result) Medias() []Media { return r.Media[:r.NMedia] }
