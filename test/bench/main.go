// Command bench measures the SARA dispatcher against dpdk-testpmd
// (--forward-mode=macswap) on the same net_pcap,infinite_rx=1 input, one
// worker core each, in one run, and prints one JSON line last:
//
//	{"sara_mpps": X, "testpmd_mpps": Y, "ratio": X/Y, "flows": N, ...}
//
// Each side runs `rounds` times, alternating, and the median of the
// per-second rates after the warm-up is taken, so a noisy neighbour on the
// shared machine affects both sides alike.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	sara := flag.String("sara", "bin/sara", "sara binary")
	dir := flag.String("dir", "test/out/bench", "work directory")
	flows := flag.Int("flows", 100000, "live flows in the mix")
	size := flag.String("size", "mix", "frame sizes: mix or 64")
	secs := flag.Int("seconds", 6, "measured seconds per run (after 2 s warm-up)")
	rounds := flag.Int("rounds", 2, "runs per side, alternating")
	lcores := flag.String("lcores", "0@0,1@1", "EAL --lcores for both sides: main lcore and one worker")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fatal(err)
	}
	abs, _ := filepath.Abs(*dir)
	pcap := filepath.Join(abs, fmt.Sprintf("mix_%d_%s.pcap", *flows, *size))
	if _, err := os.Stat(pcap); err != nil {
		gen := exec.Command(*sara, "gen", "--out", pcap, "--flows", fmt.Sprint(*flows),
			"--packets", fmt.Sprint(*flows), "--order", "round-robin", "--size", *size,
			"--noise", "0", "--garbage", "0", "--fragments", "0", "--tcp-share", "0", "--seed", "1")
		gen.Stdout, gen.Stderr = os.Stderr, os.Stderr
		if err := gen.Run(); err != nil {
			fatal(fmt.Errorf("sara gen: %w", err))
		}
	}
	mbufs := nextPow2(*flows+16384) - 1
	var saraR, tpR []float64
	for r := 0; r < *rounds; r++ {
		tp, err := runTestpmd(pcap, *lcores, mbufs, *secs)
		if err != nil {
			fatal(err)
		}
		tpR = append(tpR, tp)
		s, err := runSara(*sara, abs, pcap, *lcores, mbufs, *flows, *secs)
		if err != nil {
			fatal(err)
		}
		saraR = append(saraR, s)
		fmt.Fprintf(os.Stderr, "round %d: testpmd %.3f Mpps, sara %.3f Mpps\n", r+1, tp, s)
	}
	s, t := median(saraR), median(tpR)
	out, _ := json.Marshal(map[string]any{"sara_mpps": round3(s), "testpmd_mpps": round3(t),
		"ratio": round3(s / t), "flows": *flows, "size": *size})
	fmt.Println(string(out))
}

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

func runSara(bin, dir, pcap, lcores string, mbufs, flows, secs int) (float64, error) {
	cfg := filepath.Join(dir, "bench.yaml")
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
log: {level: info, format: json}
`, pcap, lcores, memMB(mbufs+table/8), mbufs, table)
	if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
		return 0, err
	}
	cmd := exec.Command(bin, "run", "-c", cfg, "--duration", fmt.Sprintf("%ds", secs+4), "--stats", "1s")
	rates, err := sample(cmd, secs, func(line string) (float64, bool) {
		var m struct {
			Msg  string `json:"msg"`
			Mpps string `json:"rx_mpps"`
		}
		if json.Unmarshal([]byte(line), &m) != nil || m.Msg != "stats" {
			return 0, false
		}
		v, err := strconv.ParseFloat(m.Mpps, 64)
		return v, err == nil
	})
	return median(rates), err
}

// sample runs cmd, collects per-second rates from its output, drops the
// first two (warm-up) and stops after secs more.
func sample(cmd *exec.Cmd, secs int, parse func(string) (float64, bool)) ([]float64, error) {
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var rates []float64
	done := make(chan struct{})
	var tail []string
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			tail = append(tail, sc.Text())
			if len(tail) > 20 {
				tail = tail[1:]
			}
			if v, ok := parse(sc.Text()); ok {
				if n++; n > 2 && len(rates) < secs {
					rates = append(rates, v)
				}
				if len(rates) == secs {
					cmd.Process.Signal(os.Interrupt)
				}
			}
		}
	}()
	timer := time.AfterFunc(time.Duration(secs+60)*time.Second, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	pw.Close()
	<-done
	if len(rates) == 0 {
		return nil, fmt.Errorf("%s: no rate samples (%v):\n%s", cmd.Path, err, strings.Join(tail, "\n"))
	}
	return rates, nil
}

func memMB(mbufs int) string { return fmt.Sprint(512 + mbufs*2500/(1<<20)) }

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

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
