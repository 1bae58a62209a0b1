// Command bench measures the SARA dispatcher against dpdk-testpmd
// (--forward-mode=macswap) on the same net_pcap,infinite_rx=1 input, one
// worker core each, side by side in one run, and prints one JSON line last:
//
//	{"sara_mpps": X, "testpmd_mpps": Y, "ratio": X/Y, "flows": N,
//	 "mix_100k_ratio": ..., "b64_1m_ratio": ..., "new_flows_per_s": ...,
//	 "bytes_per_flow": ..., "sip_msgs_per_s": ..., "announce_p50_us": ..., "announce_p99_us": ..., ...}
//
// Throughput cases (mix and 64-byte frames, 100k and 1M live flows, and a
// session mix of SIP calls, RTSP sessions and background flows) run
// each side `rounds` times, alternating; a run's figure is the median of
// its per-second rates after a warm-up, a side's figure the best of its
// runs: on a shared machine other work only ever slows a run down, so the
// best run is the closest to what the core can do. docs/performance.md explains every key.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// opts are the command-line options.
type opts struct {
	sara, saraB, dir string
	lcores, cases    string
	flows, big       int
	secs, rounds     int
	quick, skipGo    bool
	only             string
}

func main() {
	var o opts
	flag.StringVar(&o.sara, "sara", "bin/sara", "sara binary")
	flag.StringVar(&o.saraB, "sara-b", "", "a second sara binary, run in turn with the first in every round (A/B of a change): keys <case>_sara_b_mpps, <case>_ratio_b")
	flag.StringVar(&o.cases, "cases", "", "throughput cases to run (comma-separated: mix_100k,b64_100k,mix_1m,b64_1m,sessions; default all)")
	flag.StringVar(&o.dir, "dir", "test/out/bench", "work directory (captures are kept and reused)")
	flag.IntVar(&o.flows, "flows", 100000, "live flows of the small cases")
	flag.IntVar(&o.big, "big", 1000000, "live flows of the large cases and of the new-flow run")
	flag.IntVar(&o.secs, "seconds", 5, "measured seconds per run (after 2 s warm-up)")
	flag.IntVar(&o.rounds, "rounds", 3, "runs per side and case, alternating")
	flag.StringVar(&o.lcores, "lcores", "0@0,1@1", "EAL --lcores for both sides: main lcore and one worker")
	flag.BoolVar(&o.quick, "quick", false, "only the mix with -flows flows (the original figure)")
	flag.BoolVar(&o.skipGo, "skip-go", false, "skip the Go benchmarks")
	flag.StringVar(&o.only, "only", "", "run only these parts (comma-separated: throughput,newflows,memory,go)")
	flag.Parse()
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		fatal(err)
	}
	o.dir, _ = filepath.Abs(o.dir)
	start := time.Now()
	res := map[string]any{}
	err := collect(&o, res)
	res["elapsed_s"] = int(time.Since(start).Seconds())
	res["loadavg"] = loadavg()
	if err != nil {
		res["error"] = err.Error()
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out)) // the last line, also after a failure: what was measured
	if err != nil {
		fatal(err)
	}
}

// throughput cases: name prefix, frame sizes, flows.
type tcase struct {
	key, size string
	flows     int
}

// collect runs every measurement and fills res.
func collect(o *opts, res map[string]any) error {
	cases := []tcase{{"mix_100k", "mix", o.flows}}
	if !o.quick {
		cases = append(cases, tcase{"b64_100k", "64", o.flows}, tcase{"mix_1m", "mix", o.big}, tcase{"b64_1m", "64", o.big},
			tcase{"sessions", "sessions", 0})
	}
	// Every measurement is independent: one failing does not hide the others.
	var errs []error
	for i, c := range cases {
		if !o.run("throughput") {
			break
		}
		if o.cases != "" && !slices.Contains(strings.Split(o.cases, ","), c.key) {
			continue
		}
		if err := throughput(o, c, i == 0, res); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.key, err))
		}
	}
	if o.quick {
		return errors.Join(errs...)
	}
	if o.run("newflows") {
		if err := newFlows(o, res); err != nil {
			errs = append(errs, fmt.Errorf("new flows: %w", err))
		}
	}
	if o.run("memory") {
		if err := tableMemory(o, res); err != nil {
			errs = append(errs, fmt.Errorf("table memory: %w", err))
		}
	}
	if o.run("go") && !o.skipGo {
		if err := goBenchmarks(res); err != nil {
			errs = append(errs, fmt.Errorf("go benchmarks: %w", err))
		}
	}
	return errors.Join(errs...)
}

// run tells whether a part of the bench is selected by -only.
func (o *opts) run(part string) bool {
	return o.only == "" || slices.Contains(strings.Split(o.only, ","), part)
}

// throughput runs one case side by side and adds its keys.
func throughput(o *opts, c tcase, first bool, res map[string]any) error {
	var pcap string
	var err error
	if c.size == "sessions" { // frames, not flows, size the mbufs and table
		pcap, c.flows, err = sessionsCapture(o)
	} else {
		pcap, err = capture(o, c.size, c.flows)
	}
	if err != nil {
		return err
	}
	s, sb, t, err := sideBySide(o, pcap, c.flows)
	if err != nil {
		return err
	}
	res[c.key+"_sara_mpps"], res[c.key+"_testpmd_mpps"], res[c.key+"_ratio"] = round3(s), round3(t), round3(s/t)
	if o.saraB != "" {
		res[c.key+"_sara_b_mpps"], res[c.key+"_ratio_b"] = round3(sb), round3(sb/t)
	}
	if first { // the original keys: the mix with -flows flows
		res["sara_mpps"], res["testpmd_mpps"], res["ratio"] = round3(s), round3(t), round3(s/t)
		res["flows"], res["size"] = c.flows, c.size
	}
	return nil
}

// newFlows measures new_flows_per_s on the 64-byte capture of -big flows.
func newFlows(o *opts, res map[string]any) error {
	pcap, err := capture(o, "64", o.big)
	if err != nil {
		return err
	}
	nf, err := newFlowRate(o, pcap, o.big)
	if err != nil {
		return err
	}
	res["new_flows_per_s"] = int(nf)
	if t, ok := res["b64_1m_testpmd_mpps"].(float64); ok && t > 0 {
		res["new_flows_ratio"] = round3(nf / (t * 1e6))
	}
	return nil
}

// sideBySide alternates testpmd and sara (and sara-b, if given) on pcap
// and returns each side's best run.
func sideBySide(o *opts, pcap string, flows int) (sara, saraB, tp float64, err error) {
	mbufs := flows + 16383
	var saraR, bR, tpR []float64
	for r := 0; r < o.rounds; r++ {
		t, err := runTestpmd(pcap, o.lcores, mbufs, o.secs)
		if err != nil {
			return 0, 0, 0, err
		}
		s, err := runSara(o, o.sara, pcap, mbufs, flows)
		if err != nil {
			return 0, 0, 0, err
		}
		tpR, saraR = append(tpR, t), append(saraR, s)
		line := fmt.Sprintf("bench: %s round %d: testpmd %.3f Mpps, sara %.3f Mpps", filepath.Base(pcap), r+1, t, s)
		if o.saraB != "" {
			b, err := runSara(o, o.saraB, pcap, mbufs, flows)
			if err != nil {
				return 0, 0, 0, err
			}
			bR = append(bR, b)
			line += fmt.Sprintf(", sara-b %.3f Mpps", b)
		}
		fmt.Fprintln(os.Stderr, line)
	}
	if len(bR) > 0 {
		saraB = slices.Max(bR)
	}
	return slices.Max(saraR), saraB, slices.Max(tpR), nil
}

// loadavg is the 1-minute load average at the end (other work on the machine).
func loadavg() any {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	var l float64
	if _, err := fmt.Sscan(string(b), &l); err != nil {
		return nil
	}
	return l
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
