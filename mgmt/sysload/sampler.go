// Package sysload measures a node's load vector (DESIGN §7: cpu, mem,
// netbuf, ioq, backlog, each in [0,1]) from /proc and /sys:
//
//   - CPU: busy fraction of all CPUs between two samples, from the "cpu"
//     line of /proc/stat (busy = total − idle − iowait).
//   - Mem: 1 − MemAvailable/MemTotal (/proc/meminfo).
//   - NetBuf: max(TCP mem / tcp_mem pressure, UDP mem / udp_mem pressure),
//     pages from /proc/net/sockstat against the middle ("pressure") value of
//     /proc/sys/net/ipv4/{tcp,udp}_mem: 1 means the kernel is starting to
//     moderate socket memory.
//   - IOQueue: I/Os in flight (field 12 of /proc/diskstats) summed over the
//     whole disks listed in /sys/block (loop and ram devices excluded),
//     divided by IODivisor (default 32, a SATA NCQ depth) and capped at 1.
//   - Backlog: for a TCP service, the largest accept queue (rx_queue of the
//     LISTEN socket on the service port in /proc/net/tcp and tcp6) divided
//     by net.core.somaxconn (the kernel's cap on any listen backlog); for a
//     UDP service, the bytes queued on the port's sockets (rx_queue in
//     /proc/net/udp, udp6) divided by net.core.rmem_default. A configured
//     BacklogLimit replaces the divisor. No service port: 0.
//
// A Sampler is used by one goroutine (the agent's load loop).
package sysload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Config selects what a Sampler reads.
type Config struct {
	Proc         string  // procfs root (default /proc)
	Sys          string  // sysfs root (default /sys)
	ServicePort  uint16  // service port for Backlog (0: none)
	ServiceProto string  // "tcp" or "udp"
	IODivisor    float64 // in-flight I/Os that count as a full queue (default 32)
	BacklogLimit uint64  // replaces somaxconn / rmem_default when > 0
	CPUCgroup    string  // measure CPU of this cgroup (path below CgroupRoot) against its limit; "": the whole node
	CgroupRoot   string  // cgroup filesystem root (default /sys/fs/cgroup)
}

// Raw holds the numbers a sample was computed from (logs, docs, debugging).
type Raw struct {
	CPUBusy, CPUTotal         uint64 // jiffies in the interval
	MemTotalKB, MemAvailKB    uint64
	TCPMemPages, TCPPressure  uint64
	UDPMemPages, UDPPressure  uint64
	InFlightIOs               uint64
	BacklogQueue, BacklogSize uint64
	// CPU cgroup (CPUCgroup set): its CPU time in the interval and what its
	// limit allowed in the same wall time.
	CgroupUsage, CgroupAllowed time.Duration
}

// Sampler computes load vectors; CPU is a delta against the previous call.
type Sampler struct {
	cfg     Config
	prev    cpuTimes
	cg      *cgroupCPU // nil: CPU of the whole node
	cgUsage time.Duration
	cgAt    time.Time
	now     func() time.Time
}

// New returns a Sampler and takes the first CPU reading, so the first
// Sample measures CPU since New.
func New(cfg Config) (*Sampler, error) {
	if cfg.Proc == "" {
		cfg.Proc = "/proc"
	}
	if cfg.Sys == "" {
		cfg.Sys = "/sys"
	}
	if cfg.IODivisor <= 0 {
		cfg.IODivisor = 32
	}
	if cfg.ServicePort != 0 && cfg.ServiceProto != "tcp" && cfg.ServiceProto != "udp" {
		return nil, fmt.Errorf("sysload: service proto %q: want tcp or udp", cfg.ServiceProto)
	}
	if cfg.CgroupRoot == "" {
		cfg.CgroupRoot = "/sys/fs/cgroup"
	}
	s := &Sampler{cfg: cfg, now: time.Now}
	if cfg.CPUCgroup != "" {
		var err error
		if s.cg, err = findCgroup(cfg.CgroupRoot, cfg.CPUCgroup); err != nil {
			return nil, err
		}
		if s.cgUsage, err = s.cg.usage(); err != nil {
			return nil, err
		}
		s.cgAt = s.now()
	}
	b, err := os.ReadFile(filepath.Join(cfg.Proc, "stat"))
	if err != nil {
		return nil, fmt.Errorf("sysload: %w", err)
	}
	if s.prev, err = parseStat(b); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sampler) read(root string, parts ...string) ([]byte, error) {
	return os.ReadFile(filepath.Join(append([]string{root}, parts...)...))
}

// Sample measures every component. A component that cannot be read is left
// at 0 and its error is joined into the returned error.
func (s *Sampler) Sample() (cluster.LoadVector, Raw, error) {
	var v cluster.LoadVector
	var r Raw
	errs := []error{s.cpu(&v, &r), s.mem(&v, &r), s.netbuf(&v, &r), s.ioq(&v, &r), s.backlog(&v, &r)}
	return v, r, errors.Join(errs...)
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return min(1, float64(a)/float64(b))
}

func (s *Sampler) cpu(v *cluster.LoadVector, r *Raw) error {
	if s.cg != nil {
		var err error
		v.CPU, err = s.cgroupCPU(r)
		return err
	}
	b, err := s.read(s.cfg.Proc, "stat")
	if err != nil {
		return err
	}
	cur, err := parseStat(b)
	if err != nil {
		return err
	}
	if cur.total >= s.prev.total && cur.busy >= s.prev.busy {
		r.CPUBusy, r.CPUTotal = cur.busy-s.prev.busy, cur.total-s.prev.total
		v.CPU = ratio(r.CPUBusy, r.CPUTotal)
	}
	s.prev = cur
	return nil
}

func (s *Sampler) mem(v *cluster.LoadVector, r *Raw) error {
	b, err := s.read(s.cfg.Proc, "meminfo")
	if err != nil {
		return err
	}
	if r.MemTotalKB, r.MemAvailKB, err = parseMeminfo(b); err != nil {
		return err
	}
	v.Mem = 1 - ratio(r.MemAvailKB, r.MemTotalKB)
	return nil
}

func (s *Sampler) netbuf(v *cluster.LoadVector, r *Raw) error {
	b, err := s.read(s.cfg.Proc, "net", "sockstat")
	if err != nil {
		return err
	}
	if r.TCPMemPages, r.UDPMemPages, err = parseSockstat(b); err != nil {
		return err
	}
	for _, x := range []struct {
		file string
		dst  *uint64
	}{{"tcp_mem", &r.TCPPressure}, {"udp_mem", &r.UDPPressure}} {
		b, err := s.read(s.cfg.Proc, "sys", "net", "ipv4", x.file)
		if err != nil {
			return err
		}
		if *x.dst, err = parseTriple(b); err != nil {
			return fmt.Errorf("%s: %w", x.file, err)
		}
	}
	v.NetBuf = max(ratio(r.TCPMemPages, r.TCPPressure), ratio(r.UDPMemPages, r.UDPPressure))
	return nil
}

func (s *Sampler) ioq(v *cluster.LoadVector, r *Raw) error {
	ents, err := os.ReadDir(filepath.Join(s.cfg.Sys, "block"))
	if err != nil {
		return err
	}
	disks := make(map[string]bool, len(ents))
	for _, e := range ents {
		if n := e.Name(); !strings.HasPrefix(n, "loop") && !strings.HasPrefix(n, "ram") {
			disks[n] = true
		}
	}
	b, err := s.read(s.cfg.Proc, "diskstats")
	if err != nil {
		return err
	}
	if r.InFlightIOs, err = parseDiskstats(b, func(n string) bool { return disks[n] }); err != nil {
		return err
	}
	v.IOQueue = min(1, float64(r.InFlightIOs)/s.cfg.IODivisor)
	return nil
}

func (s *Sampler) backlog(v *cluster.LoadVector, r *Raw) error {
	if s.cfg.ServicePort == 0 {
		return nil
	}
	limitFile := []string{"sys", "net", "core", "somaxconn"}
	if s.cfg.ServiceProto == "udp" {
		limitFile = []string{"sys", "net", "core", "rmem_default"}
	}
	r.BacklogSize = s.cfg.BacklogLimit
	if r.BacklogSize == 0 {
		b, err := s.read(s.cfg.Proc, limitFile...)
		if err != nil {
			return err
		}
		if r.BacklogSize, err = parseUint(b); err != nil {
			return err
		}
	}
	for _, tbl := range []string{s.cfg.ServiceProto, s.cfg.ServiceProto + "6"} {
		b, err := s.read(s.cfg.Proc, "net", tbl)
		if errors.Is(err, os.ErrNotExist) {
			continue // no IPv6
		} else if err != nil {
			return err
		}
		q, _, err := maxRxQueue(b, s.cfg.ServicePort, s.cfg.ServiceProto == "tcp")
		if err != nil {
			return fmt.Errorf("%s: %w", tbl, err)
		}
		r.BacklogQueue = max(r.BacklogQueue, q)
	}
	v.Backlog = ratio(r.BacklogQueue, r.BacklogSize)
	return nil
}
