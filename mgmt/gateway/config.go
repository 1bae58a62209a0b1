package gateway

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/sara-lb/sara/mgmt/auth"
)

// Defaults of the gateway: section.
const (
	DefaultAnnounce    = "127.0.0.1:7421"
	DefaultHelloPeriod = time.Second
	DefaultMaxConns    = 16384
	DefaultConnIdle    = 5 * time.Minute
	DefaultSnapLen     = 65535
)

// Key is the gateway's HMAC key: hex, or base64 after a "base64:" prefix.
// It prints redacted like auth.Key.
type Key struct{ auth.Key }

// UnmarshalText parses hex or "base64:..." (configuration loading).
func (k *Key) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	var secret []byte
	var err error
	if rest, ok := strings.CutPrefix(s, "base64:"); ok {
		secret, err = base64.StdEncoding.DecodeString(rest)
	} else {
		secret, err = hex.DecodeString(s)
	}
	if err != nil {
		return fmt.Errorf("%w: neither hex nor base64:...", auth.ErrKey)
	}
	nk, err := auth.NewKey(k.ID(), secret)
	if err != nil {
		return err
	}
	k.Key = nk
	return nil
}

// Config is the `gateway:` section. The gateway (`sara gateway`) reads
// every field but AnnounceListen; the dispatcher reads AnnounceListen,
// HostID and the key (it authenticates this gateway's announcements).
type Config struct {
	// Interface is where the gateway captures server->client signalling
	// (required to run the gateway).
	Interface string `mapstructure:"interface"`
	// Announce is the dispatcher's announcement address (UDP host:port).
	Announce string `mapstructure:"announce"`
	// Standby lists more dispatchers that get every announcement too (the
	// other member of a hot-standby pair).
	Standby []string `mapstructure:"standby"`
	// AnnounceListen is where the dispatcher receives announcements (UDP
	// host:port; empty: no receiver).
	AnnounceListen string `mapstructure:"announce_listen"`
	// HostID is the gateway's identity in the auth trailer (non-zero).
	HostID uint32 `mapstructure:"host_id"`
	// KeyID and Key: the HMAC key shared with the dispatcher.
	KeyID uint8 `mapstructure:"key_id"`
	Key   Key   `mapstructure:"key"`
	// Signalling source ports; empty lists take the signalling: section's.
	SIPUDPPorts  []uint16 `mapstructure:"sip_udp_ports"`
	SIPTCPPorts  []uint16 `mapstructure:"sip_tcp_ports"`
	RTSPTCPPorts []uint16 `mapstructure:"rtsp_tcp_ports"`
	// HelloPeriod is the period of hello messages (0: none).
	HelloPeriod time.Duration `mapstructure:"hello_period"`
	// MaxConns bounds the TCP connections followed; ConnIdle forgets a
	// connection silent that long.
	MaxConns int           `mapstructure:"max_conns"`
	ConnIdle time.Duration `mapstructure:"conn_idle"`
	// SnapLen is the capture length per frame.
	SnapLen int `mapstructure:"snaplen"`
}

// SetDefaults sets every field to its default (config.Section).
func (c *Config) SetDefaults() {
	*c = Config{Announce: DefaultAnnounce, KeyID: 1, HelloPeriod: DefaultHelloPeriod,
		MaxConns: DefaultMaxConns, ConnIdle: DefaultConnIdle, SnapLen: DefaultSnapLen}
}

// Validate reports every problem as "field: problem" (config.Section). The
// interface, host id and key are required only to run (Check), so files
// without a gateway: section load.
func (c *Config) Validate() error {
	var errs []error
	add := func(f string, a ...any) { errs = append(errs, fmt.Errorf(f, a...)) }
	if _, _, err := net.SplitHostPort(c.Announce); err != nil {
		add("announce: %q is not host:port", c.Announce)
	}
	for i, s := range c.Standby {
		if _, _, err := net.SplitHostPort(s); err != nil {
			add("standby[%d]: %q is not host:port", i, s)
		}
	}
	if c.AnnounceListen != "" {
		if _, _, err := net.SplitHostPort(c.AnnounceListen); err != nil {
			add("announce_listen: %q is not host:port", c.AnnounceListen)
		}
	}
	if c.HelloPeriod < 0 {
		add("hello_period: must be ≥ 0")
	}
	if c.MaxConns < 1 {
		add("max_conns: must be ≥ 1")
	}
	if c.ConnIdle <= 0 {
		add("conn_idle: must be > 0")
	}
	if c.SnapLen < 256 || c.SnapLen > 262144 {
		add("snaplen: must be in 256..262144")
	}
	for _, l := range []struct {
		key   string
		ports []uint16
	}{{"sip_udp_ports", c.SIPUDPPorts}, {"sip_tcp_ports", c.SIPTCPPorts}, {"rtsp_tcp_ports", c.RTSPTCPPorts}} {
		for i, p := range l.ports {
			if p == 0 {
				add("%s[%d]: port must be in 1..65535", l.key, i)
			}
		}
	}
	return errors.Join(errs...)
}

// ErrNotConfigured reports a field the gateway needs to run.
var ErrNotConfigured = errors.New("gateway: not configured")

// Check reports what the gateway needs to run: interface, host id, key.
func (c *Config) Check() error {
	var errs []error
	if c.Interface == "" {
		errs = append(errs, fmt.Errorf("%w: gateway.interface is required", ErrNotConfigured))
	}
	if c.HostID == 0 {
		errs = append(errs, fmt.Errorf("%w: gateway.host_id is required (non-zero)", ErrNotConfigured))
	}
	if c.Key.IsZero() {
		errs = append(errs, fmt.Errorf("%w: gateway.key is required", ErrNotConfigured))
	}
	return errors.Join(errs...)
}

// AuthKey returns the key under its configured id.
func (c *Config) AuthKey() auth.Key { return c.Key.WithID(c.KeyID) }

// Opener returns an auth.Opener that accepts this gateway's announcements
// (the dispatcher's receiver); maxSkew ≤ 0 means auth.DefaultMaxSkew.
func (c *Config) Opener(maxSkew time.Duration) (*auth.Opener, error) {
	if c.HostID == 0 || c.Key.IsZero() {
		return nil, fmt.Errorf("%w: gateway.host_id and gateway.key are required to receive announcements", ErrNotConfigured)
	}
	o := auth.NewOpener(maxSkew)
	if err := o.AddHost(c.HostID, c.AuthKey()); err != nil {
		return nil, err
	}
	return o, nil
}
