package ha

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
)

// DefaultListen is the default replication address (UDP).
const DefaultListen = "0.0.0.0:7422" // 7421 is the gateway announcements' default

// Config is the `ha:` section of the configuration file: this node's role
// and identity, the peer, the shared key and the protocol's timers.
type Config struct {
	// Enabled turns high availability on; without it the dispatcher runs alone.
	Enabled bool `mapstructure:"enabled"`
	// Role is the configured role, primary or backup. It only breaks a tie
	// at start-up through the default priority; the epoch decides after.
	Role string `mapstructure:"role"`
	// Priority 1..255 (0: 200 for role primary, 100 for backup); the higher
	// wins when two nodes start together.
	Priority int `mapstructure:"priority"`
	// NodeID is this node's Host_Identity (heartbeats, auth sender); PeerID
	// the peer's. Non-zero and different.
	NodeID uint32 `mapstructure:"node_id"`
	PeerID uint32 `mapstructure:"peer_id"`
	// Listen is the local UDP address, Peer the peer's (host:port).
	Listen string `mapstructure:"listen"`
	Peer   string `mapstructure:"peer"`
	// Key authenticates every datagram (hex, ≥ 16 bytes); KeyID is its id.
	Key   auth.Key `mapstructure:"key"`
	KeyID uint8    `mapstructure:"key_id"`
	// Interface is the kernel interface the VIP is announced on (gratuitous
	// ARP / unsolicited NA). Empty: no announcement.
	Interface string `mapstructure:"interface"`
	// Announce is how many announcements each takeover sends.
	Announce int `mapstructure:"announce_count"`
	// HeartbeatPeriod is d; the peer is failed after Misses·d of silence.
	HeartbeatPeriod time.Duration `mapstructure:"heartbeat_period"`
	Misses          int           `mapstructure:"misses"`
	// InitWait is how long a starting node waits for the peer's hello
	// before it becomes primary alone.
	InitWait time.Duration `mapstructure:"init_wait"`
	// FlushInterval is how often pending changes are sent (batching).
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// RetransmitTimeout: unacknowledged data is sent again after it.
	RetransmitTimeout time.Duration `mapstructure:"retransmit_timeout"`
	// HandoverTimeout bounds a planned switchover.
	HandoverTimeout time.Duration `mapstructure:"handover_timeout"`
	// LogSize is how many recent changes the primary keeps for
	// retransmission (a power of two); a backup further behind resyncs.
	LogSize int `mapstructure:"log_size"`
	// Window is how many changes (or snapshot frames) may be unacknowledged.
	Window int `mapstructure:"window"`
	// MaxDatagram bounds a datagram's UDP payload, auth trailer included.
	MaxDatagram int `mapstructure:"max_datagram"`
	// Preempt lets a backup of higher priority ask for a switchover, but
	// only once it is in sync.
	Preempt bool `mapstructure:"preempt"`
}

// SetDefaults sets every field to its default (config.Section).
func (c *Config) SetDefaults() {
	*c = Config{Listen: DefaultListen, KeyID: 1, Announce: 3,
		HeartbeatPeriod: 200 * time.Millisecond, Misses: 3, InitWait: 1200 * time.Millisecond,
		FlushInterval: 5 * time.Millisecond, RetransmitTimeout: 100 * time.Millisecond,
		HandoverTimeout: 2 * time.Second, LogSize: 1 << 16, Window: 4096, MaxDatagram: 1200}
}

// Defaults returns a Config with every default set.
func Defaults() Config {
	var c Config
	c.SetDefaults()
	return c
}

// priority returns the effective priority.
func (c *Config) priority() uint8 {
	switch {
	case c.Priority > 0:
		return uint8(c.Priority)
	case c.Role == "primary":
		return 200
	}
	return 100
}

// minDatagram fits the largest fixed frame or one record with its header,
// plus the auth trailer.
const minDatagram = batchLen + MaxRecordLen + auth.TrailerLen

// Validate reports every problem as "field: problem" (config.Section). A
// disabled section is not checked beyond its timers.
func (c *Config) Validate() error {
	var errs []error
	add := func(f string, a ...any) { errs = append(errs, fmt.Errorf(f, a...)) }
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"heartbeat_period", c.HeartbeatPeriod}, {"init_wait", c.InitWait}, {"flush_interval", c.FlushInterval},
		{"retransmit_timeout", c.RetransmitTimeout}, {"handover_timeout", c.HandoverTimeout}} {
		if d.v <= 0 {
			add("%s: must be > 0", d.name)
		}
	}
	if c.Misses < 1 {
		add("misses: must be ≥ 1")
	}
	if c.LogSize < 2 || c.LogSize&(c.LogSize-1) != 0 {
		add("log_size: must be a power of two ≥ 2, got %d", c.LogSize)
	}
	if c.Window < 1 || c.Window > c.LogSize {
		add("window: must be in [1, log_size], got %d", c.Window)
	}
	if c.MaxDatagram < minDatagram || c.MaxDatagram > 65507 {
		add("max_datagram: must be in [%d, 65507], got %d", minDatagram, c.MaxDatagram)
	}
	if c.Priority < 0 || c.Priority > 255 {
		add("priority: must be in [0, 255], got %d", c.Priority)
	}
	if c.Announce < 0 {
		add("announce_count: must be ≥ 0")
	}
	if !c.Enabled {
		return errors.Join(errs...)
	}
	if c.Role != "primary" && c.Role != "backup" {
		add("role: must be primary or backup, got %q", c.Role)
	}
	if c.NodeID == 0 {
		add("node_id: required (non-zero)")
	}
	if c.PeerID == 0 || c.PeerID == c.NodeID {
		add("peer_id: must be non-zero and differ from node_id, got %d", c.PeerID)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen: %q is not host:port", c.Listen)
	}
	if _, _, err := net.SplitHostPort(c.Peer); err != nil {
		add("peer: %q is not host:port", c.Peer)
	}
	if c.Key.IsZero() {
		add("key: required when enabled")
	}
	return errors.Join(errs...)
}
