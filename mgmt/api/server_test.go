package api_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
)

func TestReadCalls(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 9)
	var st api.Status
	h.get("/api/v1/status", "", &st)
	if st.Servers != 3 || st.ServersActive != 3 || st.Sessions != 9 || st.Workers != 2 || !st.Now.Equal(t0) {
		t.Errorf("status = %+v", st)
	}
	var ws []api.WorkerStatus
	h.get("/api/v1/workers", "", &ws)
	if len(ws) != 2 || ws[1].Lcore != 2 || ws[0].Counters.Drops == nil {
		t.Errorf("workers = %+v", ws)
	}
	var ss []api.ServerStatus
	h.get("/api/v1/servers", "", &ss)
	if len(ss) != 3 || ss[2].Name != "s3" || ss[2].Sessions != 3 || ss[0].Load != apitest.Load(0, 0) {
		t.Errorf("servers = %+v", ss)
	}
	var one api.ServerStatus
	h.get("/api/v1/servers/s2", "", &one)
	if one.ID != 1 || one.Name != "s2" {
		t.Errorf("server s2 = %+v", one)
	}
	var adm api.AdmissionStatus
	h.get("/api/v1/admission", "", &adm)
	if adm.T1 != 0.7 || adm.Region != "accept" {
		t.Errorf("admission = %+v", adm)
	}
	var ha api.HAStatus
	h.get("/api/v1/ha", "", &ha)
	if ha.Role != "standalone" || ha.Enabled {
		t.Errorf("ha = %+v", ha)
	}
	var index []struct{ Method, Path string }
	h.get("/api/v1/", "", &index)
	if len(index) != 11 || index[0].Path != "/api/v1/status" {
		t.Errorf("index = %+v", index)
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 0)
	cases := []struct {
		method, path string
		code         int
		allow        string
	}{
		{"GET", "/api/v1/servers/nope", 404, ""},
		{"GET", "/api/v1/nothing", 404, ""},
		{"GET", "/api/v2/status", 404, ""},
		{"POST", "/api/v1/status", 405, "GET"},
		{"DELETE", "/api/v1/servers/s1", 405, "GET"},
		{"GET", "/api/v1/reload", 405, "POST"},
		{"GET", "/api/v1/servers/s1/drain", 405, "POST"},
	}
	for _, c := range cases {
		code, hdr, b := h.do(c.method, c.path, writeTok, "")
		if c.path == "/api/v2/status" {
			// outside the API prefix: the dashboard's file server answers
			if code != 404 {
				t.Errorf("%s %s = %d", c.method, c.path, code)
			}
			continue
		}
		if code != c.code {
			t.Errorf("%s %s = %d, want %d (%s)", c.method, c.path, code, c.code, b)
			continue
		}
		msg := errorOf(t, b)
		if c.code == 404 && !strings.Contains(msg, "nope") && !strings.Contains(msg, "nothing") {
			t.Errorf("%s: message %q does not name the missing thing", c.path, msg)
		}
		if hdr.Get("Allow") != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, hdr.Get("Allow"), c.allow)
		}
	}
	rc := h.srv.Counters()
	if rc.NotFound != 2 || rc.BadMethod != 4 || rc.Requests != uint64(len(cases)) {
		t.Errorf("counters = %+v", rc)
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	s, err := api.New(api.Defaults(), apitest.New(nil, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/api/v1/status"); err == nil {
		t.Fatal("listener still answers after Serve returned")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	c := api.Defaults()
	c.Listen = "nowhere"
	c.Token = "short"
	_, err := api.New(c, apitest.New(nil, 0), nil)
	if !errors.Is(err, api.ErrConfig) || !strings.Contains(err.Error(), "listen:") || !strings.Contains(err.Error(), "token:") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "short") {
		t.Fatalf("error reveals the token: %v", err)
	}
	if _, err := api.New(api.Defaults(), nil, nil); !errors.Is(err, api.ErrConfig) {
		t.Fatalf("nil backend: %v", err)
	}
}
