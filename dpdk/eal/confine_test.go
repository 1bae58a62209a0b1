package eal

import (
	"testing"

	"golang.org/x/sys/unix"
)

func cpus(l ...int) unix.CPUSet {
	var s unix.CPUSet
	for _, c := range l {
		s.Set(c)
	}
	return s
}

// TestConfine checks the masks KeepOffLcores gives: the workers' CPUs
// removed, a thread left with none moved to the CPUs no worker has, a
// thread already off them untouched, nothing possible without another CPU.
func TestConfine(t *testing.T) {
	masks := map[int]unix.CPUSet{
		10: cpus(0, 1, 2, 3), // Go thread: loses 2 and 3
		11: cpus(0),          // already off the workers: unchanged
		12: cpus(2),          // only a worker's CPU: gets 0 and 1
	}
	got, ok := confine(masks, cpus(2, 3))
	if !ok {
		t.Fatal("not ok with CPUs 0 and 1 free")
	}
	want := map[int]unix.CPUSet{10: cpus(0, 1), 12: cpus(0, 1)}
	if len(got) != len(want) || got[10] != want[10] || got[12] != want[12] {
		t.Errorf("confine: %v, want %v", got, want)
	}
	if _, ok := confine(map[int]unix.CPUSet{1: cpus(0, 1)}, cpus(0, 1)); ok {
		t.Error("ok although the workers have every CPU")
	}
}
