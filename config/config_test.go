package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const minimal = `
vips: ["10.0.0.100"]
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
`

func TestMinimalGetsDefaults(t *testing.T) {
	c, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := base()
	want.VIPs = []netip.Addr{netip.MustParseAddr("10.0.0.100")}
	want.Servers = []Server{
		{Name: "s1", MAC: MAC{2, 0, 0, 0, 0, 1}, HostID: 1, Weight: 1},
		{Name: "s2", MAC: MAC{2, 0, 0, 0, 0, 2}, HostID: 2, Weight: 1},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
	d := c.Dataplane
	if d.Workers != 1 || d.Burst != 32 || d.FlowTableSize != 1<<20 || d.IdleSleep != 100*time.Microsecond ||
		d.TCPOpen != "syn" || len(d.Ports) != 1 || d.Ports[0].Name != "net_null0" || d.SelectionSlots != 1024 ||
		d.MempoolMbufs != 65535 || d.MempoolCache != 256 || d.IdlePolls != 256 || d.Fragments != "drop" ||
		!reflect.DeepEqual(d.EALArgs, []string{"--no-huge", "--no-pci", "--no-shconf", "-m", "1024"}) {
		t.Errorf("dataplane defaults: %+v", d)
	}
	if c.Timeouts != (Timeouts{30 * time.Second, 60 * time.Second, 60 * time.Second, 60 * time.Second, 30 * time.Second}) {
		t.Errorf("timeouts defaults: %+v", c.Timeouts)
	}
	if c.Log != (Log{"info", "console"}) {
		t.Errorf("log defaults: %+v", c.Log)
	}
	if !reflect.DeepEqual(c.Signalling.RTSPTCPPorts, []uint16{554, 8554}) {
		t.Errorf("signalling defaults: %+v", c.Signalling)
	}
}

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 3 || len(c.VIPs) != 1 || c.Servers[2].Name != "s3" || c.Servers[2].HostID != 3 {
		t.Fatalf("demo config: %+v", c)
	}
}

func TestExampleFiles(t *testing.T) {
	for _, f := range []string{"minimal.yaml", "example.yaml"} {
		c, err := Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(c.Servers) != 2 {
			t.Errorf("%s: %d servers", f, len(c.Servers))
		}
	}
	c, _ := Load("example.yaml")
	if c.Servers[1].Weight != 2 || c.Servers[1].IP != netip.MustParseAddr("10.0.0.12") ||
		c.Dataplane.Ports[0].Devargs != "rx_pcap=in.pcap,tx_pcap=out.pcap" || len(c.VIPs) != 2 || !c.VIPs[1].Is6() {
		t.Errorf("example.yaml decoded as %+v", c)
	}
}

func TestListReplacesDefault(t *testing.T) {
	c, err := Parse([]byte(minimal + "signalling: {rtsp_tcp_ports: [7070]}\ndataplane: {eal_args: [--no-pci]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Signalling.RTSPTCPPorts, []uint16{7070}) || !reflect.DeepEqual(c.Dataplane.EALArgs, []string{"--no-pci"}) {
		t.Fatalf("lists merged with defaults instead of replacing them: %+v %+v", c.Signalling, c.Dataplane.EALArgs)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Parse([]byte("vips: [\n")); !errors.Is(err, ErrSyntax) {
		t.Errorf("bad YAML: %v", err)
	}
	_, err := Parse([]byte(minimal + "foo: 1\n"))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "foo: unknown key") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestMAC(t *testing.T) {
	m, err := ParseMAC("02-AA-00-00-00-01")
	if err != nil || m.String() != "02:aa:00:00:00:01" || m.IsMulticast() || m.IsZero() {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{"", "zz:00", "02:00:00:00:00:00:00:01"} {
		if _, err := ParseMAC(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !(MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).IsMulticast() {
		t.Error("broadcast not multicast")
	}
}
