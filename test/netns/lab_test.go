package netns

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// run runs a command and fails the test with its output on error.
func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// suffix returns 4 random hex characters for unique namespace names.
func suffix(t *testing.T) string {
	var b [2]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// addNetns creates a namespace with lo up and deletes it in Cleanup (which
// also removes the veth ends inside it).
func addNetns(t *testing.T, name string) {
	t.Helper()
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	run(t, "ip", "-n", name, "link", "set", "lo", "up")
}

// link joins namespaces a and b with a veth pair and addresses aAddr/bAddr (CIDR).
func link(t *testing.T, a, aIf, aAddr, b, bIf, bAddr string) {
	t.Helper()
	run(t, "ip", "link", "add", aIf, "netns", a, "type", "veth", "peer", "name", bIf, "netns", b)
	run(t, "ip", "-n", a, "addr", "add", aAddr, "dev", aIf)
	run(t, "ip", "-n", b, "addr", "add", bAddr, "dev", bIf)
	run(t, "ip", "-n", a, "link", "set", aIf, "up")
	run(t, "ip", "-n", b, "link", "set", bIf, "up")
}

// inNetns runs fn on an OS thread switched into namespace name, so sockets
// fn creates belong to that namespace (they stay there afterwards). If the
// thread cannot be switched back it stays locked and Go discards it.
func inNetns(name string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open(filepath.Join("/var/run/netns", name))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns %s: %w", name, err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns back: %w (thread left locked)", err)
	}
	runtime.UnlockOSThread()
	return ferr
}

// buildSara builds the sara binary into a temporary directory.
func buildSara(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "sara")
	start := time.Now()
	cmd := exec.Command(gobin, "build", "-o", bin, "github.com/sara-lb/sara/cmd/sara")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built sara in %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// tcpTarget listens on addr inside namespace ns and accepts (and closes)
// connections until the test ends: the application the agent probes.
func tcpTarget(t *testing.T, ns, addr string) {
	t.Helper()
	var l net.Listener
	if err := inNetns(ns, func() (err error) { l, err = net.Listen("tcp", addr); return }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
}

// process is a `sara agent` running in a namespace.
type process struct {
	cmd *exec.Cmd
	log string
}

// startAgent starts `sara agent -c cfg` inside ns; Cleanup kills it.
func startAgent(t *testing.T, bin, ns, cfg, logPath string) *process {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command("ip", "netns", "exec", ns, bin, "agent", "-c", cfg, "--log-format", "json")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: logPath}
	t.Cleanup(func() { p.kill() })
	return p
}

// kill sends SIGKILL (ip netns exec execs the agent: same pid) and reaps.
func (p *process) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}
