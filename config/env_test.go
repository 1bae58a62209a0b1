package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeMinimal(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sara.yaml")
	if err := os.WriteFile(p, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEnvOverridesAbsentKeys sets keys the file does not contain.
func TestEnvOverridesAbsentKeys(t *testing.T) {
	t.Setenv("SARA_LOG_LEVEL", "debug")
	t.Setenv("SARA_DATAPLANE_WORKERS", "2")
	t.Setenv("SARA_DATAPLANE_IDLE_SLEEP", "1ms")
	t.Setenv("SARA_TIMEOUTS_UDP", "10s")
	t.Setenv("SARA_SIGNALLING_RTSP_TCP_PORTS", "554,7070")
	t.Setenv("SARA_DATAPLANE_EAL_ARGS", "--no-huge,--no-pci")
	c, err := Load(writeMinimal(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "debug" || c.Dataplane.Workers != 2 || c.Dataplane.IdleSleep != time.Millisecond ||
		c.Timeouts.UDP != 10*time.Second {
		t.Errorf("scalars not overridden: %+v %+v %+v", c.Log, c.Dataplane, c.Timeouts)
	}
	if !reflect.DeepEqual(c.Signalling.RTSPTCPPorts, []uint16{554, 7070}) ||
		!reflect.DeepEqual(c.Dataplane.EALArgs, []string{"--no-huge", "--no-pci"}) {
		t.Errorf("lists not overridden: %v %v", c.Signalling.RTSPTCPPorts, c.Dataplane.EALArgs)
	}
	if c.Dataplane.Burst != 32 || len(c.Servers) != 2 {
		t.Errorf("untouched keys changed: %+v", c)
	}
}

// TestEnvOverridesFileValue checks that the environment wins over the file.
func TestEnvOverridesFileValue(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sara.yaml")
	if err := os.WriteFile(p, []byte(minimal+"log: {level: warn, format: json}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SARA_LOG_LEVEL", "error")
	t.Setenv("SARA_VIPS", "10.0.0.1,fd00::1")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "error" || c.Log.Format != "json" {
		t.Errorf("log = %+v", c.Log)
	}
	if !reflect.DeepEqual(c.VIPs, []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fd00::1")}) {
		t.Errorf("vips = %v", c.VIPs)
	}
}

func TestEnvInvalidValue(t *testing.T) {
	t.Setenv("SARA_DATAPLANE_WORKERS", "lots")
	t.Setenv("SARA_LOG_FORMAT", "xml")
	_, err := Load(writeMinimal(t))
	if err == nil || !strings.Contains(err.Error(), `dataplane.workers: invalid int "lots"`) ||
		!strings.Contains(err.Error(), "log.format: must be console or json") {
		t.Fatalf("got %v", err)
	}
}

// TestParseIgnoresEnv: Parse is a pure function of its input.
func TestParseIgnoresEnv(t *testing.T) {
	t.Setenv("SARA_LOG_LEVEL", "debug")
	c, err := Parse([]byte(minimal))
	if err != nil || c.Log.Level != "info" {
		t.Fatalf("%v %+v", err, c)
	}
}

// TestLoadNoFile starts from the demo configuration.
func TestLoadNoFile(t *testing.T) {
	t.Setenv("SARA_DATAPLANE_BURST", "64")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 3 || c.Dataplane.Burst != 64 {
		t.Fatalf("%+v", c)
	}
}

func TestEnvKeys(t *testing.T) {
	keys := strings.Join(EnvKeys(), " ")
	for _, k := range []string{"vips", "dataplane.workers", "dataplane.eal_args", "timeouts.media", "log.level", "signalling.sip_udp_ports"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("missing %s in %s", k, keys)
		}
	}
	for _, k := range []string{"servers", "dataplane.ports"} {
		if strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("list of structs %s bound to env", k)
		}
	}
}
