package eal

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultArgs are the EAL arguments for a machine without hugepages or
// PCI devices: legacy memory in anonymous pages, no shared config files.
var DefaultArgs = []string{"--no-huge", "--no-pci", "--no-shconf", "-m", "1024"}

// Lcores derives an --lcores value for workers worker lcores: the main lcore
// 0 may run on every CPU this process may use, worker lcore i is pinned to
// one CPU, counting down from the last allowed CPU so the first worker does
// not share CPU 0 with the rest of the system when there is a choice.
func Lcores(workers int) (string, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return "", fmt.Errorf("eal: sched_getaffinity: %w", err)
	}
	var cpus []int
	for c := 0; c < 1024; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	if len(cpus) == 0 {
		return "", fmt.Errorf("eal: no CPU in affinity set")
	}
	parts := []string{fmt.Sprintf("0@(%s)", joinInts(cpus))}
	for i := 1; i <= workers; i++ {
		cpu := cpus[(len(cpus)-i%len(cpus))%len(cpus)]
		parts = append(parts, fmt.Sprintf("%d@%d", i, cpu))
	}
	return strings.Join(parts, ","), nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// FilePrefix returns a --file-prefix unique to this process.
func FilePrefix() string { return fmt.Sprintf("sara-%d", os.Getpid()) }

// Build returns the full EAL argument list: base (DefaultArgs when nil),
// --lcores (derived for workers when lcores is empty), a unique --file-prefix
// unless base or prefix sets one, and a --vdev per entry of vdevs.
func Build(base []string, lcores string, workers int, prefix string, vdevs []string) ([]string, error) {
	if base == nil {
		base = DefaultArgs
	}
	args := append([]string(nil), base...)
	if lcores == "" {
		l, err := Lcores(workers)
		if err != nil {
			return nil, err
		}
		lcores = l
	}
	args = append(args, "--lcores", lcores)
	if !hasFlag(base, "--file-prefix") {
		if prefix == "" {
			prefix = FilePrefix()
		}
		args = append(args, "--file-prefix", prefix)
	}
	for _, v := range vdevs {
		args = append(args, "--vdev", v)
	}
	return args, nil
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}
