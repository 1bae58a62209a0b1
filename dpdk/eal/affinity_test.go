package eal_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/dpdk/eal/ealtest"
)

// TestMain initialises the EAL with the worker lcore 1 on CPU 1 when the
// machine has two CPUs (the main lcore on CPU 0).
func TestMain(m *testing.M) {
	if runtime.NumCPU() < 2 {
		fmt.Println("eal: one CPU, nothing to test")
		os.Exit(0)
	}
	ealtest.Main(m, nil, "0@0,1@1")
}

// cpusAllowed reads every thread's Cpus_allowed_list.
func cpusAllowed(t *testing.T) map[int]string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, e := range tasks {
		tid, _ := strconv.Atoi(e.Name())
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/status")
		if err != nil {
			continue // exited
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
				out[tid] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// TestKeepOffLcores checks that after KeepOffLcores only the worker
// lcore's thread may run on its CPU (1), every other thread of the process
// on CPU 0 — the threads that existed then and threads the Go runtime
// starts afterwards.
func TestKeepOffLcores(t *testing.T) {
	tid, err := eal.LcoreTID(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := cpusAllowed(t)[tid]; got != "1" {
		t.Fatalf("lcore 1 (thread %d) before: Cpus_allowed_list %q, want 1", tid, got)
	}
	spread := 0
	for _, l := range cpusAllowed(t) {
		if l != "0" && l != "1" {
			spread++
		}
	}
	if spread == 0 {
		t.Fatal("no thread may run on both CPUs before the call: the test would prove nothing")
	}
	ok, err := eal.KeepOffLcores([]uint{1})
	if err != nil || !ok {
		t.Fatalf("KeepOffLcores: %v, %v", ok, err)
	}
	// Force new OS threads: each locked goroutine holds one, so the runtime
	// starts others for the rest.
	const locked = 4
	release := make(chan struct{})
	ready := make(chan int)
	for range locked {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ready <- 1
			<-release
		}()
	}
	for range locked {
		<-ready
	}
	defer close(release)
	all := cpusAllowed(t)
	if len(all) < locked+2 {
		t.Fatalf("%d threads, want at least %d", len(all), locked+2)
	}
	for task, l := range all {
		want := "0"
		if task == tid {
			want = "1"
		}
		if l != want {
			t.Errorf("thread %d: Cpus_allowed_list %q, want %q", task, l, want)
		}
	}
}
