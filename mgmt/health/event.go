package health

import (
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Event is a server state change, published to subscribers and the OnChange
// callback in the order the monitor decided them.
type Event struct {
	Server cluster.ServerID
	Name   string
	Host   uint32
	From   cluster.State
	To     cluster.State
	Reason string    // human-readable cause, also logged
	At     time.Time // monitor time of the decision
	// Failover is the configured policy for the failed server's sessions;
	// meaningful only when To == cluster.Failed (see Failed).
	Failover Policy
}

// Failed reports whether this event asks the control plane to apply the
// failover policy to the server's established sessions.
func (e Event) Failed() bool { return e.To == cluster.Failed && e.From != cluster.Failed }

// Status is everything the monitor knows of one server (API, tests).
type Status struct {
	Server
	State       cluster.State
	Reason      string
	Since       time.Time // when State was entered
	LastBeat    time.Time // zero if never
	LastFlag    uint8     // heartbeat flag of the last beat
	DrainAt     time.Time // zero unless a planned failure is announced
	Streak      int       // good periods counted towards damping
	Probation   bool      // recovering: needs Damping good periods
	LostBeats   uint64    // heartbeats missing from Seq gaps
	LastLoad    time.Time // zero if no current vector
	Load        cluster.LoadVector
	HasLoad     bool
	LoadVectors uint64
}
