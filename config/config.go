package config

import (
	"fmt"
	"net/netip"
	"reflect"

	"github.com/sara-lb/sara/engine/ha"
	"github.com/sara-lb/sara/mgmt"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/gateway"
)

// Config is the whole configuration file. VIPs and Servers are validated
// together here; every other field is a Section that defaults and validates
// itself (see Section).
type Config struct {
	// VIPs are the virtual addresses whose traffic the dispatcher balances.
	VIPs []netip.Addr `mapstructure:"vips"`
	// Servers are the cluster members, in ServerID order.
	Servers []Server `mapstructure:"servers"`

	Dataplane  Dataplane      `mapstructure:"dataplane"`
	Timeouts   Timeouts       `mapstructure:"timeouts"`
	Signalling Signalling     `mapstructure:"signalling"`
	Log        Log            `mapstructure:"log"`
	Mgmt       mgmt.Config    `mapstructure:"mgmt"`
	Gateway    gateway.Config `mapstructure:"gateway"`
	Control    Control        `mapstructure:"control"`
	API        api.Config     `mapstructure:"api"`
	HA         ha.Config      `mapstructure:"ha"`
}

// Server is one cluster member. Its position in Config.Servers is its
// cluster.ServerID.
type Server struct {
	// Name identifies the server in logs, the API and metrics; unique.
	Name string `mapstructure:"name"`
	// MAC is where the dispatcher sends the server's frames; unique unicast.
	MAC MAC `mapstructure:"mac"`
	// IP is the server's own address, used by its agent (optional).
	IP netip.Addr `mapstructure:"ip"`
	// HostID is the Host_Identity of the server's heartbeats; unique,
	// non-zero; defaults to the server's position + 1.
	HostID uint32 `mapstructure:"host_id"`
	// Weight is the server's relative capacity (> 0, default 1).
	Weight float64 `mapstructure:"weight"`
}

// Section is a top-level configuration section: a struct with mapstructure
// tags whose pointer sets its own defaults and validates itself. Validate
// returns nil or errors (joined with errors.Join) whose messages read
// "field: problem", the field path relative to the section; config prefixes
// the section's key.
type Section interface {
	SetDefaults()
	Validate() error
}

// namedSection is a Section with its top-level key.
type namedSection struct {
	key string
	sec Section
}

// sections returns every field of c that implements Section, in field order.
func (c *Config) sections() []namedSection {
	v := reflect.ValueOf(c).Elem()
	var out []namedSection
	for i := 0; i < v.NumField(); i++ {
		if s, ok := v.Field(i).Addr().Interface().(Section); ok {
			out = append(out, namedSection{key: tagName(v.Type().Field(i)), sec: s})
		}
	}
	return out
}

// base returns a Config with every section's defaults and no VIPs or servers.
func base() *Config {
	c := &Config{}
	for _, s := range c.sections() {
		s.sec.SetDefaults()
	}
	return c
}

// Default returns the built-in demo configuration: the defaults of every
// section, VIP 10.0.0.100 and three servers s1..s3 with MACs
// 02:00:00:00:00:01..03 and addresses 10.0.0.11..13. It is valid.
func Default() *Config {
	c := base()
	c.VIPs = []netip.Addr{netip.MustParseAddr("10.0.0.100")}
	for i := 1; i <= 3; i++ {
		c.Servers = append(c.Servers, Server{
			Name:   fmt.Sprintf("s%d", i),
			MAC:    MAC{0x02, 0, 0, 0, 0, byte(i)},
			IP:     netip.AddrFrom4([4]byte{10, 0, 0, byte(10 + i)}),
			HostID: uint32(i),
			Weight: 1,
		})
	}
	return c
}

// tagName returns a struct field's mapstructure key.
func tagName(f reflect.StructField) string {
	tag := f.Tag.Get("mapstructure")
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			tag = tag[:i]
			break
		}
	}
	if tag == "" {
		return f.Name
	}
	return tag
}
