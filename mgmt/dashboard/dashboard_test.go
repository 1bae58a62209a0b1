package dashboard_test

import (
	"io"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sara-lb/sara/mgmt/dashboard"
)

func TestHandler(t *testing.T) {
	ts := httptest.NewServer(dashboard.Handler())
	defer ts.Close()
	for _, c := range []struct {
		path, ctype, body string
		code              int
	}{
		{"/", "text/html", "<title>SARA dashboard</title>", 200},
		{"/app.js", "javascript", "function poll", 200},
		{"/style.css", "text/css", ".tiles", 200},
		{"/nothing.js", "", "", 404},
	} {
		resp, err := ts.Client().Get(ts.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s: %d", c.path, resp.StatusCode)
			continue
		}
		if c.code != 200 {
			continue
		}
		if !strings.Contains(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(b), c.body) {
			t.Errorf("%s: type %q, body lacks %q", c.path, resp.Header.Get("Content-Type"), c.body)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no CSP", c.path)
		}
	}
}

// TestOffline: the page loads nothing from elsewhere (no CDN): every URL
// in the files is the SVG namespace.
func TestOffline(t *testing.T) {
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^"'\s)]*`)
	err := fs.WalkDir(dashboard.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dashboard.Files(), path)
		if err != nil {
			return err
		}
		for _, u := range url.FindAllString(string(b), -1) {
			if u != "http://www.w3.org/2000/svg" {
				t.Errorf("%s references %s", path, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
