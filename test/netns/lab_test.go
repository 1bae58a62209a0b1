package netns

import (
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/sara-lb/sara/test/netnstest"
)

// tcpTarget listens on addr inside namespace ns and accepts (and closes)
// connections until the test ends: the application the agent probes.
func tcpTarget(t *testing.T, ns, addr string) {
	t.Helper()
	var l net.Listener
	if err := netnstest.InNetns(ns, func() (err error) { l, err = net.Listen("tcp", addr); return }); err != nil {
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
