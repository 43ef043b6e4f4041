#!/usr/bin/env bash
# Reads during writes (issue 11, goal 3): readers of the deep query (wrk, 16 connections, the
# response cache on) with no writer, then with one writer making 5 mutations a second through
# the API (a submitter's submission and a reviewer's approval, in turn: each moves the data
# version; the deep query reads no reported value, so its cached answer outlives them, and
# what the readers feel is the writes' own work on the server's core and the version change).
# Server pinned to core 0, wrk and the writer to core 1. Prints requests/s and p50/p99 of both
# runs and the ratios.
#
#   bench/writes.sh [sqlite|postgres|both]      DURATION=10s RATE=5 by default
#   BIN=/path/to/plangraph bench/writes.sh …   another build (say, an earlier commit's)
#   FACTOR=100 bench/writes.sh …                on the store grown to 100× by the generator
#                                                (`cargo run --release --example scale`) first
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
duration="${DURATION:-10s}"
rate="${RATE:-5}"
port="${BENCH_PORT:-18184}"
pg_admin="${PLANGRAPH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"
export PLANGRAPH_JWT_SECRET=0123456789abcdef0123456789abcdef
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bin="${BIN:-}"
if [ -z "$bin" ]; then cargo build --release --quiet --bin plangraph; bin=target/release/plangraph; fi
factor="${FACTOR:-1}"
[ "$factor" = 1 ] || cargo build --release --quiet --example scale

work="$(mktemp -d)"
server_pid=""; writer_pid=""
cleanup() {
  [ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_writes" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

deep='{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }'
python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$deep" > "$work/deep.json"
cat > "$work/deep.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/deep.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

cat > "$work/writer.py" <<'PY'
# One writer: submit a value for an indicator the submitter's department leads, approve it,
# and again, at RATE mutations a second; prints how many it made and any refusal.
import json, sys, time, urllib.request
url, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def gql(query, variables=None, token=None):
    req = urllib.request.Request(url, json.dumps({"query": query, "variables": variables or {}}).encode(),
                                 {"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
    body = json.load(urllib.request.urlopen(req))
    if body.get("errors"):
        raise SystemExit(f"writer: {body['errors']}")
    return body["data"]
login = "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }"
submitter = gql(login, {"u": "bench.submit", "p": "bench-password-1"})["login"]["token"]
reviewer = gql(login, {"u": "bench.review", "p": "bench-password-1"})["login"]["token"]
indicator = gql('{ targets(first: 1, filter: { planCode: "health", department: "县卫健局", role: LEAD, quantified: true }) { nodes { indicator { id } } } }')["targets"]["nodes"][0]["indicator"]["id"]
submit = "mutation($i: ID!, $v: Float!) { submitValue(input: { indicatorId: $i, year: 2023, value: $v }) { value { id } } }"
review = "mutation($id: ID!) { reviewValue(input: { id: $id, decision: APPROVE }) { value { id } } }"
made, start, n = 0, time.monotonic(), 0
while time.monotonic() - start < seconds:
    n += 1
    value = gql(submit, {"i": indicator, "v": 20 + (n % 10)}, submitter)["submitValue"]["value"]["id"]
    made += 1
    time.sleep(max(0, start + made / rate - time.monotonic()))
    gql(review, {"id": value}, reviewer)
    made += 1
    time.sleep(max(0, start + made / rate - time.monotonic()))
print(f"writer: {made} mutations in {time.monotonic() - start:.1f} s")
PY

run_wrk() { # → "rps p50 p99"
  out=$(taskset -c 1 wrk -t1 -c16 -d"$duration" --latency -s "$work/deep.lua" "http://127.0.0.1:$port/graphql")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -z "$non2xx" ] || { echo "$non2xx non-2xx answers" >&2; exit 1; }
  to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
  echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}

[ "$factor" = 1 ] || echo "(the store at ${factor}× the document)"
echo "| store | writer | requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then
    rm -f "$work"/writes.db*; url="sqlite://$work/writes.db?mode=rwc"
  else
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_writes" -c "CREATE DATABASE plangraph_writes" >/dev/null
    url="${pg_admin%/*}/plangraph_writes"
  fi
  export DATABASE_URL="$url"
  start() {
    PLANGRAPH_RATE_LIMIT=off RUST_LOG=warn taskset -c 0 "$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  }
  start
  if [ "$factor" != 1 ]; then
    # The first start imported the document; grown offline, the store is served again.
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    RUST_LOG=warn target/release/examples/scale "$factor" >&2
    start
  fi
  echo bench-password-1 | "$bin" user add --username bench.submit --role submitter --department 县卫健局 >/dev/null 2>&1
  echo bench-password-1 | "$bin" user add --username bench.review --role reviewer >/dev/null 2>&1
  read -r rps0 p50_0 p99_0 <<<"$(run_wrk)"
  echo "| $store | none | $rps0 | $p50_0 | $p99_0 |"
  secs=$(( ${duration%s} + 2 ))
  taskset -c 1 python3 "$work/writer.py" "http://127.0.0.1:$port/graphql" "$rate" "$secs" > "$work/writer.log" 2>&1 &
  writer_pid=$!
  sleep 1
  read -r rps1 p50_1 p99_1 <<<"$(run_wrk)"
  wait "$writer_pid" || { cat "$work/writer.log" >&2; exit 1; }; writer_pid=""
  echo "| $store | $rate mutations/s ($(cat "$work/writer.log")) | $rps1 | $p50_1 | $p99_1 |"
  python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:5]); print(f'| {sys.argv[5]} | ratio | {b/a:.2f}× | | {d/c:.2f}× |')" "$rps0" "$rps1" "$p99_0" "$p99_1" "$store"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
