package dispatcher

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/ha"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/mgmt/api"
)

// pair is this dispatcher's member of a hot-standby pair (engine/ha,
// docs/ha.md). As primary it publishes every flow its workers create or
// expire (the data plane's flow events) and every session, association
// and expectation of its tracker (ha.Mirror on the signalling path); as
// backup it installs them: flows in every worker's table (ha.Sink → the
// workers' install ring), sessions and expectations in its own tracker
// (sigpath.Post → session.Restore), whose listener writes the data plane's
// expectation table as the live path does. Which of the two it is decides
// the data plane's standby flag (no ARP answers, no flow expiry) and the
// tracker's; taking over clears both and announces the VIPs.
type pair struct {
	d        *Dispatcher
	table    *ha.Table // with flows, the Source: sessions, expectations, overrides, thresholds
	flows    flowMap   // the data plane's flows, compactly (~100 B each, against ~600 in table)
	mirror   *ha.Mirror
	runner   *ha.Runner
	announce ha.VIPOwner
	closeVIP func() error
	workers  int
	log      *zap.Logger

	ids map[session.ID]session.ID // primary's session id → this tracker's (signalling path's goroutine)
	c   pairCounters

	started time.Time // when the pair was built (ready's grace for silent servers)
	settled time.Time // since when every server's state is settled (ready; under the node's lock)
}

// pairCounters are the pair's own totals (the protocol's are ha.Stats).
type pairCounters struct {
	flowsPublished, flowsInstalled, flowsDeleted, installLost atomic.Uint64
	sessionsRestored, restoreErrors, ignored                  atomic.Uint64
	takeovers, releases                                       atomic.Uint64
}

// newPair builds the pair's state before the signalling path exists (its
// listener is part of the path's configuration); start binds it.
func newPair(d *Dispatcher) *pair {
	p := &pair{d: d, table: ha.NewTable(), flows: flowMap{m: map[session.FlowKey]flowVal{}}, workers: d.cfg.Dataplane.Workers, log: d.log.Named("ha"),
		ids: map[session.ID]session.ID{}, started: time.Now()}
	p.mirror = &ha.Mirror{Table: p.table}
	return p
}

// listener is what the tracker tells the pair: sessions, associations and
// expectations. Flows come from the data plane's own events instead (they
// hold every forwarded flow, the tracker only the announced ones).
func (p *pair) listener() session.Listener { return sessionsOnly{p.mirror} }

type sessionsOnly struct{ *ha.Mirror }

func (sessionsOnly) FlowAdded(session.Flow)      {}
func (sessionsOnly) FlowRemoved(session.FlowKey) {}

// start binds the replication socket and the VIP announcer; the data plane
// and the tracker stay standby until the role machine makes this node
// primary.
func (p *pair) start() error {
	cfg := p.d.cfg.HA
	var err error
	if p.announce, p.closeVIP, err = ha.NewVIPOwner(cfg, p.d.cfg.VIPs); err != nil {
		return err
	}
	if err := p.d.dp.SetStandby(true); err != nil {
		return err
	}
	if p.d.path != nil {
		p.d.path.SetStandby(true)
	}
	if p.runner, err = ha.NewRunner(cfg, ha.RunnerDeps{VIP: pairVIP{p}, Source: pairSource{p}, Sink: pairSink{p}, Log: p.d.log,
		Ready: p.ready}); err != nil {
		return err
	}
	p.mirror.Publisher = p.runner.Node()
	return nil
}

// run drives the replication until ctx ends (a primary then announces its
// planned failure, so that the backup takes over at once) while other
// goroutines drain the workers' flow events into the stream and publish
// the operator's overrides and the admission thresholds when they change.
func (p *pair) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.drainFlows(ctx) }()
	go func() { defer wg.Done(); p.watchControl(ctx) }()
	if err := p.runner.Run(ctx); err != nil {
		p.log.Error("replication", zap.Error(err))
	}
	wg.Wait()
}

// controlPeriod is how often watchControl looks for changes.
const controlPeriod = 100 * time.Millisecond

// watchControl publishes what the workers' flows and the tracker do not
// carry: the operator's overrides of servers (a drain in force, a removal:
// each member's health view is its own, from the same agents, but an
// operator's drain reaches only the member it was sent to) and the
// admission controller's moving thresholds (eq 4, which depend on this
// member's history).
func (p *pair) watchControl(ctx context.Context) {
	t := time.NewTicker(controlPeriod)
	defer t.Stop()
	node := p.runner.Node()
	servers := map[cluster.ServerID]cluster.State{}
	var adm [2]float64
	publish := func(r ha.Record, now time.Time) {
		p.table.Apply(r)
		if err := node.Publish(r, now); err != nil {
			p.log.Warn("publish", zap.Error(err))
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for i := range p.d.dp.Servers() {
				id := cluster.ServerID(i)
				st, ok := p.d.operatorState(id, now)
				if old, had := servers[id]; had == ok && old == st {
					continue
				}
				r := ha.Record{Kind: ha.KindServer, Op: ha.OpPut, Server: ha.ServerStateRecord{Server: id, State: st}}
				if ok {
					servers[id] = st
				} else {
					delete(servers, id)
					r.Op = ha.OpDelete
				}
				publish(r, now)
			}
			if p.d.loop == nil {
				continue
			}
			a := p.d.loop.Last().Admission
			if a.Interval == 0 || (a.T2 == adm[0] && a.T3 == adm[1]) {
				continue
			}
			adm = [2]float64{a.T2, a.T3}
			publish(ha.Record{Kind: ha.KindAdmission, Op: ha.OpPut,
				Admission: ha.AdmissionRecord{T1: a.T1, T2: a.T2, T3: a.T3, C: a.C}}, now)
		}
	}
}

// operatorState is the operator's override of server id in force at now:
// Draining (a drain whose time has come) or Failed (removed by a reload).
func (d *Dispatcher) operatorState(id cluster.ServerID, now time.Time) (cluster.State, bool) {
	if d.loop != nil {
		st, at, ok := d.loop.Override(id)
		if ok && st == cluster.Draining && now.Before(at) {
			return 0, false
		}
		return st, ok
	}
	d.op.mu.Lock()
	defer d.op.mu.Unlock()
	if d.op.removed[id] {
		return cluster.Failed, true
	}
	if at, ok := d.op.drained[id]; ok && !now.Before(at) {
		return cluster.Draining, true
	}
	return 0, false
}

// applyOverride follows the primary's override of a server (backup).
func (p *pair) applyOverride(r *ha.Record) {
	d := p.d
	id := r.Server.Server
	if int(id) >= d.dp.Servers() {
		p.c.ignored.Add(1)
		return
	}
	d.cfgMu.Lock()
	name := ""
	if int(id) < len(d.cfg.Servers) {
		name = d.cfg.Servers[id].Name
	}
	d.cfgMu.Unlock()
	var err error
	switch {
	case r.Op == ha.OpDelete:
		if st, ok := d.operatorState(id, time.Now()); ok && st == cluster.Draining {
			err = d.Undrain(name)
		}
	case r.Server.State == cluster.Draining:
		err = d.Drain(name, time.Now())
	case r.Server.State == cluster.Failed:
		d.removeServer(id)
	default:
		p.c.ignored.Add(1)
	}
	if err != nil {
		p.log.Warn("following the primary's override", zap.Uint16("server", uint16(id)), zap.Error(err))
	}
}

// drainFlows publishes the flows the workers create and expire.
func (p *pair) drainFlows(ctx context.Context) {
	buf := make([]dataplane.FlowRecord, dataplane.FlowBatch)
	node := p.runner.Node()
	for ctx.Err() == nil {
		n, err := p.d.dp.FlowEvents(buf)
		if err != nil {
			p.log.Error("flow events", zap.Error(err))
			return
		}
		now := time.Now()
		for i := range buf[:n] {
			r, ok := recordOfFlow(&buf[i], now)
			if !ok {
				continue
			}
			if !p.flows.event(&r) {
				continue // another worker still holds an installed copy
			}
			if err := node.Publish(r, now); err != nil {
				p.log.Warn("publish", zap.Error(err))
			}
			p.c.flowsPublished.Add(1)
		}
		if n == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

// recordOfFlow converts a worker's flow event; false for other events.
func recordOfFlow(f *dataplane.FlowRecord, now time.Time) (ha.Record, bool) {
	r := ha.Record{Kind: ha.KindFlow, Op: ha.OpPut}
	switch f.Type {
	case dataplane.FlowCreated, dataplane.FlowSnapshot:
	case dataplane.FlowExpired:
		r.Op = ha.OpDelete
	default:
		return r, false
	}
	r.Flow = ha.FlowRecord{Key: session.FlowKey{Src: f.Key.Src, Dst: f.Key.Dst, Proto: session.Proto(f.Key.Proto)}}
	if r.Op == ha.OpPut {
		r.Flow.Server, r.Flow.Session = f.Server, session.ID(f.Session)
		r.Flow.Identity = session.Plain
		if f.Flags&dataplane.FlagSecondary != 0 {
			r.Flow.Identity = session.Secondary
		}
		r.Flow.LastSeen = now.UnixMilli()
		r.Flow.DPClass, r.Flow.DPFlags = f.Class, f.Flags
	}
	return r, true
}

// install queues a flow put or delete for every worker (which worker the
// flow's packets reach after a takeover depends on the NIC's RSS, so each
// holds it; the ones that never see it expire it after takeover). The
// workers' install rings are bounded: a full ring is retried for up to a
// second (the caller is the replication reader; the stream waits), then
// counted as lost.
func (p *pair) install(r *ha.Record) {
	typ := dataplane.FlowInstall
	if r.Op == ha.OpDelete {
		typ = dataplane.FlowDelete
	}
	var recs [dataplane.MaxWorkers]dataplane.FlowRecord
	k := dataplane.FlowKey{Src: r.Flow.Key.Src, Dst: r.Flow.Key.Dst, Proto: uint8(r.Flow.Key.Proto)}
	for w := 0; w < p.workers; w++ {
		recs[w] = dataplane.FlowRecord{Type: typ, Worker: w, Key: k, Server: r.Flow.Server,
			Session: uint32(r.Flow.Session), Class: r.Flow.DPClass, Flags: r.Flow.DPFlags | dataplane.FlagValid}
	}
	left := recs[:p.workers]
	for deadline := time.Now().Add(time.Second); len(left) > 0; {
		n, err := p.d.dp.PushFlows(left)
		if err != nil {
			p.c.installLost.Add(uint64(len(left)))
			return
		}
		left = left[n:]
		if len(left) > 0 {
			if time.Now().After(deadline) {
				p.c.installLost.Add(uint64(len(left)))
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	if typ == dataplane.FlowInstall {
		p.c.flowsInstalled.Add(1)
	} else {
		p.c.flowsDeleted.Add(1)
	}
}

// pairSink is the backup's ha.Sink.
type pairSink struct{ p *pair }

// Reset forgets the replicated state before a snapshot: every installed
// flow is deleted from the workers, every restored session ended.
func (s pairSink) Reset() {
	p := s.p
	var flows []ha.Record
	p.flows.each(func(r ha.Record) {
		flows = append(flows, ha.Record{Kind: ha.KindFlow, Op: ha.OpDelete, Flow: ha.FlowRecord{Key: r.Flow.Key}})
	})
	p.flows.reset()
	var drained []ha.Record
	p.table.Snapshot(func(r ha.Record) {
		if r.Kind == ha.KindServer && r.Server.State == cluster.Draining {
			drained = append(drained, ha.Record{Kind: ha.KindServer, Op: ha.OpDelete, Server: r.Server})
		}
	})
	p.table.Reset()
	for i := range flows {
		p.install(&flows[i])
	}
	for i := range drained { // the snapshot drains again what is still drained
		p.applyOverride(&drained[i])
	}
	if path := p.d.path; path != nil {
		path.Post(func(tr *session.Tracker) {
			tr.ForgetAll(time.Now())
			clear(p.ids)
		})
	}
}

// Apply installs one record of the primary's state.
func (s pairSink) Apply(r ha.Record) {
	p := s.p
	switch r.Kind {
	case ha.KindFlow:
		p.flows.apply(&r, p.workers)
		p.install(&r)
	case ha.KindAssociation, ha.KindExpectation:
		if p.d.path == nil {
			p.c.ignored.Add(1)
			return
		}
		p.d.path.Post(func(tr *session.Tracker) { p.restore(tr, &r) })
	case ha.KindServer:
		p.table.Apply(r)
		p.applyOverride(&r)
	case ha.KindAdmission:
		p.table.Apply(r)
		if p.d.loop != nil && r.Op == ha.OpPut {
			p.d.loop.AdoptThresholds(r.Admission.T2, r.Admission.T3)
		}
	default:
		p.c.ignored.Add(1)
	}
}

// restore applies a session record on the signalling path's goroutine.
func (p *pair) restore(tr *session.Tracker, r *ha.Record) {
	now := time.Now()
	switch {
	case r.Kind == ha.KindAssociation && r.Op == ha.OpPut:
		if r.Assoc.Kind == 0 { // key too long: its flows still carry it
			p.c.ignored.Add(1)
			return
		}
		id, err := tr.Restore(now, r.Assoc.Kind, r.Assoc.SessionKey(), r.Assoc.Server)
		if err != nil {
			p.c.restoreErrors.Add(1)
			return
		}
		p.ids[r.Assoc.Session] = id
		p.c.sessionsRestored.Add(1)
	case r.Kind == ha.KindAssociation:
		if id, ok := p.ids[r.Assoc.Session]; ok {
			tr.Forget(now, id)
			delete(p.ids, r.Assoc.Session)
		}
	case r.Op == ha.OpPut: // expectation
		id, ok := p.ids[r.Exp.Session]
		if !ok {
			p.c.ignored.Add(1)
			return
		}
		e := &r.Exp
		x := session.Expectation{Dst: e.Dst, Proto: e.Proto, Src: e.Src, SrcPort: e.SrcPort, RTCP: e.RTCP,
			Receiver: inspect.Side(e.Receiver), Index: e.Index}
		if err := tr.RestoreExpectation(now, id, x, time.UnixMilli(e.Expires)); err != nil {
			p.c.restoreErrors.Add(1)
		}
	default:
		// An expectation's removal: matched (its flow is replicated),
		// cancelled with its session (Forget) or expired (it expires here
		// too, after the media timeout).
		p.c.ignored.Add(1)
	}
}

// pairVIP is the role machine's VIPOwner: the data plane and the tracker
// leave standby before the VIPs are announced, and return to it when this
// node stops being primary.
type pairVIP struct{ p *pair }

// TakeVIP makes this dispatcher the VIPs' owner.
func (v pairVIP) TakeVIP() error {
	p := v.p
	p.c.takeovers.Add(1)
	err := p.d.dp.SetStandby(false)
	if p.d.path != nil {
		p.d.path.SetStandby(false)
	}
	p.log.Info("owning the VIPs: answering ARP, expiring flows, announcing", zap.Int("flows", p.flows.len()))
	return errors.Join(err, p.announce.TakeVIP())
}

// ReleaseVIP makes this dispatcher a standby again.
func (v pairVIP) ReleaseVIP() error {
	p := v.p
	p.c.releases.Add(1)
	err := p.announce.ReleaseVIP()
	if p.d.path != nil {
		p.d.path.SetStandby(true)
	}
	p.log.Info("standby: the peer owns the VIPs")
	return errors.Join(err, p.d.dp.SetStandby(true))
}

// ready tells the role machine whether this dispatcher could serve now, so
// that a restarted primary does not take the VIP back (preemption or a
// planned switchover) before its own management plane knows the servers:
// every server heard and out of probation (or silent for long enough to be
// failed in fact), then one control interval for a selection built on that
// view to be published. Without a management plane it is always ready.
// Called under the node's lock (serialised).
func (p *pair) ready() bool {
	d := p.d
	if d.plane == nil {
		return true
	}
	now := time.Now()
	mc := d.cfg.Mgmt
	grace := 2 * time.Duration(mc.Misses+mc.Damping) * mc.HeartbeatPeriod
	for i := range d.cfg.Servers {
		st, ok := d.plane.Monitor.Status(cluster.ServerID(i))
		if !ok {
			continue
		}
		if st.Probation || (st.LastBeat.IsZero() && now.Sub(p.started) < grace) {
			p.settled = time.Time{}
			return false
		}
	}
	if p.settled.IsZero() {
		p.settled = now
	}
	return now.Sub(p.settled) >= d.cfg.Control.Interval
}

// switchover starts a planned switchover (API, sara ctl switchover).
func (p *pair) switchover() error {
	if err := p.runner.Node().Switchover(time.Now()); err != nil {
		return fmt.Errorf("%w: %w", api.ErrInvalid, err)
	}
	p.log.Info("planned switchover started")
	return nil
}

// status is the API's view of the pair.
func (p *pair) status() api.HAStatus {
	st := p.runner.Node().Stats(time.Now())
	out := api.HAStatus{Enabled: true, Role: st.Role.String(), Epoch: st.Epoch, Peer: p.d.cfg.HA.Peer,
		PeerAlive: st.PeerAlive, PeerRole: st.PeerRole.String(), InSync: st.InSync,
		LagRecords: st.LagRecords, Lag: st.Lag, Snapshots: st.SnapshotsSent + st.SnapshotsApplied,
		TakeoverReasons: map[string]uint64{}}
	if !st.PeerHeard.IsZero() {
		t := st.PeerHeard
		out.LastPeerHeartbeat = &t
	}
	out.Replicated = st.RecordsSent + st.RecordsApplied
	for r, n := range st.Takeovers {
		out.Takeovers += n
		if n > 0 {
			out.TakeoverReasons[ha.Reason(r).String()] = n
		}
	}
	return out
}

// close releases the announcer's socket.
func (p *pair) close() {
	if p.closeVIP != nil {
		if err := p.closeVIP(); err != nil {
			p.log.Warn("closing the announcer", zap.Error(err))
		}
	}
}

// logCounters logs the pair's totals (at stop).
func (p *pair) logCounters() {
	st := p.runner.Node().Stats(time.Now())
	p.log.Info("ha totals", zap.Stringer("role", st.Role), zap.Uint32("epoch", st.Epoch),
		zap.Uint64("flows_published", p.c.flowsPublished.Load()), zap.Uint64("flows_installed", p.c.flowsInstalled.Load()),
		zap.Uint64("flows_deleted", p.c.flowsDeleted.Load()), zap.Uint64("install_lost", p.c.installLost.Load()),
		zap.Uint64("sessions_restored", p.c.sessionsRestored.Load()), zap.Uint64("restore_errors", p.c.restoreErrors.Load()),
		zap.Uint64("records_sent", st.RecordsSent), zap.Uint64("records_applied", st.RecordsApplied),
		zap.Uint64("snapshots_sent", st.SnapshotsSent), zap.Uint64("snapshots_applied", st.SnapshotsApplied),
		zap.Uint64("takeovers", p.c.takeovers.Load()), zap.String("lag", fmt.Sprint(st.Lag)))
}

// pairSource is the pair's ha.Source: the table, then the flows.
type pairSource struct{ p *pair }

// Snapshot calls fn with every record of the pair's state.
func (s pairSource) Snapshot(fn func(ha.Record)) {
	s.p.table.Snapshot(fn)
	s.p.flows.each(fn)
}

// flowMap holds the replicated data-plane flows: a flow's value is what
// the workers need to install it, so a million flows take ~100 MB of Go
// heap rather than the ~600 MB of whole records in an ha.Table.
type flowMap struct {
	mu sync.Mutex
	m  map[session.FlowKey]flowVal
}

type flowVal struct {
	copies       uint8 // workers holding it: installs go to every worker, each expires its own
	session      uint64
	server       uint16
	identity     session.Identity
	class, flags uint8
}

// apply puts a flow held by copies workers, or deletes it.
func (f *flowMap) apply(r *ha.Record, copies int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Op == ha.OpDelete {
		delete(f.m, r.Flow.Key)
		return
	}
	fr := &r.Flow
	f.m[fr.Key] = flowVal{copies: uint8(min(copies, 255)), session: uint64(fr.Session), server: uint16(fr.Server),
		identity: fr.Identity, class: fr.DPClass, flags: fr.DPFlags}
}

// event applies a worker's flow event and reports whether it changes the
// replicated state: a creation does; an expiry does once the last worker
// holding the flow expired it (after a takeover every worker holds an
// installed copy, most of which never see a packet and expire first).
func (f *flowMap) event(r *ha.Record) bool {
	if r.Op == ha.OpPut {
		f.apply(r, 1)
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[r.Flow.Key]
	if ok && v.copies > 1 {
		v.copies--
		f.m[r.Flow.Key] = v
		return false
	}
	delete(f.m, r.Flow.Key)
	return true
}

// each calls fn with every flow as a put record (under the map's lock: fn
// must not call back).
func (f *flowMap) each(fn func(ha.Record)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now().UnixMilli()
	for k, v := range f.m {
		fn(ha.Record{Kind: ha.KindFlow, Op: ha.OpPut, Flow: ha.FlowRecord{Key: k, Server: cluster.ServerID(v.server),
			Session: session.ID(v.session), Identity: v.identity, LastSeen: now, DPClass: v.class, DPFlags: v.flags}})
	}
}

func (f *flowMap) reset() {
	f.mu.Lock()
	clear(f.m)
	f.mu.Unlock()
}

func (f *flowMap) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.m)
}
