// Package inspect is the common interface of SARA's signalling inspectors:
// the packages that read SIP, SDP and RTSP payloads and say which session a
// message belongs to, what happens to that session (new dialog, in-dialog
// message, end) and which media flows the message announces.
//
// An Inspector is fed one transport payload at a time together with its
// Meta (5-tuple and direction) and fills a caller-owned, reusable Result.
// On the common path nothing is allocated: the byte slices of a Result
// (method name, session key, tags) alias the payload passed to Inspect and
// are valid only until the caller reuses that payload or calls Inspect again
// with the same Result. Copy them (string(r.Key)) before keeping them.
//
// An Inspector is not safe for concurrent Inspect calls: run one per
// goroutine (the signalling-ring drainer owns one per protocol). Its
// Counters may be read from any goroutine.
//
// TCP carries signalling as a byte stream: a Stream per connection cuts the
// in-order segments into whole messages (Content-Length framing shared by
// SIP and RTSP, RTSP interleaved binary frames skipped) before they are
// given to an Inspector.
//
// Protocols are added as one package each that implements Inspector and
// registers a Factory in a Registry (see README.md in this directory).
package inspect
