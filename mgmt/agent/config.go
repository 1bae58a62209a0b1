package agent

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/probe"
)

// ErrConfig reports an invalid agent configuration.
var ErrConfig = errors.New("agent: invalid config")

// DefaultDrainFile is where `sara agent drain` writes and the agent looks.
const DefaultDrainFile = "/run/sara/agent.drain"

// Config is the `agent:` section of the agent's configuration file.
type Config struct {
	// HostID is this server's Host_Identity (non-zero), as in the
	// dispatcher's servers[].host_id.
	HostID uint32 `mapstructure:"host_id"`
	// Dispatcher is the dispatcher's management address (host:port, UDP).
	Dispatcher string `mapstructure:"dispatcher"`
	// Standby lists more dispatchers that get every message too: the other
	// member of a hot-standby pair, so that its view of the servers is live
	// when it takes over (host:port, UDP).
	Standby []string `mapstructure:"standby"`
	// Key is the HMAC key (hex); KeyFile names a file holding it instead.
	Key     auth.Key `mapstructure:"key"`
	KeyFile string   `mapstructure:"key_file"`
	KeyID   uint8    `mapstructure:"key_id"`
	// HeartbeatPeriod is d (default 200 ms), LoadPeriod t (default 1 s).
	HeartbeatPeriod time.Duration `mapstructure:"heartbeat_period"`
	LoadPeriod      time.Duration `mapstructure:"load_period"`
	// DrainFile holds a planned-maintenance time written by `agent drain`.
	DrainFile string `mapstructure:"drain_file"`
	// ServicePort/ServiceProto select the socket whose queue is Backlog.
	ServicePort  uint16 `mapstructure:"service_port"`
	ServiceProto string `mapstructure:"service_proto"`
	// BacklogLimit replaces somaxconn / rmem_default as Backlog's divisor.
	BacklogLimit uint64 `mapstructure:"backlog_limit"`
	// CPUCgroup, when set, makes the CPU component the service's cgroup
	// (path below /sys/fs/cgroup) against its CPU limit, not the node's CPU.
	CPUCgroup string `mapstructure:"cpu_cgroup"`
	// CgroupRoot is where the cgroup filesystems are mounted (default
	// /sys/fs/cgroup; `ip netns exec` hides that one, for instance).
	CgroupRoot string `mapstructure:"cgroup_root"`
	// IODivisor is the in-flight I/O count that reads as a full queue.
	IODivisor float64 `mapstructure:"io_divisor"`
	// VIPs are checked by `sara agent check`.
	VIPs []netip.Addr `mapstructure:"vips"`
	// Probe decides the heartbeat's application flag.
	Probe probe.Config `mapstructure:"probe"`
}

// SetDefaults sets every field to its default.
func (c *Config) SetDefaults() {
	*c = Config{KeyID: 1, HeartbeatPeriod: 200 * time.Millisecond, LoadPeriod: time.Second,
		DrainFile: DefaultDrainFile, ServiceProto: "udp", IODivisor: 32, Probe: probe.Defaults()}
}

// Defaults returns a Config with every default set.
func Defaults() Config {
	var c Config
	c.SetDefaults()
	return c
}

// Validate reports every problem as "field: problem".
func (c *Config) Validate() error {
	var errs []error
	add := func(f string, a ...any) { errs = append(errs, fmt.Errorf("%w: "+f, append([]any{ErrConfig}, a...)...)) }
	if c.HostID == 0 {
		add("host_id: required (non-zero)")
	}
	if _, _, err := net.SplitHostPort(c.Dispatcher); err != nil {
		add("dispatcher: %q is not host:port", c.Dispatcher)
	}
	for i, s := range c.Standby {
		if _, _, err := net.SplitHostPort(s); err != nil {
			add("standby[%d]: %q is not host:port", i, s)
		}
	}
	if c.Key.IsZero() {
		add("key: required (hex, ≥ %d bytes) or key_file", auth.MinKeyLen)
	}
	if c.HeartbeatPeriod <= 0 {
		add("heartbeat_period: must be > 0")
	}
	if c.LoadPeriod <= 0 {
		add("load_period: must be > 0")
	}
	if c.DrainFile == "" {
		add("drain_file: required")
	}
	if c.ServicePort != 0 && c.ServiceProto != "tcp" && c.ServiceProto != "udp" {
		add("service_proto: %q (want tcp or udp)", c.ServiceProto)
	}
	if c.IODivisor <= 0 {
		add("io_divisor: must be > 0")
	}
	if err := c.Probe.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("probe: %w", err))
	}
	return errors.Join(errs...)
}
