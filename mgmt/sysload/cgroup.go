package sysload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrCgroup reports a CPU cgroup that cannot be found or read.
var ErrCgroup = errors.New("sysload: cpu cgroup")

// cgroupCPU reads one cgroup's CPU usage and CPU limit, from cgroup v2
// (cpu.stat usage_usec, cpu.max) or v1 (cpuacct.usage, cpu.cfs_quota_us
// and cpu.cfs_period_us; the two controllers mounted apart or together).
type cgroupCPU struct {
	usageFile string // v2 cpu.stat or v1 cpuacct.usage
	v2        bool
	maxFile   string // v2 cpu.max ("" when the cpu controller is not enabled)
	quotaDir  string // v1 directory of cpu.cfs_quota_us ("" when not mounted)
}

// findCgroup resolves name (a path below the cgroup root, e.g. "sara/s1")
// under root (normally /sys/fs/cgroup): the unified hierarchy first, then
// the v1 controllers.
func findCgroup(root, name string) (*cgroupCPU, error) {
	name = strings.Trim(name, "/")
	if name == "" || strings.Contains(name, "..") {
		return nil, fmt.Errorf("%w: %q: want a path below the cgroup root", ErrCgroup, name)
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if dir := filepath.Join(root, name); exists(filepath.Join(root, "cgroup.controllers")) && exists(filepath.Join(dir, "cpu.stat")) {
		c := &cgroupCPU{usageFile: filepath.Join(dir, "cpu.stat"), v2: true}
		if exists(filepath.Join(dir, "cpu.max")) {
			c.maxFile = filepath.Join(dir, "cpu.max")
		}
		return c, nil
	}
	c := &cgroupCPU{}
	for _, m := range []string{"cpuacct", "cpu,cpuacct", "cpuacct,cpu"} {
		if p := filepath.Join(root, m, name, "cpuacct.usage"); exists(p) {
			c.usageFile = p
			break
		}
	}
	for _, m := range []string{"cpu", "cpu,cpuacct", "cpuacct,cpu"} {
		if d := filepath.Join(root, m, name); exists(filepath.Join(d, "cpu.cfs_quota_us")) {
			c.quotaDir = d
			break
		}
	}
	if c.usageFile == "" {
		return nil, fmt.Errorf("%w: %s: no cgroup v2 cpu.stat nor v1 cpuacct.usage under %s", ErrCgroup, name, root)
	}
	return c, nil
}

// usage returns the cgroup's CPU time so far.
func (c *cgroupCPU) usage() (time.Duration, error) {
	b, err := os.ReadFile(c.usageFile)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrCgroup, err)
	}
	if !c.v2 {
		ns, err := parseUint(b)
		return time.Duration(ns), err
	}
	us, err := parseCPUStatUsage(b)
	return time.Duration(us) * time.Microsecond, err
}

// limit returns the CPUs the cgroup may use: its quota over its period, or
// the CPUs this process may run on when it has no quota.
func (c *cgroupCPU) limit() (float64, error) {
	unlimited := float64(runtime.NumCPU())
	switch {
	case c.maxFile != "":
		b, err := os.ReadFile(c.maxFile)
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrCgroup, err)
		}
		if cpus, ok, err := parseCPUMax(b); err != nil || ok {
			return cpus, err
		}
	case c.quotaDir != "":
		q, err := os.ReadFile(filepath.Join(c.quotaDir, "cpu.cfs_quota_us"))
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrCgroup, err)
		}
		p, err := os.ReadFile(filepath.Join(c.quotaDir, "cpu.cfs_period_us"))
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrCgroup, err)
		}
		if cpus, ok, err := parseCPUMax([]byte(strings.TrimSpace(string(q)) + " " + strings.TrimSpace(string(p)))); err != nil || ok {
			return cpus, err
		}
	}
	return unlimited, nil
}

// parseCPUStatUsage returns usage_usec of a cgroup v2 cpu.stat.
func parseCPUStatUsage(b []byte) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := bytes.Fields(sc.Bytes()); len(f) == 2 && string(f[0]) == "usage_usec" {
			n, err := strconv.ParseUint(string(f[1]), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%w: cpu.stat usage_usec", ErrFormat)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: cpu.stat has no usage_usec", ErrFormat)
}

// parseCPUMax reads "QUOTA PERIOD" (cgroup v2 cpu.max; v1's quota and
// period joined): ok is false when there is no quota ("max" or -1).
func parseCPUMax(b []byte) (cpus float64, ok bool, err error) {
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, false, fmt.Errorf("%w: cpu quota %q: want QUOTA PERIOD", ErrFormat, b)
	}
	if f[0] == "max" || f[0] == "-1" {
		return 0, false, nil
	}
	q, err1 := strconv.ParseUint(f[0], 10, 64)
	p, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || q == 0 || p == 0 {
		return 0, false, fmt.Errorf("%w: cpu quota %q", ErrFormat, b)
	}
	return float64(q) / float64(p), true, nil
}

// cgroupSample is the cgroup's CPU share of its limit since the previous
// reading: Δusage / (Δwall × limit), capped at 1.
func (s *Sampler) cgroupCPU(r *Raw) (float64, error) {
	now := s.now()
	u, err := s.cg.usage()
	if err != nil {
		return 0, err
	}
	cpus, err := s.cg.limit()
	if err != nil {
		return 0, err
	}
	prevU, prevT := s.cgUsage, s.cgAt
	s.cgUsage, s.cgAt = u, now
	wall := now.Sub(prevT)
	if u < prevU || wall <= 0 {
		return 0, nil // counter reset (cgroup re-created) or no time passed
	}
	r.CgroupUsage, r.CgroupAllowed = u-prevU, time.Duration(float64(wall)*cpus)
	if r.CgroupAllowed <= 0 {
		return 0, nil
	}
	return min(1, float64(r.CgroupUsage)/float64(r.CgroupAllowed)), nil
}
