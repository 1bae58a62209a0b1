package lab

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Detection bound of the lab: a server is out of selection at most this
// long after its drain or failure (n·d of silence, or one flag-3 heartbeat,
// plus two control intervals for the loop to publish, plus 500 ms of
// scheduling slack on a loaded machine).
const Detection = Misses*HeartbeatPeriod + 2*ControlInterval + 500*time.Millisecond

// maint is a maintenance scenario: its target server, the event that takes
// it out, and whether its established calls must survive.
type maint struct {
	name   string
	server int
	event  func(r *Run) error
	keeps  bool // the server keeps its established calls (drain) or loses them (failure)
}

// DrainScenario drains server 2 (`sara agent drain --now`) while calls
// arrive: after detection no new call goes to it; its established calls
// complete; nothing else changes.
func (l *Lab) DrainScenario(n int) (*Result, error) {
	return l.maintenance(n, maint{name: "drain", server: 1, keeps: true,
		event: func(*Run) error { return l.Drain(1) }})
}

// ServerFailureScenario SIGKILLs server 3's agent and services (SIP UAS,
// RTSP server) while calls arrive: after detection no new call goes to
// it; calls on the other servers are untouched. Server 3 stays down.
func (l *Lab) ServerFailureScenario(nodes []Node, n int) (*Result, error) {
	return l.maintenance(n, maint{name: "server-failure", server: 2,
		event: func(r *Run) error {
			nodes[2].Agent.Signal(syscall.SIGKILL)
			nodes[2].RTSP.Signal(syscall.SIGKILL)
			r.uas[2].Signal(syscall.SIGKILL)
			return nil
		}})
}

func (l *Lab) maintenance(n int, m maint) (*Result, error) {
	res := newResult(m.name)
	if !l.ListensMgmtNow() {
		res.Wait(m.name, WaitMgmt, "scenario not run: the dispatcher cannot learn of the %s", m.name)
		return res, nil
	}
	calls := &Calls{N: n, Rate: 8, Hold: 2 * time.Second, RecvLimit: 3 * time.Second}
	// The event comes once the target holds established calls (its UAS
	// has taken at least two), 1.5 s into the run at the earliest.
	ready := func(r *Run) bool { st, err := r.UASStats(m.server); return err == nil && st.Incoming >= 2 }
	r, err := l.run(m.name, Traffic{Calls: calls, EventAt: 1500 * time.Millisecond, Ready: ready, Event: m.event})
	if err != nil {
		return nil, err
	}
	cut := float64(r.EventTime.Add(Detection).UnixNano()) / 1e9
	ev := float64(r.EventTime.UnixNano()) / 1e9
	// A call the server held when it failed, or that reached it before
	// detection, may break (failure) — those are excused.
	excused := func(c *Session) bool { return !m.keeps && c.Sig.Packets[m.server] > 0 && c.Sig.First < cut }
	sessions := sipChecks(res, r, n, excused)
	before, after, lateOnIt := 0, 0, 0
	lastOnIt := -1.0 // seconds after the event of the last new call that reached the target
	for _, c := range sessions {
		if c.Sig.Packets[m.server] > 0 && c.Sig.First >= ev && c.Sig.First-ev > lastOnIt {
			lastOnIt = c.Sig.First - ev
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
	target := ServerName(m.server)
	res.Expect("calls_on_it_before", before > 0, "%d calls reached %s before the %s", before, target, m.name)
	res.Expect("no_new_calls_after_detection", after > 0 && lateOnIt == 0,
		"%d of the %d calls that started ≥ %v after the %s reached %s", lateOnIt, after, Detection, m.name, target)
	res.Extra["event_at_s"] = r.EventTime.Sub(r.Start).Seconds()
	res.Extra["last_new_call_on_target_after_event_s"] = lastOnIt // -1: none after the event
	return finish(res, r, sessions), nil
}

// ListensMgmtNow reports whether a freshly started dispatcher listens on
// the management port (starts one for a moment).
func (l *Lab) ListensMgmtNow() bool {
	d, err := l.StartDispatcher("mgmt-probe", 20*time.Second)
	if err != nil {
		return false
	}
	defer d.Stop(syscall.SIGINT, 5*time.Second) //nolint:errcheck // probe only
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if l.ListensMgmt() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
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
