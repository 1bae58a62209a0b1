package lab

import (
	"fmt"
	"strings"
	"time"
)

// The overload scenario's servers and traffic. Each server's UAS runs in
// its CPU cgroup limited to CPUQuota per CPUPeriod (0.5% of one CPU): on
// this machine the three complete about 11–12 calls/s of the lab's calls
// between them, and OverloadRate offers more than twice that. The load the
// dispatcher sees is each agent's backlog — the bytes waiting on the UAS's
// SIP socket (BacklogLimit reads as full) — which grows only when the UAS
// falls behind its messages. (Its CPU is no signal: sipp polls and takes
// whatever its quota allows, ~92% of it while idle.)
const (
	CPUQuota       = time.Millisecond
	CPUPeriod      = 200 * time.Millisecond
	OverloadRate   = 30               // calls/s offered
	OverloadLength = 10 * time.Second // of offered load per run
	OverloadHold   = time.Second
	// OverloadRecv is how long the UAC waits for each answer (the 200 OK,
	// the BYE's 200) before it abandons the call: a caller's patience.
	OverloadRecv = 3 * time.Second
	// UASTimerResolution is the UAS's timer resolution (sipp -timer_resol,
	// ms) in the scenario, as its capacity was measured.
	UASTimerResolution = 10
)

// OverloadRun is one run's account (SA2C on or off).
type OverloadRun struct {
	SA2C        bool    `json:"sa2c"`
	Offered     int     `json:"offered"`      // calls the UAC started
	Completed   int     `json:"completed"`    // ... and completed (sipp UAC)
	Failed      int     `json:"failed"`       // ... and failed (sipp UAC)
	CallsPerSec float64 `json:"calls_per_s"`  // completed / seconds of offered load
	NoServer    int     `json:"reached_none"` // calls none of whose INVITEs reached a server (refused at the door)
	Established int     `json:"established"`  // calls whose ACK reached a server
	// NoBye: established calls whose BYE reached no server (cut off
	// after they were set up).
	NoBye int `json:"established_no_bye"`
	// BrokenMedia: established calls whose servers got fewer than the
	// RTPPackets RTP packets the UAC sent.
	BrokenMedia int `json:"broken_media"`
	Split       int `json:"split"` // calls with SIP on more than one server
	UASFailed   int `json:"uas_failed"`
	// FailedFast: the UAC's calls that failed on an unexpected answer — a
	// 503 from the dispatcher — rather than by waiting OverloadRecv;
	// TimedOut: those that failed waiting.
	FailedFast int     `json:"failed_fast"`
	TimedOut   int     `json:"timed_out"`
	MaxLoad    float64 `json:"max_load"` // highest SA2C load l in the dispatcher's policy lines
	// Regions counts the control intervals by SA2C region, from the first
	// interval with a load to the last (the dispatcher's admission trace).
	Regions   map[string]int `json:"regions,omitempty"`
	Refusing  bool           `json:"refusing"`   // some policy had p_new > 0
	RejectAll bool           `json:"reject_all"` // some policy rejected everything
	// Drops are the dispatcher's drop counters: a refused call is dropped
	// there (no SIP error goes back), so the UAC gives up after OverloadRecv.
	Drops map[string]uint64 `json:"drops,omitempty"`
}

// overloadConfig edits the lab's dispatcher configuration for the
// scenario: SA2C on or off (control.admission); everything else, the
// backlog-weighted load included, is the lab's. An edit that finds nothing
// to change leaves an unknown key, which `sara run` refuses.
func overloadConfig(sa2c bool) func(string) string {
	return func(body string) string {
		if !strings.Contains(body, "\ncontrol:\n") {
			return body + "overload_config_edit_failed: true\n"
		}
		body = strings.Replace(body, "\nlog: {level: info,", "\nlog: {level: debug,", 1) // the control loop's per-interval trace
		return strings.Replace(body, "\ncontrol:\n", fmt.Sprintf("\ncontrol:\n  admission: %v\n", sa2c), 1)
	}
}

// cappedUAS starts server i's UAS and moves it into its CPU cgroup.
func (l *Lab) cappedUAS(i int, name string) (*Proc, error) {
	p, err := l.UAS(i, name, "-timer_resol", fmt.Sprint(UASTimerResolution))
	if err != nil {
		return nil, err
	}
	if err := l.JoinCgroup(i, p.cmd.Process.Pid); err != nil {
		return nil, err
	}
	return p, nil
}

// OverloadScenario offers about twice the cluster's capacity — servers
// whose UAS is held to a CPU quota — twice with the same traffic: SA2C on,
// then off. It reports completed calls/s, failed calls, calls cut off and
// calls with broken media in each run and their ratio; the checks assert
// what the runs must show (the load is a real overload, SA2C refuses at
// the door and the switch turns it off) and only what SA2C delivered on
// this traffic.
func (l *Lab) OverloadScenario() (*Result, error) {
	res := newResult("overload")
	if !l.HaveCgroups() {
		return nil, fmt.Errorf("%w: the servers have no CPU cgroup (no cpu controller under %s)", ErrSetup, cgroupRoot)
	}
	for i := range NumServers {
		if err := l.LimitCPU(i, CPUQuota, CPUPeriod); err != nil {
			return nil, err
		}
	}
	defer func() {
		for i := range NumServers {
			_ = l.LimitCPU(i, 0, CPUPeriod)
		}
	}()
	start := time.Now()
	n := OverloadRate * int(OverloadLength/time.Second)
	var runs [2]OverloadRun
	for k, sa2c := range []bool{true, false} {
		name := map[bool]string{true: "overload-sa2c", false: "overload-off"}[sa2c]
		r, err := l.run(name, Traffic{
			Calls:    &Calls{N: n, Rate: OverloadRate, Hold: OverloadHold, RecvLimit: OverloadRecv},
			Config:   overloadConfig(sa2c),
			UAS:      l.cappedUAS,
			Deadline: OverloadLength + 30*time.Second,
		})
		if err != nil {
			return nil, err
		}
		runs[k] = measureOverload(r, sa2c, OverloadLength)
		if !sa2c {
			calls, _ := SIPCalls(r.Packets)
			res.setSpread(sessionList(calls))
			res.Dispatcher = r.Counters
		}
		res.Attempted += r.UAC.Created
		res.Completed += r.UAC.Successful
	}
	on, off := runs[0], runs[1]
	ratio := 0.0
	if off.CallsPerSec > 0 {
		ratio = on.CallsPerSec / off.CallsPerSec
	}
	res.Extra["sa2c"], res.Extra["off"], res.Extra["calls_per_s_ratio"] = on, off, ratio
	res.Extra["offered_calls_per_s"] = OverloadRate
	res.Extra["cpu_limit"] = fmt.Sprintf("%v per %v", CPUQuota, CPUPeriod)

	// What the runs must show for the comparison to mean anything.
	res.Expect("overload_is_real", off.CallsPerSec < 0.8*OverloadRate && off.Failed > 0,
		"without SA2C the servers completed %.1f of the %d calls/s offered (%d failed): the offered load exceeds their capacity",
		off.CallsPerSec, OverloadRate, off.Failed)
	res.Expect("overload_sa2c_refuses", on.Refusing && on.NoServer > 0 && on.MaxLoad >= 0.7,
		"with SA2C the load reached %.2f, p_new > 0: %v; %d calls were refused at the door (none of their INVITEs reached a server)",
		on.MaxLoad, on.Refusing, on.NoServer)
	res.Expect("overload_off_refuses_nothing", !off.Refusing && !off.RejectAll && off.NoServer == 0,
		"without SA2C: p_new > 0 %v, reject-all %v; %d calls reached no server", off.Refusing, off.RejectAll, off.NoServer)
	res.Expect("overload_signalling_one_server", on.Split == 0 && off.Split == 0,
		"calls with SIP on several servers: %d with SA2C, %d without", on.Split, off.Split)
	// Admission refuses whole new calls and never cuts established ones:
	// in-dialog signalling passes at reject-all too.
	res.Expect("overload_established_not_cut", on.NoBye == 0,
		"established calls whose BYE reached no server: %d with SA2C (%d without)", on.NoBye, off.NoBye)
	// A refused call is answered (503 + Retry-After from the VIP): every
	// call refused at the door fails at once on it, none by waiting.
	res.Expect("overload_refusals_answered", on.NoServer > 0 && on.FailedFast >= on.NoServer && off.FailedFast == 0,
		"with SA2C %d calls refused at the door, %d failed at once on an answer (%d by waiting %v); without %d and %d",
		on.NoServer, on.FailedFast, on.TimedOut, OverloadRecv, off.FailedFast, off.TimedOut)
	// The comparison itself: reported, not asserted — on this traffic SA2C
	// completes about as many or fewer calls than no admission at all
	// (docs/lab.md, "Overload").
	res.Expect("overload_same_traffic", on.Offered == n && off.Offered == n,
		"both runs offered %d calls at %d/s; completed calls/s with SA2C %.1f, without %.1f (ratio %.2f); failed %d / %d; "+
			"established calls cut off (no BYE at a server) %d / %d; calls with broken media %d / %d; refused at the door %d / %d; "+
			"failed at once %d / %d, by waiting %d / %d",
		n, OverloadRate, on.CallsPerSec, off.CallsPerSec, ratio, on.Failed, off.Failed, on.NoBye, off.NoBye,
		on.BrokenMedia, off.BrokenMedia, on.NoServer, off.NoServer, on.FailedFast, off.FailedFast, on.TimedOut, off.TimedOut)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// measureOverload reads one run: the UAC's and UASes' counts, the servers'
// captures and the dispatcher's policy lines.
func measureOverload(r *Run, sa2c bool, offered time.Duration) OverloadRun {
	o := OverloadRun{SA2C: sa2c, Offered: r.UAC.Created, Completed: r.UAC.Successful, Failed: r.UAC.Failed,
		CallsPerSec: float64(r.UAC.Successful) / offered.Seconds(), Drops: r.Counters.Drops,
		FailedFast: r.UAC.FailedUnexpected, TimedOut: r.UAC.FailedTimeout}
	for _, st := range r.UAS {
		o.UASFailed += st.Failed
	}
	calls, _ := SIPCalls(r.Packets)
	o.NoServer = max(0, r.UAC.Created-len(calls))
	acked, byed := map[string]bool{}, map[string]bool{}
	for _, p := range r.Packets {
		switch p.SIPMethod {
		case "ACK":
			acked[p.CallID] = true
		case "BYE":
			byed[p.CallID] = true
		}
	}
	for id, c := range calls {
		if _, one := c.Sig.One(); !one {
			o.Split++
		}
		if !acked[id] {
			continue
		}
		o.Established++
		if !byed[id] {
			o.NoBye++
		}
		n := 0
		for _, k := range c.Media.Packets {
			n += k
		}
		if n < RTPPackets {
			o.BrokenMedia++
		}
	}
	o.MaxLoad, o.Refusing, o.RejectAll = policyTrace(r.DispatcherLog)
	o.Regions = regionTrace(r.DispatcherLog)
	return o
}

// regionTrace counts the control loop's per-interval admission lines
// (debug level) by region, from the first with a load above 0.
func regionTrace(log string) map[string]int {
	var n map[string]int
	started := false
	type admLine struct {
		Msg    string  `json:"msg"`
		Load   float64 `json:"load"`
		Region string  `json:"region"`
	}
	logLines(log, func(line admLine) bool {
		if line.Msg != "admission" {
			return true
		}
		if started = started || line.Load > 0; started {
			if n == nil {
				n = map[string]int{}
			}
			n[line.Region]++
		}
		return true
	})
	return n
}

// policyTrace reads the control loop's policy lines (logged when the
// region or the sequence changes): the highest load, whether any refused
// new sessions and whether any rejected everything.
func policyTrace(log string) (maxLoad float64, refusing, rejectAll bool) {
	type policyLine struct {
		Msg       string  `json:"msg"`
		Load      float64 `json:"load"`
		PNew      float64 `json:"p_new"`
		RejectAll bool    `json:"reject_all"`
		Sequence  int     `json:"sequence"`
	}
	logLines(log, func(line policyLine) bool {
		if line.Msg == "policy" {
			maxLoad = max(maxLoad, line.Load)
			// p_new = 1 with an empty sequence is "no server yet", not SA2C
			refusing = refusing || (line.PNew > 0 && line.Sequence > 0)
			rejectAll = rejectAll || line.RejectAll
		}
		return true
	})
	return maxLoad, refusing, rejectAll
}
