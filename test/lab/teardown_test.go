package lab

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// labNamespaces lists the namespaces whose names start with prefix.
func labNamespaces(t *testing.T, prefix string) []string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], prefix+"-") {
			ns = append(ns, f[0])
		}
	}
	return ns
}

func needRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: network namespaces (CI runs as root)")
	}
}

// TestCloseRemovesEverything builds the topology, starts a process in it,
// and checks Close stops it and deletes every namespace.
func TestCloseRemovesEverything(t *testing.T) {
	needRoot(t)
	l, err := New(Options{Bin: "/bin/true", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(labNamespaces(t, l.Prefix)); n != 5+NumServers { // cl, rt, sw, dp, db and the servers
		_ = l.Close()
		t.Fatalf("%d namespaces, want %d", n, 5+NumServers)
	}
	p, err := l.Start("sleeper", l.ServerNS(0), "sleep", "60")
	if err != nil {
		_ = l.Close()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !p.Exited() {
		t.Fatal("process still running after Close")
	}
	if ns := labNamespaces(t, l.Prefix); len(ns) != 0 {
		t.Fatalf("namespaces left after Close: %v", ns)
	}
	if _, err := os.Stat(markerDir + l.Prefix); !os.IsNotExist(err) {
		t.Fatalf("marker file left: %v", err)
	}
}

// TestInterruptTearsDown runs a lab in a child process (this test binary,
// helperChild), interrupts it like Ctrl-C does and checks nothing is left.
func TestInterruptTearsDown(t *testing.T) {
	needRoot(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptTearsDown$")
	cmd.Env = append(os.Environ(), "SARA_LAB_CHILD="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	prefix := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "lab up "); ok {
			prefix = p
			break
		}
	}
	if prefix == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("child never brought the lab up")
	}
	if n := len(labNamespaces(t, prefix)); n != 5+NumServers {
		t.Errorf("child lab has %d namespaces", n)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
			t.Errorf("child exit %v, want status 130", err)
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child did not exit on SIGINT")
	}
	if ns := labNamespaces(t, prefix); len(ns) != 0 {
		t.Fatalf("namespaces left after SIGINT: %v", ns)
	}
}

// helperChild is the child side of TestInterruptTearsDown: bring a lab up,
// say so, wait for the signal (HandleSignals, installed by TestMain, exits).
func helperChild(dir string) {
	l, err := New(Options{Bin: "/bin/true", Dir: dir})
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("lab up " + l.Prefix + "\n")
	time.Sleep(time.Minute)
	_ = l.Close()
	os.Exit(3)
}
