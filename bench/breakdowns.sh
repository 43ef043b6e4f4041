#!/usr/bin/env bash
# Reads over figures by breakdown (issue 33): the store at 100× the document (the generator's
# `scale 100`), and the same store with values by sex and by urban/rural on a quarter of its
# indicators (`BREAKDOWNS=1`: four cells per year with a total, about as many rows again as
# the totals). Both are served at once (two servers on core 0, only one loaded at a time) and
# measured in interleaved rounds, as bench/scale.sh does, on the paths a reader of such data
# takes: the health dashboard (bench/scale.sh's query: 100 targets with their indicators'
# latest totals), an indicator's page (/indicators/{id}, HTML with its values, cells and the
# sexes compared) and the same indicator over GraphQL with the new fields (its series, every
# published value, breakdownCoverage, consistency and gap of a year). Prints, per path, the
# medians over the rounds of p50 and p99, and their ratios with / without breakdowns. The
# indicator is the first with cells among the 100 last (copies, each with ten years of totals).
#
#   bench/breakdowns.sh [sqlite|postgres|both]      ROUNDS=5 DURATION=3s by default
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
rounds="${ROUNDS:-5}"
export DURATION="${DURATION:-3s}"
port="${BENCH_PORT:-18192}"
export PLANGRAPH_CACHE_BYTES=0

cargo build --release --quiet --bin plangraph --example scale

dashboard='{ plan(code: "health") { targets(first: 100) { totalCount nodes { id name unit nature value raw indicator { latestValue { year value } } progress status } } } }'
indicator='{ indicator(id: "ID") { name series { year value } values { year value breakdown { code } } breakdownCoverage { breakdown { code } years } consistency(year: 2023) { rule ok imbalance } gap(year: 2023) { parityIndex favours } } }'
order=(dashboard indicator_page indicator_api)

# A wrk script at $work/$1.lua that GETs whatever URL wrk is given.
get_body() {
  printf 'wrk.method = "GET"\n' > "$work/$1.lua"
}

for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then
    plain_url="sqlite://$work/plain.db?mode=rwc"
    start_plangraph "$plain_url" "$port" 0; stop "$server_pid"
    DATABASE_URL="$plain_url" RUST_LOG=warn target/release/examples/scale 100
    cp "$work/plain.db" "$work/cells.db"
    cells_url="sqlite://$work/cells.db?mode=rwc"
  else
    fresh_pg plangraph_cells_plain; plain_url="$url"
    start_plangraph "$plain_url" "$port" 0; stop "$server_pid"
    DATABASE_URL="$plain_url" RUST_LOG=warn target/release/examples/scale 100
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS plangraph_cells WITH (FORCE)" \
      -c "CREATE DATABASE plangraph_cells TEMPLATE plangraph_cells_plain" >/dev/null
    databases+=(plangraph_cells); cells_url="${pg_admin%/*}/plangraph_cells"
  fi
  # `scale 1` copies nothing more; BREAKDOWNS=1 adds the cells.
  DATABASE_URL="$cells_url" BREAKDOWNS=1 RUST_LOG=warn target/release/examples/scale 1
  start_plangraph "$plain_url" "$port" 0; plain_pid="$server_pid"
  start_plangraph "$cells_url" "$((port + 1))" 0; cells_pid="$server_pid"
  body pick '{ indicators(last: 100) { nodes { id breakdownCoverage { years } } } }'
  id=$(check "http://127.0.0.1:$((port + 1))/graphql" pick | python3 -c '
import json, sys
nodes = json.load(sys.stdin)["data"]["indicators"]["nodes"]
print(next(n["id"] for n in nodes if n["breakdownCoverage"]))')
  body dashboard "$dashboard"
  body indicator_api "${indicator//ID/$id}"
  get_body indicator_page

  : > "$work/results"
  for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
      for side in plain cells; do
        if [ "$side" = plain ]; then p="$port"; else p="$((port + 1))"; fi
        if [ "$name" = indicator_page ]; then
          url="http://127.0.0.1:$p/indicators/$id"
          curl -sf "$url" >/dev/null || { echo "$url failed" >&2; exit 1; }
        else
          url="http://127.0.0.1:$p/graphql"
          check "$url" "$name" >/dev/null
        fi
        read -r _ p50 p99 <<<"$(load "$url" "$name" 1)"
        echo "$side $name $p50 $p99" >> "$work/results"
      done
    done
    echo "$store: round $round of $rounds done" >&2
  done
  stop "$plain_pid"; stop "$cells_pid"

  echo
  echo "### $store: one connection, cache off, 100× with breakdowns on a quarter of the indicators vs 100× (ms; medians of $rounds interleaved rounds of $DURATION)"
  echo "| read path | p50 100× | p50 with breakdowns | ratio | p99 100× | p99 with breakdowns | ratio |"
  echo "|---|---|---|---|---|---|---|"
  median_rows "$work/results" plain cells "${order[@]}"
done
