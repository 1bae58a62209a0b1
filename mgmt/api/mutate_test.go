package api_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
)

func newServer(t *testing.T, s *api.Server) *httptest.Server {
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func fmtAny(v any) string { return fmt.Sprint(v) }

func TestDrainUndrain(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 0)
	at := t0.Add(time.Minute)
	code, _, b := h.do("POST", "/api/v1/servers/s2/drain", writeTok, `{"at":"`+at.Format(time.RFC3339)+`"}`)
	if code != 200 || !strings.Contains(string(b), `"ok": true`) {
		t.Fatalf("drain: %d %s", code, b)
	}
	var s api.ServerStatus
	h.get("/api/v1/servers/s2", "", &s)
	if s.State != "draining" || s.DrainAt == nil || !s.DrainAt.Equal(at) {
		t.Fatalf("after drain: %+v", s)
	}
	var st api.Status
	h.get("/api/v1/status", "", &st)
	if st.ServersActive != 2 {
		t.Errorf("servers_active = %d after a drain", st.ServersActive)
	}
	if code, _, _ := h.do("POST", "/api/v1/servers/s2/undrain", writeTok, ""); code != 200 {
		t.Fatalf("undrain: %d", code)
	}
	h.get("/api/v1/servers/s2", "", &s)
	if s.State != "active" {
		t.Fatalf("after undrain: %s", s.State)
	}
	// errors from the backend map to their codes
	for _, c := range []struct {
		path, body string
		code       int
	}{
		{"/api/v1/servers/s2/undrain", "", 400}, // not draining
		{"/api/v1/servers/zz/drain", "", 404},
		{"/api/v1/servers/zz/undrain", "", 404},
		{"/api/v1/servers/s1/drain", `{"at": 5}`, 400},
		{"/api/v1/servers/s1/drain", `{`, 400},
		{"/api/v1/servers/s1/drain", strings.Repeat(" ", 5000) + "{}", 400},
	} {
		code, _, b := h.do("POST", c.path, writeTok, c.body)
		if code != c.code {
			t.Errorf("POST %s %.20q: %d, want %d (%s)", c.path, c.body, code, c.code, b)
		}
		errorOf(t, b)
	}
	// drain without a body means now
	if code, _, _ := h.do("POST", "/api/v1/servers/s1/drain", writeTok, ""); code != 200 {
		t.Fatal("drain without body refused")
	}
	h.get("/api/v1/servers/s1", "", &s)
	if s.DrainAt == nil || !s.DrainAt.Equal(t0) {
		t.Errorf("drain without body: drain_at %v, want the backend's now", s.DrainAt)
	}
	if rc := h.srv.Counters(); rc.Mutations != 3 || rc.BadRequest != 4 || rc.NotFound != 2 {
		t.Errorf("counters = %+v", rc)
	}
}

func TestReload(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 0)
	if code, _, b := h.do("POST", "/api/v1/reload", writeTok, ""); code != 200 {
		t.Fatalf("reload: %d %s", code, b)
	}
	if h.fake.Reloads() != 1 {
		t.Fatalf("backend reloads = %d", h.fake.Reloads())
	}
	for _, c := range []struct {
		err  error
		code int
	}{
		{fmt.Errorf("config: %w: servers[1].mac: invalid", api.ErrInvalid), 400},
		{api.ErrUnsupported, 501},
		{api.ErrUnavailable, 503},
		{errors.New("disk on fire"), 500},
	} {
		h.fake.SetReloadError(c.err)
		code, _, b := h.do("POST", "/api/v1/reload", writeTok, "")
		if code != c.code {
			t.Errorf("reload with %v: %d, want %d", c.err, code, c.code)
		}
		if msg := errorOf(t, b); !strings.Contains(msg, c.err.Error()) {
			t.Errorf("message %q hides the cause %q", msg, c.err)
		}
	}
	if h.fake.Reloads() != 1 {
		t.Fatalf("failed reloads counted: %d", h.fake.Reloads())
	}
	if rc := h.srv.Counters(); rc.BackendError != 3 || rc.BadRequest != 1 {
		t.Errorf("counters = %+v", rc)
	}
}

// A standalone dispatcher has no peer to switch to: 501, named; without the
// write token: 401.
func TestSwitchoverStandalone(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 0)
	if code, _, _ := h.do("POST", "/api/v1/ha/switchover", "", ""); code != 401 {
		t.Fatalf("switchover without token: %d, want 401", code)
	}
	code, _, b := h.do("POST", "/api/v1/ha/switchover", writeTok, "")
	if code != 501 || !strings.Contains(errorOf(t, b), "hot-standby") {
		t.Fatalf("switchover of a standalone dispatcher: %d %s, want 501 naming the missing pair", code, b)
	}
}
