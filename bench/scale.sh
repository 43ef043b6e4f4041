#!/usr/bin/env bash
# Read paths at 100× the data (issue 11, goal 2): every read path on the document as imported
# against the same paths on a copy of that store grown to 100× by the generator (`cargo run
# --release --example scale`), one connection, response cache off. Both stores are served at
# once (two servers, both on core 0, only one loaded at a time) and measured in interleaved
# rounds — base, 100×, base, 100×… for each path — so that the machine's speed, which moves by
# a fifth between minutes here, falls on both sides of each ratio alike. Prints, per path, the
# medians over the rounds of p50 and p99, and their ratios 100× / base.
# Where the answer itself grows with the data the ratio shows that too: the document has no
# OFF_TRACK target (status_filter's base page is empty; status_filter_full's NO_DATA page is
# full on both), search finds 2 things in the document and 20 of 101 at 100×, and the
# dashboard's page (health's 93 targets) has one figure on 33 of them where at 100× 99 of its
# 100 have a ten-year series. first_page is bench/peer.sh's targets query (every plan's, no
# filter), last_cursor a page 21 from the end of every target.
#
# BIN names the builds to measure (the release build by default): with two, each path's
# rounds alternate between them too, so a change is measured in one run with the build
# before it. PATHS picks read paths by name (all by default).
#
#   bench/scale.sh [sqlite|postgres|both]      ROUNDS=5 DURATION=3s FACTOR=100 by default
#   BIN="/tmp/before /tmp/after" PATHS="dashboard" bench/scale.sh sqlite
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
rounds="${ROUNDS:-5}"
export DURATION="${DURATION:-3s}"
factor="${FACTOR:-100}"
port="${BENCH_PORT:-18182}"
export PLANGRAPH_CACHE_BYTES=0

cargo build --release --quiet --bin plangraph --example scale

declare -A queries=(
  [first_page]='{ targets(first: 50) { nodes { plan { code } name unit baseline { year value } year value nature } } }'
  [last_cursor]='{ targets(first: 20, after: "ALL_CURSOR") { nodes { name status } } }'
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
order=(first_page last_cursor page deep_cursor status_filter status_filter_full status_counts department_counts search total_count indicators_total dashboard)
[ -z "${PATHS:-}" ] || read -r -a order <<<"$PATHS"
for name in "${order[@]}"; do [ -n "${queries[$name]:-}" ] || { echo "no read path $name" >&2; exit 1; }; done
read -r -a bins <<<"${BIN:-target/release/plangraph}"

# The cursor of the 21st target from the end of a list at $1 (a GraphQL URL) — health's, or
# with $2 = all, every target's: a page that far into the list. Each store has its own.
deep_cursor() {
  local filter='filter: { planCode: "health" }'
  [ "${2:-}" = all ] && filter=''
  body cursor "{ targets(last: 21 $filter) { pageInfo { startCursor } } }"
  check "$1" cursor | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["targets"]["pageInfo"]["startCursor"])'
}

# Copies the SQLite store $work/$1.db to $work/$2.db with its write-ahead log: what was
# written last may be only there (a copy of the 100× store without it answered the dashboard
# 2× slower).
copy_store() {
  cp "$work/$1.db" "$work/$2.db"
  [ ! -f "$work/$1.db-wal" ] || cp "$work/$1.db-wal" "$work/$2.db-wal"
}

for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  # The base store: the document as the server imports it on first start, with the planner's
  # statistics the server gathers a second after that start (`scale 1` gathers them the same
  # way and copies nothing): the 100× store gets them from the generator.
  if [ "$store" = sqlite ]; then
    base_url="sqlite://$work/base.db?mode=rwc"
    start_plangraph "$base_url" "$port" 0; stop "$server_pid"
    DATABASE_URL="$base_url" RUST_LOG=warn target/release/examples/scale 1 >/dev/null
    copy_store base scaled
    scaled_url="sqlite://$work/scaled.db?mode=rwc"
  else
    fresh_pg plangraph_scale_base; base_url="$url"
    start_plangraph "$base_url" "$port" 0; stop "$server_pid"
    DATABASE_URL="$base_url" RUST_LOG=warn target/release/examples/scale 1 >/dev/null
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_scale WITH (FORCE)" \
      -c "CREATE DATABASE plangraph_scale TEMPLATE plangraph_scale_base" >/dev/null
    databases+=(plangraph_scale); scaled_url="${pg_admin%/*}/plangraph_scale"
  fi
  DATABASE_URL="$scaled_url" RUST_LOG=warn target/release/examples/scale "$factor"
  # Each build serves both stores on its own pair of ports; on SQLite each its own copies,
  # as a second process would wait on the first's migration lock.
  servers=()
  if [ "$store" = sqlite ]; then
    for n in "${!bins[@]}"; do
      for f in base scaled; do [ "$n" = 0 ] || copy_store "$f" "$f-$n"; done
    done
  fi
  for n in "${!bins[@]}"; do
    b_url="$base_url"; s_url="$scaled_url"
    if [ "$store" = sqlite ] && [ "$n" -gt 0 ]; then
      b_url="sqlite://$work/base-$n.db?mode=rwc"; s_url="sqlite://$work/scaled-$n.db?mode=rwc"
    fi
    p=$((port + 2 * n))
    start_plangraph "$b_url" "$p" 0 "${bins[$n]}"; servers+=("$server_pid")
    start_plangraph "$s_url" "$((p + 1))" 0 "${bins[$n]}"; servers+=("$server_pid")
  done
  # Cursors are the stores', not the builds': read once from the first build.
  base_cursor=$(deep_cursor "http://127.0.0.1:$port/graphql")
  scaled_cursor=$(deep_cursor "http://127.0.0.1:$((port + 1))/graphql")
  base_all=$(deep_cursor "http://127.0.0.1:$port/graphql" all)
  scaled_all=$(deep_cursor "http://127.0.0.1:$((port + 1))/graphql" all)

  : > "$work/results"
  for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
      for n in "${!bins[@]}"; do
        for side in base scaled; do
          if [ "$side" = base ]; then p=$((port + 2 * n)); cursor="$base_cursor"; all="$base_all"
          else p=$((port + 2 * n + 1)); cursor="$scaled_cursor"; all="$scaled_all"; fi
          query="${queries[$name]//ALL_CURSOR/$all}"
          body "$name-$side" "${query//CURSOR/$cursor}"
          check "http://127.0.0.1:$p/graphql" "$name-$side" >/dev/null
          read -r _ p50 p99 <<<"$(load "http://127.0.0.1:$p/graphql" "$name-$side" 1)"
          echo "$side-$n $name $p50 $p99" >> "$work/results"
        done
      done
    done
    echo "$store: round $round of $rounds done" >&2
  done
  for pid in "${servers[@]}"; do stop "$pid"; done

  for n in "${!bins[@]}"; do
    echo
    echo "### $store, ${bins[$n]}: one connection, cache off, ${factor}× vs base (ms; medians of $rounds interleaved rounds of $DURATION)"
    echo "| read path | p50 base | p50 ${factor}× | ratio | p99 base | p99 ${factor}× | ratio |"
    echo "|---|---|---|---|---|---|---|"
    median_rows "$work/results" "base-$n" "scaled-$n" "${order[@]}"
  done
done
