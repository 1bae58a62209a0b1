package sysload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// ErrFormat reports a /proc or /sys file that does not parse.
var ErrFormat = errors.New("sysload: unexpected file format")

// cpuTimes are the jiffies of the aggregate "cpu" line of /proc/stat.
type cpuTimes struct{ busy, total uint64 }

// parseStat reads the first line of /proc/stat: "cpu user nice system idle
// iowait irq softirq steal guest guest_nice". Busy excludes idle and iowait;
// guest time is already included in user/nice, so it is not added again.
func parseStat(b []byte) (cpuTimes, error) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	f := bytes.Fields(line)
	if len(f) < 5 || string(f[0]) != "cpu" {
		return cpuTimes{}, fmt.Errorf("%w: /proc/stat cpu line", ErrFormat)
	}
	var v [8]uint64
	for i := 0; i < 8 && i+1 < len(f); i++ {
		n, err := strconv.ParseUint(string(f[i+1]), 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("%w: /proc/stat field %d", ErrFormat, i+1)
		}
		v[i] = n
	}
	var t cpuTimes
	for _, x := range v {
		if t.total+x < t.total {
			return cpuTimes{}, fmt.Errorf("%w: /proc/stat counters overflow", ErrFormat)
		}
		t.total += x
	}
	t.busy = t.total - v[3] - v[4]
	return t, nil
}

// parseMeminfo returns MemTotal and MemAvailable (kB).
func parseMeminfo(b []byte) (total, avail uint64, err error) {
	var haveT, haveA bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 2 {
			continue
		}
		n, perr := strconv.ParseUint(string(f[1]), 10, 64)
		switch string(f[0]) {
		case "MemTotal:":
			total, haveT = n, perr == nil
		case "MemAvailable:":
			avail, haveA = n, perr == nil
		}
	}
	if !haveT || !haveA || total == 0 {
		return 0, 0, fmt.Errorf("%w: /proc/meminfo lacks MemTotal/MemAvailable", ErrFormat)
	}
	return total, avail, nil
}

// parseSockstat returns the "mem" page counts of the TCP: and UDP: lines of
// /proc/net/sockstat.
func parseSockstat(b []byte) (tcp, udp uint64, err error) {
	var haveT, haveU bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 {
			continue
		}
		for i := 1; i+1 < len(f); i += 2 {
			if string(f[i]) != "mem" {
				continue
			}
			n, perr := strconv.ParseUint(string(f[i+1]), 10, 64)
			if perr != nil {
				return 0, 0, fmt.Errorf("%w: sockstat mem", ErrFormat)
			}
			switch string(f[0]) {
			case "TCP:":
				tcp, haveT = n, true
			case "UDP:":
				udp, haveU = n, true
			}
		}
	}
	if !haveT || !haveU {
		return 0, 0, fmt.Errorf("%w: sockstat lacks TCP/UDP mem", ErrFormat)
	}
	return tcp, udp, nil
}

// parseTriple parses "min pressure max" (tcp_mem, udp_mem) and returns the
// pressure threshold.
func parseTriple(b []byte) (uint64, error) {
	f := bytes.Fields(b)
	if len(f) != 3 {
		return 0, fmt.Errorf("%w: want 3 values", ErrFormat)
	}
	n, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%w: pressure value", ErrFormat)
	}
	return n, nil
}

// parseUint parses one decimal number (sysctl files).
func parseUint(b []byte) (uint64, error) {
	n, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: not a number", ErrFormat)
	}
	return n, nil
}

// parseDiskstats sums "I/Os currently in progress" (iostats field 9, i.e.
// column 12 after major, minor and name) over the devices keep accepts.
func parseDiskstats(b []byte, keep func(string) bool) (uint64, error) {
	var sum uint64
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 12 {
			if len(f) == 0 {
				continue
			}
			return 0, fmt.Errorf("%w: diskstats line with %d fields", ErrFormat, len(f))
		}
		if !keep(string(f[2])) {
			continue
		}
		n, err := strconv.ParseUint(string(f[11]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: diskstats in-flight", ErrFormat)
		}
		sum += n
	}
	return sum, nil
}
