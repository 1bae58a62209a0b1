package api

import "time"

// AdmissionStatus is SA2C's state (GET /api/v1/admission); see DESIGN §7
// equations (1)–(4).
type AdmissionStatus struct {
	// Interval counts control intervals.
	Interval uint64 `json:"interval"`
	// ClusterLoad is l_c (eq 1), Estimate its short-term estimate l̃_c,
	// DispatcherLoad l_h (the workers' busy fraction), Load
	// l = max(l̃_c, l_h), the value compared with the thresholds.
	ClusterLoad    float64 `json:"cluster_load"`
	Estimate       float64 `json:"estimate"`
	DispatcherLoad float64 `json:"dispatcher_load"`
	Load           float64 `json:"load"`
	// T1..T3 and C are the thresholds in force (T2, T3 move, eq 4);
	// Configured holds the operator's values.
	T1         float64    `json:"t1"`
	T2         float64    `json:"t2"`
	T3         float64    `json:"t3"`
	C          float64    `json:"c"`
	Configured Thresholds `json:"configured"`
	// PNew drops new sessions, PEst established sessions' media (eq 2).
	PNew float64 `json:"p_new"`
	PEst float64 `json:"p_est"`
	// Region is accept, drop-new, established-only, degrade-media or
	// reject-all.
	Region string `json:"region"`
	// NoServers: no Active server, new sessions cannot be placed.
	NoServers bool `json:"no_servers"`
	// Pacing is "paced" (eq 3) or "bernoulli"; PacePeriod the current T_i.
	Pacing     string        `json:"pacing"`
	PacePeriod time.Duration `json:"pace_period_ns"`
	// Decisions count what the admission decided, cumulative.
	Decisions Decisions `json:"decisions"`
	// Regions counts the intervals that ended in each region.
	Regions map[string]uint64 `json:"regions"`
}

// Thresholds are the operator's T1 ≤ T2 ≤ T3 ≤ C.
type Thresholds struct {
	T1 float64 `json:"t1"`
	T2 float64 `json:"t2"`
	T3 float64 `json:"t3"`
	C  float64 `json:"c"`
}

// Decisions are the admission decisions by class and outcome.
type Decisions struct {
	NewAdmitted      uint64 `json:"new_admitted"`
	NewRejected      uint64 `json:"new_rejected"`
	InDialogAdmitted uint64 `json:"in_dialog_admitted"`
	InDialogRejected uint64 `json:"in_dialog_rejected"`
	MediaForwarded   uint64 `json:"media_forwarded"`
	MediaDropped     uint64 `json:"media_dropped"`
}

// HAStatus is the fault-recovery state (GET /api/v1/ha).
type HAStatus struct {
	// Enabled is false for a standalone dispatcher (no peer configured).
	Enabled bool `json:"enabled"`
	// Role is "standalone", "init" (exchanging hellos), "primary" or "backup".
	Role string `json:"role"`
	// Epoch increases with every change of primary.
	Epoch uint32 `json:"epoch"`
	// Peer is the other dispatcher's address; PeerAlive whether its
	// heartbeats arrive; PeerRole its announced role; LastPeerHeartbeat
	// when it was last heard.
	Peer              string     `json:"peer,omitempty"`
	PeerAlive         bool       `json:"peer_alive"`
	PeerRole          string     `json:"peer_role,omitempty"`
	LastPeerHeartbeat *time.Time `json:"last_peer_heartbeat,omitempty"`
	// InSync (backup) holds the primary's state. LagRecords and Lag:
	// primary, changes not yet acknowledged and the age of the oldest;
	// backup, changes announced but not applied.
	InSync     bool          `json:"in_sync"`
	LagRecords uint64        `json:"lag_records"`
	Lag        time.Duration `json:"lag_ns"`
	// Replicated counts state records sent (primary) or applied (backup);
	// Snapshots full snapshots sent or applied; Takeovers times this node
	// became primary, TakeoverReasons the same by reason.
	Replicated      uint64            `json:"replicated"`
	Snapshots       uint64            `json:"snapshots"`
	Takeovers       uint64            `json:"takeovers"`
	TakeoverReasons map[string]uint64 `json:"takeover_reasons,omitempty"`
}
