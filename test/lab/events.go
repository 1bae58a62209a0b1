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

// StateChanges returns the server state changes in a dispatcher log (JSON
// lines), in order.
func StateChanges(log string) []StateChange {
	var out []StateChange
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Msg    string `json:"msg"`
			TS     string `json:"ts"`
			Server string `json:"server"`
			From   string `json:"from"`
			State  string `json:"state"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "server state changed" {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, l.TS)
		if err != nil {
			continue
		}
		out = append(out, StateChange{At: at, Server: l.Server, From: l.From, To: l.State, Reason: l.Reason})
	}
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
