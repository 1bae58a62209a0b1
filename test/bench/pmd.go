package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// capture returns the bench capture of flows flows of the given sizes,
// generating it with `sara gen` unless the work directory has it: one frame
// per flow, round-robin, UDP only, no noise, so every frame of the first
// pass opens a new flow and every later pass hits.
func capture(o *opts, size string, flows int) (string, error) {
	pcap := filepath.Join(o.dir, fmt.Sprintf("mix_%d_%s.pcap", flows, size))
	if _, err := os.Stat(pcap); err == nil {
		return pcap, nil
	}
	gen := exec.Command(o.sara, "gen", "--out", pcap+".tmp", "--flows", fmt.Sprint(flows),
		"--packets", fmt.Sprint(flows), "--order", "round-robin", "--size", size,
		"--noise", "0", "--garbage", "0", "--fragments", "0", "--tcp-share", "0", "--seed", "1")
	gen.Stdout, gen.Stderr = os.Stderr, os.Stderr
	if err := gen.Run(); err != nil {
		return "", fmt.Errorf("sara gen: %w", err)
	}
	return pcap, os.Rename(pcap+".tmp", pcap)
}

// runTestpmd runs dpdk-testpmd macswap on pcap and returns its median rx Mpps.
func runTestpmd(pcap, lcores string, mbufs, secs int) (float64, error) {
	cmd := exec.Command("dpdk-testpmd", "--no-huge", "--no-pci", "--no-shconf", "-m", memMB(mbufs),
		"--file-prefix", fmt.Sprintf("tp%d", os.Getpid()), "--lcores", lcores,
		"--vdev", "net_pcap_tp0,rx_pcap="+pcap+",infinite_rx=1", "--",
		"--forward-mode=macswap", "--nb-cores=1", "--stats-period=1",
		fmt.Sprintf("--total-num-mbufs=%d", mbufs))
	stdin, err := cmd.StdinPipe() // testpmd stops at end of stdin: keep it open
	if err != nil {
		return 0, err
	}
	re := regexp.MustCompile(`Rx-pps:\s+(\d+)`)
	rates, err := sample(cmd, secs, func(line string) (float64, bool) {
		m := re.FindStringSubmatch(line)
		if m == nil {
			return 0, false
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v / 1e6, true
	})
	stdin.Close()
	return median(rates), err
}

// saraConfig writes the dispatcher's configuration for pcap and returns
// its path: three servers, one worker, a flow table of twice the flows, no
// management API (nothing listens; no clash with another sara's port).
func saraConfig(o *opts, pcap string, mbufs, flows int) (string, error) {
	cfg := filepath.Join(o.dir, "bench.yaml")
	table := nextPow2(flows * 2)
	y := fmt.Sprintf(`vips: ["10.0.0.100"]
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
  - {name: s3, mac: "02:00:00:00:00:03"}
dataplane:
  ports: [{name: net_pcap_sara0, devargs: "rx_pcap=%s,infinite_rx=1"}]
  workers: 1
  lcores: "%s"
  eal_args: ["--no-huge", "--no-pci", "--no-shconf", "-m", "%s"]
  mempool_mbufs: %d
  flow_table_size: %d
  idle_polls: 0
  tcp_open: any
api: {listen: ""}
log: {level: info, format: json}
`, pcap, o.lcores, memMB(mbufs+table/8), mbufs, table)
	return cfg, os.WriteFile(cfg, []byte(y), 0o644)
}

// runSara runs `sara run` (the binary bin) on pcap and returns its median rx Mpps.
func runSara(o *opts, bin, pcap string, mbufs, flows int) (float64, error) {
	cfg, err := saraConfig(o, pcap, mbufs, flows)
	if err != nil {
		return 0, err
	}
	// --duration counts from start-up (EAL, loading the capture: tens of
	// seconds at 1M frames on a busy machine); sample stops it earlier.
	cmd := exec.Command(bin, "run", "-c", cfg, "--duration", fmt.Sprintf("%ds", o.secs+180), "--stats", "1s")
	rates, err := sample(cmd, o.secs, func(line string) (float64, bool) {
		s, ok := parseStats(line)
		return s.mpps, ok
	})
	return median(rates), err
}

// stats is one `sara run` stats log line.
type stats struct {
	ts    time.Time
	mpps  float64
	flows uint64
}

// parseStats reads a JSON stats line of `sara run`.
func parseStats(line string) (stats, bool) {
	var m struct {
		TS    string `json:"ts"`
		Msg   string `json:"msg"`
		Mpps  string `json:"rx_mpps"`
		Flows uint64 `json:"flows_live"`
	}
	if json.Unmarshal([]byte(line), &m) != nil || m.Msg != "stats" {
		return stats{}, false
	}
	v, err := strconv.ParseFloat(m.Mpps, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return stats{}, false
	}
	ts, err := time.Parse("2006-01-02T15:04:05.000Z0700", m.TS)
	if err != nil {
		return stats{}, false
	}
	return stats{ts: ts, mpps: v, flows: m.Flows}, true
}

// sample runs cmd, collects per-second rates from its output, drops the
// first two (warm-up) and stops the command (SIGINT) after secs more.
func sample(cmd *exec.Cmd, secs int, parse func(string) (float64, bool)) ([]float64, error) {
	var rates []float64
	n := 0
	err := follow(cmd, time.Duration(secs+240)*time.Second, func(line string) bool {
		v, ok := parse(line)
		if !ok {
			return true
		}
		if n++; n > 2 {
			rates = append(rates, v)
		}
		return len(rates) < secs
	})
	if len(rates) == 0 {
		return nil, fmt.Errorf("%s: no rate samples: %w", cmd.Path, err)
	}
	return rates, nil // a non-zero exit after enough samples is not an error (SIGINT)
}

// follow runs cmd and hands each output line to fn until fn returns false
// (then cmd gets SIGINT) or limit passes (then it is killed). Unless fn
// asked to stop and the command exited cleanly, the error carries the last
// lines of output.
func follow(cmd *exec.Cmd, limit time.Duration, fn func(string) bool) error {
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	var tail []string
	accepted := false // fn asked to stop: the command got what was wanted
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		more := true
		for sc.Scan() {
			if tail = append(tail, sc.Text()); len(tail) > 20 {
				tail = tail[1:]
			}
			if more && !fn(sc.Text()) {
				more, accepted = false, true
				cmd.Process.Signal(os.Interrupt)
			}
		}
	}()
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	pw.Close()
	<-done
	if err != nil || !accepted {
		return fmt.Errorf("exit: %v; last output:\n%s", err, strings.Join(tail, "\n"))
	}
	return nil
}

// memMB is the EAL memory (-m) for a pool of mbufs: 3.5 KiB each (2176-byte
// buffers, headers, mempool and ring overhead; less fails at 1M mbufs
// without hugepages) + 1 GiB.
func memMB(mbufs int) string { return fmt.Sprint(1024 + mbufs*7/2048) }

func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
