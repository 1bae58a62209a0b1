package sysload

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// writeFiles writes name → body under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cgroupSampler builds a Sampler on the fixture tree with CPU measured in
// cgroup "lab/s1" under root and a clock the test advances.
func cgroupSampler(t *testing.T, root string) (*Sampler, *time.Time) {
	t.Helper()
	proc, sys := fakeRoot(t, "cpu  100 0 100 700 100 0 0 0 0 0\n")
	s, err := New(Config{Proc: proc, Sys: sys, CPUCgroup: "lab/s1", CgroupRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1000, 0)
	s.now = func() time.Time { return clock }
	s.cgAt = clock
	return s, &clock
}

func TestCgroupV2CPU(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"cgroup.controllers": "cpu io memory pids\n",
		"lab/s1/cpu.stat":    "usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\n",
		"lab/s1/cpu.max":     "10000 100000\n", // 0.1 CPU
	})
	s, clock := cgroupSampler(t, root)
	// 500 ms later the cgroup used 25 ms of the 50 ms its limit allowed.
	*clock = clock.Add(500 * time.Millisecond)
	writeFiles(t, root, map[string]string{"lab/s1/cpu.stat": "usage_usec 5025000\nuser_usec 4020000\nsystem_usec 1005000\n"})
	v, r, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if !near(v.CPU, 0.5) || r.CgroupUsage != 25*time.Millisecond || r.CgroupAllowed != 50*time.Millisecond {
		t.Fatalf("cpu %v usage %v allowed %v, want 0.5, 25ms, 50ms", v.CPU, r.CgroupUsage, r.CgroupAllowed)
	}
	// Throttled: it used more than its share (accounting slack) → capped at 1.
	*clock = clock.Add(500 * time.Millisecond)
	writeFiles(t, root, map[string]string{"lab/s1/cpu.stat": "usage_usec 5080000\n"})
	if v, _, err = s.Sample(); err != nil || v.CPU != 1 {
		t.Fatalf("throttled cgroup: cpu %v err %v, want 1", v.CPU, err)
	}
	// No quota: the share of every CPU.
	writeFiles(t, root, map[string]string{"lab/s1/cpu.max": "max 100000\n", "lab/s1/cpu.stat": "usage_usec 5180000\n"})
	*clock = clock.Add(time.Second)
	if v, _, err = s.Sample(); err != nil || !near(v.CPU, 0.1/float64(runtime.NumCPU())) {
		t.Fatalf("unlimited cgroup: cpu %v err %v, want %v", v.CPU, err, 0.1/float64(runtime.NumCPU()))
	}
	// The cgroup was re-created (usage went back): no figure this time, no error.
	writeFiles(t, root, map[string]string{"lab/s1/cpu.stat": "usage_usec 10\n"})
	*clock = clock.Add(time.Second)
	if v, _, err = s.Sample(); err != nil || v.CPU != 0 {
		t.Fatalf("reset cgroup: cpu %v err %v, want 0", v.CPU, err)
	}
}

func TestCgroupV1CPU(t *testing.T) {
	for name, mounts := range map[string][2]string{"apart": {"cpuacct", "cpu"}, "together": {"cpu,cpuacct", "cpu,cpuacct"}} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{
				mounts[0] + "/lab/s1/cpuacct.usage":     "2000000000\n", // ns
				mounts[1] + "/lab/s1/cpu.cfs_quota_us":  "1000\n",
				mounts[1] + "/lab/s1/cpu.cfs_period_us": "100000\n", // 0.01 CPU
			})
			s, clock := cgroupSampler(t, root)
			*clock = clock.Add(time.Second)
			writeFiles(t, root, map[string]string{mounts[0] + "/lab/s1/cpuacct.usage": "2007500000\n"})
			v, r, err := s.Sample()
			if err != nil {
				t.Fatal(err)
			}
			if !near(v.CPU, 0.75) || r.CgroupAllowed != 10*time.Millisecond {
				t.Fatalf("cpu %v allowed %v, want 0.75 of 10ms", v.CPU, r.CgroupAllowed)
			}
		})
	}
}

func TestCgroupErrors(t *testing.T) {
	root := t.TempDir()
	proc, sys := fakeRoot(t, "cpu  1 0 1 7 1 0 0 0 0 0\n")
	for _, name := range []string{"lab/none", "../etc", "/"} {
		if _, err := New(Config{Proc: proc, Sys: sys, CPUCgroup: name, CgroupRoot: root}); !errors.Is(err, ErrCgroup) {
			t.Errorf("cgroup %q: err %v, want ErrCgroup", name, err)
		}
	}
	writeFiles(t, root, map[string]string{
		"cgroup.controllers": "cpu\n",
		"lab/s1/cpu.stat":    "usage_usec 1\n",
		"lab/s1/cpu.max":     "lots 100000\n",
	})
	s, clock := cgroupSampler(t, root)
	*clock = clock.Add(time.Second)
	if v, _, err := s.Sample(); !errors.Is(err, ErrFormat) || v.CPU != 0 {
		t.Fatalf("bad cpu.max: cpu %v err %v, want 0 and ErrFormat", v.CPU, err)
	}
	if err := os.Remove(filepath.Join(root, "lab/s1/cpu.stat")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Sample(); !errors.Is(err, ErrCgroup) {
		t.Fatalf("cgroup gone: err %v, want ErrCgroup", err)
	}
}

func FuzzParseCPUMax(f *testing.F) {
	for _, s := range []string{"max 100000", "10000 100000\n", "-1 100000", "0 0", "1 2 3", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cpus, ok, err := parseCPUMax(b)
		if ok && (err != nil || !(cpus > 0)) {
			t.Fatalf("%q: ok with cpus %v err %v", b, cpus, err)
		}
		_, _ = parseCPUStatUsage(b)
	})
}
