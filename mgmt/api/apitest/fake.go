// Package apitest provides Fake, an api.Backend whose figures move with a
// clock: the test double of the API, metrics, ctl and dashboard tests, and
// a way to look at the dashboard without a data plane.
package apitest

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
)

// Fake is an api.Backend over three servers (s1..s3), two workers and
// Sessions sessions. Figures are functions of the time elapsed since Start
// on Clock: loads follow sine waves, counters grow linearly. Safe for
// concurrent use.
type Fake struct {
	// Clock returns the current time; Start is the origin of the figures.
	Clock func() time.Time
	Start time.Time

	mu        sync.Mutex
	drained   map[string]time.Time
	reloads   int
	reloadErr error
	sessions  []api.Session
}

// Names are the fake servers' names.
var Names = []string{"s1", "s2", "s3"}

// New returns a Fake whose clock is clock (time.Now if nil), started now,
// with n sessions spread over the servers round-robin.
func New(clock func() time.Time, n int) *Fake {
	if clock == nil {
		clock = time.Now
	}
	f := &Fake{Clock: clock, Start: clock(), drained: map[string]time.Time{}}
	for i := 0; i < n; i++ {
		f.sessions = append(f.sessions, Session(i, f.Start))
	}
	return f
}

// Session returns the i-th fake session: Call-ID call-<i>@example.com,
// client 192.0.2.<i%250+1>:5060 → 10.0.0.100:5060 and one RTP flow.
func Session(i int, t time.Time) api.Session {
	client := fmt.Sprintf("192.0.2.%d", i%250+1)
	return api.Session{
		ID: fmt.Sprint(i + 1), Protocol: "sip", CallID: fmt.Sprintf("call-%d@example.com", i),
		Server: Names[i%len(Names)], State: "established", Created: t, LastSeen: t,
		Flows: []api.Flow{
			{Proto: "udp", Src: client + ":5060", Dst: "10.0.0.100:5060", Identity: "signalling", Status: "established", LastSeen: t},
			{Proto: "udp", Src: client + ":40000", Dst: fmt.Sprintf("10.0.0.100:%d", 20000+2*i), Identity: "secondary", Status: "established", LastSeen: t},
		},
	}
}

// SetReloadError makes Reload fail with err (nil: succeed).
func (f *Fake) SetReloadError(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloadErr = err
}

// Reloads is how many times Reload succeeded.
func (f *Fake) Reloads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reloads
}

// elapsed is the time since Start, in seconds.
func (f *Fake) elapsed() float64 { return f.Clock().Sub(f.Start).Seconds() }

// Load is server i's load at elapsed seconds e: 0.3 + 0.1·i + 0.15·sin(e/10 + i).
func Load(i int, e float64) float64 {
	return 0.3 + 0.1*float64(i) + 0.15*math.Sin(e/10+float64(i))
}

// Drain marks a server draining.
func (f *Fake) Drain(server string, at time.Time) error {
	if err := known(server); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if at.IsZero() {
		at = f.Clock()
	}
	f.drained[server] = at
	return nil
}

// Undrain clears a drain; undraining a server that is not draining is ErrInvalid.
func (f *Fake) Undrain(server string) error {
	if err := known(server); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.drained[server]; !ok {
		return fmt.Errorf("%w: %s is not draining", api.ErrInvalid, server)
	}
	delete(f.drained, server)
	return nil
}

// Switchover is unsupported: the fake is a standalone dispatcher.
func (f *Fake) Switchover() error { return fmt.Errorf("%w: no hot-standby pair", api.ErrUnsupported) }

// Reload counts a reload or returns the error set by SetReloadError.
func (f *Fake) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reloadErr != nil {
		return f.reloadErr
	}
	f.reloads++
	return nil
}

// Sessions pages over the fake sessions with api.FilterPage.
func (f *Fake) Sessions(q api.SessionQuery) (api.SessionPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return api.FilterPage(f.sessions, q), nil
}

func known(server string) error {
	for _, n := range Names {
		if n == server {
			return nil
		}
	}
	return fmt.Errorf("%w: %q", api.ErrUnknownServer, server)
}
