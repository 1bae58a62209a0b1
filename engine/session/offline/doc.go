// Package offline is the analysis behind `sara inspect`: it reads a pcap or
// pcapng capture, runs SARA's own inspectors (engine/inspect/sip, rtsp) over
// the signalling it carries, in both directions, feeds their results and
// every other packet to a session.Tracker exactly as the dispatcher does,
// and reports the sessions found with their flows and roles, plus the flows
// that belong to no session.
//
// TCP signalling is reassembled in order per direction with
// gopacket/tcpassembly (it handles retransmissions, reordering and
// captures that start mid-connection, which a hand-written framer would
// have to redo) and cut into messages by inspect.Stream, the same framer
// the dispatcher uses.
//
// Everything runs on the caller's goroutine; nothing is kept between calls.
package offline
