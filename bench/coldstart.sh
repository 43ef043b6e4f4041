#!/usr/bin/env bash
# Cold start (issue 11, goal 6): from `plangraph serve` on an empty store — schema (on
# PostgreSQL the baseline script), import of the bundled document — to the first answer of
# the plans → domains → goals → departments query, polled by bench/first_answer.py (a TCP connect
# every millisecond from one process, then the query). ROUNDS rounds per store; prints min / median / max,
# and the medians of the phases the server logs when it is ready (open and migrate, import,
# total from its first instruction: what the poll and the first answer do not blur).
#
#   bench/coldstart.sh [sqlite|postgres|both]      ROUNDS=5; PG_PARAMS=sslmode=disable adds URL parameters
#   POLL=curl bench/coldstart.sh …                 polls with a curl process every 5 ms, as this script
#                                                  did until 2026-11-30 (bench/first_answer.py says
#                                                  why it no longer does)
#   BIN=/path/to/plangraph bench/coldstart.sh …   another build (say, an earlier commit's) instead of this one
#   BIN="/old/plangraph /new/plangraph" …         several builds, started in turn within each round
#                                                  (paired: this machine's speed drifts by a third
#                                                  within an hour), reported one by one
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
rounds="${ROUNDS:-5}"
poll="${POLL:-socket}"
port="${BENCH_PORT:-18183}"
pg_admin="${PLANGRAPH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"
bins="${BIN:-}"
if [ -z "$bins" ]; then cargo build --release --quiet --bin plangraph; bins=target/release/plangraph; fi
read -r -a bins <<< "$bins"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_cold" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 -c 'import json; print(json.dumps({"query": "{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }"}))' > "$work/q.json"

for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  for n in "${!bins[@]}"; do : > "$work/times$n"; : > "$work/phases$n"; done
  for _ in $(seq 1 "$rounds"); do
    for n in "${!bins[@]}"; do
      if [ "$store" = sqlite ]; then
        rm -f "$work"/cold.db*; url="sqlite://$work/cold.db?mode=rwc"
      else
        psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_cold" -c "CREATE DATABASE plangraph_cold" >/dev/null
        url="${pg_admin%/*}/plangraph_cold${PG_PARAMS:+?$PG_PARAMS}"
      fi
      if [ "$poll" = curl ]; then
        started=$(date +%s%N)
        PLANGRAPH_JWT_SECRET=0123456789abcdef0123456789abcdef DATABASE_URL="$url" RUST_LOG=warn,plangraph::startup=info \
          "${bins[$n]}" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
        server_pid=$!
        until body=$(curl -sf "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data-binary "@$work/q.json" 2>/dev/null) &&
              [[ "$body" == *'"code":"women"'* ]]; do
          kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
          sleep 0.005
        done
        echo $(( ($(date +%s%N) - started) / 1000000 )) >> "$work/times$n"
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
      else
        PLANGRAPH_JWT_SECRET=0123456789abcdef0123456789abcdef DATABASE_URL="$url" RUST_LOG=warn,plangraph::startup=info \
          python3 bench/first_answer.py "$port" "$work/q.json" '"code":"women"' "$work/server.log" -- \
          "${bins[$n]}" serve --bind "127.0.0.1:$port" >> "$work/times$n" || { cat "$work/server.log" >&2; exit 1; }
      fi
      sed 's/\x1b\[[0-9;]*m//g' "$work/server.log" | grep -o 'open_ms=[0-9]* import_ms=[0-9]* total_ms=[0-9]*' >> "$work/phases$n" || true
    done
  done
  for n in "${!bins[@]}"; do
    if [ "${#bins[@]}" -gt 1 ]; then echo "${bins[$n]}:"; fi
    sort -n "$work/times$n" | awk -v s="$store" '{a[NR]=$1} END {printf "%s: cold start to first answer, ms: min %d / median %d / max %d (%d rounds)\n", s, a[1], a[int((NR+1)/2)], a[NR], NR}'
    python3 - "$work/phases$n" "$store" <<'PY'
import statistics, sys
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
if rows:
    med = {k: statistics.median(int(r[k]) for r in rows) for k in ("open_ms", "import_ms", "total_ms")}
    print(f"{sys.argv[2]}: server phases at ready, median ms: open and migrate {med['open_ms']:g}, import {med['import_ms']:g}, ready {med['total_ms']:g}")
PY
  done
done
