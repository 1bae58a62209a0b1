package serve_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
	"github.com/sara-lb/sara/mgmt/api/serve"
)

// TestRun starts the whole endpoint on a free loopback port: API, metrics
// and dashboard answer; cancelling the context stops it.
func TestRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := api.Defaults()
	cfg.Listen = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve.Run(ctx, cfg, apitest.New(nil, 2), nil) }()
	get := func(path string) (int, string) {
		var lastErr error
		for i := 0; i < 50; i++ {
			resp, err := http.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			lastErr = err
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("GET %s: %v", path, lastErr)
		return 0, ""
	}
	for _, c := range []struct{ path, want string }{
		{"/api/v1/servers", `"name": "s3"`},
		{"/metrics", "sara_server_state{server=\"s1\",state=\"active\"} 1"},
		{"/", "<title>SARA dashboard</title>"},
		{"/app.js", "setInterval(poll"},
	} {
		code, body := get(c.path)
		if code != 200 || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, body lacks %q", c.path, code, c.want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func TestRunBadConfig(t *testing.T) {
	cfg := api.Defaults()
	cfg.MaxPage = 0
	if err := serve.Run(context.Background(), cfg, apitest.New(nil, 0), nil); !errors.Is(err, api.ErrConfig) {
		t.Fatalf("err = %v", err)
	}
}

func TestDashboardOff(t *testing.T) {
	cfg := api.Defaults()
	cfg.Dashboard = false
	s, err := serve.New(cfg, apitest.New(nil, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Serve(ctx, ln) //nolint:errcheck // stopped by cancel
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("dashboard off: / = %d", resp.StatusCode)
	}
}
