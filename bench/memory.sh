#!/usr/bin/env bash
# Memory under load (issue 11, goal 4): 64 connections of deep queries that no cache and no
# coalescing can serve (each request asks for a different page size, so no two in flight are the
# same), response cache off. Samples the server's resident memory every 50 ms and prints its
# peak (VmHWM, the kernel's own high-water mark), requests/s and p99, per store.
#
#   bench/memory.sh [sqlite|postgres|both]      DURATION=10s CONNECTIONS=64 by default
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
connections="${CONNECTIONS:-64}"
export DURATION="${DURATION:-10s}"
port=18192
cargo build --release --quiet --bin plangraph

deep='query($n: Int!) { plans { code title domains { title goals(first: $n) { nodes { kind number text departments { role department { name } } groups } } } } }'
python3 -c 'import json, sys; sys.stdout.write(json.dumps(sys.argv[1]))' "$deep" > "$work/deep.query"
cat > "$work/deep.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/deep.query", "rb")
local query = f:read("*a")
f:close()
local n = 0
-- 41..100 in turn: 60 different requests, more than the connections in flight.
request = function()
  n = n + 1
  local body = '{"query":' .. query .. ',"variables":{"n":' .. (41 + n % 60) .. '}}'
  return wrk.format(nil, nil, nil, body)
end
LUA

echo "| store | connections | requests/s | p50 ms | p99 ms | RSS idle MB | RSS peak MB |"
echo "|---|---|---|---|---|---|---|"
for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then url="sqlite://$work/memory.db?mode=rwc"; else fresh_pg plangraph_memory; fi
  PLANGRAPH_CACHE_BYTES=0 start_plangraph "$url" "$port" 0
  # One answer first, checked: the bench measures answers, not refusals.
  answer=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    --data "{\"query\":$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$deep"),\"variables\":{\"n\":100}}")
  case "$answer" in *'"errors"'*|'') echo "deep query failed: ${answer:0:300}" >&2; exit 1 ;; esac
  idle=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
  read -r rps p50 p99 <<<"$(load "http://127.0.0.1:$port/graphql" deep "$connections")"
  peak=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
  echo "| $store | $connections | $rps | $p50 | $p99 | $idle | $peak |"
  stop "$server_pid"
done
