package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
	"github.com/sara-lb/sara/mgmt/api/client"
)

const tok = "write-token-0123456789"

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func start(t *testing.T, sessions int) (*apitest.Fake, *httptest.Server) {
	t.Helper()
	f := apitest.New(func() time.Time { return t0.Add(90 * time.Second) }, sessions)
	f.Start = t0
	cfg := api.Defaults()
	cfg.Token = tok
	s, err := api.New(cfg, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return f, ts
}

func TestClientCalls(t *testing.T) {
	f, ts := start(t, 12)
	ctx := context.Background()
	c, err := client.New(strings.TrimPrefix(ts.URL, "http://"), tok, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil || st.Sessions != 12 || st.Node != "fake" {
		t.Fatalf("status %+v %v", st, err)
	}
	ss, err := c.Servers(ctx)
	if err != nil || len(ss) != 3 || ss[1].Name != "s2" {
		t.Fatalf("servers %+v %v", ss, err)
	}
	p, err := c.Sessions(ctx, api.SessionQuery{Server: "s1", Offset: 1, Limit: 2})
	if err != nil || p.Total != 4 || len(p.Sessions) != 2 || p.Sessions[0].CallID != "call-3@example.com" {
		t.Fatalf("sessions %+v %v", p, err)
	}
	at := t0.Add(time.Hour)
	if r, err := c.Drain(ctx, "s3", at); err != nil || !r.OK {
		t.Fatalf("drain %+v %v", r, err)
	}
	s3, err := c.Server(ctx, "s3")
	if err != nil || s3.State != "draining" || !s3.DrainAt.Equal(at) {
		t.Fatalf("s3 after drain %+v %v", s3, err)
	}
	if _, err := c.Undrain(ctx, "s3"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reload(ctx); err != nil || f.Reloads() != 1 {
		t.Fatalf("reload %v, %d reloads", err, f.Reloads())
	}
	if _, err := c.Undrain(ctx, "s3"); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("undrain twice: %v", err)
	}
	if _, err := c.Server(ctx, "zz"); !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "zz") {
		t.Fatalf("unknown server: %v", err)
	}
	f.SetReloadError(api.ErrUnsupported)
	var ae *client.Error
	if _, err := c.Reload(ctx); !errors.As(err, &ae) || ae.Code != 501 || !errors.Is(err, api.ErrUnsupported) {
		t.Fatalf("reload unsupported: %v", err)
	}
}

func TestClientAuthErrors(t *testing.T) {
	_, ts := start(t, 0)
	ctx := context.Background()
	anon, _ := client.New(ts.URL, "", time.Second)
	if _, err := anon.Reload(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("no token: %v", err)
	}
	wrong, _ := client.New(ts.URL, "not-the-token-at-all", time.Second)
	if _, err := wrong.Drain(ctx, "s1", time.Time{}); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := anon.Status(ctx); err != nil {
		t.Fatalf("reads are open without read_token: %v", err)
	}
}

func TestClientAddr(t *testing.T) {
	for _, bad := range []string{"ftp://x", "http://", "::"} {
		if _, err := client.New(bad, "", time.Second); !errors.Is(err, client.ErrAddr) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	c, _ := client.New("127.0.0.1:1", "", time.Second) // nothing listens on port 1
	if _, err := c.Status(context.Background()); err == nil {
		t.Fatal("no error from a closed port")
	}
}

func TestWriters(t *testing.T) {
	f, ts := start(t, 3)
	_ = f
	c, _ := client.New(ts.URL, "", time.Second)
	ctx := context.Background()
	st, _ := c.Status(ctx)
	a, _ := c.Admission(ctx)
	var b bytes.Buffer
	if err := client.WriteStatus(&b, st, a); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"up 1m30s", "3 active of 3", "3 live, 450 created", "not_vip=180000", "accept"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status output lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	ss, _ := c.Servers(ctx)
	_ = client.WriteServers(&b, ss)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[2], "s2") || !strings.Contains(lines[2], "active") {
		t.Errorf("servers output:\n%s", b.String())
	}
	b.Reset()
	p, _ := c.Sessions(ctx, api.SessionQuery{Limit: 2})
	_ = client.WriteSessions(&b, p)
	if !strings.Contains(b.String(), "call-1@example.com") || !strings.Contains(b.String(), "sessions 1–2 of 3") ||
		strings.Count(b.String(), "secondary") != 2 {
		t.Errorf("sessions output:\n%s", b.String())
	}
}
