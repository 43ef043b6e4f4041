# Shared by the bench scripts (sourced, not run): a scratch directory, servers started and
# stopped, wrk bodies and its figures. The server runs on core 0, load on core 1, release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pg_admin="${PLANGRAPH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"
export PLANGRAPH_JWT_SECRET="${PLANGRAPH_JWT_SECRET:-0123456789abcdef0123456789abcdef}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work="$(mktemp -d)"
pids=()
databases=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${databases[@]}"; do
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh PostgreSQL database named $1 (dropped on exit); sets `url` to it. Not in `$( … )`:
# a subshell's list of databases to drop is lost with it (plangraph_peer was left behind).
fresh_pg() {
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  databases+=("$1")
  url="${pg_admin%/*}/$1"
}

# Waits until $1 (a URL) answers, or fails with the log $2.
wait_for() {
  for _ in $(seq 1 300); do curl -sf "$1" >/dev/null && return; sleep 0.1; done
  echo "$1 did not answer" >&2; cat "$2" >&2; exit 1
}

# Starts plangraph: $1 store URL, $2 port, $3 cores (taskset list), $4 the build (the release
# build by default); the rest of the environment passes through. Sets $server_pid (also
# stopped on exit).
start_plangraph() {
  PLANGRAPH_RATE_LIMIT=off DATABASE_URL="$1" RUST_LOG="${RUST_LOG:-warn}" \
    taskset -c "$3" "${4:-target/release/plangraph}" serve --bind "127.0.0.1:$2" >"$work/server-$2.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  wait_for "http://127.0.0.1:$2/healthz" "$work/server-$2.log"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# A wrk script at $work/$1.lua that POSTs the GraphQL query $2 to whatever URL wrk is given.
body() {
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1]}))' "$2" > "$work/$1.json"
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$1.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
}

# Asks $1 (a GraphQL URL) the query of body $2 once; fails on an error or no data.
check() {
  answer=$(curl -s "$1" -H 'content-type: application/json' --data-binary @"$work/$2.json")
  case "$answer" in
    *'"errors"'*|'') echo "$2 at $1 failed: ${answer:0:400}" >&2; exit 1 ;;
  esac
  echo "$answer"
}

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}' <<<"$1"; }

# wrk on core 1 against $1 with body $2, $3 connections, for $DURATION → "rps p50_ms p99_ms".
# Non-2xx answers fail the run: a benchmark of refusals measures nothing.
load() {
  local out non2xx
  out=$(taskset -c "${LOAD_CORES:-1}" wrk -t1 -c"$3" -d"${DURATION:-10s}" --latency -s "$work/$2.lua" "$1")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -z "$non2xx" ] || { echo "$2: $non2xx non-2xx answers" >&2; exit 1; }
  echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}

# The Markdown rows of a paired run: from $1 (lines "side path p50 p99", one per round), per path
# $4…, the medians over the rounds of p50 and p99 on side $2 and side $3, and $3 / $2.
median_rows() {
  python3 - "$@" <<'PY'
import statistics, sys
path, one, other = sys.argv[1:4]
rows = {}
for line in open(path):
    side, name, p50, p99 = line.split()
    rows.setdefault((side, name), []).append((float(p50), float(p99)))
def median(side, name, i):
    return statistics.median(r[i] for r in rows[(side, name)])
for name in sys.argv[4:]:
    a50, b50 = median(one, name, 0), median(other, name, 0)
    a99, b99 = median(one, name, 1), median(other, name, 1)
    print(f"| {name} | {a50:.2f} | {b50:.2f} | {b50/a50:.2f} | {a99:.2f} | {b99:.2f} | {b99/a99:.2f} |")
PY
}
