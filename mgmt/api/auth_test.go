package api_test

import (
	"net/http"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
)

func TestAuth(t *testing.T) {
	cases := []struct {
		name             string
		token, read      string // configured
		method, path     string
		sent             string // bearer sent ("" = none)
		code             int
		wantAuthenticate bool
	}{
		{"read open", writeTok, "", "GET", "/api/v1/status", "", 200, false},
		{"read open ignores garbage", writeTok, "", "GET", "/api/v1/status", "garbage", 200, false},
		{"read protected, none", writeTok, readTok, "GET", "/api/v1/servers", "", 401, true},
		{"read protected, read token", writeTok, readTok, "GET", "/api/v1/servers", readTok, 200, false},
		{"read protected, write token", writeTok, readTok, "GET", "/api/v1/servers", writeTok, 200, false},
		{"read protected, wrong", writeTok, readTok, "GET", "/api/v1/servers", readTok + "x", 403, false},
		{"read protected, prefix", writeTok, readTok, "GET", "/api/v1/servers", readTok[:10], 403, false},
		{"reload, none", writeTok, "", "POST", "/api/v1/reload", "", 401, true},
		{"reload, read token", writeTok, readTok, "POST", "/api/v1/reload", readTok, 403, false},
		{"reload, write token", writeTok, readTok, "POST", "/api/v1/reload", writeTok, 200, false},
		{"drain, wrong", writeTok, "", "POST", "/api/v1/servers/s1/drain", "nope", 403, false},
		{"mutations disabled", "", "", "POST", "/api/v1/reload", writeTok, 403, false},
		{"mutations disabled, none", "", "", "POST", "/api/v1/servers/s1/undrain", "", 403, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, cfgWith(c.token, c.read), 3)
			code, hdr, b := h.do(c.method, c.path, c.sent, "")
			if code != c.code {
				t.Fatalf("code %d, want %d: %s", code, c.code, b)
			}
			if got := hdr.Get("WWW-Authenticate") != ""; got != c.wantAuthenticate {
				t.Errorf("WWW-Authenticate present = %v", got)
			}
			rc := h.srv.Counters()
			switch c.code {
			case 401:
				errorOf(t, b)
				if rc.Unauthorized != 1 {
					t.Errorf("unauthorized counter = %d", rc.Unauthorized)
				}
			case 403:
				msg := errorOf(t, b)
				if rc.Forbidden != 1 {
					t.Errorf("forbidden counter = %d", rc.Forbidden)
				}
				if c.token == "" && !strings.Contains(msg, "api.token") {
					t.Errorf("disabled mutations message %q does not say why", msg)
				}
			}
			if c.code == 200 && c.method == "POST" && rc.Mutations != 1 {
				t.Errorf("mutations counter = %d", rc.Mutations)
			}
		})
	}
}

func TestBearerSchemeCaseInsensitive(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, readTok), 0)
	req, _ := http.NewRequest("GET", h.ts.URL+"/api/v1/status", nil)
	req.Header.Set("Authorization", "bearer "+readTok)
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("code %d", resp.StatusCode)
	}
}

// TestTokenNeverLogged drives failures and mutations with debug logging on
// and checks no entry carries a token.
func TestTokenNeverLogged(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	s, err := api.New(cfgWith(writeTok, readTok), apitest.New(nil, 1), zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: s}
	h.ts = newServer(t, s)
	h.do("GET", "/api/v1/status", "wrong-token-secret", "")
	h.do("POST", "/api/v1/reload", readTok, "")
	h.do("POST", "/api/v1/servers/s1/drain", writeTok, "")
	h.do("POST", "/api/v1/servers/zz/drain", writeTok, "")
	if logs.Len() < 4 {
		t.Fatalf("expected entries for refusals and mutations, got %d", logs.Len())
	}
	for _, e := range logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + strings.TrimSpace(fmtAny(v))
		}
		for _, secret := range []string{writeTok, readTok, "wrong-token-secret"} {
			if strings.Contains(line, secret) {
				t.Errorf("log entry reveals a token: %s", line)
			}
		}
	}
}
