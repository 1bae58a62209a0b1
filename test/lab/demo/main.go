// Command demo brings SARA's live lab up, runs scenarios (default: a short
// mixed SIP + RTSP run), prints each summary and JSON result, and tears the
// lab down, also on Ctrl-C. It is `make demo`; it needs root.
//
//	go run ./test/lab/demo -bin bin/sara [-scenarios mixed,calls,rtsp,trunk,early-media,drain,server-failure] [-keep DIR] [-hold D]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sara-lb/sara/test/lab"
)

func main() {
	bin := flag.String("bin", "bin/sara", "the sara binary")
	names := flag.String("scenarios", "mixed", "comma-separated scenarios: mixed, calls, rtsp, trunk, early-media, drain, server-failure")
	keep := flag.String("keep", "", "keep logs, configs and captures in this directory (default: a temporary one, removed)")
	verbose := flag.Bool("v", false, "log every setup command")
	hold := flag.Duration("hold", 0, "instead of scenarios: run the dispatcher this long and keep the lab up for manual use")
	flag.Parse()
	if err := run(*bin, strings.Split(*names, ","), *keep, *verbose, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(bin string, names []string, keep string, verbose bool, hold time.Duration) error {
	lab.HandleSignals()
	dir := keep
	if dir == "" {
		d, err := os.MkdirTemp("", "sara-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	opt := lab.Options{Bin: bin, Dir: dir}
	if verbose {
		opt.Log = os.Stderr
	}
	l, err := lab.New(opt)
	if err != nil {
		return err
	}
	defer l.Close()
	nodes, err := l.StartNodes()
	if err != nil {
		return err
	}
	if _, err := l.StartGateway(); err != nil {
		return err
	}
	if hold > 0 {
		d, err := l.StartDispatcher("hold-dispatcher", hold+5*time.Second)
		if err != nil {
			return err
		}
		fmt.Printf("lab up (namespaces %s-*), dispatcher running for %v; logs in %s\n", l.Prefix, hold, dir)
		time.Sleep(hold)
		c, err := d.Finish()
		fmt.Printf("dispatcher counters: %+v\n", c)
		return err
	}
	failed := 0
	for _, name := range names {
		res, err := l.Scenario(name, nodes)
		if err != nil {
			return err
		}
		fmt.Printf("%s%s\n\n", res.Summary(), res.JSON())
		failed += len(res.Failed())
	}
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed (artefacts in %s)", failed, dir)
	}
	return nil
}
