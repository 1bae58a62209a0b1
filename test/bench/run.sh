#!/usr/bin/env bash
# make bench: the dispatcher beside dpdk-testpmd macswap on the same inputs,
# new flows per second, table memory and the Go hot paths. The last line
# printed is the JSON summary (docs/performance.md explains every key).
# The bench runs its own copy of sara, so a `make build` meanwhile does not
# swap the binary under it.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
mkdir -p test/out/bench
go build -o test/out/bench/sara ./cmd/sara
go run ./test/bench -sara test/out/bench/sara "$@"
