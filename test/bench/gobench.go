package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// goPackages hold the Go hot paths: inspectors, the session tracker, the
// forecaster and admission, the announce codec and the signalling path.
var goPackages = []string{"./engine/inspect/...", "./engine/session", "./engine/shell",
	"./engine/admission", "./engine/announce", "./engine/sigpath"}

// benchLine is one `go test -bench -benchmem` result line.
var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// goResult is one benchmark: its metrics by unit (ns/op, allocs/op, ...).
type goResult struct {
	name    string // package base name + "." + benchmark name
	metrics map[string]float64
}

// goBenchmarks runs every benchmark of goPackages with -benchmem and adds
// allocs_per_op (by benchmark), sip_msgs_per_s (an INVITE, a 200 OK and an
// ACK through engine/inspect/sip) and announce_p99_us (the p99 metric of
// BenchmarkAnnounceToInstall; null, with announce_p99_note, if absent).
func goBenchmarks(res map[string]any) error {
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "200ms"}, goPackages...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	rs := parseGoBench(out)
	allocs := map[string]float64{}
	for _, r := range rs {
		if a, ok := r.metrics["allocs/op"]; ok {
			allocs[r.name] = a
		}
	}
	res["allocs_per_op"] = allocs
	res["sip_msgs_per_s"] = sipRate(rs)
	res["announce_p99_us"] = nil
	res["announce_p99_note"] = "BenchmarkAnnounceToInstall not found in engine/announce or engine/sigpath"
	for _, r := range rs {
		if !strings.HasSuffix(r.name, ".AnnounceToInstall") {
			continue
		}
		if v, ok := p99us(r.metrics); ok {
			res["announce_p99_us"] = round3(v)
			delete(res, "announce_p99_note")
		} else {
			res["announce_p99_note"] = "BenchmarkAnnounceToInstall reports no p99 metric"
		}
	}
	return nil
}

// parseGoBench reads `go test -bench` output.
func parseGoBench(out []byte) []goResult {
	var rs []goResult
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = path.Base(strings.TrimSpace(p))
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := goResult{name: pkg + "." + m[1], metrics: map[string]float64{}}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.metrics[f[i+1]] = v
			}
		}
		rs = append(rs, r)
	}
	return rs
}

// sipRate is messages per second for one INVITE, 200 OK and ACK in turn.
func sipRate(rs []goResult) any {
	ns, n := 0.0, 0
	for _, r := range rs {
		switch r.name {
		case "sip.InspectINVITE", "sip.Inspect200OK", "sip.InspectACK":
			ns += r.metrics["ns/op"]
			n++
		}
	}
	if n != 3 || ns <= 0 {
		return nil
	}
	return int(3e9 / ns)
}

// p99us finds a p99 metric (units like p99-us, p99_ns, p99-ms) in microseconds.
func p99us(m map[string]float64) (float64, bool) {
	for unit, v := range m {
		u := strings.ToLower(unit)
		if !strings.Contains(u, "p99") {
			continue
		}
		switch {
		case strings.HasSuffix(u, "ns"):
			return v / 1e3, true
		case strings.HasSuffix(u, "ms"):
			return v * 1e3, true
		default:
			return v, true
		}
	}
	return 0, false
}
