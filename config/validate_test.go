package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const twoServers = `
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
`

// TestValidationErrors checks that each bad value is rejected with a problem
// naming its field path, and that a valid file has no problem.
func TestValidationErrors(t *testing.T) {
	vip := "vips: [10.0.0.100]\n"
	many := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(f(i))
		}
		return b.String()
	}
	cases := []struct{ name, yaml, want string }{
		{"no vips", "vips: []\n" + twoServers, "vips: empty VIP list"},
		{"vips absent", twoServers, "vips: empty VIP list"},
		{"bad vip", "vips: [10.0.0.300]\n" + twoServers, `vips[0]: invalid IP address "10.0.0.300"`},
		{"dup vip", "vips: [10.0.0.1, 10.0.0.1]\n" + twoServers, "vips[1]: duplicate VIP 10.0.0.1"},
		{"multicast vip", "vips: [224.0.0.1]\n" + twoServers, "vips[0]: 224.0.0.1 is not a unicast address"},
		{"too many vips", "vips: [" + many(65, func(i int) string { return fmt.Sprintf("10.1.0.%d,", i+1) }) + "]\n" + twoServers, "vips: 65 VIPs, at most 64"},
		{"no servers", vip + "servers: []\n", "servers: empty server list"},
		{"too many servers", vip + "servers:\n" + many(1025, func(i int) string {
			return fmt.Sprintf("  - {name: n%d, mac: \"02:00:00:00:%02x:%02x\"}\n", i, i>>8, i&255)
		}), "servers: 1025 servers, at most 1024"},
		{"bad mac", vip + twoServers + "  - {name: s3, mac: \"zz:00\"}\n", `servers[2].mac: invalid MAC "zz:00"`},
		{"missing mac", vip + "servers: [{name: s1}]\n", "servers[0].mac: required"},
		{"multicast mac", vip + "servers: [{name: s1, mac: \"01:00:5e:00:00:01\"}]\n", "servers[0].mac: 01:00:5e:00:00:01 is not a unicast MAC"},
		{"dup mac", vip + twoServers + "  - {name: s3, mac: \"02:00:00:00:00:01\"}\n", "servers[2].mac: duplicate MAC 02:00:00:00:00:01"},
		{"dup name", vip + twoServers + "  - {name: s1, mac: \"02:00:00:00:00:03\"}\n", `servers[2].name: duplicate server "s1"`},
		{"missing name", vip + "servers: [{mac: \"02:00:00:00:00:03\"}]\n", "servers[0].name: required"},
		{"zero host_id", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", host_id: 0}]\n", "servers[0].host_id: must be non-zero"},
		{"dup host_id", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", host_id: 2}, {name: b, mac: \"02:00:00:00:00:04\"}]\n", "servers[1].host_id: duplicate host_id 2"},
		{"negative host_id", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", host_id: -1}]\n", "servers[0].host_id: value -1 out of range for uint32"},
		{"zero weight", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", weight: 0}]\n", "servers[0].weight: must be a finite number > 0"},
		{"bad server ip", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", ip: nope}]\n", `servers[0].ip: invalid IP address "nope"`},
		{"unknown server key", vip + "servers: [{name: a, mac: \"02:00:00:00:00:03\", colour: red}]\n", "servers[0].colour: unknown key"},
		{"unknown top key", vip + twoServers + "foo: 1\n", "foo: unknown key"},
		{"unknown nested key", vip + twoServers + "dataplane: {wrokers: 2}\n", "dataplane.wrokers: unknown key"},
		{"flow table", vip + twoServers + "dataplane: {flow_table_size: 0}\n", "dataplane.flow_table_size: must be > 0"},
		{"workers 0", vip + twoServers + "dataplane: {workers: 0}\n", "dataplane.workers: must be in 1..64"},
		{"workers 65", vip + twoServers + "dataplane: {workers: 65}\n", "dataplane.workers: must be in 1..64"},
		{"workers text", vip + twoServers + "dataplane: {workers: many}\n", `dataplane.workers: invalid int "many"`},
		{"burst", vip + twoServers + "dataplane: {burst: 65}\n", "dataplane.burst: must be in 1..64"},
		{"burst fraction", vip + twoServers + "dataplane: {burst: 1.5}\n", "dataplane.burst: value 1.5 is not an integer"},
		{"no ports", vip + twoServers + "dataplane: {ports: []}\n", "dataplane.ports: at least one port"},
		{"port name", vip + twoServers + "dataplane: {ports: [{devargs: x}]}\n", "dataplane.ports[0].name: required"},
		{"dup port", vip + twoServers + "dataplane: {ports: [{name: net_null0}, {name: net_null0}]}\n", `dataplane.ports[1].name: duplicate port "net_null0"`},
		{"tcp_open", vip + twoServers + "dataplane: {tcp_open: maybe}\n", `dataplane.tcp_open: must be syn or any, got "maybe"`},
		{"idle_sleep", vip + twoServers + "dataplane: {idle_sleep: 11ms}\n", "dataplane.idle_sleep: must be in 0..10ms"},
		{"idle_sleep text", vip + twoServers + "dataplane: {idle_sleep: soon}\n", `dataplane.idle_sleep: invalid duration "soon"`},
		{"fragments", vip + twoServers + "dataplane: {fragments: forward-first}\n", "dataplane.fragments: only drop is supported"},
		{"slots", vip + twoServers + "dataplane: {selection_slots: 1000}\n", "dataplane.selection_slots: must be a power of two"},
		{"cache", vip + twoServers + "dataplane: {mempool_cache: 513}\n", "dataplane.mempool_cache: must be <= 512"},
		{"mbufs", vip + twoServers + "dataplane: {mempool_mbufs: 0}\n", "dataplane.mempool_mbufs: must be > 0"},
		{"timeout low", vip + twoServers + "timeouts: {sip: 500ms}\n", "timeouts.sip: must be in 1s..1h"},
		{"timeout high", vip + twoServers + "timeouts: {media: 2h}\n", "timeouts.media: must be in 1s..1h"},
		{"port range", vip + twoServers + "signalling: {sip_udp_ports: [70000]}\n", "signalling.sip_udp_ports[0]: value 70000 out of range for uint16"},
		{"port zero", vip + twoServers + "signalling: {rtsp_tcp_ports: [0]}\n", "signalling.rtsp_tcp_ports[0]: port must be in 1..65535"},
		{"port dup", vip + twoServers + "signalling: {sip_tcp_ports: [5060, 5060]}\n", "signalling.sip_tcp_ports[1]: duplicate port 5060"},
		{"log level", vip + twoServers + "log: {level: loud}\n", `log.level: must be debug, info, warn or error, got "loud"`},
		{"log format", vip + twoServers + "log: {format: xml}\n", `log.format: must be console or json, got "xml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
			for _, p := range Problems(err) {
				if strings.HasPrefix(p.Error(), tc.want) {
					return
				}
			}
			t.Fatalf("no problem starting with %q in:\n%v", tc.want, err)
		})
	}
}

// TestAllProblemsReported checks that validation does not stop at the first
// problem and that a field that failed to decode is reported once.
func TestAllProblemsReported(t *testing.T) {
	y := `
vips: [10.0.0.1, 10.0.0.1]
servers:
  - {name: s1, mac: "zz:00"}
  - {name: s1, mac: "02:00:00:00:00:02", weight: -1}
dataplane: {workers: 0}
log: {format: xml}
`
	_, err := Parse([]byte(y))
	got := Problems(err)
	paths := map[string]int{}
	for _, p := range got {
		paths[p.Path]++
	}
	for _, want := range []string{"vips[1]", "servers[0].mac", "servers[1].name", "servers[1].weight", "dataplane.workers", "log.format"} {
		if paths[want] != 1 {
			t.Errorf("path %s reported %d times in:\n%v", want, paths[want], err)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d problems, want 6:\n%v", len(got), err)
	}
}

// TestValidateGoValue checks Validate on a Config built in Go.
func TestValidateGoValue(t *testing.T) {
	c := Default()
	c.Servers[1].MAC = c.Servers[0].MAC
	c.Dataplane.Burst = 0
	err := c.Validate()
	if !errors.Is(err, ErrInvalid) || len(Problems(err)) != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestControlSectionValidation(t *testing.T) {
	base := "vips: [\"10.0.0.100\"]\nservers:\n  - {name: s1, mac: \"02:00:00:00:00:01\"}\n"
	c, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Control.T1 != 0.70 || c.Control.C != 1 || !c.Dataplane.Signalling {
		t.Fatalf("defaults: %+v signalling=%v", c.Control, c.Dataplane.Signalling)
	}
	for yaml, want := range map[string]string{
		"control: {t1: 0.9, t2: 0.8}\n": "control.t1: need 0 < t1 <= t2 <= t3 <= c <= 1",
		"control: {interval: 10ms}\n":   "control.interval: must be in 100ms..1m",
		"control: {kappa: 2}\n":         "control.kappa: must be in 0..1",
	} {
		_, err := Parse([]byte(base + yaml))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", yaml, err, want)
		}
	}
}
