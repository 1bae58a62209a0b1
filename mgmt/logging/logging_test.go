package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewTo(&buf, "info", "json")
	if err != nil {
		t.Fatal(err)
	}
	log.Named("shell").Debug("hidden")
	log.Named("shell").Info("server failed", Server("s1"), Reason("heartbeat"), Count(3), Elapsed(time.Second))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("debug not filtered at info: %q", buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	if m["level"] != "info" || m["logger"] != "shell" || m["msg"] != "server failed" ||
		m[KeyServer] != "s1" || m[KeyReason] != "heartbeat" || m[KeyCount] != 3.0 || m[KeyElapsed] != "1s" {
		t.Errorf("fields: %v", m)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-Z]`).MatchString(m["ts"].(string)) {
		t.Errorf("ts not ISO8601: %v", m["ts"])
	}
	if c, _ := m["caller"].(string); !strings.HasPrefix(c, "logging/logging_test.go:") {
		t.Errorf("caller = %q", c)
	}
}

func TestConsoleDebug(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewTo(&buf, "debug", "console")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("polled", Worker(2), PortNumber(5060))
	out := buf.String()
	if !strings.Contains(out, "DEBUG") || !strings.Contains(out, `"worker": 2`) || !strings.Contains(out, `"port": 5060`) ||
		!strings.Contains(out, "logging_test.go") {
		t.Errorf("console line: %q", out)
	}
}

func TestBadArguments(t *testing.T) {
	for _, lv := range []string{"", "loud", "fatal", "dpanic"} {
		if _, err := New(lv, "json"); !errors.Is(err, ErrLevel) {
			t.Errorf("level %q: %v", lv, err)
		}
	}
	if _, err := New("info", "xml"); !errors.Is(err, ErrFormat) {
		t.Errorf("format xml: %v", err)
	}
}
