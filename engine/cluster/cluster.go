// Package cluster holds the vocabulary shared by the management plane (which
// learns server states and load vectors) and the control plane (which selects
// servers and admits sessions): server identities, states and load vectors.
// It has no behaviour beyond small conversions, so every plane can import it.
package cluster

import "fmt"

// ServerID is a server's index in the configured server list. The data plane
// stores it per flow, so it is small; MaxServers bounds it.
type ServerID uint16

// MaxServers is the largest number of servers one dispatcher balances.
const MaxServers = 1024

// State is what the management plane knows of a server's availability.
type State uint8

// The server states. Only Active servers receive new sessions; Draining
// servers keep their established sessions; Failed servers' sessions follow
// the configured failover policy.
const (
	Active        State = iota // node and application available, load reported
	AppDown                    // node reachable, application unavailable (heartbeat flag 2)
	Draining                   // planned maintenance announced (heartbeat flag 3)
	Failed                     // no heartbeat for n·d
	MonitorFailed              // heartbeats arrive but no load vector for 3·t
)

var stateNames = [...]string{"active", "app-down", "draining", "failed", "monitor-failed"}

// String returns the state's name as used in logs, the API and metrics.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Selectable reports whether a server in this state may receive new sessions.
func (s State) Selectable() bool { return s == Active }

// KeepsSessions reports whether established sessions stay on a server in
// this state (true for every state but Failed).
func (s State) KeepsSessions() bool { return s != Failed }

// LoadVector is a server's resource usage, each component normalised to [0,1]
// by the node agent (see mgmt/loadvec for how each is measured).
type LoadVector struct {
	CPU     float64 // busy fraction of all CPUs over the last period
	Mem     float64 // 1 - MemAvailable/MemTotal
	NetBuf  float64 // socket buffer memory in use / its limit
	IOQueue float64 // block-device queue length, scaled
	Backlog float64 // service port's listen/receive queue / its limit
}

// Weights turn a LoadVector into the scalar load l = Σ w_k v_k (DESIGN §7).
type Weights struct {
	CPU, Mem, NetBuf, IOQueue, Backlog float64
}

// DefaultWeights are the operator weights of DESIGN §7.
var DefaultWeights = Weights{CPU: 0.5, Mem: 0.1, NetBuf: 0.1, IOQueue: 0.1, Backlog: 0.2}

// Scalar returns Σ w_k v_k capped to [0,1].
func (w Weights) Scalar(v LoadVector) float64 {
	l := w.CPU*v.CPU + w.Mem*v.Mem + w.NetBuf*v.NetBuf + w.IOQueue*v.IOQueue + w.Backlog*v.Backlog
	switch {
	case l < 0:
		return 0
	case l > 1:
		return 1
	}
	return l
}

// ServerView is one server as the control loop sees it at an interval.
type ServerView struct {
	ID       ServerID
	Name     string
	State    State
	Load     float64 // scalar load from the last vector, valid if HasLoad
	HasLoad  bool
	Sessions int     // sessions currently associated with it
	Weight   float64 // relative capacity (1 = nominal)
}
