#!/usr/bin/env bash
# Two builds of plangraph on goal 1's queries (bench/peer.sh's three) and the health plan's
# dashboard, uncached: what a change costs where the README's goal is measured. Both builds
# serve one store (the first imports it), both on core 0 (each measured while the other
# idles), wrk on core 1; ROUNDS interleaved rounds, medians of requests/s and p99, and the
# second build's ratio to the first.
#
#   BIN="/path/a /path/b" bench/pair.sh [postgres|sqlite]   DURATION=5s ROUNDS=5 CONNECTIONS=16
#
# Used to decide whether code that replaces a library's pays for itself (issue 28).
source "$(dirname "$0")/lib.sh"

read -r -a bins <<<"${BIN:?BIN=\"first second\": the two builds to compare}"
[ "${#bins[@]}" = 2 ] || { echo "BIN names two builds" >&2; exit 1; }
store="${1:-postgres}"
rounds="${ROUNDS:-5}"
connections="${CONNECTIONS:-16}"
export DURATION="${DURATION:-5s}"
ports=(18192 18193)

case "$store" in
  postgres) fresh_pg plangraph_pair; url="$url?sslmode=disable" ;;
  sqlite) url="sqlite://$work/pair.db?mode=rwc" ;;
  *) echo "store: postgres or sqlite" >&2; exit 1 ;;
esac

server_pids=()
for n in 0 1; do
  PLANGRAPH_CACHE_BYTES=0 PLANGRAPH_RATE_LIMIT=off DATABASE_URL="$url" RUST_LOG=warn \
    taskset -c 0 "${bins[$n]}" serve --bind "127.0.0.1:${ports[$n]}" >"$work/server-$n.log" 2>&1 &
  server_pids+=($!)
  pids+=($!)
  wait_for "http://127.0.0.1:${ports[$n]}/healthz" "$work/server-$n.log"
done

names=(deep targets department dashboard)
declare -A queries=(
  [deep]='{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } } } } } }'
  [targets]='{ targets(first: 50) { nodes { plan { code } name unit baseline { year value } year value nature } } }'
  [department]='{ department(name: "县卫健局") { name goals(role: LEAD, first: 100) { nodes { number text } } } }'
  [dashboard]='{ plan(code: "health") { indicators(first: 100) { totalCount nodes { id name unit latestValue { year value } targets { year value comparator status } } } } }'
)
# The same answers from both (a server that has just imported restates statuses for a moment
# after it answers its health check: a few tries before calling it a difference).
for name in "${names[@]}"; do
  body "$name" "${queries[$name]}"
  for try in $(seq 1 10); do
    a=$(check "http://127.0.0.1:${ports[0]}/graphql" "$name")
    b=$(check "http://127.0.0.1:${ports[1]}/graphql" "$name")
    [ "$a" = "$b" ] && break
    [ "$try" = 10 ] && { echo "$name: the two builds answer differently" >&2; exit 1; }
    sleep 1
  done
done

: > "$work/results"
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    for n in 0 1; do
      echo "$n $name $(load "http://127.0.0.1:${ports[$n]}/graphql" "$name" "$connections")" >> "$work/results"
    done
  done
  echo "round $round of $rounds done" >&2
done
rss() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
echo "peak RSS: first $(rss "${server_pids[0]}") MB, second $(rss "${server_pids[1]}") MB"

echo
echo "### ${bins[0]} (first) vs ${bins[1]} (second), $store, cache off, $connections connections, median of $rounds × $DURATION"
echo "| query | first req/s | second req/s | second/first | first p99 ms | second p99 ms | second/first |"
echo "|---|---|---|---|---|---|---|"
python3 - "$work/results" "${names[@]}" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, name, rps, p50, p99 = line.split()
    runs.setdefault((who, name), []).append((float(rps), float(p99)))
for name in sys.argv[2:]:
    med = lambda who, i: statistics.median(r[i] for r in runs[(who, name)])
    a, b = (med("0", 0), med("0", 1)), (med("1", 0), med("1", 1))
    print(f"| {name} | {a[0]:,.0f} | {b[0]:,.0f} | {b[0]/a[0]:.2f}× | {a[1]:.2f} | {b[1]:.2f} | {b[1]/a[1]:.2f} |")
PY
