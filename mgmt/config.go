package mgmt

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/health"
)

// DefaultListen is the default management address (UDP).
const DefaultListen = "0.0.0.0:7420"

// HostKey is a key for one host, used instead of the shared key.
type HostKey struct {
	Host  uint32   `mapstructure:"host_id"`
	KeyID uint8    `mapstructure:"key_id"`
	Key   auth.Key `mapstructure:"key"`
}

// Config is the dispatcher side of the management plane: the `mgmt:`
// section of the configuration file.
type Config struct {
	// Listen is the UDP address (kernel-owned interface) agents send to.
	Listen string `mapstructure:"listen"`
	// Key is the shared HMAC key (hex, ≥ 16 bytes) of every host without
	// an entry in HostKeys. Required to start (New fails without a key for
	// a host), optional for validation so files without mgmt: load.
	Key auth.Key `mapstructure:"key"`
	// KeyID is the shared key's identifier in trailers.
	KeyID uint8 `mapstructure:"key_id"`
	// HostKeys are per-host keys (a host may have several ids: rotation).
	HostKeys []HostKey `mapstructure:"host_keys"`
	// HeartbeatPeriod is d; a server is failed after Misses·d silence.
	HeartbeatPeriod time.Duration `mapstructure:"heartbeat_period"`
	Misses          int           `mapstructure:"misses"`
	// LoadPeriod is t; a server's monitor fails after LoadMisses·t.
	LoadPeriod time.Duration `mapstructure:"load_period"`
	LoadMisses int           `mapstructure:"load_misses"`
	// Damping is k, good periods before a recovered server is Active.
	Damping int `mapstructure:"damping"`
	// Failover is drop or rebalance: what happens to a failed server's sessions.
	Failover string `mapstructure:"failover"`
	// MaxSkew bounds |send time − receive time| of accepted messages.
	MaxSkew time.Duration `mapstructure:"max_skew"`
	// Weights turn a load vector into the scalar load l = Σ w_k v_k
	// (DESIGN §7; default 0.5, 0.1, 0.1, 0.1, 0.2).
	Weights Weights `mapstructure:"weights"`
}

// Weights are the operator's weights of the load vector's components.
type Weights struct {
	CPU     float64 `mapstructure:"cpu"`
	Mem     float64 `mapstructure:"mem"`
	NetBuf  float64 `mapstructure:"netbuf"`
	IOQueue float64 `mapstructure:"ioq"`
	Backlog float64 `mapstructure:"backlog"`
}

// Cluster returns the weights as cluster.Weights.
func (w Weights) Cluster() cluster.Weights {
	return cluster.Weights{CPU: w.CPU, Mem: w.Mem, NetBuf: w.NetBuf, IOQueue: w.IOQueue, Backlog: w.Backlog}
}

// SetDefaults sets every field to its default (config.Section).
func (c *Config) SetDefaults() {
	h := health.Defaults()
	*c = Config{Listen: DefaultListen, KeyID: 1, HeartbeatPeriod: h.Period, Misses: h.Misses,
		LoadPeriod: h.LoadPeriod, LoadMisses: h.LoadMisses, Damping: h.Damping,
		Failover: h.Failover.String(), MaxSkew: auth.DefaultMaxSkew,
		Weights: Weights{CPU: h.Weights.CPU, Mem: h.Weights.Mem, NetBuf: h.Weights.NetBuf,
			IOQueue: h.Weights.IOQueue, Backlog: h.Weights.Backlog}}
}

// Defaults returns a Config with every default set.
func Defaults() Config {
	var c Config
	c.SetDefaults()
	return c
}

// Health returns the monitor configuration (Failover must be valid).
func (c *Config) Health() (health.Config, error) {
	p, err := health.ParsePolicy(c.Failover)
	if err != nil {
		return health.Config{}, err
	}
	h := health.Defaults()
	h.Period, h.Misses, h.LoadPeriod, h.LoadMisses, h.Damping, h.Failover =
		c.HeartbeatPeriod, c.Misses, c.LoadPeriod, c.LoadMisses, c.Damping, p
	h.Weights = c.Weights.Cluster()
	return h, nil
}

// Validate reports every problem as "field: problem" (config.Section).
func (c *Config) Validate() error {
	var errs []error
	add := func(f string, a ...any) { errs = append(errs, fmt.Errorf(f, a...)) }
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen: %q is not host:port", c.Listen)
	}
	if c.HeartbeatPeriod <= 0 {
		add("heartbeat_period: must be > 0")
	}
	if c.Misses < 1 {
		add("misses: must be ≥ 1")
	}
	if c.LoadPeriod <= 0 {
		add("load_period: must be > 0")
	}
	if c.LoadMisses < 1 {
		add("load_misses: must be ≥ 1")
	}
	if c.Damping < 0 {
		add("damping: must be ≥ 0")
	}
	if _, err := health.ParsePolicy(c.Failover); err != nil {
		add("failover: must be drop or rebalance, got %q", c.Failover)
	}
	if c.MaxSkew < time.Second {
		add("max_skew: must be ≥ 1s (timestamps are in seconds)")
	}
	seen := map[[2]uint32]bool{}
	for i, hk := range c.HostKeys {
		if hk.Host == 0 {
			add("host_keys[%d].host_id: required (non-zero)", i)
		}
		if hk.Key.IsZero() {
			add("host_keys[%d].key: required", i)
		}
		k := [2]uint32{hk.Host, uint32(hk.KeyID)}
		if seen[k] {
			add("host_keys[%d]: duplicate host_id %d key_id %d", i, hk.Host, hk.KeyID)
		}
		seen[k] = true
	}
	w := c.Weights
	sum := 0.0
	for name, v := range map[string]float64{"cpu": w.CPU, "mem": w.Mem, "netbuf": w.NetBuf, "ioq": w.IOQueue, "backlog": w.Backlog} {
		if v < 0 || v > 1 {
			add("weights.%s: must be in 0..1, got %v", name, v)
		}
		sum += v
	}
	if sum == 0 {
		add("weights: at least one must be > 0")
	}
	return errors.Join(errs...)
}

// keysFor returns the keys host may use: its own if any, else the shared key.
func (c *Config) keysFor(host uint32) []auth.Key {
	var ks []auth.Key
	for _, hk := range c.HostKeys {
		if hk.Host == host {
			ks = append(ks, hk.Key.WithID(hk.KeyID))
		}
	}
	if len(ks) == 0 && !c.Key.IsZero() {
		ks = append(ks, c.Key.WithID(c.KeyID))
	}
	return ks
}
