# SARA — build, test, benchmark and demo targets.
# The quick start is `make demo` and `make test`; both install what they need.

SHELL      := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO         ?= go
BIN        := bin/sara
GOFLAGS_T  ?= -count=1
FUZZTIME   ?= 20s

.PHONY: all build deps test lab-test unit bench fuzz lint demo demo-replay clean

all: build

deps:
	@bash test/deps.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/sara

# Every test: pure Go units, DPDK tests (EAL without hugepages, one package at a
# time: -p 1), pcap end-to-end runs and the network-namespace tests (root only).
test: build
	$(GO) vet ./...
	$(GO) test -p 1 $(GOFLAGS_T) ./...
	@$(MAKE) --no-print-directory lab-test

# The live lab (test/lab, root only; skips otherwise): namespaces, the real
# dispatcher on net_af_packet, agents, gateway, sipp/GStreamer/ffmpeg peers.
lab-test: build
	SARA_LAB=1 SARA_BIN=$(abspath $(BIN)) $(GO) test $(GOFLAGS_T) -v -run TestLab ./test/lab

# Benchmarks: side by side with dpdk-testpmd on the same input; last line is JSON.
bench: build
	@bash test/bench/run.sh

fuzz: deps
	@bash test/fuzz.sh $(FUZZTIME)

lint: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The live lab (root): bring it up, run a short mixed SIP + RTSP scenario
# through the real dispatcher, print the summary, tear it down.
demo: build
	$(GO) run ./test/lab/demo -bin $(BIN)

# Capture replay: generate a traffic mix, replay it through the real data
# plane, print a per-server summary.
demo-replay: build
	@bash test/demo/replay.sh

clean:
	rm -rf bin build test/out
