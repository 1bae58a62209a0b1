// Package agent is the node agent run on each server by `sara agent`: every
// heartbeat period d it sends the 11-byte availability message (flag from
// the application probe and the drain file), every load period t a load
// vector measured by mgmt/sysload, both sealed by mgmt/auth and sent over
// UDP to the dispatcher's management address.
//
// Goroutines: Run's loop (heartbeats, load vectors, drain-file polling) and
// one probe goroutine; both stop when the context is cancelled.
package agent

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
	"github.com/sara-lb/sara/mgmt/probe"
	"github.com/sara-lb/sara/mgmt/sysload"
)

// Counters are the agent's totals.
type Counters struct {
	Heartbeats, LoadVectors, SendErrors, ProbeFailures, SampleErrors uint64
}

// Agent is a running node agent. Create with New.
type Agent struct {
	cfg     Config
	log     *zap.Logger
	conns   []net.Conn // the dispatcher, then the standby ones
	sealer  *auth.Sealer
	sampler *sysload.Sampler
	prober  probe.Prober
	drain   drainWatch
	appUp   atomic.Bool
	hbSeq   uint16
	lvSeq   uint16
	buf     []byte

	heartbeats, vectors, sendErrs, probeFails, sampleErrs atomic.Uint64
}

// New validates cfg and prepares the socket, sealer, sampler and prober.
func New(cfg Config, log *zap.Logger) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	pr, err := probe.New(cfg.Probe)
	if err != nil {
		return nil, err
	}
	sa, err := sysload.New(sysload.Config{ServicePort: cfg.ServicePort, ServiceProto: cfg.ServiceProto,
		IODivisor: cfg.IODivisor, BacklogLimit: cfg.BacklogLimit, CPUCgroup: cfg.CPUCgroup,
		CgroupRoot: cfg.CgroupRoot})
	if err != nil {
		return nil, err
	}
	se, err := auth.NewSealer(cfg.HostID, cfg.Key.WithID(cfg.KeyID), nil)
	if err != nil {
		return nil, err
	}
	var conns []net.Conn
	for _, addr := range append([]string{cfg.Dispatcher}, cfg.Standby...) {
		conn, err := net.Dial("udp", addr)
		if err != nil {
			for _, c := range conns {
				c.Close()
			}
			return nil, fmt.Errorf("agent: dispatcher %s: %w", addr, err)
		}
		conns = append(conns, conn)
	}
	a := &Agent{cfg: cfg, log: log.Named("agent"), conns: conns, sealer: se, sampler: sa, prober: pr,
		drain: drainWatch{path: cfg.DrainFile}, hbSeq: uint16(rand.Uint32()), buf: make([]byte, 0, 128)}
	return a, nil
}

// Run sends heartbeats and load vectors until ctx is done, then closes the
// socket. The first heartbeat leaves at once (after one probe).
func (a *Agent) Run(ctx context.Context) error {
	defer func() {
		for _, c := range a.conns {
			c.Close()
		}
	}()
	a.probeOnce(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.probeLoop(ctx) }()
	defer wg.Wait()
	a.log.Info("agent started", zap.Uint32("host_id", a.cfg.HostID), zap.String("dispatcher", a.cfg.Dispatcher),
		zap.Duration("heartbeat_period", a.cfg.HeartbeatPeriod), zap.Duration("load_period", a.cfg.LoadPeriod),
		zap.String("probe", a.cfg.Probe.Kind), zap.Stringer("key", a.cfg.Key))
	hb := time.NewTicker(a.cfg.HeartbeatPeriod)
	defer hb.Stop()
	lv := time.NewTicker(a.cfg.LoadPeriod)
	defer lv.Stop()
	a.sendHeartbeat(time.Now())
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-hb.C:
			a.sendHeartbeat(now)
		case now := <-lv.C:
			a.sendLoad(now)
		}
	}
}

func (a *Agent) probeOnce(ctx context.Context) {
	err := a.prober.Probe(ctx)
	if err != nil {
		a.probeFails.Add(1)
	}
	if was := a.appUp.Swap(err == nil); was != (err == nil) {
		if err != nil {
			a.log.Warn("application down", zap.Error(err))
		} else {
			a.log.Info("application up")
		}
	}
}

func (a *Agent) probeLoop(ctx context.Context) {
	tk := time.NewTicker(a.cfg.Probe.Interval)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			a.probeOnce(ctx)
		}
	}
}

// heartbeatAt builds the heartbeat for now from the drain file and probe.
func (a *Agent) heartbeatAt(now time.Time) heartbeat.Message {
	at, drained, changed := a.drain.poll()
	if changed {
		switch {
		case a.drain.err != nil:
			a.log.Error("drain file unreadable; state unchanged", zap.String("path", a.drain.path), zap.Error(a.drain.err))
		case drained:
			a.log.Info("planned maintenance announced", zap.Time("at", at))
		default:
			a.log.Info("planned maintenance cancelled")
		}
	}
	a.hbSeq++
	m := heartbeat.Message{Host: a.cfg.HostID, Seq: a.hbSeq, Flag: heartbeat.FlagUp, Timestamp: uint32(now.Unix())}
	switch {
	case drained:
		m.Flag, m.Timestamp = heartbeat.FlagPlanned, uint32(at.Unix())
	case !a.appUp.Load():
		m.Flag = heartbeat.FlagAppDown
	}
	return m
}

func (a *Agent) sendHeartbeat(now time.Time) {
	a.send(a.heartbeatAt(now).Append(a.buf[:0]), &a.heartbeats)
}

func (a *Agent) sendLoad(now time.Time) {
	v, raw, err := a.sampler.Sample()
	if err != nil {
		a.sampleErrs.Add(1)
		a.log.Warn("load sample incomplete", zap.Error(err))
	}
	a.lvSeq++
	m := loadvec.Message{Host: a.cfg.HostID, Seq: a.lvSeq, Timestamp: uint32(now.Unix()), Load: v}
	a.log.Debug("load vector", zap.Float64("cpu", v.CPU), zap.Float64("mem", v.Mem), zap.Float64("netbuf", v.NetBuf),
		zap.Float64("ioq", v.IOQueue), zap.Float64("backlog", v.Backlog), zap.Uint64("backlog_queue", raw.BacklogQueue))
	a.send(m.Append(a.buf[:0]), &a.vectors)
}

func (a *Agent) send(body []byte, ok *atomic.Uint64) {
	msg := a.sealer.Seal(make([]byte, 0, len(body)+auth.TrailerLen), body)
	sent := false
	for _, c := range a.conns {
		if _, err := c.Write(msg); err != nil {
			if a.sendErrs.Add(1) == 1 || a.sendErrs.Load()%100 == 0 {
				a.log.Warn("send to dispatcher failed", zap.Stringer("dispatcher", c.RemoteAddr()), zap.Error(err),
					zap.Uint64("errors", a.sendErrs.Load()))
			}
			continue
		}
		sent = true
	}
	if sent {
		ok.Add(1)
	}
}

// Counters returns the agent's totals.
func (a *Agent) Counters() Counters {
	return Counters{Heartbeats: a.heartbeats.Load(), LoadVectors: a.vectors.Load(), SendErrors: a.sendErrs.Load(),
		ProbeFailures: a.probeFails.Load(), SampleErrors: a.sampleErrs.Load()}
}

// SampleOnce measures one load vector for cfg over interval (CPU is the busy
// fraction during interval), as `sara agent sample` prints it.
func SampleOnce(cfg Config, interval time.Duration) (cluster.LoadVector, sysload.Raw, error) {
	sa, err := sysload.New(sysload.Config{ServicePort: cfg.ServicePort, ServiceProto: cfg.ServiceProto,
		IODivisor: cfg.IODivisor, BacklogLimit: cfg.BacklogLimit, CPUCgroup: cfg.CPUCgroup,
		CgroupRoot: cfg.CgroupRoot})
	if err != nil {
		return cluster.LoadVector{}, sysload.Raw{}, err
	}
	time.Sleep(interval)
	return sa.Sample()
}
