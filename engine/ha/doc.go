// Package ha replicates a dispatcher's session state to a hot-standby peer
// and decides which of the two owns the VIP (DESIGN §9, paper §III.F).
//
// The replicated state is a set of plain records (record.go): flows,
// expectations, session→server associations, server states and admission
// thresholds. The primary reads it from a Source (a full, possibly fuzzy
// snapshot) and is told of every change through Node.Publish; the backup
// writes it into a Sink (Reset, then Apply per record). Every record is a
// whole value for its key (put) or the key's removal (delete), so applying
// a change twice, or over a snapshot that already contains it, is harmless:
// that is what lets a snapshot be taken while changes keep flowing.
//
// A Node is the protocol and the role state machine of one dispatcher,
// without I/O or goroutines: OnDatagram feeds it what the peer sent, Tick
// advances its timers, and it hands datagrams to a Transport and VIP
// actions to a VIPOwner. Every method takes the time, so tests drive two
// Nodes over a lossy in-memory network with a fake clock. Runner adds the
// UDP socket, mgmt/auth sealing and the ticker. The wire format is
// documented byte by byte in docs/ha.md and in frame.go.
package ha
