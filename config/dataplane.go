package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Port is one DPDK port, created as a virtual device: Name is the vdev name
// (net_pcap0, net_af_packet0, net_null0, ...), Devargs its arguments
// ("rx_pcap=in.pcap,tx_pcap=out.pcap", "iface=veth0", ...).
type Port struct {
	Name    string `mapstructure:"name"`
	Devargs string `mapstructure:"devargs"`
}

// Dataplane configures the C data plane and its EAL.
type Dataplane struct {
	Ports []Port `mapstructure:"ports"`
	// Workers is the number of worker lcores; each has one rx/tx queue pair
	// per port.
	Workers int `mapstructure:"workers"`
	// Lcores is passed to EAL --lcores; empty lets the data plane derive it.
	Lcores string `mapstructure:"lcores"`
	// EALArgs are extra EAL arguments.
	EALArgs []string `mapstructure:"eal_args"`
	// FilePrefix is EAL --file-prefix; empty lets the data plane pick sara-<pid>.
	FilePrefix    string `mapstructure:"file_prefix"`
	MempoolMbufs  uint32 `mapstructure:"mempool_mbufs"`
	MempoolCache  uint32 `mapstructure:"mempool_cache"`
	Burst         int    `mapstructure:"burst"`
	FlowTableSize uint32 `mapstructure:"flow_table_size"`
	// TCPOpen is "syn" (only a SYN opens a TCP flow) or "any".
	TCPOpen string `mapstructure:"tcp_open"`
	// IdlePolls is the number of empty polls before a worker sleeps; 0
	// never sleeps.
	IdlePolls uint32        `mapstructure:"idle_polls"`
	IdleSleep time.Duration `mapstructure:"idle_sleep"`
	// Fragments is the IP fragment policy; only "drop" exists.
	Fragments      string `mapstructure:"fragments"`
	SelectionSlots uint32 `mapstructure:"selection_slots"`
	// Signalling hands SIP/UDP to Go for a per-Call-ID decision and TCP
	// signalling (SIP, RTSP) to Go as a copy, so sessions and their
	// announced media are balanced as sessions; off, every flow is
	// balanced on its own 5-tuple.
	Signalling bool `mapstructure:"signalling"`
}

// Limits of the data plane section.
const (
	MaxWorkers      = 64
	MaxBurst        = 64  // DP_BURST_MAX
	MaxMempoolCache = 512 // RTE_MEMPOOL_CACHE_MAX_SIZE
	MaxIdleSleep    = 10 * time.Millisecond
	MaxSelection    = 4096 // DP_MAX_SLOTS
)

// SetDefaults implements Section.
func (d *Dataplane) SetDefaults() {
	*d = Dataplane{
		Ports:          []Port{{Name: "net_null0"}},
		Workers:        1,
		EALArgs:        []string{"--no-huge", "--no-pci", "--no-shconf", "-m", "1024"},
		MempoolMbufs:   65535,
		MempoolCache:   256,
		Burst:          32,
		FlowTableSize:  1 << 20,
		TCPOpen:        "syn",
		IdlePolls:      256,
		IdleSleep:      100 * time.Microsecond,
		Fragments:      "drop",
		SelectionSlots: 1024,
		Signalling:     true,
	}
}

// Validate implements Section.
func (d *Dataplane) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(d.Ports) == 0 {
		bad("ports: at least one port required")
	}
	names := map[string]int{}
	for i, p := range d.Ports {
		switch j, dup := names[p.Name]; {
		case p.Name == "":
			bad("ports[%d].name: required", i)
		case strings.ContainsAny(p.Name, ", \t\n="):
			bad("ports[%d].name: invalid vdev name %q", i, p.Name)
		case dup:
			bad("ports[%d].name: duplicate port %q (ports[%d])", i, p.Name, j)
		default:
			names[p.Name] = i
		}
	}
	if d.Workers < 1 || d.Workers > MaxWorkers {
		bad("workers: must be in 1..%d, got %d", MaxWorkers, d.Workers)
	}
	if d.MempoolMbufs == 0 {
		bad("mempool_mbufs: must be > 0")
	}
	if d.MempoolCache > MaxMempoolCache {
		bad("mempool_cache: must be <= %d, got %d", MaxMempoolCache, d.MempoolCache)
	}
	if d.Burst < 1 || d.Burst > MaxBurst {
		bad("burst: must be in 1..%d, got %d", MaxBurst, d.Burst)
	}
	if d.FlowTableSize == 0 {
		bad("flow_table_size: must be > 0")
	}
	if d.TCPOpen != "syn" && d.TCPOpen != "any" {
		bad("tcp_open: must be syn or any, got %q", d.TCPOpen)
	}
	if d.IdleSleep < 0 || d.IdleSleep > MaxIdleSleep {
		bad("idle_sleep: must be in 0..%v, got %v", MaxIdleSleep, d.IdleSleep)
	}
	if d.Fragments != "drop" {
		bad("fragments: only drop is supported, got %q", d.Fragments)
	}
	if s := d.SelectionSlots; s == 0 || s&(s-1) != 0 || s > MaxSelection {
		bad("selection_slots: must be a power of two in 1..%d, got %d", MaxSelection, s)
	}
	return errors.Join(errs...)
}
