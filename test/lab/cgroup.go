package lab

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where the cgroup filesystems are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// CgroupName is server i's CPU cgroup, below the cgroup root: created empty
// when the nodes start, given a CPU limit and the UAS by the overload
// scenario, removed by Close.
func (l *Lab) CgroupName(i int) string { return l.Prefix + "-" + ServerName(i) }

// cpuCgroupDirs returns the directories that make up cgroup name: one in
// the unified hierarchy when it has the cpu controller, else one per
// mounted v1 cpu/cpuacct hierarchy (one if they are mounted together).
func cpuCgroupDirs(name string) (dirs []string, v2 bool) {
	if b, err := os.ReadFile(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil &&
		bytes.Contains(append(append([]byte(" "), bytes.TrimSpace(b)...), ' '), []byte(" cpu ")) {
		return []string{filepath.Join(cgroupRoot, name)}, true
	}
	seen := map[string]bool{}
	for _, m := range []string{"cpu", "cpuacct", "cpu,cpuacct"} {
		real, err := filepath.EvalSymlinks(filepath.Join(cgroupRoot, m))
		if err != nil || seen[real] {
			continue
		}
		if _, err := os.Stat(filepath.Join(real, "cgroup.procs")); err != nil {
			continue
		}
		seen[real] = true
		dirs = append(dirs, filepath.Join(real, name))
	}
	return dirs, false
}

// setupCgroups creates every server's CPU cgroup, without a limit. Where
// the kernel offers no CPU controller it logs why and creates nothing; the
// overload scenario then says so.
func (l *Lab) setupCgroups() {
	for i := range NumServers {
		dirs, v2 := cpuCgroupDirs(l.CgroupName(i))
		if len(dirs) == 0 {
			l.logf("no cpu cgroup controller under %s: the overload scenario cannot run", cgroupRoot)
			return
		}
		if v2 {
			// the root's children get the cpu controller (a systemd host has it already)
			_ = os.WriteFile(filepath.Join(cgroupRoot, "cgroup.subtree_control"), []byte("+cpu"), 0o644)
		}
		for _, d := range dirs {
			if err := os.Mkdir(d, 0o755); err != nil && !os.IsExist(err) {
				l.logf("cgroup %s: %v: the overload scenario cannot run", d, err)
				l.removeCgroups()
				return
			}
		}
		l.logf("cgroup %v", dirs)
	}
}

// HaveCgroups reports whether every server has its CPU cgroup.
func (l *Lab) HaveCgroups() bool {
	for i := range NumServers {
		dirs, _ := cpuCgroupDirs(l.CgroupName(i))
		if len(dirs) == 0 {
			return false
		}
		for _, d := range dirs {
			if _, err := os.Stat(d); err != nil {
				return false
			}
		}
	}
	return true
}

// LimitCPU gives server i's cgroup a CPU quota per period (quota 0: none).
func (l *Lab) LimitCPU(i int, quota, period time.Duration) error {
	dirs, v2 := cpuCgroupDirs(l.CgroupName(i))
	q := strconv.FormatInt(quota.Microseconds(), 10)
	p := strconv.FormatInt(period.Microseconds(), 10)
	write := func(dir, file, v string) error {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(v), 0o644); err != nil {
			return fmt.Errorf("%w: cgroup %s: %w", ErrSetup, file, err)
		}
		l.logf("echo %s > %s", v, filepath.Join(dir, file))
		return nil
	}
	for _, d := range dirs {
		switch {
		case v2 && quota == 0:
			return write(d, "cpu.max", "max "+p)
		case v2:
			return write(d, "cpu.max", q+" "+p)
		}
		if _, err := os.Stat(filepath.Join(d, "cpu.cfs_quota_us")); err != nil {
			continue // the cpuacct hierarchy
		}
		if quota == 0 {
			return write(d, "cpu.cfs_quota_us", "-1")
		}
		// the period first: a quota above the old period's is refused otherwise
		if err := write(d, "cpu.cfs_quota_us", "-1"); err != nil {
			return err
		}
		if err := write(d, "cpu.cfs_period_us", p); err != nil {
			return err
		}
		return write(d, "cpu.cfs_quota_us", q)
	}
	return fmt.Errorf("%w: server %s has no cpu cgroup", ErrSetup, ServerName(i))
}

// JoinCgroup moves process pid (all its threads) into server i's cgroup.
func (l *Lab) JoinCgroup(i, pid int) error {
	dirs, _ := cpuCgroupDirs(l.CgroupName(i))
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("%w: cgroup %s: %w", ErrSetup, d, err)
		}
	}
	return nil
}

// removeCgroups removes the servers' cgroups (their processes are gone by
// then; a dying one may hold a cgroup for a moment, hence the retries).
func (l *Lab) removeCgroups() {
	for i := range NumServers {
		dirs, _ := cpuCgroupDirs(l.CgroupName(i))
		for _, d := range dirs {
			for try := 0; try < 20; try++ {
				err := os.Remove(d)
				if err == nil || os.IsNotExist(err) {
					break
				}
				if try == 19 {
					l.logf("cgroup %s left behind: %v", d, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
}

// staleCgroups removes the CPU cgroups of labs whose owner is gone (their names start with "saralab").
func staleCgroups(alive func(prefix string) bool) {
	for _, m := range []string{"", "cpu", "cpuacct", "cpu,cpuacct"} {
		ents, _ := os.ReadDir(filepath.Join(cgroupRoot, m))
		for _, e := range ents {
			n := e.Name()
			if prefix, _, ok := strings.Cut(n, "-"); ok && strings.HasPrefix(n, "saralab") && e.IsDir() && !alive(prefix) {
				_ = os.Remove(filepath.Join(cgroupRoot, m, n))
			}
		}
	}
}

// labAlive reports whether the lab named by prefix has a marker naming a
// live process.
func labAlive(prefix string) bool {
	owner, err := os.ReadFile(markerDir + prefix)
	if err != nil {
		return false
	}
	var pid int
	_, err = fmt.Sscan(string(owner), &pid)
	return err == nil && syscall.Kill(pid, 0) != syscall.ESRCH
}
