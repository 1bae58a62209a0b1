// Package session is SARA's session model (DESIGN §4, paper §III.A): flows
// keyed by their 5-tuple, sessions made of a signalling flow and the media
// flows it announces, the association table session → server, and the
// expectations that announced flows are until their first packet.
//
// A Tracker holds all of it. Two inputs drive it:
//
//   - Signal applies one inspected signalling message (an inspect.Result):
//     it finds or creates the message's session (SIP: one per Call-ID, RTSP:
//     one per Session header), records the signalling flow, turns announced
//     media into expectations and ends sessions on SIP BYE/CANCEL final
//     responses and RTSP TEARDOWN replies.
//   - Observe is one packet of any flow: an exact flow hit refreshes the
//     flow; otherwise a matching expectation is promoted to an exact
//     secondary flow that inherits its session's server.
//
// Assign fills the association table once the caller (the dispatcher's
// server selection) has chosen a server for a new session; flows and
// expectations of the session follow it. Expire purges what timed out, a
// bounded number of entries per call (a timer wheel, never a full scan).
//
// Time is a parameter of every call (now), so tests use a fake clock. A
// Tracker belongs to one goroutine; only its Counters may be read from
// others. A Listener, if configured, hears every change so that the data
// plane's tables and the backup dispatcher can mirror them.
package session
