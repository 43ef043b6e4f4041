#!/usr/bin/env bash
# Load benchmark of the read API (issue 3): release build, wrk on loopback, server pinned to
# core 0 and the load generator to core 1. Prints requests/s and p50/p99 latency for the
# dashboard, deep and search queries at 1, 16 and 64 connections, on SQLite and PostgreSQL,
# with the response cache on (default) and off, then the SQL statements per request.
#
#   bench/api.sh [sqlite|postgres|both]      DURATION=10s by default
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
duration="${DURATION:-10s}"
port="${BENCH_PORT:-18181}"
pg_admin="${PLANGRAPH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin plangraph

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_bench" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The three queries of the issue; tests/api/statements.rs holds the same text.
dashboard='{ plan(code: "health") { targets(first: 100) { totalCount nodes { id name unit nature value raw indicator { latestValue { year value } } progress status } } } }'
deep='{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }'
search='{ search(text: "健康", first: 20) { totalCount nodes { __typename ... on Indicator { name } ... on Goal { text } ... on Department { name } ... on Plan { title } } } }'

lua() { # $1 name, $2 query: the JSON body in a file, and a wrk script that sends it
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$2" > "$work/$1.json"
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$1.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
}
lua dashboard "$dashboard"; lua deep "$deep"; lua search "$search"

start_server() { # $1 database url, $2 cache bytes (0: off)
  # One load generator is one address: the per-address rate limit is off for the benchmark.
  PLANGRAPH_CACHE_BYTES="$2" PLANGRAPH_RATE_LIMIT=off DATABASE_URL="$1" RUST_LOG=warn \
    taskset -c 0 target/release/plangraph serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

echo "| store | cache | query | connections | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  for cached in 67108864 0; do
    if [ "$store" = sqlite ]; then
      url="sqlite://$work/bench.db?mode=rwc"; rm -f "$work"/bench.db*
    else
      psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_bench" -c "CREATE DATABASE plangraph_bench" >/dev/null
      url="${pg_admin%/*}/plangraph_bench"
    fi
    start_server "$url" "$cached"
    for q in dashboard deep search; do
      # GraphQL errors come back as 200: check one answer before trusting the numbers.
      body=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data-binary "@$work/$q.json")
      case "$body" in *'"errors"'*|'') echo "$q failed: $body" >&2; exit 1 ;; esac
      for c in 1 16 64; do
        out=$(taskset -c 1 wrk -t1 -c"$c" -d"$duration" --latency -s "$work/$q.lua" "http://127.0.0.1:$port/graphql")
        rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
        [ -z "$non2xx" ] || { echo "$q: $non2xx non-2xx answers" >&2; exit 1; }
        echo "| $store | $([ "$cached" = 0 ] && echo off || echo on) | $q | $c | $rps | $p50 | $p99 |"
      done
    done
    stop_server
  done
done

echo
echo "SQL statements per request (first, uncached answer; budget = depth + 2):"
cargo test --quiet --test api statements -- --nocapture 2>&1 | grep 'statements per request' || true
