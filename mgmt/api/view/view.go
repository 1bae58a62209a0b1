// Package view converts the control and management planes' own types
// (mgmt/health.Status, engine/admission.Policy, engine/cluster vectors)
// into the API's JSON types, so the dispatcher's api.Backend is a thin
// assembly of snapshots. Pure functions, no state, no cgo.
package view

import (
	"time"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/health"
)

// Shell is what the server selection knows of one server (eqs 6–8 and the
// learned per-session cost).
type Shell struct {
	Forecast, Error, Estimate, Cost float64
}

// Counts are a server's live sessions and its data-plane totals.
type Counts struct {
	Sessions       int
	Packets, Flows uint64
}

// Vector converts a load vector.
func Vector(v cluster.LoadVector) api.LoadVector {
	return api.LoadVector{CPU: v.CPU, Mem: v.Mem, NetBuf: v.NetBuf, IOQueue: v.IOQueue, Backlog: v.Backlog}
}

// Server builds a server's status from the monitor's view of it (st), its
// MAC, the selection's figures and the counts. The scalar load uses w.
func Server(st health.Status, mac string, w cluster.Weights, sh Shell, n Counts) api.ServerStatus {
	s := api.ServerStatus{ID: int(st.ID), Name: st.Name, MAC: mac, State: st.State.String(), Reason: st.Reason,
		Since: st.Since, Weight: st.Weight, HasLoad: st.HasLoad, LostHeartbeats: st.LostBeats,
		Forecast: sh.Forecast, Error: sh.Error, Estimate: sh.Estimate, Cost: sh.Cost,
		Sessions: n.Sessions, Packets: n.Packets, Flows: n.Flows}
	if st.HasLoad {
		s.Vector = Vector(st.Load)
		s.Load = w.Scalar(st.Load)
	}
	if !st.DrainAt.IsZero() {
		at := st.DrainAt
		s.DrainAt = &at
	}
	if !st.LastBeat.IsZero() {
		lb := st.LastBeat
		s.LastHeartbeat = &lb
	}
	return s
}

// Admission builds the admission status from the last published policy,
// the operator's configuration, the dispatcher's own load l_h, the region
// counts (Controller.RegionCounts), the decisions taken and the current
// pacing period T_i.
func Admission(p admission.Policy, cfg admission.Config, lh float64, regions [admission.RejectAll + 1]uint64,
	d admission.DecisionCounters, pace time.Duration) api.AdmissionStatus {
	a := api.AdmissionStatus{Interval: p.Interval, ClusterLoad: p.ClusterLoad, Estimate: p.Estimate,
		DispatcherLoad: lh, Load: p.Load, T1: p.T1, T2: p.T2, T3: p.T3, C: p.C, PNew: p.PNew, PEst: p.PEst,
		Region: p.Region.String(), NoServers: p.NoServers, Pacing: p.Pacing.String(), PacePeriod: pace}
	a.Configured = api.Thresholds{T1: cfg.T1, T2: cfg.T2, T3: cfg.T3, C: cfg.C}
	a.Decisions = api.Decisions{NewAdmitted: d.NewAdmitted, NewRejected: d.NewRejected,
		InDialogAdmitted: d.InDialogAdmitted, InDialogRejected: d.InDialogRejected,
		MediaForwarded: d.MediaForwarded, MediaDropped: d.MediaDropped}
	a.Regions = make(map[string]uint64, len(regions))
	for r, n := range regions {
		a.Regions[admission.Region(r).String()] = n
	}
	return a
}
