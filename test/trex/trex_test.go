// Package trex holds SARA's TRex profiles (Python, see README.md); its Go
// test checks them without TRex: every pcap a profile names is one `sara
// gen trex` writes, every profile compiles, and every profile loads against
// trex_stub.py (TRex's API signatures, offline checks) with its tunables.
package trex

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sara-lb/sara/test/gen/sessions"
)

// writeTrex writes what `sara gen trex` writes with its defaults.
func writeTrex(t *testing.T) string {
	t.Helper()
	o := sessions.DefaultOptions()
	o.VIPs = nil
	for _, v := range sessions.TrexVIPs {
		o.VIPs = append(o.VIPs, netip.MustParseAddr(v))
	}
	dir := t.TempDir()
	if _, err := sessions.WriteTrex(dir, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

func profiles(t *testing.T) []string {
	t.Helper()
	py, err := filepath.Glob("*.py")
	if err != nil || len(py) < 6 {
		t.Fatalf("profiles: %v %v", py, err)
	}
	return py
}

func TestProfilesNameGeneratedFiles(t *testing.T) {
	dir := writeTrex(t)
	re := regexp.MustCompile(`"([A-Za-z0-9_]+\.pcap)"`)
	seen := 0
	for _, p := range profiles(t) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			seen++
			if _, err := os.Stat(filepath.Join(dir, string(m[1]))); err != nil {
				t.Errorf("%s names %s, which sara gen trex does not write", p, m[1])
			}
		}
	}
	if seen < 10 {
		t.Errorf("only %d pcap names found in the profiles", seen)
	}
}

func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	return py
}

func TestProfilesCompile(t *testing.T) {
	py := python(t)
	// -m py_compile, with the byte code written to a temporary directory
	args := append([]string{"-c", "import os, py_compile, sys\nfor f in sys.argv[2:]: " +
		"py_compile.compile(f, cfile=os.path.join(sys.argv[1], f + 'c'), doraise=True)", t.TempDir()},
		profiles(t)...)
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

func TestProfilesLoad(t *testing.T) {
	py := python(t)
	cmd := exec.Command(py, "-B", "check_profiles.py")
	cmd.Env = append(os.Environ(), "SARA_TREX_PCAPS="+writeTrex(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check_profiles.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
