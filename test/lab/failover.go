package lab

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// haYAML is the `ha:` section of one member of the lab's hot-standby pair
// (engine/ha): heartbeat d = HeartbeatPeriod, n = Misses, the VIP announced
// from the DPDK port's kernel interface (port0 of its namespace).
const haYAML = `ha:
  enabled: true
  role: %s
  priority: %d
  node_id: %d
  peer_id: %d
  listen: %s:%d
  peer: %s:%d
  key: %s
  interface: port0
  announce_count: 3
  heartbeat_period: %v
  misses: %d
  init_wait: 1s
  preempt: %v
api:
  listen: 127.0.0.1:9080
  token: %s
`

// FailoverDrained is the server the operator drains on the primary (its
// API) before the kill: the standby must follow the drain.
const FailoverDrained = 0

// FailoverDrainAfter is when, after the first call, it is drained.
const FailoverDrainAfter = 1500 * time.Millisecond

// Failover timing: the primary is killed this long after the first call,
// and restarted this long after the kill (then it preempts the standby
// once it holds the state again: the fail-back).
const (
	// FailBackMaxSilence bounds the RTP silence of the fail-back, a planned
	// switchover between two members holding the same state (the calls
	// send every 20 ms; the rest is scheduling on a loaded machine).
	FailBackMaxSilence   = 150 * time.Millisecond
	FailoverKillAfter    = 3 * time.Second
	FailoverRestartAfter = 2500 * time.Millisecond
)

// haConfig writes the configuration of one member of the pair: the lab's
// dispatcher configuration, moved to the standby's namespace addresses
// when standby is set, with its ha section.
func (l *Lab) haConfig(name string, standby bool) (string, error) {
	cfg, err := l.WriteConfig(name)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	body := string(b)
	role, prio, node, peer, own, other := "primary", 200, 1, 2, MgmtIP, StandbyIP
	if standby {
		role, prio, node, peer, own, other = "backup", 100, 2, 1, StandbyIP, MgmtIP
		for _, port := range []int{MgmtPort, AnnouncePort} {
			// the dispatcher's own listening sockets (mgmt.listen, gateway.announce_listen)
			for _, key := range []string{"  listen: ", "  announce_listen: "} {
				body = strings.ReplaceAll(body, fmt.Sprintf("%s%s:%d", key, MgmtIP, port), fmt.Sprintf("%s%s:%d", key, StandbyIP, port))
			}
		}
	}
	body += fmt.Sprintf(haYAML, role, prio, node, peer, own, HAPort, other, HAPort, Key, HeartbeatPeriod, Misses, !standby, Key)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	return cfg, nil
}

// logLine is one zap JSON line of a dispatcher's log.
type logLine struct {
	TS      time.Time `json:"ts"`
	Msg     string    `json:"msg"`
	Reason  string    `json:"reason"`
	InSync  *bool     `json:"in_sync"`
	Records uint32    `json:"records"`
}

// findLog returns the first line with message msg logged at or after from.
func findLog(log, msg string, from time.Time) (found logLine, ok bool) {
	logLines(log, func(ln logLine) bool {
		if ln.Msg == msg && !ln.TS.Before(from) {
			found, ok = ln, true
		}
		return !ok
	})
	return found, ok
}

// haStatus is the part of GET /api/v1/ha the scenario reads.
type haStatus struct {
	Role       string `json:"role"`
	InSync     bool   `json:"in_sync"`
	LagRecords uint64 `json:"lag_records"`
	Lag        int64  `json:"lag_ns"`
	Replicated uint64 `json:"replicated"`
}

// pollHA reads a member's HA status through its API (127.0.0.1:9080 in its
// namespace).
func (l *Lab) pollHA(ns string) (haStatus, error) {
	out, err := exec.Command("ip", "netns", "exec", l.NS(ns), "curl", "-sf", "--max-time", "1",
		"http://127.0.0.1:9080/api/v1/ha").Output()
	var st haStatus
	if err == nil {
		err = json.Unmarshal(out, &st)
	}
	return st, err
}

// Failover is what the failover scenario measured.
type Failover struct {
	Kill, Takeover, Restart, FailBack time.Time
	TakeoverReason, FailBackReason    string
	TakeoverInSync, FailBackInSync    bool
	SnapshotRecords, FailBackRecords  uint32 // the snapshot the standby got at start; the restarted primary's
	MaxLagRecords                     uint64 // the primary's unacknowledged changes, highest polled
	MaxLag                            time.Duration
	Polls                             int
	Drain                             time.Time // the operator's drain of FailoverDrained on the primary
	DrainFollowed                     bool      // the standby logged the same drain before the kill
}

// runFailover drives the pair: primary A in dp, standby B in db, calls
// from the client, kill -9 of A mid-call, A restarted (it preempts once in
// sync). Both members are stopped at the end; A's final counters are the
// run's.
func (l *Lab) runFailover(name string, calls Calls) (_ *Run, _ *Failover, err error) {
	limit := 75 * time.Second
	var started []*Proc
	defer func() {
		if err != nil {
			for _, p := range started {
				_ = p.Stop(syscall.SIGKILL, time.Second)
			}
		}
	}()
	cfgA, err := l.haConfig(name+"-a", false)
	if err != nil {
		return nil, nil, err
	}
	cfgB, err := l.haConfig(name+"-b", true)
	if err != nil {
		return nil, nil, err
	}
	a, err := l.startRun(name+"-a", "dp", cfgA, limit, `"becoming primary"`)
	if err != nil {
		return nil, nil, err
	}
	started = append(started, a.Proc)
	b, err := l.startRun(name+"-b", "db", cfgB, limit, `"snapshot applied: in sync"`)
	if err != nil {
		return nil, nil, err
	}
	started = append(started, b.Proc)
	fo := &Failover{}
	if ln, ok := findLog(b.Output(), "snapshot applied: in sync", time.Time{}); ok {
		fo.SnapshotRecords = ln.Records
	}
	caps, err := l.StartCaptures(name)
	started = append(started, caps.procs...)
	if err != nil {
		return nil, nil, err
	}
	var uas []*Proc
	for i := range NumServers {
		p, err := l.UAS(i, fmt.Sprintf("%s-uas-%s", name, ServerName(i)))
		if err != nil {
			return nil, nil, err
		}
		uas, started = append(uas, p), append(started, p)
	}
	r := &Run{Start: time.Now(), uas: uas}
	uac, err := l.UAC(name+"-uac", calls)
	if err != nil {
		return nil, nil, err
	}
	started = append(started, uac)

	// The primary's replication lag while the calls start; the operator's
	// drain of one server through the primary's API.
	for time.Since(r.Start) < FailoverKillAfter {
		if fo.Drain.IsZero() && time.Since(r.Start) >= FailoverDrainAfter {
			fo.Drain = time.Now()
			out, err := exec.Command("ip", "netns", "exec", l.NS("dp"), l.Bin, "ctl", "drain", ServerName(FailoverDrained),
				"--token", Key).CombinedOutput()
			if err != nil {
				return nil, nil, fmt.Errorf("%w: sara ctl drain: %w: %s", ErrProc, err, out)
			}
		}
		if st, err := l.pollHA("dp"); err == nil && st.Role == "primary" {
			fo.Polls++
			fo.MaxLagRecords = max(fo.MaxLagRecords, st.LagRecords)
			fo.MaxLag = max(fo.MaxLag, time.Duration(st.Lag))
		}
		time.Sleep(100 * time.Millisecond)
	}
	fo.Kill = time.Now()
	r.EventTime = fo.Kill
	fo.DrainFollowed = strings.Contains(b.Output(), `"msg":"drain","server":"`+ServerName(FailoverDrained)+`"`)
	if err := a.Stop(syscall.SIGKILL, time.Second); err != nil && !a.Exited() {
		return nil, nil, fmt.Errorf("%w: kill -9 of the primary: %w", ErrProc, err)
	}
	if err := b.WaitOutput(`"becoming primary"`, 5*time.Second); err != nil {
		return nil, nil, fmt.Errorf("the standby did not take over: %w", err)
	}
	if ln, ok := findLog(b.Output(), "becoming primary", fo.Kill); ok {
		fo.Takeover, fo.TakeoverReason, fo.TakeoverInSync = ln.TS, ln.Reason, ln.InSync != nil && *ln.InSync
	}
	time.Sleep(time.Until(fo.Kill.Add(FailoverRestartAfter)))
	fo.Restart = time.Now()
	a2p, err := l.Start(name+"-a2", l.NS("dp"), l.Bin, "run", "-c", cfgA, "--duration", limit.String(), "--stats", "2s")
	if err != nil {
		return nil, nil, err
	}
	started = append(started, a2p)
	a2 := &Dispatcher{Proc: a2p, Config: cfgA}
	if err := a2.WaitOutput(`"becoming primary"`, 15*time.Second); err != nil {
		return nil, nil, fmt.Errorf("the restarted primary did not take the VIP back: %w", err)
	}
	if ln, ok := findLog(a2.Output(), "becoming primary", fo.Restart); ok {
		fo.FailBack, fo.FailBackReason, fo.FailBackInSync = ln.TS, ln.Reason, ln.InSync != nil && *ln.InSync
	}
	if ln, ok := findLog(a2.Output(), "snapshot applied: in sync", fo.Restart); ok {
		fo.FailBackRecords = ln.Records
	}

	r.UACErr = uac.Wait(time.Until(r.Start.Add(limit - 10*time.Second)))
	_ = uac.Stop(syscall.SIGUSR1, 5*time.Second)
	if r.UAC, err = ReadSIPStats(strings.TrimSuffix(uac.Log, ".log") + ".csv"); err != nil {
		return nil, nil, err
	}
	for i, p := range uas {
		st, err := StopSIPP(p)
		if err != nil {
			return nil, nil, fmt.Errorf("UAS %s: %w", ServerName(i), err)
		}
		r.UAS = append(r.UAS, st)
	}
	time.Sleep(200 * time.Millisecond)
	var out []Packet
	if r.Packets, out, err = caps.Stop(); err != nil {
		return nil, nil, err
	}
	r.Announced = Announcements(out)
	// The backup first: stopped after it, the primary's planned failure
	// would make the backup take the VIP (its gratuitous ARP would leave
	// the router's entry on the standby's MAC for the next scenario).
	if err := b.Stop(syscall.SIGINT, 10*time.Second); err != nil {
		return nil, nil, fmt.Errorf("%w: standby exit: %w", ErrProc, err)
	}
	if r.Counters, err = a2.Finish(); err != nil {
		return nil, nil, err
	}
	if !strings.Contains(a2.Output(), `"role":"primary"`) || strings.Count(b.Output(), `"becoming primary"`) != 1 {
		return nil, nil, fmt.Errorf("%w: the pair did not stop as primary A, backup B", ErrProc)
	}
	cb, err := finalCounters(b.Output())
	if err != nil {
		return nil, nil, err
	}
	r.Counters.add(cb) // the killed primary's own counters died with it
	r.DispatcherLog = a2.Output()
	r.Control = true
	return r, fo, nil
}

// mediaGaps returns, for every client→VIP media flow (by source) that was
// running at t, its longest silence at the servers that ended within
// [t, t+settle] (the forwarding gap of a transition at t: every call
// plays packets 20 ms apart), and how many of those flows stopped early:
// no packet after t+settle while the flow lasted less than the longest
// flow minus settle (every call plays the same capture).
func mediaGaps(pk []Packet, t time.Time, settle time.Duration) (gaps []time.Duration, stopped int, worstAt time.Time) {
	at, until := float64(t.UnixNano())/1e9, float64(t.Add(settle).UnixNano())/1e9
	times := map[string][]float64{}
	for _, p := range pk {
		if p.Proto != 17 || p.CallID != "" || p.Dst.Port() == uint16(SIPPort) || p.Dst.Addr() != VIP {
			continue
		}
		times[p.Src.String()] = append(times[p.Src.String()], p.T)
	}
	var full float64
	for _, ts := range times {
		sort.Float64s(ts)
		full = max(full, ts[len(ts)-1]-ts[0])
	}
	for _, ts := range times {
		first, last := ts[0], ts[len(ts)-1]
		if first > at || last < at-0.1 {
			continue // started after t, or had ended before it
		}
		if last < until && last-first < full-settle.Seconds() {
			stopped++
		}
		var g, from float64
		for i := 1; i < len(ts); i++ {
			if ts[i] >= at && ts[i] <= until && ts[i]-ts[i-1] > g {
				g, from = ts[i]-ts[i-1], ts[i-1]
			}
		}
		d := time.Duration(g * float64(time.Second))
		if len(gaps) == 0 || d > gaps[len(gaps)-1] {
			worstAt = time.Unix(0, int64(from*1e9))
		}
		gaps = append(gaps, d)
		sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	}
	return gaps, stopped, worstAt
}

// steadyMedia writes the UAC's RTP capture for the failover scenario:
// 350 G.711 packets (7 s) exactly 20 ms apart, so that any silence longer
// than that at the servers is the dispatchers' doing (sipp's own
// g711a.pcap has pauses of ~0.8 s that would hide a forwarding gap).
func (l *Lab) steadyMedia() (string, error) {
	const name, packets = "g711-steady.pcap", 350
	f, err := os.Create(filepath.Join(l.Dir, name))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	t0 := time.Unix(1_700_000_000, 0)
	payload := make([]byte, 12+160)
	for k := range packets {
		payload[0], payload[1] = 0x80, 0 // RTP v2, PCMU
		binary.BigEndian.PutUint16(payload[2:], uint16(k))
		binary.BigEndian.PutUint32(payload[4:], uint32(160*k))
		binary.BigEndian.PutUint32(payload[8:], 0x5a5a0001)
		for i := 12; i < len(payload); i++ {
			payload[i] = 0xff // PCMU silence
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4(10, 0, 0, 1), DstIP: net.IPv4(10, 0, 0, 2)}
		udp := &layers.UDP{SrcPort: 6000, DstPort: 6000}
		_ = udp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2},
				EthernetType: layers.EthernetTypeIPv4}, ip, udp, gopacket.Payload(payload)); err != nil {
			return "", fmt.Errorf("%w: %w", ErrSetup, err)
		}
		b := buf.Bytes()
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(k) * 20 * time.Millisecond), CaptureLength: len(b), Length: len(b)}
		if err := w.WritePacket(ci, b); err != nil {
			return "", fmt.Errorf("%w: %w", ErrSetup, err)
		}
	}
	return name, f.Close()
}

// FailoverScenario runs n SIP calls with RTP through a hot-standby pair:
// kill -9 of the primary while they are established, the standby takes the
// VIP (gratuitous ARP) and forwards with the replicated state; the primary
// restarts, takes the state back (snapshot) and the VIP (preemption, a
// planned switchover). Every call must complete with all of its packets on
// one server and its media flowing again after each transition.
func (l *Lab) FailoverScenario(n int) (*Result, error) {
	res := newResult("failover")
	media, err := l.steadyMedia()
	if err != nil {
		return nil, err
	}
	// Calls start over n/5 s, each plays ~7 s of RTP then hangs up: the
	// first ones span the kill, the later ones the fail-back.
	r, fo, err := l.runFailover("failover", Calls{N: n, Rate: 5, Hold: 8 * time.Second, Media: media, RecvLimit: 3 * time.Second})
	if err != nil {
		return nil, err
	}
	calls := sipChecks(res, r, n, nil)
	moved := 0
	for _, c := range calls {
		servers := map[int]bool{}
		for _, s := range c.Sig.Servers() {
			servers[s] = true
		}
		for _, s := range c.Media.Servers() {
			servers[s] = true
		}
		if len(servers) != 1 {
			moved++
		}
	}
	res.Expect("sessions_not_moved", moved == 0 && len(calls) == n,
		"%d of %d calls had packets (SIP or RTP) on more than one server across takeover and fail-back", moved, len(calls))
	takeover := fo.Takeover.Sub(fo.Kill)
	res.Expect("takeover_under_1s", !fo.Takeover.IsZero() && takeover < time.Second && fo.TakeoverInSync,
		"the standby became primary %v after kill -9 of the primary (reason %s, in sync %v; heartbeat %v, n = %d)",
		takeover.Round(time.Millisecond), fo.TakeoverReason, fo.TakeoverInSync, HeartbeatPeriod, Misses)
	gaps, stopped, gapAt := mediaGaps(r.Packets, fo.Kill, 2*time.Second)
	worst := time.Duration(0)
	if len(gaps) > 0 {
		worst = gaps[len(gaps)-1]
	}
	res.Expect("media_resumed_after_takeover", stopped == 0 && len(gaps) > 0 && worst < time.Second,
		"%d RTP flows were running at the kill: %d stopped, longest silence %v (median %v)",
		len(gaps), stopped, worst.Round(time.Millisecond), median(gaps).Round(time.Millisecond))
	fbGaps, fbStopped, fbGapAt := mediaGaps(r.Packets, fo.FailBack.Add(-200*time.Millisecond), 2*time.Second)
	fbWorst := time.Duration(0)
	if len(fbGaps) > 0 {
		fbWorst = fbGaps[len(fbGaps)-1]
	}
	res.Expect("clean_fail_back", !fo.FailBack.IsZero() && fo.FailBackInSync && fo.FailBackReason == "switchover" &&
		fbStopped == 0 && len(fbGaps) > 0 && fbWorst < FailBackMaxSilence,
		"the restarted primary took the VIP back %v after its start (reason %s, in sync %v, snapshot of %d records); "+
			"%d RTP flows running then, %d stopped, longest silence %v (a planned switchover: want < %v)",
		fo.FailBack.Sub(fo.Restart).Round(time.Millisecond), fo.FailBackReason, fo.FailBackInSync, fo.FailBackRecords,
		len(fbGaps), fbStopped, fbWorst.Round(time.Millisecond), FailBackMaxSilence)
	res.Expect("replication_lag", fo.Polls > 0,
		"primary's replication lag over %d polls before the kill: at most %d changes unacknowledged, oldest %v",
		fo.Polls, fo.MaxLagRecords, fo.MaxLag.Round(time.Microsecond))
	// The operator's drain on the primary holds on the standby after the
	// takeover: no call that started after the drain took effect reached
	// the drained server.
	settle := fo.Drain.Add(ControlInterval + 200*time.Millisecond)
	after, onDrained := 0, 0
	for _, c := range calls {
		if c.Sig.First < float64(settle.UnixNano())/1e9 {
			continue
		}
		after++
		if c.Sig.Packets[FailoverDrained] > 0 {
			onDrained++
		}
	}
	res.Expect("drain_survives_takeover", fo.DrainFollowed && after > 0 && onDrained == 0,
		"the operator drained %s on the primary (API) %v before the kill; the standby followed: %v; "+
			"%d of the %d calls started after the drain took effect reached it",
		ServerName(FailoverDrained), fo.Kill.Sub(fo.Drain).Round(time.Millisecond), fo.DrainFollowed, onDrained, after)
	res.Extra["takeover_ms"] = takeover.Milliseconds()
	res.Extra["forwarding_gap_ms"] = worst.Milliseconds()
	res.Extra["failback_gap_ms"] = fbWorst.Milliseconds()
	// where the longest silences began, against the events (ms; negative: before)
	res.Extra["gap_start_after_kill_ms"] = gapAt.Sub(fo.Kill).Milliseconds()
	res.Extra["failback_gap_start_after_takeover_ms"] = fbGapAt.Sub(fo.FailBack).Milliseconds()
	res.Extra["failback_after_restart_ms"] = fo.FailBack.Sub(fo.Restart).Milliseconds()
	res.Extra["max_lag_records"] = fo.MaxLagRecords
	res.Extra["max_lag_us"] = fo.MaxLag.Microseconds()
	res.Extra["standby_snapshot_records"] = fo.SnapshotRecords
	res.Extra["failback_snapshot_records"] = fo.FailBackRecords
	return finish(res, r, calls), nil
}

// median returns the middle of sorted durations (0 for none).
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[len(d)/2]
}

// add sums o into c (the members of a pair).
func (c *Counters) add(o Counters) {
	c.RX += o.RX
	c.TX += o.TX
	c.FwdSig += o.FwdSig
	c.SigDecide += o.SigDecide
	c.SigTap += o.SigTap
	c.ExpectHit += o.ExpectHit
	if c.Drops == nil {
		c.Drops = map[string]uint64{}
	}
	for k, v := range o.Drops {
		c.Drops[k] += v
	}
	for i, v := range o.ServerPackets {
		if i < len(c.ServerPackets) {
			c.ServerPackets[i] += v
		}
	}
	for i, v := range o.ServerFlows {
		if i < len(c.ServerFlows) {
			c.ServerFlows[i] += v
		}
	}
}
