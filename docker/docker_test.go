// Package docker holds no Go code: its tests check the container and
// systemd files, which cannot be built here (no Docker engine). They check
// that the lab's configurations load and agree with the compose topology,
// that the compose file validates, that the runtime image installs every
// DPDK library the binary links, and that the systemd units verify.
package docker

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/mgmt/agent"
)

// tool returns the path of the first of names found, skipping when none is
// and the test cannot install it (not root); as root (CI) it fails.
func tool(t *testing.T, pkg string, names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Geteuid() != 0 {
		t.Skipf("%s not installed and not root: install Debian package %s (test/deps.sh)", names[0], pkg)
	}
	t.Fatalf("%s not installed: run `bash test/deps.sh` (Debian package %s)", names[0], pkg)
	return ""
}

type composeFile struct {
	Services map[string]struct {
		MAC      string   `yaml:"mac_address"`
		Command  []string `yaml:"command"`
		Networks map[string]struct {
			IPv4 string `yaml:"ipv4_address"`
		} `yaml:"networks"`
		Volumes []string          `yaml:"volumes"`
		Sysctls map[string]string `yaml:"sysctls"`
	} `yaml:"services"`
}

// TestLabAgrees loads the lab's dispatcher and agent configurations with the
// real loaders and checks them against the compose topology.
func TestLabAgrees(t *testing.T) {
	cfg, err := config.Load("lab/sara.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		t.Fatal(err)
	}
	disp := cf.Services["dispatcher"]
	dispIP := netip.MustParseAddr(disp.Networks["lab"].IPv4)
	if len(cfg.Servers) != 3 {
		t.Fatalf("%d servers in lab/sara.yaml", len(cfg.Servers))
	}
	for _, s := range cfg.Servers {
		svc, ok := cf.Services[s.Name]
		if !ok {
			t.Errorf("server %s has no compose service", s.Name)
			continue
		}
		if !strings.EqualFold(svc.MAC, s.MAC.String()) {
			t.Errorf("%s: compose MAC %s, config MAC %s", s.Name, svc.MAC, s.MAC)
		}
		if svc.Networks["lab"].IPv4 != s.IP.String() {
			t.Errorf("%s: compose IP %s, config IP %s", s.Name, svc.Networks["lab"].IPv4, s.IP)
		}
		// what `sara agent check` (mgmt/dsr) requires of a DSR server
		for _, k := range []string{"all", "lo"} {
			if svc.Sysctls["net.ipv4.conf."+k+".arp_ignore"] != "1" || svc.Sysctls["net.ipv4.conf."+k+".arp_announce"] != "2" {
				t.Errorf("%s: sysctls %v lack arp_ignore=1/arp_announce=2 on %s", s.Name, svc.Sysctls, k)
			}
		}
		var agentFile string
		for _, v := range svc.Volumes {
			if strings.HasSuffix(v, ":/etc/sara/agent.yaml:ro") {
				agentFile = strings.TrimPrefix(strings.Split(v, ":")[0], "./")
			}
		}
		ac, err := agent.Load(agentFile)
		if err != nil {
			t.Errorf("%s: agent config %q: %v", s.Name, agentFile, err)
			continue
		}
		if ac.HostID != s.HostID {
			t.Errorf("%s: agent host_id %d, dispatcher expects %d", s.Name, ac.HostID, s.HostID)
		}
		if ap, err := netip.ParseAddrPort(ac.Dispatcher); err != nil || ap.Addr() != dispIP ||
			ap.String() != strings.Replace(cfg.Mgmt.Listen, "0.0.0.0", dispIP.String(), 1) {
			t.Errorf("%s: agent sends to %s, dispatcher listens on %s at %s", s.Name, ac.Dispatcher, cfg.Mgmt.Listen, dispIP)
		}
		if rawKey(t, agentFile, "agent") != rawKey(t, "lab/sara.yaml", "mgmt") || ac.KeyID != cfg.Mgmt.KeyID {
			t.Errorf("%s: agent key (id %d) differs from the dispatcher's (id %d)", s.Name, ac.KeyID, cfg.Mgmt.KeyID)
		}
		if len(ac.VIPs) != 1 || ac.VIPs[0] != cfg.VIPs[0] {
			t.Errorf("%s: agent checks VIPs %v, dispatcher balances %v", s.Name, ac.VIPs, cfg.VIPs)
		}
	}
	client := strings.Join(cf.Services["client"].Command, " ")
	if !strings.Contains(client, "lladdr "+disp.MAC) || !strings.Contains(client, cfg.VIPs[0].String()+":5060") {
		t.Errorf("client does not send the VIP to the dispatcher's MAC %s: %s", disp.MAC, client)
	}
	if !strings.Contains(cfg.Dataplane.Ports[0].Devargs, "iface=eth0") {
		t.Errorf("dispatcher port %+v is not eth0", cfg.Dataplane.Ports[0])
	}
}

// rawKey returns section.key of a YAML file as written (auth.Key never
// reveals its secret, so the files are compared as text).
func rawKey(t *testing.T, path, section string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	sec, _ := m[section].(map[string]any)
	k, _ := sec["key"].(string)
	if k == "" {
		t.Fatalf("%s: no %s.key", path, section)
	}
	return k
}

func TestComposeValidates(t *testing.T) {
	if p, err := exec.LookPath("docker"); err == nil && exec.Command(p, "compose", "version").Run() == nil {
		out, err := exec.Command(p, "compose", "-f", "compose.yaml", "config", "-q").CombinedOutput()
		if err != nil {
			t.Fatalf("docker compose config: %v\n%s", err, out)
		}
		return
	}
	dc := tool(t, "docker-compose", "docker-compose")
	out, err := exec.Command(dc, "-f", "compose.yaml", "config", "-q").CombinedOutput()
	if err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
}

// TestDockerfile checks the image's shape and that the runtime stage
// installs the package of every DPDK library bin/sara links.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{"AS build", "AS runtime", "libdpdk-dev", "USER sara",
		"setcap cap_net_admin,cap_net_raw,cap_ipc_lock,cap_sys_nice+ep /usr/local/bin/sara-dispatcher",
		`ENTRYPOINT ["/usr/local/bin/sara-dispatcher"]`, "COPY --from=build /out/sara /usr/local/bin/sara"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	// plugins EAL loads from its pmds directory: without the buses no
	// device appears; net_null is the default port, af_packet the lab's
	for _, pkg := range []string{"librte-bus-vdev23", "librte-bus-pci23", "librte-mempool-ring23",
		"librte-net-null23", "librte-net-af-packet23", "librte-net-pcap23"} {
		if !strings.Contains(df, pkg+" ") {
			t.Errorf("runtime stage lacks plugin package %s", pkg)
		}
	}
	bin, _ := filepath.Abs("../bin/sara")
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s not built (make build): cannot list its DPDK libraries", bin)
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		t.Fatalf("ldd: %v", err)
	}
	libs := regexp.MustCompile(`librte_([a-z0-9_]+)\.so\.(\d+)`).FindAllSubmatch(out, -1)
	if len(libs) == 0 {
		t.Skip("bin/sara links DPDK statically: no runtime librte packages needed")
	}
	runtime := df[strings.Index(df, "AS runtime"):]
	for _, m := range libs {
		pkg := "librte-" + strings.ReplaceAll(string(m[1]), "_", "-") + string(m[2])
		if !bytes.Contains([]byte(runtime), []byte(pkg+" ")) {
			t.Errorf("runtime stage does not install %s (bin/sara links %s)", pkg, m[0])
		}
	}
}

func TestSystemdUnits(t *testing.T) {
	sa := tool(t, "systemd", "systemd-analyze")
	dir := t.TempDir()
	var units []string
	for _, u := range []string{"sara.service", "sara-agent.service"} {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		// verify checks that ExecStart exists: point it at a binary that does
		b = bytes.ReplaceAll(b, []byte("/usr/local/bin/sara"), []byte("/bin/true"))
		p := filepath.Join(dir, u)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, p)
	}
	out, err := exec.Command(sa, append([]string{"verify"}, units...)...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
