package lab

import (
	"testing"
	"time"
)

func TestStateChanges(t *testing.T) {
	log := `EAL: Detected CPU lcores: 2
{"level":"info","ts":"2026-11-25T22:50:07.999Z","logger":"mgmt.health","msg":"server state changed","server":"s3","server_id":2,"host_id":3,"from":"failed","state":"active","reason":"healthy"}
{"level":"info","ts":"2026-11-25T22:50:11.424Z","logger":"mgmt.health","msg":"server state changed","server":"s3","server_id":2,"host_id":3,"from":"active","state":"failed","reason":"no heartbeat for 336ms (n·d = 300ms)","failover":"rebalance"}
{"level":"info","ts":"bad","msg":"server state changed","server":"s1","state":"failed"}
{"level":"info","ts":"2026-11-25T22:50:12.000Z","msg":"policy","sequence":1024}
`
	ch := StateChanges(log)
	if len(ch) != 2 || ch[1].To != "failed" || ch[1].From != "active" || ch[1].Server != "s3" {
		t.Fatalf("changes %+v", ch)
	}
	ev := time.Date(2026, 11, 25, 22, 50, 11, 0, time.UTC)
	c, ok := Detected(ch, "s3", "failed", ev)
	if !ok || c.At.Sub(ev) != 424*time.Millisecond {
		t.Fatalf("detected %+v %v", c, ok)
	}
	if _, ok := Detected(ch, "s3", "failed", ev.Add(time.Second)); ok {
		t.Fatal("a change before since counted")
	}
	if _, ok := Detected(ch, "s3", "draining", ev); ok {
		t.Fatal("wrong state counted")
	}
}
