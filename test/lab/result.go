package lab

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Status of one check.
type Status string

// Check outcomes. Pending means the check needs a piece `sara run` does not
// run yet; WaitsFor names it. A pending check is never counted as passed.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Pending Status = "pending"
)

// Check is one assertion of a scenario.
type Check struct {
	Name     string `json:"name"`
	Status   Status `json:"status"`
	Detail   string `json:"detail"`
	WaitsFor string `json:"waits_for,omitempty"`
}

// Result is what a scenario reports: JSON for machines, Summary for people.
type Result struct {
	Scenario  string         `json:"scenario"`
	Seconds   float64        `json:"seconds"`
	Attempted int            `json:"attempted"` // calls or sessions started
	Completed int            `json:"completed"` // ... and completed, by the client's own account
	PerServer map[string]int `json:"per_server"`
	Split     int            `json:"split"` // sessions whose signalling reached several servers
	Checks    []Check        `json:"checks"`
	// Sessions are the calls/sessions as the servers' captures show them.
	Sessions   []*Session     `json:"sessions,omitempty"`
	Dispatcher Counters       `json:"dispatcher"`
	Extra      map[string]any `json:"extra,omitempty"`
}

func newResult(name string) *Result {
	return &Result{Scenario: name, PerServer: map[string]int{}, Extra: map[string]any{}}
}

// Expect records a check that passes when ok.
func (r *Result) Expect(name string, ok bool, format string, a ...any) {
	st := Pass
	if !ok {
		st = Fail
	}
	r.Checks = append(r.Checks, Check{Name: name, Status: st, Detail: fmt.Sprintf(format, a...)})
}

// Wait records a check that cannot be asserted yet: waits names the
// missing piece; the detail says what was observed meanwhile.
func (r *Result) Wait(name, waits, format string, a ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Status: Pending, WaitsFor: waits, Detail: fmt.Sprintf(format, a...)})
}

// Failed returns the failed checks.
func (r *Result) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c)
		}
	}
	return out
}

// JSON returns the result as one line of JSON (without the per-session detail).
func (r *Result) JSON() string {
	c := *r
	c.Sessions = nil
	b, _ := json.Marshal(c)
	return string(b)
}

// Summary is the readable account of the run.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s: %d/%d completed in %.1fs; per server:", r.Scenario, r.Completed, r.Attempted, r.Seconds)
	for i := range NumServers {
		fmt.Fprintf(&b, " %s=%d", ServerName(i), r.PerServer[ServerName(i)])
	}
	if r.Split > 0 {
		fmt.Fprintf(&b, " split=%d", r.Split)
	}
	b.WriteString("\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "  [%-7s] %s: %s", c.Status, c.Name, c.Detail)
		if c.WaitsFor != "" {
			fmt.Fprintf(&b, " (waits for: %s)", c.WaitsFor)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// setSpread fills PerServer and Split from the sessions.
func (r *Result) setSpread(sessions []*Session) {
	per, split := Spread(sessions)
	for i, n := range per {
		r.PerServer[ServerName(i)] = n
	}
	r.Split = split
	r.Sessions = sessions
}
