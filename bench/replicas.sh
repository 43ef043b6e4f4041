#!/usr/bin/env bash
# Several processes on one PostgreSQL database (issue 11, goal 5).
#
# 1. Consistency: three processes; every one answers an indicator's latest value (and caches
#    it); a value is submitted through the first and approved through the second; the time until
#    each answers the new value is how long its cache took to learn of it (PostgreSQL NOTIFY,
#    no polling of the store).
# 2. Throughput: one process against two on the same database, the deep query, 16 connections
#    in all (two wrk processes of 8, one per server, when there are two), with the response
#    cache on and off. Nothing is pinned: on a two-core machine the servers, wrk and PostgreSQL
#    share both cores, as they would on such a host.
#
#   bench/replicas.sh            DURATION=8s by default
source "$(dirname "$0")/lib.sh"
export DURATION="${DURATION:-8s}"
ports=(18195 18196 18197)
cargo build --release --quiet --bin plangraph

fresh_pg plangraph_replicas
export DATABASE_URL="$url"
gql() { # $1 port, $2 query, $3 variables JSON, $4 token → JSON answer
  local vars="${3:-}"
  [ -n "$vars" ] || vars='{}'
  python3 -c 'import json, sys; sys.stdout.write(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$2" "$vars" |
    curl -s "http://127.0.0.1:$1/graphql" -H 'content-type: application/json' \
      ${4:+-H "authorization: Bearer $4"} --data-binary @-
}
field() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

echo "## 1. Consistency across three processes"
for port in "${ports[@]}"; do start_plangraph "$url" "$port" 0-1; done
echo bench-password-1 | RUST_LOG=warn target/release/plangraph user add --username bench.submit --role submitter --department 县卫健局 >/dev/null
echo bench-password-1 | RUST_LOG=warn target/release/plangraph user add --username bench.review --role reviewer >/dev/null
login='mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }'
submitter=$(gql "${ports[0]}" "$login" '{"u": "bench.submit", "p": "bench-password-1"}' | field '["data"]["login"]["token"]')
reviewer=$(gql "${ports[0]}" "$login" '{"u": "bench.review", "p": "bench-password-1"}' | field '["data"]["login"]["token"]')
# 宫颈癌、乳腺癌免费检查率, which the submitter's department reports.
screening=$(gql "${ports[0]}" '{ targets(first: 1, filter: { planCode: "women", text: "宫颈癌、乳腺癌免费检查率" }) { nodes { indicator { id } } } }' | field '["data"]["targets"]["nodes"][0]["indicator"]["id"]')
latest="{ node(id: \"$screening\") { ... on Indicator { latestValue { year value } } } }"
for port in "${ports[@]}"; do
  echo "process on $port: latest value $(gql "$port" "$latest" | field '["data"]["node"]["latestValue"]') (now cached)"
  gql "$port" "$latest" >/dev/null
done
value=$(gql "${ports[0]}" 'mutation($i: ID!) { submitValue(input: { indicatorId: $i, year: 2024, value: 93.5 }) { value { id } } }' "{\"i\": \"$screening\"}" "$submitter" | field '["data"]["submitValue"]["value"]["id"]')
python3 - "${ports[@]}" "$value" "$reviewer" "$latest" <<'PY'
import json, sys, time, urllib.request
ports, value, token, latest = sys.argv[1:4], sys.argv[4], sys.argv[5], sys.argv[6]
def gql(port, query, variables=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                 json.dumps({"query": query, "variables": variables or {}}).encode(), headers)
    body = json.load(urllib.request.urlopen(req))
    if body.get("errors"):
        raise SystemExit(f"{port}: {body['errors']}")
    return body["data"]
# Approved through the second process; read through the third, the first and the second.
gql(ports[1], "mutation($id: ID!) { reviewValue(input: { id: $id, decision: APPROVE }) { value { id } } }", {"id": value}, token)
approved = time.monotonic()
for port in (ports[2], ports[0], ports[1]):
    polls = 0
    while True:
        polls += 1
        now = gql(port, latest)["node"]["latestValue"]
        if now == {"year": 2024, "value": 93.5}:
            print(f"process on {port}: {now} {1000 * (time.monotonic() - approved):.1f} ms after the approval returned ({polls} reads)")
            break
        if time.monotonic() - approved > 5:
            raise SystemExit(f"process on {port} still answers {now} after 5 s")
        time.sleep(0.001)
PY
for pid in "${pids[@]}"; do stop "$pid"; done
pids=()

echo
echo "## 2. Throughput: one process against two (16 connections in all, nothing pinned)"
deep='{ plans { code title domains { title goals(first: 100) { nodes { kind number text departments { role department { name } } groups } } } } }'
body deep "$deep"
run() { # $1 cache bytes, $2 processes → "rps p99" in $work/run (no subshell: servers it starts
  # stay known to the cleanup)
  local started=() loads=() rps=0 p99=0
  for i in $(seq 0 $(( $2 - 1 ))); do
    PLANGRAPH_CACHE_BYTES="$1" start_plangraph "$url" "${ports[$i]}" 0-1
    started+=("$server_pid")
    check "http://127.0.0.1:${ports[$i]}/graphql" deep >/dev/null
  done
  for i in $(seq 0 $(( $2 - 1 ))); do
    LOAD_CORES=0-1 load "http://127.0.0.1:${ports[$i]}/graphql" deep $(( 16 / $2 )) > "$work/load-$i" &
    loads+=($!)
  done
  for pid in "${loads[@]}"; do wait "$pid"; done
  for i in $(seq 0 $(( $2 - 1 ))); do
    read -r r _ q < "$work/load-$i"
    rps=$(python3 -c "print($rps + $r)"); p99=$(python3 -c "print(max($p99, $q))")
  done
  for pid in "${started[@]}"; do stop "$pid"; done
  echo "$rps $p99" > "$work/run"
}
echo "| cache | processes | requests/s | p99 ms |"
echo "|---|---|---|---|"
for cache in "" 0; do  # "": the default size
  label=$([ "$cache" = 0 ] && echo off || echo on)
  run "$cache" 1; read -r one one99 < "$work/run"
  run "$cache" 2; read -r two two99 < "$work/run"
  echo "| $label | 1 | $one | $one99 |"
  echo "| $label | 2 | $two | $two99 |"
  python3 -c "import sys; print(f'| {sys.argv[1]} | 2 vs 1 | {float(sys.argv[3])/float(sys.argv[2]):.2f}× | {float(sys.argv[5])/float(sys.argv[4]):.2f}× |')" "$label" "$one" "$two" "$one99" "$two99"
done
