package listener

import (
	"testing"

	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

// FuzzDispatch feeds arbitrary authenticated bodies to the demultiplexer:
// no panic, every body counted once, and only well-formed bodies from the
// authenticated sender reach the sink.
func FuzzDispatch(f *testing.F) {
	f.Add(heartbeat.Message{Host: 10, Seq: 1, Flag: heartbeat.FlagUp}.Append(nil))
	f.Add(loadvec.Message{Host: 10}.Append(nil))
	f.Add([]byte{loadvec.Magic})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		l, s, _ := setup(t)
		err := l.dispatch(auth.Opened{Trailer: auth.Trailer{Sender: 10}, Body: body}, now)
		c := l.Counters()
		if c.Heartbeats+c.LoadVectors+c.Malformed+c.UnknownType+c.SenderMismatch != 1 {
			t.Fatalf("counted %+v", c)
		}
		if (err == nil) != (len(s.hbs)+len(s.lvs) == 1) {
			t.Fatalf("err %v but sink got %d+%d", err, len(s.hbs), len(s.lvs))
		}
		for _, m := range s.hbs {
			if m.Host != 10 {
				t.Fatalf("foreign host %d accepted", m.Host)
			}
		}
	})
}
