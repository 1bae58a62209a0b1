#!/usr/bin/env bash
# make bench: the dispatcher beside dpdk-testpmd macswap on the same input.
# The last line printed is the JSON summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
go run ./test/bench "$@"
