package lab

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrSetup is wrapped by every failure to build the topology.
var ErrSetup = errors.New("lab: setup")

// Options configure a lab.
type Options struct {
	// Bin is the sara binary to run (dispatcher and agents).
	Bin string
	// Dir receives configs, process logs, captures and results.
	Dir string
	// Log, if set, receives one line per action (commands, starts).
	Log io.Writer
}

// Lab is one running topology. Close tears it down.
type Lab struct {
	Options
	// Prefix is the unique prefix of every namespace of this lab.
	Prefix string

	mu     sync.Mutex
	procs  []*Proc
	netns  []string
	closed bool
}

// markerDir holds one file per open lab, named by its prefix, with the
// owning process id: how removeStale recognises an abandoned lab.
const markerDir = "/run/sara-lab/"

// live holds the labs not yet closed, for HandleSignals.
var live sync.Map

// New builds the topology (see topo.go) and returns the lab; on failure
// everything created so far is removed.
func New(opt Options) (*Lab, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: needs root (network namespaces)", ErrSetup)
	}
	for _, t := range []string{"ip", "bridge", "ethtool", "tcpdump", "tshark", "sipp", "ffmpeg", "editcap"} {
		if _, err := exec.LookPath(t); err != nil {
			return nil, fmt.Errorf("%w: missing %s (run test/deps.sh)", ErrSetup, t)
		}
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	l := &Lab{Options: opt, Prefix: "saralab" + hex.EncodeToString(b[:])}
	removeStale()
	if err := os.MkdirAll(l.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSetup, err)
	}
	if err := l.prepare(); err != nil {
		return nil, err
	}
	live.Store(l, struct{}{})
	if err := l.build(); err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

// NS returns the full name of the lab's namespace role (cl, rt, sw, dp, s1..s3).
func (l *Lab) NS(role string) string { return l.Prefix + "-" + role }

// ServerNS returns server i's namespace (i from 0).
func (l *Lab) ServerNS(i int) string { return l.NS(fmt.Sprintf("s%d", i+1)) }

// Close stops every process the lab started (SIGTERM, then SIGKILL) and
// deletes its namespaces. It is idempotent.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	procs, names := l.procs, l.netns
	l.mu.Unlock()
	live.Delete(l)
	for i := len(procs) - 1; i >= 0; i-- {
		_ = procs[i].Stop(syscall.SIGTERM, 2*time.Second)
	}
	var errs []error
	for i := len(names) - 1; i >= 0; i-- {
		killNetnsPids(names[i])
		if out, err := exec.Command("ip", "netns", "del", names[i]).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("ip netns del %s: %w: %s", names[i], err, out))
		}
	}
	l.removeCgroups()
	_ = os.Remove(markerDir + l.Prefix)
	l.logf("torn down %d namespaces", len(names))
	return errors.Join(errs...)
}

// killNetnsPids SIGKILLs what still runs in one of the lab's namespaces
// (children a killed peer left behind).
func killNetnsPids(ns string) {
	out, _ := exec.Command("ip", "netns", "pids", ns).Output()
	for _, f := range strings.Fields(string(out)) {
		var pid int
		if _, err := fmt.Sscan(f, &pid); err == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// HandleSignals closes every open lab and exits with status 130 on SIGINT
// or SIGTERM, so Ctrl-C leaves no namespace behind.
func HandleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-ch
		fmt.Fprintf(os.Stderr, "lab: %v: tearing down\n", s)
		live.Range(func(k, _ any) bool { _ = k.(*Lab).Close(); return true })
		os.Exit(130)
	}()
}

// removeStale deletes namespaces of earlier labs that were killed without
// running Close (their names start with "saralab" and carry the marker file
// of a process that no longer exists).
func removeStale() {
	out, _ := exec.Command("ip", "netns", "list").Output()
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], "saralab") {
			continue
		}
		owner, err := os.ReadFile(markerDir + strings.SplitN(f[0], "-", 2)[0])
		if err != nil {
			continue
		}
		var pid int
		if _, err := fmt.Sscan(string(owner), &pid); err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = exec.Command("ip", "netns", "del", f[0]).Run()
		}
	}
	staleCgroups(labAlive)
}

// logf writes one action line to Options.Log.
func (l *Lab) logf(format string, a ...any) {
	if l.Log != nil {
		fmt.Fprintf(l.Log, "lab: "+format+"\n", a...)
	}
}
