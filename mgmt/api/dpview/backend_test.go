package dpview_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/control"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/dpview"
	"github.com/sara-lb/sara/mgmt/health"
)

type fakeDP struct{ ws []dataplane.Counters }

func (f *fakeDP) Workers() []dataplane.Counters { return f.ws }
func (f *fakeDP) Totals() dataplane.Counters {
	t := dataplane.Counters{Drops: map[string]uint64{}, ServerPackets: make([]uint64, 3), ServerFlows: make([]uint64, 3)}
	for _, w := range f.ws {
		t.RX += w.RX
		for i := range w.ServerPackets {
			t.ServerPackets[i] += w.ServerPackets[i]
			t.ServerFlows[i] += w.ServerFlows[i]
		}
		for k, v := range w.Drops {
			t.Drops[k] += v
		}
	}
	return t
}

type fakeMon map[cluster.ServerID]health.Status

func (f fakeMon) Status(id cluster.ServerID) (health.Status, bool) { s, ok := f[id]; return s, ok }

type fakeCtl struct{ st control.State }

func (f *fakeCtl) Last() control.State { return f.st }

func TestBackend(t *testing.T) {
	cfg := config.Default() // s1..s3
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	dp := &fakeDP{ws: []dataplane.Counters{
		{RX: 100, CyclesBusy: 1, CyclesTotal: 4, Drops: map[string]uint64{"not_vip": 2},
			ServerPackets: []uint64{10, 20, 30}, ServerFlows: []uint64{1, 2, 3}},
		{RX: 50, CyclesBusy: 0, CyclesTotal: 4, Drops: map[string]uint64{"not_vip": 1},
			ServerPackets: []uint64{1, 1, 1}, ServerFlows: []uint64{0, 0, 1}},
	}}
	mon := fakeMon{1: {Server: health.Server{ID: 1, Name: "s2", Weight: 1}, State: cluster.Failed, Reason: "silent"},
		0: {Server: health.Server{ID: 0, Name: "s1", Weight: 1}, State: cluster.Active, HasLoad: true,
			Load: cluster.LoadVector{CPU: 1}}}
	acfg := admission.DefaultConfig()
	ctl := &fakeCtl{st: control.State{Estimates: []float64{0.4, 0, 0.2},
		Servers:   []cluster.ServerView{{ID: 0, Sessions: 5}, {ID: 2, Sessions: 2}},
		Admission: admission.Policy{Interval: 9, Load: 0.8, T1: 0.7, T2: 0.8, T3: 0.95, C: 1, PNew: 0.6, Region: admission.DropNew},
		LH:        0.3}}
	b, err := dpview.NewBackend(dpview.Sources{Config: cfg, Dataplane: dp, Monitor: mon, Control: ctl,
		Admission: acfg, Node: "n1", Version: "v", Started: now.Add(-time.Hour), Lcores: []int{1, 2},
		Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ss := b.Servers()
	if len(ss) != 3 || ss[0].State != "active" || ss[0].Load != 0.5 || ss[0].Estimate != 0.4 || ss[0].Sessions != 5 ||
		ss[0].Packets != 11 || ss[0].MAC != "02:00:00:00:00:01" {
		t.Fatalf("s1 %+v", ss[0])
	}
	if ss[1].State != "failed" || ss[1].Reason != "silent" || ss[1].HasLoad {
		t.Fatalf("s2 %+v", ss[1])
	}
	if ss[2].State != "active" || ss[2].Reason != "no management plane" || ss[2].Sessions != 2 || ss[2].Flows != 4 {
		t.Fatalf("s3 (unknown to the monitor) %+v", ss[2])
	}
	st := b.Status()
	if st.Servers != 3 || st.ServersActive != 2 || st.Sessions != 7 || st.Totals.RX != 150 || st.Totals.Drops["not_vip"] != 3 ||
		st.Role != "standalone" || st.VIPs[0] != "10.0.0.100" || st.Workers != 2 || !st.Now.Equal(now) {
		t.Fatalf("status %+v", st)
	}
	ws := b.Workers()
	if ws[1].Lcore != 2 || ws[0].Busy != 0.25 {
		t.Fatalf("workers %+v", ws)
	}
	a := b.Admission()
	if a.Interval != 9 || a.Region != "drop-new" || a.T2 != 0.8 || a.Configured.T2 != 0.85 || a.DispatcherLoad != 0.3 ||
		math.Abs(a.PNew-0.6) > 1e-12 {
		t.Fatalf("admission %+v", a)
	}
	// absent sources
	if _, err := b.Sessions(api.SessionQuery{Limit: 1}); !errors.Is(err, api.ErrUnsupported) {
		t.Fatalf("sessions: %v", err)
	}
	if err := b.Drain("s1", time.Time{}); !errors.Is(err, api.ErrUnsupported) {
		t.Fatalf("drain: %v", err)
	}
	if err := b.Drain("zz", time.Time{}); !errors.Is(err, api.ErrUnknownServer) {
		t.Fatalf("drain unknown: %v", err)
	}
	if err := b.Reload(); !errors.Is(err, api.ErrUnsupported) {
		t.Fatalf("reload: %v", err)
	}
	// a reload source, and a reloaded configuration with a fourth server
	reloads := 0
	b2, _ := dpview.NewBackend(dpview.Sources{Config: cfg, Dataplane: dp, Reload: func() error { reloads++; return nil },
		Clock: func() time.Time { return now }})
	if err := b2.Reload(); err != nil || reloads != 1 {
		t.Fatal(err)
	}
	c4 := config.Default()
	c4.Servers = append(c4.Servers, config.Server{Name: "s4", MAC: config.MAC{2, 0, 0, 0, 0, 4}, HostID: 4, Weight: 1})
	b2.SetConfig(c4)
	if ss := b2.Servers(); len(ss) != 4 || ss[3].Name != "s4" || ss[3].Packets != 0 {
		t.Fatalf("after SetConfig: %+v", ss)
	}
	if _, err := dpview.NewBackend(dpview.Sources{Config: cfg}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("no dataplane: %v", err)
	}
}
