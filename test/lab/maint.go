package lab

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Detection bounds of the lab, from the event to the dispatcher's state
// change: a failure is noticed after n·d of silence (plus one period and
// 500 ms of scheduling slack on a loaded machine), a drain with the next
// heartbeat (flag 3). Publish is the time from the state change to the
// first new session that may no longer reach the server: the control loop
// publishes at its next step, plus 200 ms of slack.
const (
	FailureDetection = Misses*HeartbeatPeriod + HeartbeatPeriod + 500*time.Millisecond
	DrainDetection   = 2*HeartbeatPeriod + 500*time.Millisecond
	Publish          = ControlInterval + 200*time.Millisecond
)

// maint is a maintenance scenario: its target server, the event that takes
// it out, and whether its established calls must survive.
type maint struct {
	name   string
	server int
	event  func(r *Run) error
	keeps  bool          // the server keeps its established calls (drain) or loses them (failure)
	state  string        // the state the dispatcher must give it: draining or failed
	bound  time.Duration // detection bound
}

// DrainScenario drains server 2 (`sara agent drain --now`) while calls
// arrive: after detection no new call goes to it; its established calls
// complete; nothing else changes.
func (l *Lab) DrainScenario(n int) (*Result, error) {
	return l.maintenance(n, maint{name: "drain", server: 1, keeps: true, state: "draining", bound: DrainDetection,
		event: func(*Run) error { return l.Drain(1) }})
}

// ServerFailureScenario SIGKILLs server 3's agent and services (SIP UAS,
// RTSP server) while calls arrive: after detection no new call goes to
// it; calls on the other servers are untouched. Server 3 stays down.
func (l *Lab) ServerFailureScenario(nodes []Node, n int) (*Result, error) {
	return l.maintenance(n, maint{name: "server-failure", server: 2, state: "failed", bound: FailureDetection,
		event: func(r *Run) error {
			nodes[2].Agent.Signal(syscall.SIGKILL)
			nodes[2].RTSP.Signal(syscall.SIGKILL)
			r.uas[2].Signal(syscall.SIGKILL)
			return nil
		}})
}

func (l *Lab) maintenance(n int, m maint) (*Result, error) {
	res := newResult(m.name)
	calls := &Calls{N: n, Rate: 8, Hold: 2 * time.Second, RecvLimit: 3 * time.Second}
	// The event comes once the target holds established calls (its UAS
	// has taken at least two), 1.5 s into the run at the earliest.
	ready := func(r *Run) bool { st, err := r.UASStats(m.server); return err == nil && st.Incoming >= 2 }
	r, err := l.run(m.name, Traffic{Calls: calls, EventAt: 1500 * time.Millisecond, Ready: ready, Event: m.event})
	if err != nil {
		return nil, err
	}
	target := ServerName(m.server)
	if !r.Control {
		res.Wait(m.name, WaitMgmt, "the dispatcher ran no control loop: it cannot learn of the %s", m.name)
		return finish(res, r, nil), nil
	}
	det, found := Detected(StateChanges(r.DispatcherLog), target, m.state, r.EventTime.Add(-50*time.Millisecond))
	latency := det.At.Sub(r.EventTime)
	res.Expect("detected", found && latency <= m.bound, "%s %s %v after the %s (bound %v; reason %q)",
		target, m.state, latency.Round(time.Millisecond), m.name, m.bound, det.Reason)
	if !found {
		det.At = r.EventTime.Add(m.bound)
	}
	cut := float64(det.At.Add(Publish).UnixNano()) / 1e9
	ev := float64(r.EventTime.UnixNano()) / 1e9
	// A call the server held when it failed, or that reached it before
	// the new selection was published, may break (failure): excused.
	excused := func(c *Session) bool { return !m.keeps && c.Sig.Packets[m.server] > 0 && c.Sig.First < cut }
	sessions := sipChecks(res, r, n, excused)
	before, after, lateOnIt := 0, 0, 0
	lastOnIt := -1.0 // seconds after the state change of the last new call that reached the target
	for _, c := range sessions {
		if c.Sig.Packets[m.server] > 0 && c.Sig.First >= ev {
			lastOnIt = max(lastOnIt, c.Sig.First-float64(det.At.UnixNano())/1e9)
		}
		switch {
		case c.Sig.First < ev && c.Sig.Packets[m.server] > 0:
			before++
		case c.Sig.First >= cut:
			after++
			if c.Sig.Packets[m.server] > 0 {
				lateOnIt++
			}
		}
	}
	res.Expect("calls_on_it_before", before > 0, "%d calls reached %s before the %s", before, target, m.name)
	res.Expect("no_new_calls_after_detection", after > 0 && lateOnIt == 0,
		"%d of the %d calls that started ≥ %v after the state change reached %s", lateOnIt, after, Publish, target)
	res.Extra["event_at_s"] = r.EventTime.Sub(r.Start).Seconds()
	res.Extra["detection_s"] = latency.Seconds()
	res.Extra["last_new_call_on_target_after_detection_s"] = lastOnIt // -1: none after the event
	return finish(res, r, sessions), nil
}

// Undrain cancels server i's planned maintenance.
func (l *Lab) Undrain(i int) error {
	cfg, err := l.AgentConfig(i)
	if err != nil {
		return err
	}
	if out, err := exec.Command(l.Bin, "agent", "undrain", "-c", cfg).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: sara agent undrain on %s: %w: %s", ErrProc, ServerName(i), err, out)
	}
	return nil
}
