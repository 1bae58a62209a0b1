package dpview

import (
	"fmt"
	"sync"
	"time"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/control"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/view"
	"github.com/sara-lb/sara/mgmt/health"
)

// DataplaneReader is what the backend reads of the data plane
// (*dataplane.Dataplane): counters by field access.
type DataplaneReader interface {
	Workers() []dataplane.Counters
	Totals() dataplane.Counters
}

// MonitorReader is what it reads of the management plane (*health.Monitor).
type MonitorReader interface {
	Status(id cluster.ServerID) (health.Status, bool)
}

// ControlReader is what it reads of the control loop (*control.Loop).
type ControlReader interface {
	Last() control.State
}

// Sources are the dispatcher's parts an api.Backend reads and drives. Only
// Config and Dataplane are required; a nil part is absent (no management
// plane: servers read "active" with the reason "no management plane";
// a nil function: that call answers api.ErrUnsupported).
type Sources struct {
	Config    *config.Config
	Dataplane DataplaneReader
	Monitor   MonitorReader
	Control   ControlReader
	// Admission is SA2C's configuration (the operator's thresholds).
	Admission admission.Config
	// Weights turn load vectors into scalar loads (cluster.DefaultWeights if zero).
	Weights cluster.Weights
	// Node, Version and Started describe the process; Lcores[i] is worker i's lcore.
	Node, Version string
	Started       time.Time
	Lcores        []int
	// Clock is time.Now unless set (tests).
	Clock func() time.Time
	// Optional views and calls.
	Ports           func() []api.PortStatus
	AnnounceInstall func() api.Histogram
	SessionsCreated func() uint64
	Sessions        func(api.SessionQuery) (api.SessionPage, error)
	HA              func() api.HAStatus
	Drain           func(server string, at time.Time) error
	Undrain         func(server string) error
	Reload          func() error
	Switchover      func() error // nil: no hot-standby pair
}

// Backend implements api.Backend over Sources. Safe for concurrent use.
type Backend struct {
	src    Sources
	meter  Meter
	mu     sync.Mutex
	cfg    *config.Config
	loaded time.Time
}

// NewBackend returns the Backend over s.
func NewBackend(s Sources) (*Backend, error) {
	if s.Config == nil || s.Dataplane == nil {
		return nil, fmt.Errorf("%w: dpview.NewBackend needs Config and Dataplane", api.ErrInvalid)
	}
	if s.Clock == nil {
		s.Clock = time.Now
	}
	if s.Weights == (cluster.Weights{}) {
		s.Weights = cluster.DefaultWeights
	}
	return &Backend{src: s, cfg: s.Config, loaded: s.Clock()}, nil
}

// SetConfig records a reloaded configuration (servers, VIPs) and its time.
func (b *Backend) SetConfig(c *config.Config) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cfg, b.loaded = c, b.src.Clock()
}

func (b *Backend) config() (*config.Config, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cfg, b.loaded
}

var _ api.Backend = (*Backend)(nil)

// Workers reads every worker's counters and rates.
func (b *Backend) Workers() []api.WorkerStatus {
	return b.meter.Workers(b.src.Clock(), b.src.Dataplane.Workers(), b.src.Lcores)
}

// Servers merges configuration, monitor, control loop and data plane.
func (b *Backend) Servers() []api.ServerStatus {
	cfg, _ := b.config()
	tot := b.src.Dataplane.Totals()
	var last control.State
	if b.src.Control != nil {
		last = b.src.Control.Last()
	}
	out := make([]api.ServerStatus, len(cfg.Servers))
	for i, s := range cfg.Servers {
		id := cluster.ServerID(i)
		st := health.Status{Server: health.Server{ID: id, Host: s.HostID, Name: s.Name, Weight: s.Weight},
			State: cluster.Active, Reason: "no management plane"}
		if b.src.Monitor != nil {
			if ms, ok := b.src.Monitor.Status(id); ok {
				st = ms
			}
		}
		var sh view.Shell
		var n view.Counts
		if i < len(last.Estimates) {
			sh.Estimate = last.Estimates[i]
		}
		if i < len(last.Forecasts) && i < len(last.Errors) && i < len(last.Costs) {
			sh.Forecast, sh.Error, sh.Cost = last.Forecasts[i], last.Errors[i], last.Costs[i]
		}
		for _, v := range last.Servers {
			if v.ID == id {
				n.Sessions = v.Sessions
			}
		}
		n.Packets, n.Flows = ServerTotals(&tot, i)
		out[i] = view.Server(st, s.MAC.String(), b.src.Weights, sh, n)
	}
	return out
}

// Admission reads the control loop's last policy.
func (b *Backend) Admission() api.AdmissionStatus {
	var last control.State
	if b.src.Control != nil {
		last = b.src.Control.Last()
	} else {
		c := b.src.Admission
		last.Admission = admission.Policy{T1: c.T1, T2: c.T2, T3: c.T3, C: c.C, Pacing: c.Pacing}
	}
	return view.Admission(last.Admission, b.src.Admission, last.LH, [admission.RejectAll + 1]uint64{},
		admission.DecisionCounters{}, 0)
}
