#!/usr/bin/env bash
# Read paths at 100× the data (issue 11, goal 2): every read path on the document as imported,
# then on the same store grown to 100× by the generator (`cargo run --release --example scale`),
# one connection, response cache off. Prints p50/p99 of each and the ratio 100× / base.
# Where the answer itself grows with the data the ratio shows that too: the document has no
# OFF_TRACK target (status_filter's base page is empty; status_filter_full's NO_DATA page is
# full on both), and the dashboard's page (health's 93 targets) has one figure on 33 of them
# where at 100× 99 of its 100 have a ten-year series.
# Release build, server pinned to core 0, wrk to core 1.
#
#   bench/scale.sh [sqlite|postgres|both]      DURATION=5s FACTOR=100 by default
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
duration="${DURATION:-5s}"
factor="${FACTOR:-100}"
port="${BENCH_PORT:-18182}"
pg_admin="${PLANGRAPH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin plangraph --example scale

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_scale" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

declare -A queries=(
  [page]='{ targets(first: 20, filter: { planCode: "health" }) { nodes { name status } } }'
  [deep_cursor]='{ targets(first: 20, after: "CURSOR", filter: { planCode: "health" }) { nodes { name status } } }'
  [status_filter]='{ targets(first: 20, filter: { planCode: "health", status: [OFF_TRACK] }) { totalCount nodes { name status } } }'
  [status_filter_full]='{ targets(first: 20, filter: { planCode: "health", status: [NO_DATA] }) { totalCount nodes { name status } } }'
  [status_counts]='{ plans { code statusCounts { status count } } }'
  [department_counts]='{ department(name: "县卫健局") { statusCounts(role: LEAD) { status count } } }'
  [search]='{ search(text: "婴儿死亡率", first: 20) { totalCount nodes { __typename } } }'
  [total_count]='{ targets(first: 1, filter: { planCode: "health" }) { totalCount } }'
  [indicators_total]='{ plan(code: "health") { indicators(first: 20) { totalCount nodes { name } } } }'
  [dashboard]='{ plan(code: "health") { targets(first: 100) { totalCount nodes { id name unit nature value raw indicator { latestValue { year value } } progress status } } } }'
)
order=(page deep_cursor status_filter status_filter_full status_counts department_counts search total_count indicators_total dashboard)

gql() { # $1 query → JSON answer
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$1" |
    curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data-binary @-
}

lua() { # $1 name, $2 query
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$2" > "$work/$1.json"
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$1.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
}

start_server() { # $1 url
  PLANGRAPH_CACHE_BYTES=0 PLANGRAPH_RATE_LIMIT=off DATABASE_URL="$1" RUST_LOG=warn \
    taskset -c 0 target/release/plangraph serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

measure() { # $1 label → lines "label name p50_ms p99_ms"
  # The cursor of the 21st target from the end: a page that far into the list.
  cursor=$(gql '{ targets(last: 21, filter: { planCode: "health" }) { pageInfo { startCursor } } }' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["targets"]["pageInfo"]["startCursor"])')
  for name in "${order[@]}"; do
    q="${queries[$name]//CURSOR/$cursor}"
    body=$(gql "$q")
    case "$body" in *'"errors"'*|'') echo "$name failed: $body" >&2; exit 1 ;; esac
    lua "$name" "$q"
    out=$(taskset -c 1 wrk -t1 -c1 -d"$duration" --latency -s "$work/$name.lua" "http://127.0.0.1:$port/graphql")
    to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}' <<<"$1"; }
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    echo "$1 $name $p50 $p99" >> "$work/results"
  done
}

for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  : > "$work/results"
  if [ "$store" = sqlite ]; then
    url="sqlite://$work/scale.db?mode=rwc"; rm -f "$work"/scale.db*
  else
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_scale" -c "CREATE DATABASE plangraph_scale" >/dev/null
    url="${pg_admin%/*}/plangraph_scale"
  fi
  start_server "$url"; measure base; stop_server
  DATABASE_URL="$url" RUST_LOG=warn target/release/examples/scale "$factor"
  start_server "$url"; measure scaled; stop_server
  echo
  echo "### $store: one connection, cache off, ${factor}× vs base (ms)"
  echo "| read path | p50 base | p50 ${factor}× | ratio | p99 base | p99 ${factor}× | ratio |"
  echo "|---|---|---|---|---|---|---|"
  python3 - "$work/results" "${order[@]}" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    label, name, p50, p99 = line.split()
    rows[(label, name)] = (float(p50), float(p99))
for name in sys.argv[2:]:
    b, s = rows[("base", name)], rows[("scaled", name)]
    print(f"| {name} | {b[0]:.2f} | {s[0]:.2f} | {s[0]/b[0]:.2f} | {b[1]:.2f} | {s[1]:.2f} | {s[1]/b[1]:.2f} |")
PY
done
