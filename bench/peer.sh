#!/usr/bin/env bash
# plangraph against PostGraphile 4.14 (issue 11, goal 1), uncached: one PostgreSQL database
# that plangraph imported, both servers on core 0 (each measured while the other idles), wrk on
# core 1, 16 connections, ROUNDS interleaved rounds; medians of requests/s and p99 per query,
# and their ratios. plangraph runs with its response cache off (PLANGRAPH_CACHE_BYTES=0), so
# every request is planned, fetched and serialised, as PostGraphile's are.
#
#   bench/peer.sh              DURATION=5s ROUNDS=3 CONNECTIONS=16 by default
#
# PostGraphile installs from npm into target/peer (once; node and npm come with the machine).
source "$(dirname "$0")/lib.sh"

rounds="${ROUNDS:-3}"
connections="${CONNECTIONS:-16}"
export DURATION="${DURATION:-5s}"
ours=18190
theirs=18191

cargo build --release --quiet --bin plangraph
if [ ! -x target/peer/node_modules/.bin/postgraphile ]; then
  mkdir -p target/peer
  (cd target/peer && npm install --no-audit --no-fund --loglevel=error postgraphile@4.14 >/dev/null)
fi

fresh_pg plangraph_peer
# The same transport for both: PostGraphile's driver (node-postgres) does not use TLS unless
# told to, and sqlx's default (sslmode=prefer) would encrypt every row on the loopback.
PLANGRAPH_CACHE_BYTES=0 start_plangraph "$url?sslmode=disable" "$ours" 0
ours_pid=$server_pid
# plangraph has imported and analysed by now; PostGraphile introspects the same tables.
taskset -c 0 node target/peer/node_modules/.bin/postgraphile -c "$url" --schema public \
  --host 127.0.0.1 --port "$theirs" --disable-query-log --disable-graphiql \
  >"$work/postgraphile.log" 2>&1 &
pids+=($!)
theirs_pid=$!
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$theirs/graphql" -H 'content-type: application/json' \
    --data '{"query":"{__typename}"}' 2>/dev/null | grep -q Query && break
  sleep 0.2
done

# The issue's three queries, each as a client of either server would write it.
names=(deep targets department)
declare -A ours_q=(
  [deep]='{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } } } } } }'
  [targets]='{ targets(first: 50) { nodes { plan { code } name unit baseline { year value } year value nature } } }'
  [department]='{ department(name: "县卫健局") { name goals(role: LEAD, first: 100) { nodes { number text } } } }'
)
declare -A theirs_q=(
  [deep]='{ allPlans(orderBy: LINE_START_ASC) { nodes { code title domainsByPlanId(orderBy: ORDINAL_ASC) { nodes { title goalsByDomainId(first: 100, orderBy: [ORDINAL_ASC, ID_ASC]) { nodes { kind number text goalDepartmentsByGoalId(orderBy: ORDINAL_ASC) { nodes { role departmentByDepartmentId { name } } } } } } } } } }'
  [targets]='{ allTargets(first: 50, orderBy: [LINE_START_ASC, ORDINAL_ASC]) { nodes { planByPlanId { code } name unit baselineYear baselineValue year value nature } } }'
  [department]='{ allDepartments(condition: { name: "县卫健局" }) { nodes { name goalDepartmentsByDepartmentId(first: 100, condition: { role: "lead" }, orderBy: ID_ASC) { nodes { goalByGoalId { number text } } } } } }'
)
for name in "${names[@]}"; do
  body "ours-$name" "${ours_q[$name]}"
  body "theirs-$name" "${theirs_q[$name]}"
  # Same work on both sides: as many goals (or targets) in either answer.
  a=$(check "http://127.0.0.1:$ours/graphql" "ours-$name" | grep -o '"text"\|"unit"' | wc -l)
  b=$(check "http://127.0.0.1:$theirs/graphql" "theirs-$name" | grep -o '"text"\|"unit"' | wc -l)
  [ "$a" = "$b" ] || { echo "$name: plangraph answers $a rows, PostGraphile $b" >&2; exit 1; }
  echo "$name: $a rows in each answer" >&2
done

: > "$work/results"
# Waits until process $1 has used no CPU for 0.4 s (at most 10 s): both servers share core 0,
# and node collects its garbage for a while after a load (0.35 s of CPU during the next 5 s
# round, measured), which was charged to whichever server ran next.
settle() {
  local before now quiet=0
  before=$(awk '{print $14 + $15}' "/proc/$1/stat")
  for _ in $(seq 1 50); do
    sleep 0.2
    now=$(awk '{print $14 + $15}' "/proc/$1/stat")
    if [ "$now" = "$before" ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 2 ] && return
    before=$now
  done
}

for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    echo "ours $name $(load "http://127.0.0.1:$ours/graphql" "ours-$name" "$connections")" >> "$work/results"
    settle "$ours_pid"
    echo "theirs $name $(load "http://127.0.0.1:$theirs/graphql" "theirs-$name" "$connections")" >> "$work/results"
    settle "$theirs_pid"
  done
  echo "round $round of $rounds done" >&2
done
rss() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
echo "peak RSS: plangraph $(rss "$ours_pid") MB, PostGraphile $(rss "$theirs_pid") MB (node's own process)"

echo
echo "### plangraph (cache off) vs PostGraphile 4.14, PostgreSQL, $connections connections, median of $rounds × $DURATION"
echo "| query | plangraph req/s | PostGraphile req/s | ratio | plangraph p99 ms | PostGraphile p99 ms | ratio |"
echo "|---|---|---|---|---|---|---|"
python3 - "$work/results" "${names[@]}" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, name, rps, p50, p99 = line.split()
    runs.setdefault((who, name), []).append((float(rps), float(p99)))
for name in sys.argv[2:]:
    med = lambda who, i: statistics.median(r[i] for r in runs[(who, name)])
    o, t = (med("ours", 0), med("ours", 1)), (med("theirs", 0), med("theirs", 1))
    print(f"| {name} | {o[0]:,.0f} | {t[0]:,.0f} | {o[0]/t[0]:.2f}× | {o[1]:.1f} | {t[1]:.1f} | {o[1]/t[1]:.2f} |")
PY
echo
echo "rounds (who, query, req/s, p50 ms, p99 ms):"
cat "$work/results"
