package config

import (
	"errors"
	"fmt"
	"time"
)

// Timeouts are the per-protocol idle timeouts of flows: a flow with no packet
// for its timeout becomes inactive and is purged after twice that time.
type Timeouts struct {
	UDP   time.Duration `mapstructure:"udp"`
	TCP   time.Duration `mapstructure:"tcp"`
	SIP   time.Duration `mapstructure:"sip"`
	RTSP  time.Duration `mapstructure:"rtsp"`
	Media time.Duration `mapstructure:"media"`
}

// Bounds of every idle timeout.
const (
	MinTimeout = time.Second
	MaxTimeout = time.Hour
)

// SetDefaults implements Section.
func (t *Timeouts) SetDefaults() {
	*t = Timeouts{UDP: 30 * time.Second, TCP: 60 * time.Second, SIP: 60 * time.Second,
		RTSP: 60 * time.Second, Media: 30 * time.Second}
}

// Validate implements Section.
func (t *Timeouts) Validate() error {
	var errs []error
	for _, f := range []struct {
		key string
		d   time.Duration
	}{{"udp", t.UDP}, {"tcp", t.TCP}, {"sip", t.SIP}, {"rtsp", t.RTSP}, {"media", t.Media}} {
		if f.d < MinTimeout || f.d > MaxTimeout {
			errs = append(errs, fmt.Errorf("%s: must be in %v..%v, got %v", f.key, MinTimeout, MaxTimeout, f.d))
		}
	}
	return errors.Join(errs...)
}
