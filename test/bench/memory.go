package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

// tableMemory runs test/bench/tablemem at 1M entries and derives the
// per-entry figures:
//
//	bytes_per_flow         IPv4 flow table bytes / the entries it holds (a full table)
//	bytes_per_flow_v6      IPv6 flow table bytes / capacity
//	bytes_per_expectation  expectation table bytes / capacity
//	bytes_per_session      one SIP call's data-plane state: its signalling
//	                       flow, RTP and RTCP flows (client → VIP, IPv4) and
//	                       the two announced ports it expects
//	max_flows_8gib         the flow capacity whose IPv4 + IPv6 tables (a
//	                       worker has both, of the same capacity) fit 8 GiB
//
// and the Go side's share (goSessionMemory).
func tableMemory(o *opts, res map[string]any) error {
	const entries = 1 << 20
	cmd := exec.Command("go", "run", "./test/bench/tablemem", fmt.Sprint(entries))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return err
	}
	var m []struct {
		Entries     float64 `json:"entries"`
		FlowCap     float64 `json:"flow_cap"`
		Flow4Bytes  float64 `json:"flow4_bytes"`
		Flow6Bytes  float64 `json:"flow6_bytes"`
		ExpectBytes float64 `json:"expect_bytes"`
	}
	if err := json.Unmarshal(out, &m); err != nil || len(m) != 1 || m[0].Entries != entries {
		return fmt.Errorf("tablemem output %q: %v", out, err)
	}
	fc := m[0].FlowCap
	if fc == 0 {
		fc = entries
	}
	f4, f6, x := m[0].Flow4Bytes/fc, m[0].Flow6Bytes/fc, m[0].ExpectBytes/entries
	res["bytes_per_flow"] = round3(f4)
	res["bytes_per_flow_v6"] = round3(f6)
	res["bytes_per_expectation"] = round3(x)
	res["bytes_per_session"] = round3(3*f4 + 2*x)
	res["max_flows_8gib"] = int64(float64(8<<30) / (f4 + f6))
	return goSessionMemory(res)
}
