package lab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	HandleSignals()
	if dir := os.Getenv("SARA_LAB_CHILD"); dir != "" {
		helperChild(dir)
	}
	os.Exit(m.Run())
}

// TestLab builds the lab once and runs every scenario in it. It needs root
// and runs only when SARA_LAB=1 (`make lab-test`, called by `make test`),
// so `go test ./...` does not run it a second time. SARA_BIN names a built
// sara binary (default: built here); SARA_LAB_VERBOSE=1 logs every command.
func TestLab(t *testing.T) {
	if os.Getenv("SARA_LAB") != "1" {
		t.Skip("the live lab runs with SARA_LAB=1 (make lab-test; make test runs it)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: network namespaces, veth pairs, DPDK on af_packet (CI runs as root)")
	}
	dir, err := os.MkdirTemp("", "sara-lab-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("SARA_LAB_KEEP") == "1" {
			t.Logf("lab artefacts kept in %s (logs, configs, captures)", dir)
		} else {
			os.RemoveAll(dir)
		}
	})
	opt := Options{Bin: os.Getenv("SARA_BIN"), Dir: dir}
	if opt.Bin == "" {
		opt.Bin = buildSara(t)
	}
	if os.Getenv("SARA_LAB_VERBOSE") == "1" {
		opt.Log = testWriter{t}
	}
	l, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	nodes, err := l.StartNodes()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.StartGateway(); err != nil {
		t.Fatal(err)
	}
	scenario := func(name string, f func() (*Result, error)) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			res, err := f()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("%s\n%s\n", res.Summary(), res.JSON())
			_ = os.WriteFile(filepath.Join(dir, name+".json"), []byte(res.JSON()+"\n"), 0o644)
			for _, c := range res.Failed() {
				t.Errorf("%s: %s", c.Name, c.Detail)
			}
			t.Logf("%s in %v", name, time.Since(start).Round(100*time.Millisecond))
		})
	}
	for _, name := range []string{"calls", "rtsp", "trunk", "early-media", "mixed", "failover", "overload", "drain", "server-failure"} {
		scenario(name, func() (*Result, error) { return l.Scenario(name, nodes) })
	}
}

// buildSara builds cmd/sara into a temporary directory.
func buildSara(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "sara")
	if out, err := exec.Command(gobin, "build", "-o", bin, "github.com/sara-lb/sara/cmd/sara").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// testWriter sends the lab's action log to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(string(b[:len(b)-1]))
	return len(b), nil
}
