package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// ErrProc is wrapped by process start and stop failures.
var ErrProc = errors.New("lab: process")

// Proc is a program running inside one of the lab's namespaces. Its output
// goes to Log. It dies with the lab process (PR_SET_PDEATHSIG) and is
// stopped by Lab.Close if still running.
type Proc struct {
	Name string
	Log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs argv in namespace ns (ip netns exec replaces itself with the
// program, so the pid is the program's). Output goes to Dir/name.log.
func (l *Lab) Start(name, ns string, argv ...string) (*Proc, error) {
	logPath := filepath.Join(l.Dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrProc, name, err)
	}
	defer f.Close()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start %s: %w", ErrProc, name, err)
	}
	p := &Proc{Name: name, Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	l.mu.Lock()
	closed := l.closed
	if !closed {
		l.procs = append(l.procs, p)
	}
	l.mu.Unlock()
	if closed { // torn down meanwhile (SIGINT): leave nothing running
		_ = p.Stop(syscall.SIGKILL, time.Second)
		return nil, fmt.Errorf("%w: %s: the lab is closed", ErrProc, name)
	}
	l.logf("start %s in %s: %s", name, ns, strings.Join(argv, " "))
	return p, nil
}

// Signal sends sig to the process (no-op once it exited).
func (p *Proc) Signal(sig syscall.Signal) {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(sig)
	}
}

// Wait waits up to timeout for the process to exit and returns its exit
// error (nil for status 0).
func (p *Proc) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("%w: %s still running after %v", ErrProc, p.Name, timeout)
	}
}

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends sig, waits up to grace, then SIGKILLs; it returns the exit error.
func (p *Proc) Stop(sig syscall.Signal, grace time.Duration) error {
	p.Signal(sig)
	if err := p.Wait(grace); err == nil || p.Exited() {
		return err
	}
	p.Signal(syscall.SIGKILL)
	return p.Wait(5 * time.Second)
}

// Output returns what the process wrote so far.
func (p *Proc) Output() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// WaitOutput polls the log until it contains s or timeout passes.
func (p *Proc) WaitOutput(s string, timeout time.Duration) error {
	return p.WaitOutputRe(regexp.MustCompile(regexp.QuoteMeta(s)), timeout)
}

// WaitOutputRe polls the log until re matches or timeout passes.
func (p *Proc) WaitOutputRe(re *regexp.Regexp, timeout time.Duration) error {
	s := re.String()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if re.MatchString(p.Output()) {
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("%w: %s exited before %q: %v\n%s", ErrProc, p.Name, s, p.err, tail(p.Output(), 2000))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%w: %s: no %q within %v\n%s", ErrProc, p.Name, s, timeout, tail(p.Output(), 2000))
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
