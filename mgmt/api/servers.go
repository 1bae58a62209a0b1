package api

import "time"

// ServerStatus is one cluster member (GET /api/v1/servers).
type ServerStatus struct {
	ID   int    `json:"id"`   // cluster.ServerID: position in the configuration
	Name string `json:"name"` // configured name
	MAC  string `json:"mac"`  // where its frames go
	// State is a cluster.State name: active, app-down, draining, failed,
	// monitor-failed. Reason says why it is in that state; Since since when.
	State  string    `json:"state"`
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
	// DrainAt is the announced planned-failure time, when draining.
	DrainAt *time.Time `json:"drain_at,omitempty"`
	// Weight is the relative capacity (1 = nominal).
	Weight float64 `json:"weight"`
	// HasLoad tells whether a load vector was received; Load is its scalar
	// Σ w_k v_k, Vector its components.
	HasLoad bool       `json:"has_load"`
	Load    float64    `json:"load"`
	Vector  LoadVector `json:"vector"`
	// Forecast is f^{i+1} (eq 6), Error err^i (eq 7), Estimate the damped
	// L̂^{i+1} (eq 8) the selection uses, Cost the learned per-session load.
	Forecast float64 `json:"forecast"`
	Error    float64 `json:"error"`
	Estimate float64 `json:"estimate"`
	Cost     float64 `json:"cost"`
	// Sessions live on it; Packets and Flows forwarded/assigned to it
	// (cumulative, all workers).
	Sessions int    `json:"sessions"`
	Packets  uint64 `json:"packets"`
	Flows    uint64 `json:"flows"`
	// LastHeartbeat is when its last heartbeat arrived (nil: never);
	// LostHeartbeats counts sequence gaps.
	LastHeartbeat  *time.Time `json:"last_heartbeat,omitempty"`
	LostHeartbeats uint64     `json:"lost_heartbeats"`
}

// LoadVector is a server's resource usage, each component in [0,1]
// (cluster.LoadVector with JSON names).
type LoadVector struct {
	CPU     float64 `json:"cpu"`
	Mem     float64 `json:"mem"`
	NetBuf  float64 `json:"netbuf"`
	IOQueue float64 `json:"ioqueue"`
	Backlog float64 `json:"backlog"`
}

// FindServer returns the server called name in list.
func FindServer(list []ServerStatus, name string) (ServerStatus, bool) {
	for _, s := range list {
		if s.Name == name {
			return s, true
		}
	}
	return ServerStatus{}, false
}
