package lab

import (
	"fmt"
	"time"
)

// CallsScenario places n SIP calls, each on its own UDP 5-tuple, with RTP
// both ways: every call completes, its SIP reaches one server, the calls
// spread over the servers.
func (l *Lab) CallsScenario(n int) (*Result, error) {
	res := newResult("calls")
	r, err := l.run("calls", Traffic{Calls: &Calls{N: n, Rate: 15, Hold: time.Second}})
	if err != nil {
		return nil, err
	}
	calls := sipChecks(res, r, n, nil)
	spreadCheck(res, calls, NumServers)
	return finish(res, r, calls), nil
}

// EarlyMediaScenario places n calls whose RTP starts right after the ACK,
// as a phone's does: it measures how many RTP flows reach the dispatcher
// after the gateway's announcement of their port (placed with their call)
// and how many outrun it.
func (l *Lab) EarlyMediaScenario(n int) (*Result, error) {
	res := newResult("early-media")
	r, err := l.run("early-media", Traffic{Calls: &Calls{N: n, Rate: 15, Hold: time.Second, EarlyMedia: true}})
	if err != nil {
		return nil, err
	}
	calls := sipChecks(res, r, n, nil)
	return finish(res, r, calls), nil
}

// RTSPScenario opens tcp interleaved and udp RTSP sessions (ffmpeg against
// GStreamer's server): every session plays to the end on one server.
func (l *Lab) RTSPScenario(tcp, udp int) (*Result, error) {
	res := newResult("rtsp")
	tr := Traffic{RTSPTCP: tcp, RTSPUDP: udp}
	r, err := l.run("rtsp", tr)
	if err != nil {
		return nil, err
	}
	sessions := rtspChecks(res, r, tr)
	// Six sessions in one control interval: the shell's water-filling
	// sequence may give them to two servers.
	spreadCheck(res, sessions, 2)
	return finish(res, r, sessions), nil
}

// MixedScenario runs SIP calls and RTSP sessions at the same time (the demo).
func (l *Lab) MixedScenario(calls, tcp, udp int) (*Result, error) {
	res := newResult("mixed")
	tr := Traffic{Calls: &Calls{N: calls, Rate: 10, Hold: time.Second}, RTSPTCP: tcp, RTSPUDP: udp}
	r, err := l.run("mixed", tr)
	if err != nil {
		return nil, err
	}
	all := append(sipChecks(res, r, calls, nil), rtspChecks(res, r, tr)...)
	spreadCheck(res, all, 2) // 16 sessions; the full spread is the calls scenario's check

	return finish(res, r, all), nil
}

// TrunkScenario places n calls multiplexed on ONE UDP 5-tuple (a peer
// proxy's trunk, client port 5060 → VIP:5060). Balanced per 5-tuple the
// whole trunk lands on one server; per Call-ID the calls spread.
func (l *Lab) TrunkScenario(n int) (*Result, error) {
	res := newResult("trunk")
	r, err := l.run("trunk", Traffic{Calls: &Calls{N: n, Rate: 15, Hold: time.Second, Trunk: true}})
	if err != nil {
		return nil, err
	}
	calls := sipChecks(res, r, n, nil)
	per, _ := Spread(calls)
	used := 0
	for _, k := range per {
		if k > 0 {
			used++
		}
	}
	if r.SigPathActive() {
		res.Expect("trunk_spread_per_call", used == NumServers, "calls of one trunk per server %v", per)
	} else {
		res.Wait("trunk_spread_per_call", WaitSigPath, "today the trunk's calls per server are %v", per)
	}
	return finish(res, r, calls), nil
}

// Scenario runs a scenario by name with the lab's default sizes.
func (l *Lab) Scenario(name string, nodes []Node) (*Result, error) {
	switch name {
	case "calls":
		return l.CallsScenario(30)
	case "rtsp":
		return l.RTSPScenario(3, 3)
	case "mixed":
		return l.MixedScenario(12, 2, 2)
	case "trunk":
		return l.TrunkScenario(30)
	case "early-media":
		return l.EarlyMediaScenario(30)
	case "drain":
		defer l.Undrain(1) //nolint:errcheck // restores the server for what follows
		return l.DrainScenario(40)
	case "server-failure":
		return l.ServerFailureScenario(nodes, 40)
	case "failover":
		return l.FailoverScenario(30)
	case "overload":
		return l.OverloadScenario()
	}
	return nil, fmt.Errorf("%w: unknown scenario %q", ErrSetup, name)
}
