package eal

/*
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <rte_lcore.h>

static int sara_gettid(void *arg) { (void)arg; return (int)syscall(SYS_gettid); }
static void *sara_gettid_fn(void) { return (void *)sara_gettid; }
static int sara_lcore_has_cpu(unsigned lcore, int cpu) {
	rte_cpuset_t s = rte_lcore_cpuset(lcore);
	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &s);
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

var (
	tidMu sync.Mutex
	tids  = map[uint]int{}
)

// LcoreTID returns the Linux thread id of a worker lcore's thread. The
// lcore must be idle (not running a launched function) the first time; the
// id is remembered, an lcore's thread lives as long as the process.
func LcoreTID(lcore uint) (int, error) {
	tidMu.Lock()
	defer tidMu.Unlock()
	if tid, ok := tids[lcore]; ok {
		return tid, nil
	}
	if err := Launch(lcore, C.sara_gettid_fn(), nil); err != nil {
		return 0, err
	}
	tid := Wait(lcore)
	if tid <= 0 {
		return 0, fmt.Errorf("eal: thread id of lcore %d: %d", lcore, tid)
	}
	tids[lcore] = tid
	return tid, nil
}

// LcoreCPUs returns the CPU set the EAL pinned lcore to (--lcores).
func LcoreCPUs(lcore uint) unix.CPUSet {
	var s unix.CPUSet
	for cpu := 0; cpu < C.CPU_SETSIZE; cpu++ {
		if C.sara_lcore_has_cpu(C.uint(lcore), C.int(cpu)) != 0 {
			s.Set(cpu)
		}
	}
	return s
}

// KeepOffLcores keeps every thread of the process but the given worker
// lcores' own threads off those lcores' CPUs, so the Go runtime's threads
// (and DPDK's control threads) never take a worker's CPU: each thread's
// affinity loses the workers' CPUs, and a thread left with none gets the
// CPUs no worker has. Threads created later inherit their creator's mask,
// so the Go runtime's future threads stay off too. It changes nothing and
// returns false when --lcores puts the main lcore on a worker's CPU (the
// operator chose to share it, as with 0@0,1@0) or when no other CPU is
// allowed to any thread. The lcores must be idle the first time (their
// thread ids are asked on them, LcoreTID). It makes a few passes over
// /proc/self/task, until one finds no thread to change, for threads
// started meanwhile.
func KeepOffLcores(lcores []uint) (bool, error) {
	var workers unix.CPUSet
	own := map[int]bool{}
	for _, l := range lcores {
		tid, err := LcoreTID(l)
		if err != nil {
			return false, err
		}
		own[tid] = true
		s := LcoreCPUs(l)
		for cpu := 0; cpu < C.CPU_SETSIZE; cpu++ {
			if s.IsSet(cpu) {
				workers.Set(cpu)
			}
		}
	}
	main := LcoreCPUs(MainLcore())
	for cpu := 0; cpu < C.CPU_SETSIZE; cpu++ {
		if main.IsSet(cpu) && workers.IsSet(cpu) {
			return false, nil
		}
	}
	for pass := 0; pass < 4; pass++ {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return false, fmt.Errorf("eal: keep threads off the workers' CPUs: %w", err)
		}
		masks := map[int]unix.CPUSet{}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || own[tid] {
				continue
			}
			var m unix.CPUSet
			if unix.SchedGetaffinity(tid, &m) == nil { // else exited meanwhile
				masks[tid] = m
			}
		}
		next, ok := confine(masks, workers)
		if !ok {
			return false, nil
		}
		if len(next) == 0 {
			return true, nil
		}
		for tid, m := range next {
			if err := unix.SchedSetaffinity(tid, &m); err != nil && err != unix.ESRCH {
				return false, fmt.Errorf("eal: affinity of thread %d: %w", tid, err)
			}
		}
	}
	return true, nil
}

// confine returns the new masks of the threads (tid: current mask) that
// must change so none may run on a CPU of workers: a mask loses those
// CPUs; a mask left empty becomes every CPU some thread may use and no
// worker has. false when there is no such CPU.
func confine(masks map[int]unix.CPUSet, workers unix.CPUSet) (map[int]unix.CPUSet, bool) {
	var rest unix.CPUSet
	for _, m := range masks {
		for cpu := 0; cpu < C.CPU_SETSIZE; cpu++ {
			if m.IsSet(cpu) && !workers.IsSet(cpu) {
				rest.Set(cpu)
			}
		}
	}
	if rest.Count() == 0 {
		return nil, false
	}
	out := map[int]unix.CPUSet{}
	for tid, m := range masks {
		next := m
		for cpu := 0; cpu < C.CPU_SETSIZE; cpu++ {
			if workers.IsSet(cpu) {
				next.Clear(cpu)
			}
		}
		if next.Count() == 0 {
			next = rest
		}
		if next != m {
			out[tid] = next
		}
	}
	return out, true
}
