#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), PARALLEL at a time (default 4), under a 1 GiB
# RSS limit and a 10 s limit per input (a slow input is a finding: readers must be linear), and prints
# one line per target for the table in README.md. Needs `cargo +nightly fuzz build -O` first and the
# corpora of seed.sh.
set -uo pipefail
cd "$(dirname "$0")"
secs=${SECONDS_EACH:-600}
par=${PARALLEL:-4}
targets=${TARGETS:-"text html markdown csv docx xlsx form edition prose"}
mkdir -p logs artifacts
run() {
  t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  nice -n 10 cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 > "logs/$t.log" 2>&1
  echo "$t exit=$? $(grep -E '^stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}') execs," \
    "$(grep -oE 'cov: [0-9]+' "logs/$t.log" | tail -1), corpus $(ls "corpus/$t" | wc -l)," \
    "artifacts $(ls "artifacts/$t" | wc -l)"
}
export -f run
export secs
printf '%s\n' $targets | xargs -P "$par" -I{} bash -c 'run {}'
