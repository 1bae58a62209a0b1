package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
)

const ctlTok = "ctl-test-token-0123456789"

// ctl runs `sara ctl args...` against url and returns its output.
func ctl(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	// flags keep their values between Execute calls: reset the ones used
	ctlFlags.json, ctlFlags.at, ctlFlags.qAddr, ctlFlags.token = false, "", "", ""
	ctlFlags.q = api.SessionQuery{Limit: api.DefaultPage}
	rootCmd.SetArgs(append([]string{"ctl", "--addr", url}, args...))
	err := rootCmd.Execute()
	return out.String(), err
}

func TestCtl(t *testing.T) {
	f := apitest.New(nil, 7)
	cfg := api.Defaults()
	cfg.Token = ctlTok
	s, err := api.New(cfg, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	out, err := ctl(t, ts.URL, "servers")
	if err != nil || !strings.Contains(out, "NAME") || strings.Count(out, "active") != 3 {
		t.Fatalf("servers: %v\n%s", err, out)
	}
	out, err = ctl(t, ts.URL, "status", "--json")
	var st struct{ Status api.Status }
	if err != nil || json.Unmarshal([]byte(out), &st) != nil || st.Status.Sessions != 7 {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	out, err = ctl(t, ts.URL, "sessions", "--server", "s2", "--limit", "1", "--json")
	var p api.SessionPage
	if err != nil || json.Unmarshal([]byte(out), &p) != nil || p.Total != 2 || len(p.Sessions) != 1 {
		t.Fatalf("sessions: %v\n%s", err, out)
	}
	out, err = ctl(t, ts.URL, "sessions", "--addr-filter", "192.0.2.3")
	if err != nil || !strings.Contains(out, "call-2@example.com") || !strings.Contains(out, "of 1") {
		t.Fatalf("sessions --addr-filter: %v\n%s", err, out)
	}
	if _, err := ctl(t, ts.URL, "drain", "s1"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("drain without token: %v", err)
	}
	out, err = ctl(t, ts.URL, "drain", "s1", "--token", ctlTok, "--at", "+1h")
	if err != nil || !strings.Contains(out, "drain s1 done") {
		t.Fatalf("drain: %v\n%s", err, out)
	}
	srv, _ := api.FindServer(f.Servers(), "s1")
	if srv.State != "draining" || srv.DrainAt == nil || srv.DrainAt.Before(time.Now().Add(59*time.Minute)) {
		t.Fatalf("s1 after drain --at +1h: %+v", srv)
	}
	if _, err := ctl(t, ts.URL, "undrain", "s1", "--token", ctlTok); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl(t, ts.URL, "undrain", "nosuch", "--token", ctlTok); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("undrain unknown: %v", err)
	}
	if _, err := ctl(t, ts.URL, "reload", "--token", ctlTok); err != nil || f.Reloads() != 1 {
		t.Fatalf("reload: %v (%d)", err, f.Reloads())
	}
	if _, err := ctl(t, ts.URL, "drain", "s1", "--token", ctlTok, "--at", "tomorrow"); err == nil {
		t.Fatal("bad --at accepted")
	}
}
