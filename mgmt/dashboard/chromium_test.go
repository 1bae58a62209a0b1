package dashboard_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
	"github.com/sara-lb/sara/mgmt/api/serve"
)

// outDir holds the screenshot, a test artifact (gitignored).
const outDir = "../../test/out"

// stepping is a fake backend whose clock advances step on every status
// poll, so a page that polls N times sees N distinct samples however fast
// the headless browser's virtual time runs.
type stepping struct {
	*apitest.Fake
	polls atomic.Int64
}

func (s *stepping) Status() api.Status {
	s.polls.Add(1)
	return s.Fake.Status()
}

func newStepping(step time.Duration) *stepping {
	s := &stepping{}
	start := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	s.Fake = apitest.New(func() time.Time { return start.Add(time.Duration(s.polls.Load()) * step) }, 40)
	s.Fake.Start = start
	return s
}

// chromium returns the browser's path; it skips only when the browser is
// absent and the test cannot install it (not root), and fails when root
// (CI installs it through test/deps.sh).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("chromium not installed and not root: install it with `bash test/deps.sh` (Debian package chromium)")
	}
	t.Fatal("chromium not installed: run `bash test/deps.sh` (it lists chromium)")
	return ""
}

// headless runs chromium on url with extra flags and returns its stdout.
func headless(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=20000", "--window-size=1400,1500"}
	args = append(append(args, extra...), url)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return string(out)
}

// start serves API, metrics and dashboard over b on a free loopback port
// until the test ends, and returns the dashboard's URL.
func start(t *testing.T, cfg api.Config, b api.Backend) string {
	t.Helper()
	s, err := serve.New(cfg, b, nil)
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
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String() + "/"
}

func TestDashboardInChromium(t *testing.T) {
	bin := chromium(t)
	b := newStepping(5 * time.Second)
	if err := b.Drain("s2", time.Time{}); err != nil {
		t.Fatal(err)
	}
	url := start(t, api.Defaults(), b)

	dom := headless(t, bin, url, "--dump-dom")
	for _, name := range apitest.Names {
		if !strings.Contains(dom, `data-server="`+name+`"`) {
			t.Errorf("server %s not shown", name)
		}
	}
	if !regexp.MustCompile(`id="conn"[^>]*>live<`).MatchString(dom) {
		t.Errorf("page not live; header: %.400s", dom[strings.Index(dom, "<header"):])
	}
	if !regexp.MustCompile(`id="t-servers"[^>]*>2 / 3<`).MatchString(dom) {
		t.Error("servers tile does not read 2 / 3 (s2 drained)")
	}
	if !regexp.MustCompile(`data-server="s2"><td>s2</td><td class="state st-draining">draining<`).MatchString(dom) {
		t.Error("s2 not shown as draining")
	}
	if n := strings.Count(dom, "<polyline"); n < 10 {
		t.Errorf("%d chart lines drawn, want ≥ 10 (6 server series + cluster series)", n)
	}
	if polls := b.polls.Load(); polls < 5 {
		t.Errorf("page polled %d times in 20 s of virtual time", polls)
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot, _ := filepath.Abs(filepath.Join(outDir, "dashboard.png"))
	os.Remove(shot)
	headless(t, bin, url, "--screenshot="+shot, "--hide-scrollbars")
	fi, err := os.Stat(shot)
	if err != nil || fi.Size() < 20_000 {
		t.Fatalf("screenshot %s missing or tiny: %v", shot, err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, fi.Size())
}

// TestDashboardToken: with a read token the page polls with the token from
// its URL fragment, and says what to do without it.
func TestDashboardToken(t *testing.T) {
	bin := chromium(t)
	cfg := api.Defaults()
	cfg.ReadToken = "dashboard-read-token-0123"
	url := start(t, cfg, newStepping(time.Second))
	dom := headless(t, bin, url+"#token="+cfg.ReadToken, "--dump-dom")
	if !regexp.MustCompile(`id="conn"[^>]*>live<`).MatchString(dom) || !strings.Contains(dom, `data-server="s3"`) {
		t.Errorf("with the token in the fragment the page is not live")
	}
	dom = headless(t, bin, url, "--dump-dom")
	if !strings.Contains(dom, "HTTP 401 (open the page as /#token=") || strings.Contains(dom, `data-server="s3"`) {
		t.Errorf("without a token the page does not explain the 401")
	}
}
