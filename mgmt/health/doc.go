// Package health is the dispatcher's availability and load monitor (paper
// §III.E): it turns authenticated heartbeats and load vectors into one
// cluster.State per server and publishes every change.
//
// Rules (d = Config.Period, n = Misses, t = LoadPeriod, k = Damping):
//
//   - Failed: no heartbeat yet, or none for n·d. Checked on every heartbeat
//     and every Evaluate (Run ticks every d), so a silent server is marked
//     Failed between n·d and n·d + d after its last heartbeat.
//   - Lost heartbeats are counted from Seq gaps (u16, wraparound). A Seq at
//     most 16 behind the last one is a late or duplicate datagram and is
//     ignored; a larger backwards jump is an agent restart (re-baselined,
//     not counted as loss). After n·d of silence, any backwards jump and any
//     forward gap above twice the periods that fit in the silence (plus 16)
//     is a restart too; a smaller gap is a partition and counts as lost.
//     Agents start Seq at a random value so restarts rarely look late.
//   - Damping: a server recovering from Failed or AppDown is on probation
//     and re-enters Active only after k good periods, i.e. k heartbeats in a
//     row with consecutive Seq and flag ≠ 2 after the first one (≈ k·d).
//   - Flag 2 → AppDown. Flag 3 → Draining once the clock reaches Timestamp
//     (a future Timestamp is a scheduled drain; state stays as it is until
//     then). Flag 1 cancels a drain.
//   - MonitorFailed: no load vector for LoadMisses·t. A server whose
//     heartbeats return after a failure gets a fresh LoadMisses·t window for
//     its first vector; a vector older than that is discarded (HasLoad false).
//
// Precedence when several hold: Failed > MonitorFailed > Draining > AppDown >
// Active (the first matching rule wins, probation after Failed counts as
// Failed, probation after AppDown as AppDown).
//
// Threads: Heartbeat and LoadVector are called by the listener goroutine,
// Evaluate by Run's ticker goroutine; one mutex guards all state. Events are
// sent without blocking to subscriber channels in decision order (a full
// channel drops the event and counts it; Snapshot is always exact).
package health
