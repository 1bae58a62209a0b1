package dispatcher

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/control"
	"github.com/sara-lb/sara/engine/sigpath"
	"github.com/sara-lb/sara/mgmt"
	"github.com/sara-lb/sara/mgmt/api/dpview"
	"github.com/sara-lb/sara/mgmt/api/serve"
)

// Dispatcher is the running appliance: the data plane, the signalling path
// (when dataplane.signalling is on), and — when the management plane has a
// key — the management plane and the control loop.
type Dispatcher struct {
	cfg   *config.Config
	dp    *dataplane.Dataplane
	path  *sigpath.Path
	plane *mgmt.Plane
	loop  *control.Loop
	recv  *announce.Receiver
	pair  *pair // nil without ha.enabled
	log   *zap.Logger

	cfgPath string     // file Reload re-reads ("" built-in default)
	cfgMu   sync.Mutex // cfg, against Reload
	op      operator   // drains without a control loop
	backend *dpview.Backend
	apiLn   net.Listener // bound by New, served by Run
}

// Options are optional parts of New.
type Options struct {
	// ConfigPath is the file Reload re-reads ("": reload refused).
	ConfigPath string
}

// New initialises the EAL (once per process) and builds every part; on
// error what was built is released.
func New(c *config.Config, log *zap.Logger, opts ...Options) (d *Dispatcher, err error) {
	args, err := EALArgs(c)
	if err != nil {
		return nil, err
	}
	log.Info("eal init", zap.Strings("args", args))
	if err := eal.Init(args); err != nil {
		return nil, err
	}
	dc := DataplaneConfig(c)
	dc.Signalling = c.Dataplane.Signalling
	dc.FlowEvents = c.HA.Enabled // the primary streams its flows
	dp, err := dataplane.New(dc)
	if err != nil {
		return nil, err
	}
	built := &Dispatcher{cfg: c, dp: dp, log: log,
		op: operator{drained: map[cluster.ServerID]time.Time{}, removed: map[cluster.ServerID]bool{}}}
	for _, o := range opts {
		built.cfgPath = o.ConfigPath
	}
	defer func() {
		if err != nil {
			built.Close()
		}
	}()
	sc := SigpathConfig(c)
	if c.HA.Enabled {
		built.pair = newPair(built)
		sc.Listener = built.pair.listener()
	}
	if c.Dataplane.Signalling {
		if built.path, err = sigpath.New(dp, c.VIPs, sc); err != nil {
			return nil, err
		}
	}
	if built.pair != nil {
		if err = built.pair.start(); err != nil {
			return nil, err
		}
	}
	if built.path != nil && c.Gateway.AnnounceListen != "" {
		op, err := c.Gateway.Opener(c.Mgmt.MaxSkew)
		if err != nil {
			return nil, err
		}
		if built.recv, err = announce.Listen(c.Gateway.AnnounceListen, op, built.path.Announce,
			announce.ReceiverOptions{Log: log}); err != nil {
			return nil, err
		}
	}
	if ManagementEnabled(c) {
		if built.plane, err = mgmt.New(c.Mgmt, HealthServers(c), mgmt.Options{Log: log.Named("mgmt")}); err != nil {
			return nil, err
		}
		var sink control.PolicySink
		if built.path != nil {
			sink = built.path
		}
		if built.loop, err = control.New(ControlConfig(c), built.plane.Monitor, dp, sink, log); err != nil {
			return nil, err
		}
	}
	if c.API.Listen != "" {
		if built.backend, err = built.newBackend(); err != nil {
			return nil, err
		}
		if built.apiLn, err = net.Listen("tcp", c.API.Listen); err != nil {
			return nil, fmt.Errorf("dispatcher: api.listen: %w", err)
		}
	}
	return built, nil
}

// APIAddr is the operations API's bound address (nil without api.listen).
func (d *Dispatcher) APIAddr() net.Addr {
	if d.apiLn == nil {
		return nil
	}
	return d.apiLn.Addr()
}

// Backend returns the operations API's backend (nil without api.listen).
func (d *Dispatcher) Backend() *dpview.Backend { return d.backend }

// Dataplane returns the data plane.
func (d *Dispatcher) Dataplane() *dataplane.Dataplane { return d.dp }

// Control returns the control loop, nil without a management plane.
func (d *Dispatcher) Control() *control.Loop { return d.loop }

// Announcements returns the gateway announcement receiver, nil unless
// gateway.announce_listen is set (and signalling is on).
func (d *Dispatcher) Announcements() *announce.Receiver { return d.recv }

// Management returns the management plane, nil without a key.
func (d *Dispatcher) Management() *mgmt.Plane { return d.plane }

// PublishRoundRobin publishes the static selection policy used without a
// management plane: every configured server not drained nor removed by the
// operator, in turn.
func (d *Dispatcher) PublishRoundRobin() error { return d.publishStatic(time.Now(), true) }

// ServerIDs returns the ids of every configured server.
func ServerIDs(c *config.Config) []cluster.ServerID {
	ids := make([]cluster.ServerID, len(c.Servers))
	for i := range ids {
		ids[i] = cluster.ServerID(i)
	}
	return ids
}

// Run forwards until ctx is done, logging counters every statsEvery; then
// it stops the control loop, the management plane, the workers and the
// signalling path, in that order, and returns the final counters.
func (d *Dispatcher) Run(ctx context.Context, statsEvery time.Duration) (dataplane.Counters, error) {
	if d.loop == nil {
		if err := d.PublishRoundRobin(); err != nil {
			return dataplane.Counters{}, err
		}
	} else if err := d.loop.Step(time.Now()); err != nil { // first policy before any packet
		return dataplane.Counters{}, err
	}
	if err := d.dp.Start(); err != nil {
		return dataplane.Counters{}, err
	}
	bg, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if d.recv != nil {
		wg.Add(1)
		go func() { defer wg.Done(); _ = d.recv.Run(bg) }()
	}
	if d.backend != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, err := serve.New(d.cfg.API, d.backend, d.log.Named("api"))
			if err == nil {
				err = srv.Serve(bg, d.apiLn)
			}
			if err != nil {
				d.log.Error("api", zap.Error(err))
			}
		}()
	}
	if d.loop == nil { // static selection: apply scheduled drains when due
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-bg.Done():
					return
				case now := <-t.C:
					if err := d.publishStatic(now, false); err != nil {
						d.log.Warn("publish", zap.Error(err))
					}
				}
			}
		}()
	}
	if d.pair != nil {
		wg.Add(1)
		go func() { defer wg.Done(); d.pair.run(bg) }()
	}
	if d.plane != nil {
		wg.Add(2)
		go func() { defer wg.Done(); _ = d.plane.Run(bg) }()
		go func() { defer wg.Done(); _ = d.loop.Run(bg) }()
	}
	pathStop, pathDone := make(chan struct{}), make(chan struct{})
	if d.path != nil {
		go func() { d.path.Run(pathStop); close(pathDone) }()
	} else {
		close(pathDone)
	}
	d.log.Info("forwarding", zap.Int("workers", d.cfg.Dataplane.Workers), zap.Int("ports", len(d.dp.Ports())),
		zap.Int("servers", len(d.cfg.Servers)), zap.Bool("signalling", d.path != nil),
		zap.Bool("control", d.loop != nil), zap.Bool("announcements", d.recv != nil), zap.Bool("ha", d.pair != nil))
	tick := time.NewTicker(statsEvery)
	defer tick.Stop()
	prev, prevT := d.dp.Totals(), time.Now()
	for {
		select {
		case <-ctx.Done():
			cancel()
			wg.Wait()
			d.dp.Stop()
			close(pathStop)
			<-pathDone
			c := d.dp.Totals()
			if d.pair != nil {
				d.pair.logCounters()
			}
			d.log.Info("stopped", zap.Uint64("rx", c.RX), zap.Uint64("tx", c.TX),
				zap.Uint64("drops", c.DropTotal()), zap.Uint64("flows_live", c.FlowsLive))
			return c, nil
		case now := <-tick.C:
			c := d.dp.Totals()
			dt := now.Sub(prevT).Seconds()
			d.log.Info("stats",
				zap.String("rx_mpps", fmt.Sprintf("%.3f", float64(c.RX-prev.RX)/dt/1e6)),
				zap.String("tx_mpps", fmt.Sprintf("%.3f", float64(c.TX-prev.TX)/dt/1e6)),
				zap.Uint64("flows_live", c.FlowsLive), zap.Uint64("drops", c.DropTotal()),
				zap.String("busy", fmt.Sprintf("%.2f", c.BusyFraction())))
			prev, prevT = c, now
		}
	}
}

// Signalling returns the signalling path's counters (zero without it). Call
// it after Run returned.
func (d *Dispatcher) Signalling() sigpath.Counters {
	if d.path == nil {
		return sigpath.Counters{}
	}
	return d.path.Counters()
}

// AnnounceCounters returns the signalling path's counters of gateway
// announcements (zero without it). Call it after Run returned.
func (d *Dispatcher) AnnounceCounters() sigpath.AnnounceCounters {
	if d.path == nil {
		return sigpath.AnnounceCounters{}
	}
	return d.path.AnnounceCounters()
}

// Close releases everything.
func (d *Dispatcher) Close() error {
	if d.recv != nil {
		_ = d.recv.Close()
	}
	if d.pair != nil {
		d.pair.close()
	}
	if d.apiLn != nil {
		_ = d.apiLn.Close()
	}
	if d.plane != nil && d.plane.Listener != nil {
		_ = d.plane.Listener.Close()
	}
	return d.dp.Close()
}
