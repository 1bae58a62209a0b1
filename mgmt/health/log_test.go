package health

import (
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sara-lb/sara/mgmt/heartbeat"
)

func TestStateChangeLoggedWithReason(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	clk := &fakeClock{t: epoch}
	m, err := New(Defaults(), []Server{{ID: 3, Host: 10, Name: "s3"}}, Options{Clock: clk, Log: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= 3; i++ { // first beat + k good periods: Active
		m.Heartbeat(heartbeat.Message{Host: 10, Seq: uint16(i), Flag: heartbeat.FlagUp}, epoch.Add(time.Duration(i)*d))
	}
	m.Evaluate(epoch.Add(time.Minute).Add(3 * d))
	entries := logs.FilterMessage("server state changed").All()
	if len(entries) != 2 || entries[0].ContextMap()["state"] != "active" {
		t.Fatalf("state-change logs %v, want →active, →failed", entries)
	}
	last := entries[1].ContextMap()
	if last["server"] != "s3" || last["state"] != "failed" || last["failover"] != "drop" ||
		last["reason"] != "no heartbeat for 1m0s (n·d = 600ms)" {
		t.Fatalf("fields %v", last)
	}
}
