package config

import (
	"strings"
	"testing"
)

func TestAPISection(t *testing.T) {
	base := "vips: [10.0.0.100]\nservers: [{name: s1, mac: \"02:00:00:00:00:01\"}]\n"
	c, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.API.Listen != "127.0.0.1:9080" || !c.API.Dashboard || c.API.Token != "" || c.API.MaxPage != 1000 {
		t.Fatalf("defaults %+v", c.API)
	}
	c, err = Parse([]byte(base + "api:\n  listen: 0.0.0.0:8000\n  token: abcdefghijklmnopq\n  dashboard: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.API.Listen != "0.0.0.0:8000" || c.API.Token != "abcdefghijklmnopq" || c.API.Dashboard {
		t.Fatalf("api %+v", c.API)
	}
	_, err = Parse([]byte(base + "api:\n  listen: nowhere\n  token: secret-short\n  bogus: 1\n"))
	for _, want := range []string{"api.listen:", "api.token:", "api.bogus: unknown key"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problem %q not reported: %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "secret-short") {
		t.Errorf("a token appears in the error: %v", err)
	}
}

func TestAPIEnv(t *testing.T) {
	t.Setenv("SARA_API_TOKEN", "from-the-environment-1")
	t.Setenv("SARA_API_LISTEN", "127.0.0.1:9999")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.API.Token != "from-the-environment-1" || c.API.Listen != "127.0.0.1:9999" {
		t.Fatalf("env not applied: %+v", c.API)
	}
}
