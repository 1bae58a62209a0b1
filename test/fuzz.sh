#!/usr/bin/env bash
# Runs every native Go fuzz target of the repository for a bounded time each.
#   test/fuzz.sh [duration] [package-pattern]
# duration: per target, default 20s; package-pattern: default ./...
# Targets are discovered with `go test -list 'Fuzz.*'` per package, so a new
# Fuzz* function anywhere is picked up without editing this script.
# New crashers land in the package's testdata/fuzz/<Target>/ as Go writes them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
DUR="${1:-20s}"
PATTERN="${2:-./...}"
PAR="${FUZZ_PARALLEL:-1}"     # the CI machine has 2 shared cores
MINIMIZE="${FUZZ_MINIMIZE:-5s}" # cap the minimisation of new inputs so the budget goes to fuzzing

failed=()
ran=0
for pkg in $(go list "$PATTERN"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  ls "$dir"/*_test.go >/dev/null 2>&1 || continue
  targets=$(go test -list 'Fuzz.*' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
  for t in $targets; do
    echo "== fuzz $pkg $t for $DUR"
    ran=$((ran + 1))
    if ! go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$DUR" -fuzzminimizetime "$MINIMIZE" -parallel "$PAR"; then
      failed+=("$pkg.$t")
    fi
  done
done
echo "fuzz: $ran targets run, ${#failed[@]} failed"
if ((${#failed[@]})); then
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
