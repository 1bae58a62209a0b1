package dispatcher

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/dpview"
	"github.com/sara-lb/sara/mgmt/api/view"
	"github.com/sara-lb/sara/mgmt/health"
)

// ErrRestart wraps a reload that changes what only a restart can change.
var ErrRestart = errors.New("dispatcher: change needs a restart")

// operator holds the operator's overrides used without a control loop
// (static round-robin selection): drained and removed servers.
type operator struct {
	mu      sync.Mutex
	drained map[cluster.ServerID]time.Time
	removed map[cluster.ServerID]bool
	applied string // the last published selectable set, to republish on change
}

// staticPolicy is the round-robin policy over the servers neither drained
// (from their time on) nor removed.
func (d *Dispatcher) staticPolicy(now time.Time) (dataplane.Policy, string) {
	d.op.mu.Lock()
	defer d.op.mu.Unlock()
	var ids, down []cluster.ServerID
	for i := range d.dp.Servers() { // the data plane's count: Reload may swap d.cfg meanwhile
		id := cluster.ServerID(i)
		at, drained := d.op.drained[id]
		switch {
		case d.op.removed[id]:
			down = append(down, id)
		case drained && !now.Before(at):
		default:
			ids = append(ids, id)
		}
	}
	return dataplane.Policy{Sequence: dataplane.RoundRobin(ids, d.dp.SelectionSlots()), Down: down},
		fmt.Sprint(ids, down)
}

// publishStatic publishes the static policy if the selectable set changed
// (or always when force).
func (d *Dispatcher) publishStatic(now time.Time, force bool) error {
	p, key := d.staticPolicy(now)
	d.op.mu.Lock()
	same := key == d.op.applied
	d.op.applied = key
	d.op.mu.Unlock()
	if same && !force {
		return nil
	}
	if d.path != nil {
		d.path.SetSequence(p.Sequence)
	}
	return d.dp.Publish(p)
}

func (d *Dispatcher) serverID(name string) (cluster.ServerID, error) {
	d.cfgMu.Lock()
	defer d.cfgMu.Unlock()
	for i, s := range d.cfg.Servers {
		if s.Name == name {
			return cluster.ServerID(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q", api.ErrUnknownServer, name)
}

// Drain stops new sessions to server from at on (zero: now); established
// sessions stay on it.
func (d *Dispatcher) Drain(server string, at time.Time) error {
	id, err := d.serverID(server)
	if err != nil {
		return err
	}
	if at.IsZero() {
		at = time.Now()
	}
	d.log.Info("drain", zap.String("server", server), zap.Time("at", at), zap.String("reason", "operator"))
	if d.loop != nil {
		d.loop.Drain(id, at)
		return nil
	}
	d.op.mu.Lock()
	d.op.drained[id] = at
	d.op.mu.Unlock()
	return d.publishStatic(time.Now(), false)
}

// Undrain makes a drained server selectable again.
func (d *Dispatcher) Undrain(server string) error {
	id, err := d.serverID(server)
	if err != nil {
		return err
	}
	d.log.Info("undrain", zap.String("server", server), zap.String("reason", "operator"))
	if d.loop != nil {
		d.loop.Undrain(id)
		return nil
	}
	d.op.mu.Lock()
	delete(d.op.drained, id)
	d.op.mu.Unlock()
	return d.publishStatic(time.Now(), false)
}

// Reload re-reads the configuration file and applies what can change
// while running — servers (added, removed, MAC or weight changed; a
// server keeps its id, so its sessions stay), timeouts — atomically with
// the next policy; anything else that changed is refused with the reason
// and the running configuration stays.
func (d *Dispatcher) Reload() error {
	if d.cfgPath == "" {
		return fmt.Errorf("%w: no configuration file (built-in default)", api.ErrInvalid)
	}
	nc, err := config.Load(d.cfgPath)
	if err != nil {
		return fmt.Errorf("%w: %v", api.ErrInvalid, err)
	}
	d.cfgMu.Lock()
	defer d.cfgMu.Unlock()
	old := d.cfg
	for name, same := range map[string]bool{
		"vips":       reflect.DeepEqual(old.VIPs, nc.VIPs),
		"dataplane":  reflect.DeepEqual(old.Dataplane, nc.Dataplane),
		"signalling": reflect.DeepEqual(old.Signalling, nc.Signalling),
		"mgmt":       reflect.DeepEqual(old.Mgmt, nc.Mgmt),
		"gateway":    reflect.DeepEqual(old.Gateway, nc.Gateway),
		"api":        reflect.DeepEqual(old.API, nc.API),
		"ha":         reflect.DeepEqual(old.HA, nc.HA),
		"control":    reflect.DeepEqual(old.Control, nc.Control),
	} {
		if !same {
			return fmt.Errorf("%w: %w: %s changed", api.ErrInvalid, ErrRestart, name)
		}
	}
	// Servers keep their ids: by name; new ones are appended; removed ones
	// stay as tombstones (their MAC kept, marked failed).
	merged := append([]config.Server(nil), old.Servers...)
	byName := map[string]int{}
	for i, s := range old.Servers {
		byName[s.Name] = i
	}
	var removed, added []string
	keep := map[string]bool{}
	for _, s := range nc.Servers {
		keep[s.Name] = true
		if i, ok := byName[s.Name]; ok {
			merged[i] = s
		} else {
			if d.plane != nil {
				return fmt.Errorf("%w: %w: adding server %q with the management plane on", api.ErrInvalid, ErrRestart, s.Name)
			}
			merged = append(merged, s)
			added = append(added, s.Name)
		}
	}
	macs := make([][6]byte, len(merged))
	for i, s := range merged {
		macs[i] = [6]byte(s.MAC)
		if !keep[s.Name] {
			removed = append(removed, s.Name)
		}
	}
	t := dataplane.Timeouts{UDP: nc.Timeouts.UDP, TCP: nc.Timeouts.TCP, SIP: nc.Timeouts.SIP,
		RTSP: nc.Timeouts.RTSP, Media: nc.Timeouts.Media}
	if err := d.dp.Reconfigure(macs, t); err != nil {
		return fmt.Errorf("%w: %v", api.ErrInvalid, err)
	}
	applied := *nc
	applied.Servers = merged
	d.cfg = &applied
	for _, name := range removed {
		d.removeServer(cluster.ServerID(byName[name]))
	}
	if d.backend != nil {
		d.backend.SetConfig(d.cfg)
	}
	d.log.Info("reload", zap.String("path", d.cfgPath), zap.Strings("added", added), zap.Strings("removed", removed))
	if d.loop == nil {
		return d.publishStatic(time.Now(), true)
	}
	return nil
}

// sessions answers the API's session listing from the tracker, on the
// signalling path's goroutine.
func (d *Dispatcher) sessions(q api.SessionQuery) (api.SessionPage, error) {
	if d.path == nil {
		return api.SessionPage{}, api.ErrUnsupported
	}
	d.cfgMu.Lock()
	names := make([]string, len(d.cfg.Servers))
	for i, s := range d.cfg.Servers {
		names[i] = s.Name
	}
	d.cfgMu.Unlock()
	name := func(id int) string {
		if id < len(names) {
			return names[id]
		}
		return fmt.Sprint(id)
	}
	var all []api.Session
	now := time.Now()
	err := d.path.Do(func(tr *session.Tracker) {
		tr.EachSession(func(s session.Session, flows []session.Flow, exps []session.Expectation) bool {
			all = append(all, view.Session(s, flows, exps, name, now))
			return len(all) < 100000
		})
	}, time.Second)
	if err != nil {
		return api.SessionPage{}, err
	}
	return api.FilterPage(all, q), nil
}

// newBackend builds the API backend over the dispatcher's parts.
func (d *Dispatcher) newBackend() (*dpview.Backend, error) {
	host, _ := os.Hostname()
	lcores := make([]int, 0, d.cfg.Dataplane.Workers)
	for _, l := range d.dp.Lcores() {
		lcores = append(lcores, int(l))
	}
	s := dpview.Sources{Config: d.cfg, Dataplane: d.dp, Admission: ControlConfig(d.cfg).Admission,
		Weights: d.cfg.Mgmt.Weights.Cluster(),
		Node:    host, Version: Version, Started: time.Now(), Lcores: lcores,
		Drain: d.Drain, Undrain: d.Undrain, Reload: d.Reload, Sessions: d.sessions}
	s.Monitor = operatorView{d}
	if d.loop != nil {
		s.Control = d.loop
	}
	if d.path != nil {
		s.AnnounceInstall = func() api.Histogram { return api.Log2Histogram(d.path.AnnounceInstallLatency()) }
	}
	if d.pair != nil {
		s.HA, s.Switchover = d.pair.status, d.pair.switchover
	}
	return dpview.NewBackend(s)
}

// Version is the dispatcher's version string, shown by the API.
var Version = "dev"

// operatorView is what the API reads as a server's status: the management
// plane's (or "active" without one) with the operator's drain or removal
// laid over it.
type operatorView struct{ d *Dispatcher }

// Status implements dpview.MonitorReader.
func (v operatorView) Status(id cluster.ServerID) (health.Status, bool) {
	d := v.d
	st := health.Status{Server: health.Server{ID: id}, State: cluster.Active, Reason: "no management plane"}
	if d.plane != nil {
		s, ok := d.plane.Monitor.Status(id)
		if !ok {
			return s, false
		}
		st = s
	}
	d.cfgMu.Lock()
	if int(id) < len(d.cfg.Servers) {
		s := d.cfg.Servers[id]
		st.Server = health.Server{ID: id, Host: s.HostID, Name: s.Name, Weight: s.Weight}
	}
	d.cfgMu.Unlock()
	var state cluster.State
	var at time.Time
	var ok bool
	if d.loop != nil {
		state, at, ok = d.loop.Override(id)
	} else {
		d.op.mu.Lock()
		if d.op.removed[id] {
			state, ok = cluster.Failed, true
		} else if t, dr := d.op.drained[id]; dr {
			state, at, ok = cluster.Draining, t, true
		}
		d.op.mu.Unlock()
	}
	switch {
	case !ok || st.State == cluster.Failed:
	case state == cluster.Failed:
		st.State, st.Reason = cluster.Failed, "removed by reload"
	case !time.Now().Before(at):
		st.State, st.Reason, st.DrainAt = cluster.Draining, "operator drain", at
	default:
		st.DrainAt = at
	}
	return st, true
}

// removeServer marks server id removed for good: its flows follow the
// failover policy (through the control loop, or the static policy).
func (d *Dispatcher) removeServer(id cluster.ServerID) {
	if d.loop != nil {
		d.loop.Remove(id)
		return
	}
	d.op.mu.Lock()
	d.op.removed[id] = true
	d.op.mu.Unlock()
}
