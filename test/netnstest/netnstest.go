// Package netnstest holds the helpers the project's network-namespace
// tests share: root check, unique namespaces torn down with the test, veth
// links, running code inside a namespace, and building the sara binary.
// Everything it creates is removed by t.Cleanup.
package netnstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Need skips the test unless it runs as root with the given commands.
func Need(t *testing.T, cmds ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates network namespaces")
	}
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("needs %s (test/deps.sh installs it)", c)
		}
	}
}

// Run runs a command, fails the test with its output on error, and
// returns the output.
func Run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Suffix returns 4 random hex characters for unique namespace names.
func Suffix(t *testing.T) string {
	var b [2]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// AddNetns creates a namespace with lo up; Cleanup deletes it (and the
// veth ends inside it).
func AddNetns(t *testing.T, name string) {
	t.Helper()
	Run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	Run(t, "ip", "-n", name, "link", "set", "lo", "up")
}

// Link joins namespaces a and b with a veth pair and addresses aAddr/bAddr
// (CIDR).
func Link(t *testing.T, a, aIf, aAddr, b, bIf, bAddr string) {
	t.Helper()
	Run(t, "ip", "link", "add", aIf, "netns", a, "type", "veth", "peer", "name", bIf, "netns", b)
	Run(t, "ip", "-n", a, "addr", "add", aAddr, "dev", aIf)
	Run(t, "ip", "-n", b, "addr", "add", bAddr, "dev", bIf)
	Run(t, "ip", "-n", a, "link", "set", aIf, "up")
	Run(t, "ip", "-n", b, "link", "set", bIf, "up")
}

// InNetns runs fn on an OS thread switched into namespace name, so sockets
// fn creates belong to that namespace (they stay there afterwards). If the
// thread cannot be switched back it stays locked and Go discards it.
func InNetns(name string, fn func() error) error {
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

// BuildSara builds the sara binary into a temporary directory.
func BuildSara(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "sara")
	start := time.Now()
	if out, err := exec.Command(gobin, "build", "-o", bin, "github.com/sara-lb/sara/cmd/sara").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built sara in %v", time.Since(start).Round(time.Millisecond))
	return bin
}
