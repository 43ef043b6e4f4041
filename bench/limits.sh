#!/usr/bin/env bash
# What the request limits cost (issue 7): the dashboard query against a release build of a
# baseline commit from before the limits and against this one, with every limit on (the rate
# limit on too, with a bucket large enough never to refuse the load generator), on SQLite.
# Server pinned to core 0, wrk to core 1, 16 connections; rounds interleave the two builds
# and the medians are reported, with and without the response cache.
#
#   bench/limits.sh [BASELINE_REF [AFTER_REF]]     ROUNDS=5 DURATION=5s by default
#
# AFTER_REF defaults to c193304, the last commit with the schema this query is written for
# (the series model of issue 8 changed it); the figures in docs/BENCHMARKS.md were measured there.
set -euo pipefail
cd "$(dirname "$0")/.."

baseline="${1:-cb03556}"
after="${2:-c193304}"
rounds="${ROUNDS:-5}"
duration="${DURATION:-5s}"
port="${BENCH_PORT:-18182}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  git worktree remove --force "$work/build" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Both builds share target/ (dependencies compile once); each binary is copied aside, and the
# baseline's is kept for the next run (target/bench/plangraph-<ref>).
mkdir -p target/bench
for ref in "$baseline" "$after"; do
  if [ ! -x "target/bench/plangraph-$ref" ]; then
    rm -rf "$work/build"
    git worktree add --detach "$work/build" "$ref" >/dev/null 2>&1
    CARGO_TARGET_DIR="$(pwd)/target" cargo build --release --quiet --bin plangraph --manifest-path "$work/build/Cargo.toml"
    cp target/release/plangraph "target/bench/plangraph-$ref"
    git worktree remove --force "$work/build" >/dev/null 2>&1
  fi
done
cp "target/bench/plangraph-$baseline" target/bench/plangraph-before
cp "target/bench/plangraph-$after" target/bench/plangraph-after

dashboard='{ plan(code: "health") { indicators(first: 100) { totalCount nodes { id name unit nature target { value raw } latestValue { year value } progress status } } } }'
python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$dashboard" > "$work/q.json"
cat > "$work/q.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/q.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

run() { # $1 binary, $2 cache on|off → prints requests/s and p99
  rm -f "$work"/bench.db*
  local cache_entries=1000 cache_bytes=67108864
  [ "$2" = off ] && { cache_entries=0; cache_bytes=0; }
  PLANGRAPH_MAX_CACHED_RESPONSES="$cache_entries" PLANGRAPH_CACHE_BYTES="$cache_bytes" \
    PLANGRAPH_RATE_PER_SECOND=10000000 PLANGRAPH_RATE_BURST=10000000 \
    DATABASE_URL="sqlite://$work/bench.db?mode=rwc" RUST_LOG=warn \
    taskset -c 0 "$1" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  body=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data-binary "@$work/q.json")
  case "$body" in *'"errors"'*|'') echo "the query failed: $body" >&2; exit 1 ;; esac
  out=$(taskset -c 1 wrk -t1 -c16 -d"$duration" --latency -s "$work/q.lua" "http://127.0.0.1:$port/graphql")
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -z "$non2xx" ] || { echo "$non2xx non-2xx answers" >&2; exit 1; }
  # p99 in milliseconds, whatever unit wrk chose
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' <<<"$out")
  echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $p99"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| cache | build | requests/s (median of $rounds) | p99 (median) |"
echo "|---|---|---|---|"
for cache in off on; do
  : > "$work/before"; : > "$work/after"
  for _ in $(seq 1 "$rounds"); do
    run target/bench/plangraph-before "$cache" >> "$work/before"
    run target/bench/plangraph-after "$cache" >> "$work/after"
  done
  for build in before after; do
    rps=$(cut -d' ' -f1 "$work/$build" | median)
    p99=$(cut -d' ' -f2 "$work/$build" | median)
    echo "| $cache | $build ($([ "$build" = before ] && echo "$baseline" || git rev-parse --short HEAD)) | $rps | ${p99} ms |"
  done
done
