#!/usr/bin/env bash
# asOf at 100× data (issue 32): the same queries answered now and asOf an instant, on one
# store grown to 100× by the generator, one connection, response cache off, interleaved
# rounds (now, asOf, now, asOf… per query) so that the machine's drift falls on both sides.
# Also the first asOf request (which makes the copy of the store at that publication) and the
# time to freeze a final evaluation of all plans. Prints medians of p50 and p99 and the ratio
# asOf / now (goal: p50 within 1.5×).
#
#   bench/asof.sh [sqlite|postgres|both]      ROUNDS=5 DURATION=3s FACTOR=100 by default
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
rounds="${ROUNDS:-5}"
export DURATION="${DURATION:-3s}"
factor="${FACTOR:-100}"
port="${BENCH_PORT:-18192}"
export PLANGRAPH_CACHE_BYTES=0

cargo build --release --quiet --bin plangraph --example scale

declare -A queries=(
  [page]='{ targets(first: 20, filter: { planCode: "health" }) { nodes { name status } } }'
  [status_counts]='{ plans { code statusCounts { status count } } }'
  [search]='{ search(text: "婴儿死亡率", first: 20) { totalCount nodes { __typename } } }'
  [dashboard]='{ plan(code: "health") { targets(first: 100) { totalCount nodes { id name unit nature value raw indicator { latestValue { year value } } progress status } } } }'
  [series]='{ indicators(first: 20, filter: { text: "死亡率" }) { totalCount nodes { name values { year value } targets { status statusReason(language: EN) } } } }'
)
order=(page status_counts search dashboard series)

# body $1 with `extensions.asOf` $3 for query $2.
body_asof() {
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1], "extensions": {"asOf": sys.argv[2]}}))' "$2" "$3" > "$work/$1.json"
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$1.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
}

for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then
    url="sqlite://$work/scaled.db?mode=rwc"
  else
    fresh_pg plangraph_asof
  fi
  start_plangraph "$url" "$port" 0; stop "$server_pid"
  DATABASE_URL="$url" RUST_LOG=warn target/release/examples/scale "$factor"
  start_plangraph "$url" "$port" 0
  gql="http://127.0.0.1:$port/graphql"
  sleep 1.1  # the instant after the last publication by a whole second
  instant=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)

  # The first asOf request makes the copy; the next ones read it.
  body_asof first "{ plans { code } }" "$instant"
  first_ms=$(curl -s -o /dev/null -w '%{time_total}' "$gql" -H 'content-type: application/json' --data-binary @"$work/first.json" | awk '{printf "%.0f", $1 * 1000}')
  second_ms=$(curl -s -o /dev/null -w '%{time_total}' "$gql" -H 'content-type: application/json' --data-binary @"$work/first.json" | awk '{printf "%.1f", $1 * 1000}')

  : > "$work/results"
  for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
      body "$name-now" "${queries[$name]}"
      body_asof "$name-asof" "${queries[$name]}" "$instant"
      now=$(check "$gql" "$name-now")
      past=$(check "$gql" "$name-asof")
      # The same data: the asOf answer is the current one with extensions after it.
      [ "${past:0:${#now}-1}" = "${now:0:${#now}-1}" ] || { echo "$name: asOf answer differs" >&2; exit 1; }
      for side in now asof; do
        read -r _ p50 p99 <<<"$(load "$gql" "$name-$side" 1)"
        echo "$side $name $p50 $p99" >> "$work/results"
      done
    done
    echo "$store: round $round of $rounds done" >&2
  done

  # Freezing a final evaluation of every plan at 100× (one reviewer, one request, timed).
  stop "$server_pid"
  printf 'bench-password-1\n' | DATABASE_URL="$url" RUST_LOG=warn target/release/plangraph user add --username bench.rev --role reviewer >/dev/null
  start_plangraph "$url" "$port" 0
  token=$(curl -s "$gql" -H 'content-type: application/json' -d '{"query":"mutation { login(input: { username: \"bench.rev\", password: \"bench-password-1\" }) { token } }"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["token"])')
  freeze='{"query":"mutation { freezeEvaluation(input: { kind: FINAL, throughYear: 2025 }) { itemCount } }"}'
  freeze_out=$(curl -s -w ' %{time_total}' "$gql" -H 'content-type: application/json' -H "authorization: Bearer $token" -d "$freeze")
  case "$freeze_out" in *'"itemCount"'*) ;; *) echo "freeze failed: ${freeze_out:0:400}" >&2; exit 1 ;; esac
  freeze_ms=$(awk '{printf "%.0f", $NF * 1000}' <<<"$freeze_out")
  items=$(sed -E 's/.*"itemCount":([0-9]+).*/\1/' <<<"$freeze_out")
  stop "$server_pid"

  echo
  echo "### $store at ${factor}×: now vs asOf, one connection, cache off (ms; medians of $rounds interleaved rounds of $DURATION)"
  echo "first asOf request (makes the copy): $first_ms ms; the next: $second_ms ms; freezing a final evaluation of all plans ($items targets): $freeze_ms ms"
  echo
  echo "| query | p50 now | p50 asOf | ratio | p99 now | p99 asOf | ratio |"
  echo "|---|---|---|---|---|---|---|"
  median_rows "$work/results" now asof "${order[@]}"
done
