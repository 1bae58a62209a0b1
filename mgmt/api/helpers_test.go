package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
)

const (
	writeTok = "write-token-0123456789"
	readTok  = "read-token-0123456789"
)

// t0 is the fake clock's fixed time.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// harness is an API server over a Fake with a fixed clock.
type harness struct {
	t    *testing.T
	fake *apitest.Fake
	srv  *api.Server
	ts   *httptest.Server
}

func newHarness(t *testing.T, cfg api.Config, sessions int) *harness {
	t.Helper()
	now := t0
	fake := apitest.New(func() time.Time { return now }, sessions)
	s, err := api.New(cfg, fake, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &harness{t: t, fake: fake, srv: s, ts: ts}
}

// do sends a request with an optional bearer token and body; it returns
// the status code, the headers and the body.
func (h *harness) do(method, path, token, body string) (int, http.Header, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(path, api.Prefix) && ct != "application/json" {
		h.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, resp.Header, b
}

// get decodes a 200 answer into v.
func (h *harness) get(path, token string, v any) {
	h.t.Helper()
	code, _, b := h.do("GET", path, token, "")
	if code != http.StatusOK {
		h.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		h.t.Fatalf("GET %s: %v in %s", path, err, b)
	}
}

// errorOf returns the "error" member of a JSON error body.
func errorOf(t *testing.T, b []byte) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error body: %s", b)
	}
	return e.Error
}

func cfgWith(token, read string) api.Config {
	c := api.Defaults()
	c.Token, c.ReadToken = token, read
	return c
}
