package session

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

// A standby's restored session is found by its Call-ID after takeover: an
// in-dialog BYE on the trunk is placed on the primary's server instead of
// being an orphan, the restored expectation is mirrored, and Forget ends it.
func TestRestoreFindsTheSessionByKey(t *testing.T) {
	rec := &recorder{}
	tr := newTracker(t, func(c *Config) { c.Listener = rec })
	// Without a restore the BYE is an orphan.
	if _, err := tr.Signal(t0, fromClient(cli, vip), sipMsg("r@x", inspect.EventEnded, inspect.BYE)); !errors.Is(err, ErrUnknownSession) {
		t.Fatalf("BYE of an unknown call: %v, want ErrUnknownSession", err)
	}
	id, err := tr.Restore(t0, KindSIP, "r@x", 2)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := tr.Restore(t0, KindSIP, "r@x", 2); err != nil || again != id {
		t.Fatalf("restoring twice: %d %v, want %d", again, err, id)
	}
	x := Expectation{Dst: ap("192.0.2.10:20000"), Proto: UDP, Receiver: inspect.SideServer}
	if err := tr.RestoreExpectation(t0, id, x, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := tr.RestoreExpectation(t0, id, Expectation{Dst: ap("192.0.2.10:20002"), Proto: UDP}, t0.Add(-time.Second)); err != nil {
		t.Fatal(err) // lapsed: silently not added
	}
	if exps := tr.Expectations(id); len(exps) != 1 || exps[0].Server != 2 || !exps[0].HasServer {
		t.Fatalf("expectations %+v, want one on server 2", exps)
	}
	d := mustSignal(t, tr, t0.Add(time.Second), fromClient(cli, vip), sipMsg("r@x", inspect.EventInSession, inspect.INFO))
	if d.Session != id || !d.HasServer || d.Server != 2 || d.NeedsServer {
		t.Fatalf("in-dialog message after restore: %+v, want session %d on server 2", d, id)
	}
	tr.Forget(t0.Add(time.Second), id)
	if s, _ := tr.Session(id); s.End != EndReplica {
		t.Fatalf("forgotten session ended %v, want replica", s.End)
	}
	want := []string{fmt.Sprintf("assoc %d→2", id), "exp+ 192.0.2.10:20000", "flow+ udp " + cli + ">" + vip,
		"exp- 192.0.2.10:20000", fmt.Sprintf("end %d replica", id)}
	if fmt.Sprint(rec.log) != fmt.Sprint(want) {
		t.Fatalf("listener heard\n %v\nwant\n %v", rec.log, want)
	}
	if c := tr.Counters(); c.Restored != 1 {
		t.Fatalf("restored counter %d, want 1", c.Restored)
	}
	if _, err := tr.Restore(t0, KindSIP, "", 1); err == nil {
		t.Fatal("restore without a key accepted")
	}
}

// TouchAll keeps a standby's idle copies from timing out.
func TestTouchAllKeepsRestoredSessions(t *testing.T) {
	tr := newTracker(t, nil)
	id, err := tr.Restore(t0, KindSIP, "t@x", 1)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := tr.Session(id)
	later := t0.Add(s.Timeout * 3 / 2)
	tr.TouchAll(later)
	drain(tr, later.Add(s.Timeout))
	if s, ok := tr.Session(id); !ok || s.End != EndNone {
		t.Fatalf("touched session gone or ended: %+v %v", s, ok)
	}
	drain(tr, later.Add(3*s.Timeout))
	if _, ok := tr.Session(id); ok {
		t.Fatal("session not purged once really idle")
	}
}
