package view_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/api/view"
	"github.com/sara-lb/sara/mgmt/health"
)

func TestServer(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := health.Status{Server: health.Server{ID: 2, Host: 3, Name: "s3", Weight: 2}, State: cluster.Draining,
		Reason: "planned failure", Since: t0, LastBeat: t0.Add(time.Second), DrainAt: t0.Add(time.Minute),
		LostBeats: 4, HasLoad: true, Load: cluster.LoadVector{CPU: 0.8, Mem: 0.5, Backlog: 0.5}}
	s := view.Server(st, "02:00:00:00:00:03", cluster.DefaultWeights, view.Shell{Forecast: 0.6, Error: 0.1, Estimate: 0.55, Cost: 0.002},
		view.Counts{Sessions: 7, Packets: 100, Flows: 9})
	// 0.5·0.8 + 0.1·0.5 + 0.2·0.5 = 0.55
	if s.ID != 2 || s.Name != "s3" || s.State != "draining" || s.Load < 0.5499 || s.Load > 0.5501 ||
		s.Vector.CPU != 0.8 || s.Forecast != 0.6 || s.Sessions != 7 || s.Flows != 9 || s.LostHeartbeats != 4 ||
		s.DrainAt == nil || !s.DrainAt.Equal(t0.Add(time.Minute)) || s.LastHeartbeat == nil || s.Weight != 2 {
		t.Fatalf("%+v", s)
	}
	// no vector, never heard of: no load, no times
	s = view.Server(health.Status{Server: health.Server{Name: "s1"}, State: cluster.Failed}, "", cluster.DefaultWeights,
		view.Shell{}, view.Counts{})
	b, _ := json.Marshal(s)
	if s.HasLoad || s.Load != 0 || strings.Contains(string(b), "drain_at") || strings.Contains(string(b), "last_heartbeat") ||
		s.State != "failed" {
		t.Fatalf("%s", b)
	}
}

func TestAdmission(t *testing.T) {
	cfg := admission.DefaultConfig()
	c, err := admission.NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	views := []cluster.ServerView{{ID: 0, State: cluster.Active, HasLoad: true, Load: 0.9}, {ID: 1, State: cluster.Active, HasLoad: true, Load: 0.9}}
	var p admission.Policy
	for i := 0; i < 6; i++ {
		p = c.Update(views, 0.2)
	}
	d := admission.DecisionCounters{NewAdmitted: 5, NewRejected: 3, MediaDropped: 1}
	a := view.Admission(p, cfg, 0.2, c.RegionCounts(), d, 50*time.Millisecond)
	if a.Interval != p.Interval || a.Load != p.Load || a.Region != p.Region.String() || a.PNew != p.PNew ||
		a.DispatcherLoad != 0.2 || a.Configured.T2 != 0.85 || a.Decisions.NewRejected != 3 || a.PacePeriod != 50*time.Millisecond {
		t.Fatalf("%+v from %+v", a, p)
	}
	var sum uint64
	for _, n := range a.Regions {
		sum += n
	}
	if sum != 6 || len(a.Regions) != 5 {
		t.Fatalf("regions %v", a.Regions)
	}
	if p.Region != admission.Accept && a.T2 >= a.Configured.T2 && p.Load > a.Configured.T2 {
		t.Fatalf("moving threshold not reported: T2 %g, configured %g, l %g", a.T2, a.Configured.T2, p.Load)
	}
}
