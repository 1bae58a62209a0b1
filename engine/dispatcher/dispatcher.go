package dispatcher

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/engine/cluster"
)

// Dispatcher is the running appliance.
type Dispatcher struct {
	cfg *config.Config
	dp  *dataplane.Dataplane
	log *zap.Logger
}

// New initialises the EAL (once per process) and builds the data plane.
func New(c *config.Config, log *zap.Logger) (*Dispatcher, error) {
	args, err := EALArgs(c)
	if err != nil {
		return nil, err
	}
	log.Info("eal init", zap.Strings("args", args))
	if err := eal.Init(args); err != nil {
		return nil, err
	}
	dp, err := dataplane.New(DataplaneConfig(c))
	if err != nil {
		return nil, err
	}
	return &Dispatcher{cfg: c, dp: dp, log: log}, nil
}

// Dataplane returns the data plane.
func (d *Dispatcher) Dataplane() *dataplane.Dataplane { return d.dp }

// PublishRoundRobin publishes the interim selection policy: every
// configured server, in turn. The forecast-based sequence replaces it when
// the control loop runs.
func (d *Dispatcher) PublishRoundRobin() error {
	return d.dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin(ServerIDs(d.cfg),
		int(d.cfg.Dataplane.SelectionSlots))})
}

// ServerIDs returns the ids of every configured server.
func ServerIDs(c *config.Config) []cluster.ServerID {
	ids := make([]cluster.ServerID, len(c.Servers))
	for i := range ids {
		ids[i] = cluster.ServerID(i)
	}
	return ids
}

// Run starts forwarding and logs counters every statsEvery until ctx is
// done, then stops the workers and returns the final counters.
func (d *Dispatcher) Run(ctx context.Context, statsEvery time.Duration) (dataplane.Counters, error) {
	if err := d.PublishRoundRobin(); err != nil {
		return dataplane.Counters{}, err
	}
	if err := d.dp.Start(); err != nil {
		return dataplane.Counters{}, err
	}
	d.log.Info("forwarding", zap.Int("workers", d.cfg.Dataplane.Workers), zap.Int("ports", len(d.dp.Ports())),
		zap.Int("servers", len(d.cfg.Servers)))
	tick := time.NewTicker(statsEvery)
	defer tick.Stop()
	prev, prevT := d.dp.Totals(), time.Now()
	for {
		select {
		case <-ctx.Done():
			d.dp.Stop()
			c := d.dp.Totals()
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

// Close releases the data plane.
func (d *Dispatcher) Close() error { return d.dp.Close() }
