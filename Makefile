# SARA — build, test, benchmark and demo targets.
# The quick start is `make demo` and `make test`; both install what they need.

SHELL      := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO         ?= go
BIN        := bin/sara
GOFLAGS_T  ?= -count=1
FUZZTIME   ?= 20s

.PHONY: all build deps test unit bench fuzz lint demo demo-replay clean

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

# Benchmarks: side by side with dpdk-testpmd on the same input; last line is JSON.
bench: build
	@bash test/bench/run.sh

fuzz: deps
	@bash test/fuzz.sh $(FUZZTIME)

lint: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The main job on a built-in default: generate a traffic mix, replay it through
# the real data plane, print a per-server summary.
demo: build
	@bash test/demo/replay.sh

demo-replay: demo

clean:
	rm -rf bin build test/out
