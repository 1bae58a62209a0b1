package gateway

import "sync/atomic"

// Counters are the gateway's totals. Invariants (tested):
//
//	Frames   = Undecodable + Fragments + NotSignalling + NotVIP + UDP + TCP
//	Messages = Failed + Nothing + Announced + SendFailed
type Counters struct {
	Frames        uint64 `json:"frames"`         // frames read from the source
	Undecodable   uint64 `json:"undecodable"`    // not Ethernet/IP, or truncated headers
	Fragments     uint64 `json:"fragments"`      // IPv4 fragments (not reassembled)
	NotSignalling uint64 `json:"not_signalling"` // not TCP/UDP from a signalling source port
	NotVIP        uint64 `json:"not_vip"`        // source address is not a VIP
	UDP           uint64 `json:"udp"`            // SIP/UDP datagrams inspected
	TCP           uint64 `json:"tcp"`            // TCP segments of signalling connections
	Retransmits   uint64 `json:"retransmits"`    // segments (or their start) already seen: skipped
	Gaps          uint64 `json:"gaps"`           // missing bytes: the partial message is dropped
	Unsynced      uint64 `json:"unsynced"`       // segments skipped until one starts a message
	StreamErrors  uint64 `json:"stream_errors"`  // framing errors (too large, bad Content-Length)
	ConnsFull     uint64 `json:"conns_full"`     // segments of new connections beyond MaxConns
	ConnsIdle     uint64 `json:"conns_idle"`     // connections forgotten after ConnIdle of silence
	Messages      uint64 `json:"messages"`       // messages inspected
	Failed        uint64 `json:"failed"`         // rejected by the inspector
	Nothing       uint64 `json:"nothing"`        // parsed, nothing to announce (no media, no end)
	Announced     uint64 `json:"announced"`      // announcements handed to the sender
	SendFailed    uint64 `json:"send_failed"`    // the sender failed: announcement lost
}

type counters struct {
	frames, undecodable, fragments, notSignalling, notVIP, udp, tcp, retransmits, gaps, unsynced,
	streamErrors, connsFull, connsIdle, messages, failed, nothing, announced, sendFailed atomic.Uint64
}

func (c *counters) snapshot() Counters {
	return Counters{Frames: c.frames.Load(), Undecodable: c.undecodable.Load(), Fragments: c.fragments.Load(),
		NotSignalling: c.notSignalling.Load(), NotVIP: c.notVIP.Load(), UDP: c.udp.Load(), TCP: c.tcp.Load(),
		Retransmits: c.retransmits.Load(), Gaps: c.gaps.Load(), Unsynced: c.unsynced.Load(),
		StreamErrors: c.streamErrors.Load(), ConnsFull: c.connsFull.Load(), ConnsIdle: c.connsIdle.Load(),
		Messages: c.messages.Load(), Failed: c.failed.Load(), Nothing: c.nothing.Load(),
		Announced: c.announced.Load(), SendFailed: c.sendFailed.Load()}
}
