#!/usr/bin/env bash
# The worst documents the checks accept (issue 27): first what the checks cost on each, and
# what async-graphql's validation then does with it, at the cap and past it (examples/checks.rs);
# then the server under 16 connections sending them, response cache off so that every request
# is parsed, checked, validated and executed: requests/s, p99 and the server's peak resident
# memory (VmHWM) per store. Goal: peak under 200 MB.
#
#   bench/hostile.sh [sqlite|postgres|both]      DURATION=10s CONNECTIONS=16 by default
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
connections="${CONNECTIONS:-16}"
export DURATION="${DURATION:-10s}"
port=18195
cargo build --release --quiet --bin plangraph --example checks

echo "### The checks on the largest accepted documents (and past the cap, raised to fit)"
target/release/examples/checks 21 2000 8000 32000
target/release/examples/checks --emit "$work"
shapes=("$work"/shape*.json)

# One wrk script that sends the shapes in turn.
{
  echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo 'local bodies = {}'
  for f in "${shapes[@]}"; do
    echo "do local f = io.open(\"$f\", \"rb\"); bodies[#bodies + 1] = f:read(\"*a\"); f:close() end"
  done
  echo 'local n = 0'
  echo 'request = function() n = n + 1; return wrk.format(nil, nil, nil, bodies[n % #bodies + 1]) end'
} > "$work/hostile.lua"

echo
echo "### $connections connections sending the four shapes in turn, for $DURATION"
echo "| store | requests/s | p50 ms | p99 ms | RSS idle MB | RSS peak MB |"
echo "|---|---|---|---|---|---|"
for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then url="sqlite://$work/hostile.db?mode=rwc"; else fresh_pg plangraph_hostile; fi
  PLANGRAPH_CACHE_BYTES=0 start_plangraph "$url" "$port" 0
  for f in "${shapes[@]}"; do
    answer=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data-binary @"$f")
    case "$answer" in *'"errors"'*|'') echo "$f was not answered: ${answer:0:300}" >&2; exit 1 ;; esac
  done
  idle=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
  read -r rps p50 p99 <<<"$(load "http://127.0.0.1:$port/graphql" hostile "$connections")"
  peak=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
  echo "| $store | $rps | $p50 | $p99 | $idle | $peak |"
  stop "$server_pid"
done
