package session

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

type recorder struct{ log []string }

// events returns the recorded events that start with prefix, in order.
func (r *recorder) events(prefix string) []string {
	var out []string
	for _, ev := range r.log {
		if strings.HasPrefix(ev, prefix) {
			out = append(out, ev)
		}
	}
	return out
}

func (r *recorder) FlowAdded(f Flow)      { r.log = append(r.log, "flow+ "+f.Key.String()) }
func (r *recorder) FlowRemoved(k FlowKey) { r.log = append(r.log, "flow- "+k.String()) }
func (r *recorder) ExpectationAdded(e Expectation) {
	r.log = append(r.log, "exp+ "+e.Dst.String())
}
func (r *recorder) ExpectationRemoved(e Expectation) {
	r.log = append(r.log, "exp- "+e.Dst.String())
}
func (r *recorder) Associated(s Session) {
	r.log = append(r.log, fmt.Sprintf("assoc %d→%d", s.ID, s.Server))
}
func (r *recorder) SessionEnded(s Session, why EndReason) {
	r.log = append(r.log, fmt.Sprintf("end %d %v", s.ID, why))
}

// The listener hears every change, in order: what the data plane mirrors.
func TestListenerSeesEveryChange(t *testing.T) {
	rec := &recorder{}
	tr := newTracker(t, func(c *Config) { c.Listener = rec })
	d := mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("l@x", inspect.EventNew, inspect.INVITE))
	_ = tr.Assign(d.Session, 5)
	mustSignal(t, tr, t0, fromServer(vip, cli), sipMsg("l@x", inspect.EventInSession, inspect.INVITE,
		media(inspect.SideServer, "192.0.2.10:20000", 0)))
	tr.Observe(t0, udp("10.0.0.1:30000", "192.0.2.10:20000"))
	mustSignal(t, tr, t0, fromServer(vip, cli), sipMsg("l@x", inspect.EventEnded, inspect.BYE))
	drain(tr, t0.Add(time.Minute))
	want := []string{
		"flow+ udp 10.0.0.1:5060>192.0.2.10:5060",
		"assoc 1→5",
		"flow+ udp 192.0.2.10:5060>10.0.0.1:5060",
		"exp+ 192.0.2.10:20000", "exp+ 192.0.2.10:20001",
		"flow+ udp 10.0.0.1:30000>192.0.2.10:20000", "exp- 192.0.2.10:20000",
		"exp- 192.0.2.10:20001", "end 1 bye",
		"flow- udp 10.0.0.1:30000>192.0.2.10:20000",
	}
	if len(rec.log) < len(want) {
		t.Fatalf("log %q", rec.log)
	}
	for i, w := range want {
		if rec.log[i] != w {
			t.Fatalf("event %d = %q, want %q (log %q)", i, rec.log[i], w, rec.log)
		}
	}
}
