package lab

import (
	"bufio"
	"encoding/json"
	"strings"
	"time"
)

// StateChange is a server state change the dispatcher logged (the
// management plane's health monitor: "server state changed").
type StateChange struct {
	At       time.Time
	Server   string
	From, To string
	Reason   string
}

// logLines decodes each line of a dispatcher's JSON log (zap) into a
// fresh T and calls fn with it, in order, until fn returns false; lines
// that do not decode as T are skipped.
func logLines[T any](log string, fn func(T) bool) {
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		if json.Unmarshal(sc.Bytes(), &v) == nil && !fn(v) {
			return
		}
	}
}

// StateChanges returns the server state changes in a dispatcher log (JSON
// lines), in order.
func StateChanges(log string) []StateChange {
	var out []StateChange
	type line struct {
		Msg    string `json:"msg"`
		TS     string `json:"ts"`
		Server string `json:"server"`
		From   string `json:"from"`
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	logLines(log, func(l line) bool {
		if l.Msg != "server state changed" {
			return true
		}
		if at, err := time.Parse(time.RFC3339Nano, l.TS); err == nil {
			out = append(out, StateChange{At: at, Server: l.Server, From: l.From, To: l.State, Reason: l.Reason})
		}
		return true
	})
	return out
}

// Detected returns the first change of server to state at or after since.
func Detected(changes []StateChange, server, state string, since time.Time) (StateChange, bool) {
	for _, c := range changes {
		if c.Server == server && c.To == state && !c.At.Before(since) {
			return c, true
		}
	}
	return StateChange{}, false
}
