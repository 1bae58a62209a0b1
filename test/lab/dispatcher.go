package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Key is the lab's shared management HMAC key (hex), in the dispatcher's
// and every agent's configuration.
const Key = "5a17b1d0c0ffee00112233445566778899aabbccddeeff00"

// Management timing of the lab: heartbeat period d, misses n, load period
// t, and the control loop's interval (how often a new selection is published).
const (
	HeartbeatPeriod = 100 * time.Millisecond
	Misses          = 3
	LoadPeriod      = 500 * time.Millisecond
	ControlInterval = 500 * time.Millisecond
)

// dispatcherYAML is `sara run`'s configuration: one net_af_packet port on
// port0, one worker, both lcores on CPU 0, no hugepages, small pools.
const dispatcherYAML = `vips: [%s]
servers:
%s
dataplane:
  ports: [{name: net_af_packet0, devargs: "iface=port0"}]
  workers: 1
  lcores: "0@0,1@0"
  eal_args: ["--no-huge", "--no-pci", "--no-shconf", "-m", "256"]
  file_prefix: %s
  mempool_mbufs: 8191
  mempool_cache: 64
  flow_table_size: 65536
log: {level: info, format: json}
mgmt:
  listen: %s:%d
  key: %s
  heartbeat_period: %v
  misses: %d
  load_period: %v
  damping: 3
  failover: rebalance
  # The lab's servers share one machine: CPU, memory, network buffers and
  # I/O are the same machine-wide figures sampled at different moments,
  # noise that the forecaster would follow. The service port's backlog is
  # the one per-server signal here.
  weights: {cpu: 0, mem: 0, netbuf: 0, ioq: 0, backlog: 1}
control:
  interval: %v
gateway:
  interface: rs
  announce: %s:%d
  standby: ["%s:%d"]
  announce_listen: %s:%d
  host_id: %d
  key: %s
`

// AnnouncePort is the dispatcher's UDP port for the gateway's announcements.
const AnnouncePort = 7421

// GatewayHostID is the gateway's identity in its sealed announcements.
const GatewayHostID = 100

// WriteConfig writes the lab's SARA configuration (the dispatcher's and the
// gateway's: one file, as an operator has) as Dir/name.yaml; the EAL file
// prefix is unique to name. Each edit rewrites the YAML text (a scenario's
// own settings, e.g. the overload scenario's admission switch).
func (l *Lab) WriteConfig(name string, edits ...func(string) string) (string, error) {
	var srv strings.Builder
	for i := range NumServers {
		fmt.Fprintf(&srv, "  - {name: %s, mac: %q, ip: %s, host_id: %d}\n", ServerName(i), ServerMAC(i), ServerIP(i), i+1)
	}
	cfg := filepath.Join(l.Dir, name+".yaml")
	body := fmt.Sprintf(dispatcherYAML, VIP, strings.TrimRight(srv.String(), "\n"), l.Prefix+"-"+name,
		MgmtIP, MgmtPort, Key, HeartbeatPeriod, Misses, LoadPeriod, ControlInterval,
		MgmtIP, AnnouncePort, StandbyIP, AnnouncePort, MgmtIP, AnnouncePort, GatewayHostID, Key)
	for _, edit := range edits {
		body = edit(body)
	}
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	return cfg, nil
}

// StartGateway starts `sara gateway` on the router: it captures the
// servers' replies on the router's server-side leg and announces the media
// they set up to the dispatcher.
func (l *Lab) StartGateway() (*Proc, error) {
	cfg, err := l.WriteConfig("gateway")
	if err != nil {
		return nil, err
	}
	p, err := l.Start("gateway", l.NS("rt"), l.Bin, "gateway", "-c", cfg)
	if err != nil {
		return nil, err
	}
	return p, p.WaitOutput("gateway started", 10*time.Second)
}

// Counters is the part of the dispatcher's final counters the scenarios read.
type Counters struct {
	RX            uint64            `json:"rx"`
	TX            uint64            `json:"tx"`
	FwdSig        uint64            `json:"fwd_sig"`
	SigDecide     uint64            `json:"sig_decide"`
	SigTap        uint64            `json:"sig_tap"`
	ExpectHit     uint64            `json:"expect_hit"`
	Drops         map[string]uint64 `json:"drops"`
	ServerPackets []uint64          `json:"server_packets"`
	ServerFlows   []uint64          `json:"server_flows"`
}

// Dispatcher is a running `sara run`.
type Dispatcher struct {
	*Proc
	Config string
}

// StartDispatcher writes the configuration and starts `sara run` in the
// dispatcher namespace, bounded by limit, and waits until it forwards.
func (l *Lab) StartDispatcher(name string, limit time.Duration, edits ...func(string) string) (*Dispatcher, error) {
	cfg, err := l.WriteConfig(name, edits...)
	if err != nil {
		return nil, err
	}
	return l.startRun(name, "dp", cfg, limit)
}

// startRun starts `sara run -c cfg` in namespace ns (a role of NS) and
// waits until it forwards, logged each of waitLogs, and — with a control
// loop — published its first selection sequence.
func (l *Lab) startRun(name, ns, cfg string, limit time.Duration, waitLogs ...string) (*Dispatcher, error) {
	p, err := l.Start(name, l.NS(ns), l.Bin, "run", "-c", cfg, "--duration", limit.String(), "--stats", "2s")
	if err != nil {
		return nil, err
	}
	for _, want := range append([]string{`"forwarding"`}, waitLogs...) {
		if err := p.WaitOutput(want, 20*time.Second); err != nil {
			_ = p.Stop(syscall.SIGKILL, time.Second)
			return nil, err
		}
	}
	if strings.Contains(p.Output(), `"control":true`) {
		// The control loop publishes an empty sequence until the agents'
		// servers are Active (k good heartbeat periods): wait for the first
		// selection sequence, or no new session would find a server.
		if err := p.WaitOutputRe(policyRe, 15*time.Second); err != nil {
			_ = p.Stop(syscall.SIGKILL, time.Second)
			return nil, err
		}
	}
	return &Dispatcher{Proc: p, Config: cfg}, nil
}

// policyRe matches the control loop's log line of a non-empty selection sequence.
var policyRe = regexp.MustCompile(`"msg":"policy"[^\n]*"sequence":[1-9]`)

// Finish stops the dispatcher with SIGINT and returns its final counters.
func (d *Dispatcher) Finish() (Counters, error) {
	if err := d.Stop(syscall.SIGINT, 10*time.Second); err != nil {
		return Counters{}, fmt.Errorf("%w: sara run exit: %w\n%s", ErrProc, err, tail(d.Output(), 3000))
	}
	return finalCounters(d.Output())
}

// finalCounters finds the "final counters" JSON log line.
func finalCounters(log string) (Counters, error) {
	type line struct {
		Msg      string   `json:"msg"`
		Counters Counters `json:"counters"`
	}
	var c *Counters
	logLines(log, func(l line) bool {
		if l.Msg == "final counters" {
			c = &l.Counters
		}
		return c == nil
	})
	if c == nil {
		return Counters{}, fmt.Errorf("%w: no final counters in the dispatcher log\n%s", ErrProc, tail(log, 2000))
	}
	return *c, nil
}
