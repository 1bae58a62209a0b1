package api

import (
	"errors"
	"fmt"
	"net"
)

// DefaultListen is the default API address: loopback only.
const DefaultListen = "127.0.0.1:9080"

// MinTokenLen is the shortest token accepted, so a guessable word is not.
const MinTokenLen = 16

// Config is the `api:` section of the configuration file.
type Config struct {
	// Listen is the TCP address of the API, metrics and dashboard ("": none).
	Listen string `mapstructure:"listen"`
	// Token authorises mutations (drain, undrain, reload) and every read.
	// Empty: mutations are refused (403).
	Token string `mapstructure:"token"`
	// ReadToken, when set, is required (or Token) for every read, metrics
	// included. Empty: reads are open.
	ReadToken string `mapstructure:"read_token"`
	// Dashboard serves the live dashboard at / when true.
	Dashboard bool `mapstructure:"dashboard"`
	// MaxPage is the largest page of sessions one request may ask for.
	MaxPage int `mapstructure:"max_page"`
}

// SetDefaults sets every field to its default (config.Section).
func (c *Config) SetDefaults() {
	*c = Config{Listen: DefaultListen, Dashboard: true, MaxPage: 1000}
}

// Defaults returns a Config with every default set.
func Defaults() Config {
	var c Config
	c.SetDefaults()
	return c
}

// Validate reports every problem as "field: problem" (config.Section).
// Token values never appear in messages.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil && c.Listen != "" { // "": no API
		errs = append(errs, fmt.Errorf("listen: %q is not host:port", c.Listen))
	}
	if c.Token != "" && len(c.Token) < MinTokenLen {
		errs = append(errs, fmt.Errorf("token: must be at least %d characters", MinTokenLen))
	}
	if c.ReadToken != "" && len(c.ReadToken) < MinTokenLen {
		errs = append(errs, fmt.Errorf("read_token: must be at least %d characters", MinTokenLen))
	}
	if c.Token != "" && c.Token == c.ReadToken {
		errs = append(errs, errors.New("read_token: must differ from token"))
	}
	if c.MaxPage < 1 {
		errs = append(errs, errors.New("max_page: must be ≥ 1"))
	}
	return errors.Join(errs...)
}
