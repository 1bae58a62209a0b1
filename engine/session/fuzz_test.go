package session

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

// FuzzTracker drives a Tracker with an arbitrary sequence of messages,
// packets, assignments and purges drawn from the input (few addresses and
// ports, so sessions, conflicts and ambiguities collide often), and checks
// the counter invariants and that a promoted flow carries its session's
// server. Each operation is 3 bytes: op, a, b.
func FuzzTracker(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1, 1, 2, 3, 1, 2, 2, 0, 0, 4, 1, 2, 5, 9, 0})
	f.Add([]byte{0, 0, 0, 0, 1, 0, 1, 0, 1, 3, 1, 1, 4, 0, 0, 4, 1, 1, 6, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		tr, err := New(Config{MaxFlows: 64, MaxSessions: 16, MaxExpectations: 32})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		events := [...]inspect.Event{inspect.EventNew, inspect.EventInSession, inspect.EventEnding, inspect.EventEnded}
		for i := 0; i+2 < len(ops) && i < 3*500; i += 3 {
			op, a, b := ops[i]%8, ops[i+1], ops[i+2]
			client := "10.0.0." + itoa(int(a%4)+1)
			switch op {
			case 0, 1, 2: // a SIP message from either side, maybe with SDP
				r := sipMsg("c"+itoa(int(a%6)), events[b%4], []inspect.Method{inspect.INVITE, inspect.BYE, inspect.CANCEL}[b/4%3])
				m := fromClient(client+":5060", vip)
				side := inspect.SideClient
				if op == 1 {
					m, side = fromServer(vip, client+":5060"), inspect.SideServer
				}
				if b&32 != 0 {
					addr := client
					if side == inspect.SideServer {
						addr = "192.0.2.10"
					}
					*r.AddMedia() = media(side, addr+":"+itoa(20000+2*int(b%3)), b/64)
				}
				if op == 2 {
					m.Transport = inspect.TCP
				}
				if d, err := tr.Signal(now, m, r); err == nil && d.NeedsServer && a&1 == 0 {
					_ = tr.Assign(d.Session, clusterID(uint16(b%3)))
				}
			case 3, 4: // a media packet either way
				k := udp(client+":"+itoa(20000+2*int(b%3)), "192.0.2.10:"+itoa(20000+2*int(a%3)))
				if op == 4 {
					k = k.Reverse()
				}
				v := tr.Observe(now, k)
				if v.Outcome == Promoted || v.Outcome == Hit {
					if s, ok := tr.Session(v.Session); ok && v.Identity == Secondary && s.HasServer != v.HasServer {
						t.Fatalf("flow of session %d: HasServer %v, session %v", v.Session, v.HasServer, s.HasServer)
					}
				}
			case 5: // time passes
				now = now.Add(time.Duration(a) * time.Second)
			default:
				tr.Expire(now, int(a%16)+1)
			}
		}
		checkInvariants(t, tr)
		drain(tr, now.Add(time.Hour))
		if f, s, x := tr.Len(); f != 0 || s != 0 || x != 0 {
			t.Fatalf("after an hour: %d flows, %d sessions, %d expectations left", f, s, x)
		}
		checkInvariants(t, tr)
	})
}
