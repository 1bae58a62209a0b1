package health

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/logging"
)

// ErrServers reports a bad server list (duplicate id or host).
var ErrServers = errors.New("health: bad server list")

// Clock tells the monitor's time; tests inject a fake one.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Options are the Monitor's collaborators; zero values mean real clock and
// no logging.
type Options struct {
	Clock Clock
	Log   *zap.Logger
}

// Counters are the monitor's totals since creation.
type Counters struct {
	Heartbeats    uint64                            // heartbeats applied
	LostBeats     uint64                            // heartbeats missing from Seq gaps
	Reordered     uint64                            // late or duplicate heartbeats ignored
	SeqResets     uint64                            // Seq jumped back: agent restarted
	LoadVectors   uint64                            // load vectors applied
	UnknownHost   uint64                            // messages for a host not monitored
	Transitions   [cluster.MonitorFailed + 1]uint64 // state changes, by new state
	EventsDropped uint64                            // events not delivered: subscriber channel full
}

// Monitor tracks every configured server. Create it with New.
type Monitor struct {
	cfg       Config
	clock     Clock
	log       *zap.Logger
	failAfter time.Duration // n·d
	loadAfter time.Duration // LoadMisses·t

	mu     sync.Mutex
	byHost map[uint32]*record
	recs   []*record // in configuration order
	subs   map[int]chan Event
	nextID int
	c      Counters
}

// New validates cfg and the server list and returns a Monitor in which every
// server starts Failed ("no heartbeat received yet").
func New(cfg Config, servers []Server, opt Options) (*Monitor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.Clock == nil {
		opt.Clock = realClock{}
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	m := &Monitor{cfg: cfg, clock: opt.Clock, log: opt.Log.Named("health"),
		failAfter: time.Duration(cfg.Misses) * cfg.Period,
		loadAfter: time.Duration(cfg.LoadMisses) * cfg.LoadPeriod,
		byHost:    make(map[uint32]*record, len(servers)), subs: make(map[int]chan Event)}
	now := m.clock.Now()
	ids := make(map[cluster.ServerID]bool, len(servers))
	for _, s := range servers {
		if ids[s.ID] || m.byHost[s.Host] != nil {
			return nil, fmt.Errorf("%w: duplicate id %d or host %d", ErrServers, s.ID, s.Host)
		}
		ids[s.ID] = true
		r := &record{srv: s, state: cluster.Failed, reason: "no heartbeat received yet", since: now, loadGrace: now}
		m.byHost[s.Host] = r
		m.recs = append(m.recs, r)
	}
	return m, nil
}

// Config returns the monitor's configuration.
func (m *Monitor) Config() Config { return m.cfg }

// Evaluate re-derives every server's state at now (Run calls it every d).
func (m *Monitor) Evaluate(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.recs {
		m.apply(r, now)
	}
}

// apply computes r's state and publishes a change. Caller holds mu.
func (m *Monitor) apply(r *record, now time.Time) {
	st, why := m.derive(r, now)
	r.reason = why
	if st == r.state {
		return
	}
	ev := Event{Server: r.srv.ID, Name: r.srv.Name, Host: r.srv.Host, From: r.state, To: st,
		Reason: why, At: now, Failover: m.cfg.Failover}
	r.state, r.since = st, now
	m.c.Transitions[st]++
	fields := []zap.Field{logging.Server(ev.Name), zap.Uint16("server_id", uint16(ev.Server)),
		zap.Uint32("host_id", ev.Host), zap.Stringer("from", ev.From), logging.State(ev.To.String()),
		logging.Reason(why)}
	if ev.Failed() {
		fields = append(fields, zap.Stringer("failover", ev.Failover))
	}
	m.log.Info("server state changed", fields...)
	for _, ch := range m.subs {
		select {
		case ch <- ev:
		default:
			m.c.EventsDropped++
		}
	}
}

// Subscribe returns a channel receiving every later state change (buffer
// size buf, at least 1) and a function that unsubscribes and closes it.
func (m *Monitor) Subscribe(buf int) (<-chan Event, func()) {
	if buf < 1 {
		buf = 1
	}
	ch := make(chan Event, buf)
	m.mu.Lock()
	id := m.nextID
	m.nextID++
	m.subs[id] = ch
	m.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			m.mu.Lock()
			delete(m.subs, id)
			m.mu.Unlock()
			close(ch)
		})
	}
}

// Counters returns a copy of the monitor's counters.
func (m *Monitor) Counters() Counters {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c
}
