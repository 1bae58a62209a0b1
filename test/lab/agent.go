package lab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// agentYAML is server i's agent configuration: heartbeats to the
// dispatcher's management address and to the hot standby's (the failover
// scenario's second dispatcher; refused, and counted, when it is down); the application probe is a TCP connect
// to the server's RTSP service.
const agentYAML = `agent:
  host_id: %d
  dispatcher: %s:%d
  standby: ["%s:%d"]
  key: %s
  heartbeat_period: %v
  load_period: %v
  drain_file: %s
  service_port: %d
  service_proto: udp
  backlog_limit: %d
  vips: [%s]
  probe: {kind: tcp, target: "%s:%d", interval: %v, timeout: 300ms}
`

// BacklogLimit is the agents' backlog_limit: the bytes queued on the SIP
// port's socket that read as a full backlog (Backlog = 1), some 50 of the
// lab's SIP datagrams (~1.2 KB of socket memory each). The default divisor,
// net.core.rmem_default (208 KiB), reads a UAS seconds behind its
// messages as about half loaded.
const BacklogLimit = 65536

// AgentConfig writes server i's agent configuration (once) and returns its path.
func (l *Lab) AgentConfig(i int) (string, error) {
	p := filepath.Join(l.Dir, fmt.Sprintf("agent-%s.yaml", ServerName(i)))
	body := fmt.Sprintf(agentYAML, i+1, MgmtIP, MgmtPort, StandbyIP, MgmtPort, Key, HeartbeatPeriod, LoadPeriod,
		filepath.Join(l.Dir, fmt.Sprintf("agent-%s.drain", ServerName(i))), SIPPort, BacklogLimit, VIP, VIP, RTSPPort, HeartbeatPeriod)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		return "", fmt.Errorf("%w: %w", ErrSetup, err)
	}
	return p, nil
}

// StartAgent starts `sara agent` on server i.
func (l *Lab) StartAgent(i int) (*Proc, error) {
	cfg, err := l.AgentConfig(i)
	if err != nil {
		return nil, err
	}
	return l.Start("agent-"+ServerName(i), l.ServerNS(i), l.Bin, "agent", "-c", cfg, "--log-format", "json")
}

// CheckDSR runs `sara agent check` on server i: the VIP on lo and the ARP
// sysctls of direct server return.
func (l *Lab) CheckDSR(i int) error {
	cfg, err := l.AgentConfig(i)
	if err != nil {
		return err
	}
	out, err := exec.Command("ip", "netns", "exec", l.ServerNS(i), l.Bin, "agent", "check", "-c", cfg).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok:") {
		return fmt.Errorf("%w: sara agent check on %s: %v: %s", ErrSetup, ServerName(i), err, out)
	}
	return nil
}

// Drain runs `sara agent drain --now` for server i (planned maintenance).
func (l *Lab) Drain(i int) error {
	cfg, err := l.AgentConfig(i)
	if err != nil {
		return err
	}
	if out, err := exec.Command(l.Bin, "agent", "drain", "--now", "-c", cfg).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: sara agent drain on %s: %w: %s", ErrProc, ServerName(i), err, out)
	}
	return nil
}

// Node is what runs on one server for the whole lab: its RTSP service
// (also what the agent's probe checks) and its agent.
type Node struct {
	RTSP, Agent *Proc
}

// StartNodes checks every server's DSR setup (`sara agent check`) and
// starts its RTSP server and its agent.
func (l *Lab) StartNodes() ([]Node, error) {
	l.setupCgroups() // the servers' CPU cgroups (cgroup.go, the overload scenario)
	nodes := make([]Node, NumServers)
	for i := range NumServers {
		if err := l.CheckDSR(i); err != nil {
			return nil, err
		}
		var err error
		if nodes[i].RTSP, err = l.RTSPServer(i, "rtsp-"+ServerName(i), StreamLength); err != nil {
			return nil, err
		}
		if nodes[i].Agent, err = l.StartAgent(i); err != nil {
			return nil, err
		}
	}
	return nodes, nil
}
