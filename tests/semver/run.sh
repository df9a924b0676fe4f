#!/usr/bin/env bash
# Checks `oagen diff`'s verdict against the Rust ecosystem's tool (not run in CI).
#
# For each pair of consecutive Vocode versions (tests/fixtures/vocode-history/*.json, then
# specs/vocode/openapi.json), it generates both crates with `oagen generate` (with the
# Vocode overlay), asks `oagen diff` how many changes break users, and runs
# `cargo semver-checks check-release --release-type minor` with the older crate as baseline
# (a failure means semver-checks found a change that needs a major bump). It prints one line
# per pair and every disagreement: a pair that one calls breaking and the other does not.
#
#   tests/semver/run.sh          # every pair
#   tests/semver/run.sh 1        # only the last N pairs
#
# Installs cargo-semver-checks (`cargo install cargo-semver-checks --locked`) when absent.
# Work files go to target/semver/ (one shared target dir; logs per pair).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work="$root/target/semver"
mkdir -p "$work"
export CARGO_TARGET_DIR="$work/target"

command -v cargo-semver-checks >/dev/null || cargo install cargo-semver-checks --locked
cargo build --release -p oagen --target-dir "$root/target" >&2
oagen="$root/target/release/oagen"
overlay=specs/vocode/overlay.yaml

versions=(tests/fixtures/vocode-history/*.json specs/vocode/openapi.json)
pairs=$((${#versions[@]} - 1))
first=0
if [ "${1:-}" != "" ]; then first=$((pairs - $1)); fi

generate() { # SPEC DIR
  "$oagen" generate "$1" --out "$2" --name vocode-sdk --overlay "$overlay" 2>/dev/null
}

disagreements=0
printf '%-40s %-28s %s\n' "pair" "oagen diff" "cargo-semver-checks"
for ((i = first; i < pairs; i++)); do
  old=${versions[$i]} new=${versions[$((i + 1))]}
  name="$(basename "$old" .json)_to_$(basename "$new" .json)"
  generate "$old" "$work/$name/old"
  generate "$new" "$work/$name/new"
  "$oagen" diff "$old" "$new" --overlay "$overlay" --format json > "$work/$name/diff.json"
  breaking=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for c in r["changes"] if c["breaking"]))' "$work/$name/diff.json")
  bump=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bump"])' "$work/$name/diff.json")
  if cargo semver-checks check-release --release-type minor \
      --baseline-root "$work/$name/old" --manifest-path "$work/$name/new/Cargo.toml" \
      > "$work/$name/semver-checks.log" 2>&1; then
    verdict="no major change"; tool_breaks=0
  else
    lints=$(grep -oE '^--- failure [a-z_]+' "$work/$name/semver-checks.log" | awk '{print $3}' | sort -u | paste -sd, -)
    verdict="major: ${lints:-see log}"; tool_breaks=1
  fi
  printf '%-40s %-28s %s\n' "$name" "$bump ($breaking breaking)" "$verdict"
  if { [ "$breaking" -gt 0 ] && [ "$tool_breaks" -eq 0 ]; } || { [ "$breaking" -eq 0 ] && [ "$tool_breaks" -eq 1 ]; }; then
    echo "  DISAGREE: see $work/$name/semver-checks.log and diff.json"
    disagreements=$((disagreements + 1))
  fi
done
echo "$disagreements disagreement(s)"
